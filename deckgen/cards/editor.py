"""Change one card of a cards.yaml in place, as text, without touching anything else.

``deckgen review`` keeps, skips and rewords cards one at a time. Like the writer
(``deckgen.cards.writer``), it never re-serializes the file: the card's mapping is
found by its YAML node marks, and only the values that change are rewritten (a key
that appears is added on its own line after the card's last key, or after ``text``
for ``extra``; a key that goes is removed with its line). Comments, key order,
quoting and blank lines, and every other card, source and the deck, stay byte for
byte as they were. The result is parsed again: if any other card, source or the
deck would read differently, or the card itself not exactly as asked, nothing is
returned but an error. A value the card may not have (an empty front, a broken
cloze) is refused with the very problem ``deckgen check`` reports.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from deckgen.cards.model import TYPE_KEYS, Card, CardsFile
from deckgen.cards.nodes import compose_yaml
from deckgen.cards.reader import parse_cards
from deckgen.cards.writer import line_end as _line_end
from deckgen.cards.writer import quoted, scalar
from deckgen.errors import CardsFileError, Problem

# The fields a person rewords, by card type.
TEXT_KEYS = TYPE_KEYS
_REFUSED_HINT = "please report this, with the file"


@functools.lru_cache(maxsize=4)
def parsed(text: str, path: Path) -> CardsFile:
    """``parse_cards``, remembered for the last few texts: a review reads the file it
    wrote last time, so a decision parses only the text it writes."""
    return parse_cards(text, path)


@functools.lru_cache(maxsize=4)
def _composed(text: str) -> yaml.Node | None:
    return compose_yaml(text)


def card_digest(card: Card) -> str:
    """A digest of what the card says (its type and text): what a review vouches for."""
    fields = [card.type] + [getattr(card, key) or "" for key in TEXT_KEYS[card.type]]
    return hashlib.sha256(json.dumps(fields).encode("utf-8")).hexdigest()[:16]


def card_version(card: Card) -> str:
    """A digest of everything the card holds but its line: it changes with any edit."""
    fields = dataclasses.asdict(dataclasses.replace(card, line=0))
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class CardText:
    """Where a card's mapping is in the file's text: ``text[start:end]`` is the card
    from its first key to the end of its last value's line."""

    start: int
    end: int
    body: str


def find_card_text(text: str, path: Path, card_id: str) -> CardText:
    """The span of the card ``card_id`` in ``text``; CardsFileError when it is not there."""
    node = _card_node(text, path, card_id)
    end = _value_end(text, node)
    return CardText(node.start_mark.index, end, text[node.start_mark.index : end])


def replace_card_text(text: str, path: Path, card_id: str, body: str) -> str:
    """The file with the card ``card_id`` written as ``body`` (a span ``find_card_text``
    gave before): how an undo puts a card back byte for byte. Verified like any edit."""
    before = parsed(text, path)
    span = find_card_text(text, path, card_id)
    result = text[: span.start] + body + text[span.end :]
    restored = _parse_safely(result, path, card_id)
    expected = next((c for c in restored.cards if c.id == card_id), None)
    if expected is None:
        raise CardsFileError(Problem("the card could not be put back", str(path), card=card_id))
    _verify(before, restored, path, expected)
    return result


def set_card_keys(
    text: str,
    path: Path,
    card_id: str,
    changes: Mapping[str, str | None],
    before: CardsFile | None = None,
) -> tuple[str, Card]:
    """The file with the card's keys set to ``changes`` (None removes a key), and the
    card as it now reads. Raises CardsFileError with ``deckgen check``'s problem when
    the card would not be valid, or when the edit would change anything else.
    ``before`` is ``text`` parsed, when the caller has it."""
    before = before if before is not None else parsed(text, path)
    node = _card_node(text, path, card_id)
    fields = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    newline = "\r\n" if text[: text.find("\n") + 1].endswith("\r\n") else "\n"
    key_indent = node.value[0][0].start_mark.column
    edits: list[tuple[int, int, str]] = []
    additions: dict[int, list[str]] = {}
    for key, value in changes.items():
        if key in fields:
            key_node, value_node = fields[key]
            if value is None:
                edits.append(_removal(text, path, key_node, value_node))
            else:
                column = key_node.start_mark.column
                edits.append(_replacement(text, value_node, value, column, raw=key == "skip"))
        elif value is not None:
            anchor = fields["text"][1] if key == "extra" and "text" in fields else node
            where = _value_end(text, anchor)
            rendered = value if key == "skip" else _rendered(value, key_indent, multiline_ok=True)
            additions.setdefault(where, []).append(f"{' ' * key_indent}{key}: {rendered}\n")
    for where, lines in additions.items():
        prefix = "" if where == 0 or text[where - 1] == "\n" else "\n"
        edits.append((where, where, prefix + "".join(lines)))
    result = text
    for start, end, replacement in sorted(edits, key=lambda e: e[0], reverse=True):
        if newline != "\n":
            replacement = replacement.replace("\r\n", "\n").replace("\n", newline)
        result = result[:start] + replacement + result[end:]
    after = _parse_safely(result, path, card_id)
    card = next(c for c in after.cards if c.id == card_id)
    old = next(c for c in before.cards if c.id == card_id)
    expected = _expected(old, changes)
    if dataclasses.replace(card, line=0) != dataclasses.replace(expected, line=0):
        raise CardsFileError(
            Problem(
                "deckgen could not change this card without changing what it says; "
                "the file was left unchanged",
                str(path),
                old.line,
                card_id,
                hint=_REFUSED_HINT,
            )
        )
    _verify(before, after, path, card)
    return result, card


def skip_card(
    text: str, path: Path, card_id: str, before: CardsFile | None = None
) -> tuple[str, Card]:
    """The card marked ``skip: true`` (as a person would write it)."""
    return set_card_keys(text, path, card_id, {"skip": "true"}, before)


def keep_card(
    text: str, path: Path, card_id: str, before: CardsFile | None = None
) -> tuple[str, Card]:
    """The card in the deck: a ``skip:`` key is removed; otherwise nothing changes."""
    before = before if before is not None else parsed(text, path)
    card = _find(before, path, card_id)
    if not card.skip:
        return text, card
    return set_card_keys(text, path, card_id, {"skip": None}, before)


def edit_card(
    text: str,
    path: Path,
    card_id: str,
    values: Mapping[str, str],
    before: CardsFile | None = None,
) -> tuple[str, Card]:
    """The card's text reworded: ``front``/``back`` for a basic card, ``text``/``extra``
    for a cloze (an empty ``extra`` is removed). Values are trimmed as the reader trims
    them; a value equal to what the card says leaves its key as written."""
    before = before if before is not None else parsed(text, path)
    card = _find(before, path, card_id)
    changes: dict[str, str | None] = {}
    for key, raw in values.items():
        if key not in TEXT_KEYS[card.type]:
            raise CardsFileError(
                Problem(
                    f"a {card.type} card has no '{key}'",
                    str(path),
                    card.line,
                    card_id,
                    hint="edit " + " and ".join(TEXT_KEYS[card.type]),
                )
            )
        value = raw.strip()
        if value == (getattr(card, key) or ""):
            continue
        changes[key] = None if key == "extra" and not value else value
    if not changes:
        return text, card
    return set_card_keys(text, path, card_id, changes, before)


# ----------------------------------------------------------------------- the text


def _card_node(text: str, path: Path, card_id: str) -> yaml.MappingNode:
    root = _composed(text)
    cards = None
    if isinstance(root, yaml.MappingNode):
        cards = next((v for k, v in root.value if k.value == "cards"), None)
    for item in cards.value if isinstance(cards, yaml.SequenceNode) else []:
        if not isinstance(item, yaml.MappingNode):
            continue
        ids = [v for k, v in item.value if k.value == "id" and isinstance(v, yaml.ScalarNode)]
        if ids and ids[0].value.strip() == card_id:
            if item.flow_style or (isinstance(cards, yaml.SequenceNode) and cards.flow_style):
                raise CardsFileError(
                    Problem(
                        "deckgen cannot change a card written in { } style",
                        str(path),
                        item.start_mark.line + 1,
                        card_id,
                        hint="write the card as '- id: ...' lines, as in the README",
                    )
                )
            return item
    raise _missing(path, card_id)


def _find(cards_file: CardsFile, path: Path, card_id: str) -> Card:
    card = next((c for c in cards_file.cards if c.id == card_id), None)
    if card is None:
        raise _missing(path, card_id)
    return card


def _missing(path: Path, card_id: str) -> CardsFileError:
    return CardsFileError(
        Problem(
            "no such card in the file (renamed or deleted?)",
            str(path),
            card=card_id,
            hint="reload the page",
        )
    )


def _value_end(text: str, node: yaml.Node) -> int:
    """Just past the line on which ``node`` (or its last value) ends; a block scalar's
    trailing blank lines stay after it."""
    last = node
    while isinstance(last, (yaml.MappingNode, yaml.SequenceNode)) and last.value:
        last = last.value[-1][1] if isinstance(last, yaml.MappingNode) else last.value[-1]
    start, end = last.start_mark.index, last.end_mark.index
    content_end = start + len(text[start:end].rstrip(" \t\r\n"))
    return _line_end(text, max(content_end - 1, start))


def _rendered(value: str, indent: int, *, multiline_ok: bool) -> str:
    """``value`` as the writer writes it; double-quoted on one line where a folded
    block could not stand (a comment follows on the line)."""
    rendered = scalar(value, indent)
    if "\n" in rendered and not multiline_ok:
        rendered = quoted(value)
    return rendered


def _replacement(
    text: str, node: yaml.ScalarNode, value: str, indent: int, *, raw: bool = False
) -> tuple[int, int, str]:
    start = node.start_mark.index
    if node.style in ("|", ">"):
        end = _value_end(text, node)
        rest = ""
    else:
        end = node.end_mark.index
        rest = text[end : _line_end(text, end)]
    # A folded value runs to the end of its line: only where nothing (a comment) follows.
    rendered = value if raw else _rendered(value, indent, multiline_ok=not rest.strip())
    if node.style in ("|", ">"):
        rendered += "\n"
    return (start, end, rendered)


def _removal(text: str, path: Path, key: yaml.Node, value: yaml.Node) -> tuple[int, int, str]:
    line_start = text.rfind("\n", 0, key.start_mark.index) + 1
    if text[line_start : key.start_mark.index].strip():  # '- skip: true': the card's first key
        raise CardsFileError(
            Problem(
                f"deckgen cannot remove '{key.value}' from the line that starts the card",
                str(path),
                key.start_mark.line + 1,
                hint=f"move '{key.value}' below 'id'",
            )
        )
    return (line_start, _value_end(text, value), "")


def _parse_safely(result: str, path: Path, card_id: str) -> CardsFile:
    """``result`` parsed; else the problems of the card (what ``check`` says)."""
    try:
        return parsed(result, path)
    except CardsFileError as error:
        mine = [p for p in error.problems if p.card == card_id]
        if mine:
            raise CardsFileError(*mine) from None
        raise CardsFileError(
            Problem(
                f"deckgen could not change this card safely ({error.problems[0].message}); "
                "the file was left unchanged",
                str(path),
                card=card_id,
                hint=_REFUSED_HINT,
            )
        ) from None


def _expected(card: Card, changes: Mapping[str, str | None]) -> Card:
    updates: dict[str, object] = {}
    for key, value in changes.items():
        if key == "skip":
            updates["skip"] = value is not None and value.strip().lower() in ("true", "yes", "on")
        else:
            updates[key] = value.strip() if value is not None else None
    return dataclasses.replace(card, **updates)


def _verify(before: CardsFile, after: CardsFile, path: Path, card: Card) -> None:
    """Every card but ``card``, every source and the deck read as before."""

    def unlocated(item):
        return dataclasses.replace(item, line=0)

    expected = [unlocated(card) if c.id == card.id else unlocated(c) for c in before.cards]
    if (
        [unlocated(c) for c in after.cards] != expected
        or [unlocated(s) for s in after.sources] != [unlocated(s) for s in before.sources]
        or after.deck != before.deck
    ):
        raise CardsFileError(
            Problem(
                "deckgen could not change this card without changing others; "
                "the file was left unchanged",
                str(path),
                card=card.id,
                hint=_REFUSED_HINT,
            )
        )
