"""Add sources and cards to a cards.yaml without touching a byte a person wrote.

cards.yaml belongs to the person editing it, so deckgen never re-serializes it: new
source entries are inserted as text at the end of the ``sources:`` block, new cards
are appended after the last card under a comment naming the source and the date,
in the indentation the file already uses. Everything else (comments, key order,
quoting, blank lines, their own cards and edits) stays exactly as it was. Before
anything is written the result is parsed again and compared with the original: if
an existing card would read differently, nothing is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from deckgen.cards.model import Card, CardsFile, Source
from deckgen.cards.nodes import compose_yaml
from deckgen.cards.reader import parse_cards
from deckgen.errors import CardsFileError, Problem
from deckgen.fsutil import UNCHECKED, write_file
from deckgen.state import now_seconds

SCHEMA_FILE = Path(__file__).parent.parent / "cards.schema.json"
_FOLD_WIDTH = 88
# What a YAML stream may not hold as such (PyYAML's Reader.NON_PRINTABLE).
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Addition:
    """New cards of one source, to be appended under one comment."""

    source_id: str
    cards: tuple[Card, ...]
    # Who drafted them, when not the offline drafter: "--llm MODEL", named in the header.
    drafter: str = ""


def schema_comment(cards_path: Path) -> str:
    """The yaml-language-server modeline pointing editors at deckgen's JSON Schema: a
    copy beside cards.yaml (``copy_schema_beside``), which moves with the folder, where
    a path into the installed package broke when the virtualenv moved."""
    return f"# yaml-language-server: $schema={SCHEMA_FILE.name}\n"


def copy_schema_beside(cards_path: Path, text: str) -> None:
    """Write deckgen's schema beside a cards.yaml whose modeline points there, or bring
    an older copy up to date. A file of that name that is not deckgen's is left alone."""
    if not text.startswith(schema_comment(cards_path).rstrip("\n")):
        return
    target = cards_path.parent / SCHEMA_FILE.name
    shipped = SCHEMA_FILE.read_bytes()
    try:
        current = target.read_bytes()
    except OSError:
        current = None
    if current == shipped:
        return
    if current is not None and b'"$id": "https://deckgen.invalid/cards.schema.json"' not in current:
        return
    write_file(target, shipped, what="the schema for editors", error=CardsFileError)


def new_cards_file_text(cards_path: Path, deck_name: str, deck_id: int) -> str:
    return (
        schema_comment(cards_path)
        + "#\n# Cards for deckgen. Edit freely: deckgen only ever adds to this file.\n"
        + "# `deckgen check` validates it; `deckgen build` turns it into an Anki deck.\n\n"
        + "deck:\n"
        + f"  name: {scalar(deck_name, 2)}\n"
        + f"  id: {deck_id}\n\n"
        + "sources:\n\ncards:\n"
    )


def deck_id_for(seed: str) -> int:
    """A stable deck id derived from ``seed`` (Anki wants it fixed, not necessarily random)."""
    digest = int(hashlib.sha256(seed.encode("utf-8")).hexdigest()[:12], 16)
    return (1 << 30) + digest % (1 << 30)


def today() -> str:
    return dt.datetime.fromtimestamp(now_seconds(), tz=dt.timezone.utc).date().isoformat()


# ----------------------------------------------------------------------- YAML scalars


def scalar(value: str, indent: int) -> str:
    """``value`` as a YAML scalar that reads back as exactly ``value``.

    Plain where that is safe (also for YAML 1.1 readers, so 'no' and '13:10' are
    quoted), folded (``>-``) for long single-line text, double-quoted otherwise.
    """
    if _plain_ok(value):
        return value
    if len(value) > _FOLD_WIDTH - indent and "\n" not in value:
        lines = textwrap.wrap(
            value, width=_FOLD_WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False
        )
        folded = ">-\n" + "\n".join(" " * (indent + 2) + line for line in lines)
        if _reads_back(folded, value, indent):
            return folded
    return quoted(value)


def quoted(value: str) -> str:
    """``value`` as a double-quoted YAML scalar on one line."""
    # YAML may not hold some characters (U+FFFE, C1 controls) even quoted: escape them.
    return _NOT_YAML.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False)
    )


def _plain_ok(value: str) -> bool:
    if not value or value != value.strip() or "\n" in value or len(value) > _FOLD_WIDTH - 20:
        return False
    if value[0] in "!&*{}[]|>'\"%@`#,?:-" or ": " in value or " #" in value or value.endswith(":"):
        return False
    resolved = yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False))
    return resolved == "tag:yaml.org,2002:str" and _reads_back(value, value, 0)


def _reads_back(text: str, value: str, indent: int) -> bool:
    try:
        node = compose_yaml("k: " + text.replace("\n" + " " * (indent + 2), "\n  "))
    except yaml.YAMLError:
        return False
    return isinstance(node, yaml.MappingNode) and node.value[0][1].value == value


def render_card(card: Card, dash_indent: int, key_indent: int) -> str:
    """A card as a block-sequence item, keys in the order people read them."""
    fields: list[tuple[str, str | int | list[str]]] = [("id", card.id)]
    if card.type == "cloze":
        fields += [("type", "cloze"), ("text", card.text or "")]
        if card.extra:
            fields.append(("extra", card.extra))
    else:
        fields += [("front", card.front or ""), ("back", card.back or "")]
    if card.sources:
        fields.append(("source", card.sources[0] if len(card.sources) == 1 else list(card.sources)))
    if card.time is not None:
        fields.append(("time", card.time_text))
    if card.paragraph is not None:
        fields.append(("paragraph", card.paragraph))
    if card.quote:
        fields.append(("quote", card.quote))
    if card.tags:
        fields.append(("tags", list(card.tags)))
    lines = []
    for number, (key, value) in enumerate(fields):
        prefix = " " * dash_indent + "- " if number == 0 else " " * key_indent
        if isinstance(value, int):
            rendered = str(value)
        elif isinstance(value, list):
            rendered = "[" + ", ".join(scalar(v, key_indent) for v in value) + "]"
        else:
            rendered = scalar(value, key_indent)
        lines.append(f"{prefix}{key}: {rendered}")
    return "\n".join(lines) + "\n"


def render_source(source: Source, indent: int) -> str:
    lines = [" " * indent + f"{source.id}:"]
    pad = " " * (indent + 2)
    lines.append(f"{pad}title: {scalar(source.title, indent + 2)}")
    if source.file:
        lines.append(f"{pad}file: {scalar(source.file, indent + 2)}")
    if source.url:
        lines.append(f"{pad}url: {scalar(source.url, indent + 2)}")
    if source.media:
        lines.append(f"{pad}media: {scalar(source.media, indent + 2)}")
    lines.append(f"{pad}kind: {source.kind}")
    if source.summary_of:
        lines.append(f"{pad}summary_of: {source.summary_of}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------- insertion


def add_to_cards_text(
    text: str,
    path: Path,
    sources: list[Source],
    additions: list[Addition],
    *,
    date: str | None = None,
) -> str:
    """The cards.yaml text with ``sources`` and ``additions`` added; raises CardsFileError
    when the text does not parse or cannot be added to safely."""
    before = parse_cards(text, path)
    root = compose_yaml(text)
    top = {k.value: (k, v) for k, v in root.value}
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied back to front

    if sources:
        edits.append(_sources_edit(text, path, top, sources))
    cards_to_add = [a for a in additions if a.cards]
    if cards_to_add:
        edits.append(_cards_edit(text, path, root, top, cards_to_add, date or today()))

    # New lines end the way the file's lines do (CRLF from Windows editors).
    newline = "\r\n" if text[: text.find("\n") + 1].endswith("\r\n") else "\n"
    result = text
    for start, end, replacement in sorted(edits, key=lambda e: e[0], reverse=True):
        if newline != "\n":
            replacement = replacement.replace("\r\n", "\n").replace("\n", newline)
        result = result[:start] + replacement + result[end:]
    _verify(before, result, path, sources, additions)
    return result


def line_end(text: str, index: int) -> int:
    """Index just past the end of the line holding ``index``."""
    newline = text.find("\n", index)
    return len(text) if newline == -1 else newline + 1


def _after_node(text: str, node: yaml.Node) -> int:
    """Where text can be inserted right after ``node`` (at the start of a line)."""
    last = node
    while isinstance(last, (yaml.MappingNode, yaml.SequenceNode)) and last.value:
        if last.flow_style:  # '{...}' or '[...]' ends at its closing bracket
            break
        last = last.value[-1][1] if isinstance(last, yaml.MappingNode) else last.value[-1]
    mark = last.end_mark
    if mark.column == 0:  # block scalars end at the start of the next line
        return mark.index
    return line_end(text, mark.index)


def _after_key(text: str, index: int) -> int:
    """Where the empty value ('[]', '{}', '~') at ``index`` starts, with the spaces
    before it: replaced by the new lines, so that 'cards:' ends its line."""
    while index > 0 and text[index - 1] in " \t":
        index -= 1
    return index


def _ensure_newline(text: str, index: int) -> str:
    return "" if index == 0 or text[index - 1] == "\n" else "\n"


def _sources_edit(text: str, path: Path, top: dict, sources: list[Source]):
    block = "".join(render_source(s, 2) for s in sources)
    if "sources" not in top:
        if "cards" in top:
            where = top["cards"][0].start_mark.index - top["cards"][0].start_mark.column
            return (where, where, "sources:\n" + block + "\n")
        return (len(text), len(text), _ensure_newline(text, len(text)) + "sources:\n" + block)
    key, value = top["sources"]
    if isinstance(value, yaml.MappingNode) and value.value and value.flow_style is False:
        indent = value.value[0][0].start_mark.column
        block = "".join(render_source(s, indent) for s in sources)
        where = _after_node(text, value)
        return (where, where, _ensure_newline(text, where) + block)
    if isinstance(value, yaml.MappingNode) and value.value:
        raise CardsFileError(
            Problem(
                "deckgen cannot add a source to a 'sources' mapping written in { } style",
                str(path),
                key.start_mark.line + 1,
                hint="write each source on its own lines, as in the README",
            )
        )
    # Empty: 'sources:' alone, 'sources: {}' or 'sources: ~'.
    start = value.start_mark.index if value.end_mark.index > value.start_mark.index else None
    if start is not None:
        return (_after_key(text, start), line_end(text, value.end_mark.index), "\n" + block)
    where = line_end(text, key.end_mark.index)
    return (where, where, _ensure_newline(text, where) + block)


def _cards_edit(text: str, path: Path, root, top: dict, additions: list[Addition], date: str):
    dash_indent, key_indent = 2, 4
    key = value = None
    if "cards" in top:
        key, value = top["cards"]
        if isinstance(value, yaml.SequenceNode) and value.value:
            if value.flow_style:
                raise CardsFileError(
                    Problem(
                        "deckgen cannot add cards to a 'cards' list written in [ ] style",
                        str(path),
                        key.start_mark.line + 1,
                        hint="write each card as a '- id: ...' block, as in the README",
                    )
                )
            dash_indent = value.start_mark.column
            key_indent = dash_indent + 2
            # The indentation of the first card written as lines ('- id: ...'); a card
            # written in { } style says nothing about it.
            for item in value.value:
                if isinstance(item, yaml.MappingNode) and item.value and not item.flow_style:
                    key_indent = item.value[0][0].start_mark.column
                    break
    blocks = []
    for addition in additions:
        body = "".join(render_card(c, dash_indent, key_indent) for c in addition.cards)
        by = f" {addition.drafter}" if addition.drafter else ""
        comment = f"{' ' * dash_indent}# --- added by deckgen extract{by} from {addition.source_id}, {date} ---\n"
        blocks.append(comment + body)
    addition_text = "\n".join(blocks)

    if key is None:
        end = len(text)
        return (end, end, _ensure_newline(text, end) + "\ncards:\n" + addition_text)
    is_last = root.value[-1][0] is key
    if isinstance(value, yaml.SequenceNode) and value.value:
        where = len(text) if is_last else _after_node(text, value)
        return (where, where, _ensure_newline(text, where) + "\n" + addition_text)
    # Empty: 'cards:' alone, 'cards: []' or 'cards: ~'.
    if value.end_mark.index > value.start_mark.index:
        start = _after_key(text, value.start_mark.index)
        return (start, line_end(text, value.end_mark.index), "\n" + addition_text)
    where = len(text) if is_last else line_end(text, key.end_mark.index)
    return (where, where, _ensure_newline(text, where) + addition_text)


def _verify(
    before: CardsFile, text: str, path: Path, sources: list[Source], additions: list[Addition]
) -> None:
    """The new text must read as the old cards plus exactly the new ones."""

    def unlocated(item):
        return dataclasses.replace(item, line=0)

    try:
        after = parse_cards(text, path)
    except CardsFileError as error:
        raise CardsFileError(
            Problem(
                f"deckgen could not add to this file safely ({error.problems[0].message}); "
                "it was left unchanged",
                str(path),
                hint="please report this, with the file",
            )
        ) from None
    expected_cards = [unlocated(c) for c in before.cards] + [
        unlocated(c) for a in additions for c in a.cards
    ]
    expected_sources = [unlocated(s) for s in before.sources] + [unlocated(s) for s in sources]
    if (
        [unlocated(c) for c in after.cards] != expected_cards
        or [unlocated(s) for s in after.sources] != expected_sources
        or after.deck != before.deck
    ):
        raise CardsFileError(
            Problem(
                "deckgen could not add to this file without changing what is there; "
                "it was left unchanged",
                str(path),
                hint="please report this, with the file",
            )
        )


def write_cards_text(path: Path, text: str, expected: bytes | object | None = UNCHECKED) -> None:
    """Replace cards.yaml with ``text``. With ``expected`` (the bytes read; None when
    there was no file), ``FileChanged`` is raised instead when it changed since."""
    write_file(
        path, text.encode("utf-8"), what="the cards file", error=CardsFileError, expected=expected
    )
