"""cards.yaml: load, validate, and report every problem with its line.

The file is composed into YAML nodes (``deckgen.cards.nodes``) and read here section
by section and card key by card key into the dataclasses of ``deckgen.cards.model``.
Every problem is collected, so one run lists all of them.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from deckgen.cards.checks import check_cloze, check_times_against_sources
from deckgen.cards.model import (
    CARD_KEYS,
    CARD_TYPES,
    DECK_KEYS,
    ID_PATTERN,
    SOURCE_KEYS,
    SOURCE_KINDS,
    TOP_KEYS,
    URL_PATTERN,
    Card,
    CardsFile,
    Deck,
    Source,
    slugify,
)
from deckgen.cards.nodes import Fields, NodeReader, compose_yaml, yaml_syntax_problem
from deckgen.errors import CardsFileError, Problem
from deckgen.fsutil import decode_utf8, read_file
from deckgen.timecode import parse_clock

_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}


def read_cards_text(path: str | Path) -> str:
    """The text of a cards.yaml; raise CardsFileError when it cannot be read as UTF-8."""
    return read_cards_raw(path)[1]


def read_cards_raw(path: str | Path) -> tuple[bytes, str]:
    """The bytes of a cards.yaml and its text: a writer passes the bytes to
    ``write_cards_text(..., expected=...)`` so that it replaces only what it read."""
    raw = read_file(
        path, error=CardsFileError, missing_hint="run 'deckgen extract SOURCE...' to start one"
    )
    return raw, decode_utf8(raw, path, error=CardsFileError, hint="save the file as UTF-8")


def load_cards(path: str | Path) -> CardsFile:
    """Read and validate a cards.yaml; raise CardsFileError listing every problem."""
    path = Path(path)
    return parse_cards(read_cards_text(path), path)


def parse_cards(text: str, path: str | Path = "cards.yaml") -> CardsFile:
    """Validate cards.yaml text; raise CardsFileError listing every problem."""
    reader = _Reader(Path(path))
    cards_file = reader.read(text)
    if reader.problems:
        raise CardsFileError(*sorted(reader.problems, key=lambda p: p.line or 0))
    assert cards_file is not None
    return cards_file


def check_cards(path: str | Path) -> CardsFile:
    """Everything ``deckgen check`` checks: the file itself, then each card's time
    against the length of its source, where the source file is at hand. Raises
    CardsFileError listing every problem."""
    cards_file = load_cards(path)
    problems = check_times_against_sources(cards_file)
    if problems:
        raise CardsFileError(*problems)
    return cards_file


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip()


class _Reader(NodeReader):
    """Turns composed YAML nodes into dataclasses, collecting every problem."""

    def read(self, text: str) -> CardsFile | None:
        try:
            root = compose_yaml(text)
        except yaml.YAMLError as exc:
            self.problems.append(yaml_syntax_problem(exc, self.path))
            return None
        if root is None:
            self.problems.append(
                Problem(
                    "the file is empty",
                    str(self.path),
                    1,
                    hint="start it with deck:, sources: and cards: (see the README)",
                )
            )
            return None
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, "the top level must be a mapping with deck:, sources: and cards:")
            return None
        top = self.mapping(root, TOP_KEYS, what="top-level key")
        deck = self.read_deck(top.get("deck"), root)
        sources = self.read_sources(top.get("sources"))
        cards = self.read_cards(top.get("cards"), root, {s.id: s for s in sources})
        if deck is None:
            return None
        return CardsFile(self.path, deck, tuple(sources), tuple(cards))

    # -- the deck

    def read_deck(self, entry: tuple[yaml.Node, yaml.Node] | None, root: yaml.Node) -> Deck | None:
        example = "deck: {name: My talks, id: 1712345678}"
        if entry is None:
            self.problem(root, "missing 'deck'", hint=f"add e.g. {example}")
            return None
        key_node, node = entry
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "'deck' must be a mapping with name and id", hint=example)
            return None
        fields = self.mapping(node, DECK_KEYS, what="deck key")
        name = self.required_text(fields, "name", key_node, hint="give the deck a name")
        deck_id = self.read_deck_id(fields, key_node)
        description = self.optional_text(fields, "description") or ""
        if name is None or deck_id is None:
            return None
        return Deck(name=name.strip(), id=deck_id, description=description.strip())

    def read_deck_id(self, fields: Fields, key_node: yaml.Node) -> int | None:
        raw_id = self.required_text(
            fields, "id", key_node, hint="a fixed whole number, e.g. 1712345678"
        )
        if raw_id is None:
            return None
        try:
            deck_id = int(raw_id.replace("_", ""))
            if not 1 <= deck_id < 2**63:
                raise ValueError
        except ValueError:
            self.problem(
                fields["id"][1],
                f"deck id '{raw_id}' is not a positive whole number",
                hint="use a fixed number such as 1712345678 and never change it",
            )
            return None
        return deck_id

    # -- sources

    def read_sources(self, entry: tuple[yaml.Node, yaml.Node] | None) -> list[Source]:
        if entry is None:
            return []
        _, node = entry
        if isinstance(node, yaml.ScalarNode) and self.text(node, "sources") is None:
            return []
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "'sources' must map source ids to their title, file and kind")
            return []
        sources = []
        seen: set[str] = set()
        for key_node, value_node in node.value:
            source_id = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            if source_id in seen:
                self.problem(
                    key_node,
                    f"source '{source_id}' is declared twice",
                    hint="give each source its own id",
                )
                continue
            seen.add(source_id)
            source = self.read_source(source_id, key_node, value_node)
            if source is not None:
                sources.append(source)
        self.check_summaries(sources)
        return sources

    def read_source(
        self, source_id: str, key_node: yaml.Node, value_node: yaml.Node
    ) -> Source | None:
        if not ID_PATTERN.match(source_id):
            self.problem(
                key_node,
                f"source id '{source_id}' may only hold a-z, 0-9 and '-'",
                hint=f"e.g. '{slugify(source_id) or 'my-talk'}'",
            )
            return None
        if not isinstance(value_node, yaml.MappingNode):
            self.problem(value_node, f"source '{source_id}' must have title, file and kind")
            return None
        fields = self.mapping(value_node, SOURCE_KEYS, what=f"key of source '{source_id}'")
        title = self.required_text(fields, "title", key_node, hint="name the talk")
        kind = self.optional_text(fields, "kind") or "transcript"
        if kind not in SOURCE_KINDS:
            self.problem(
                fields["kind"][1],
                f"source kind '{kind}' is not one of " + ", ".join(SOURCE_KINDS),
            )
            return None
        url = (self.optional_text(fields, "url") or "").strip() or None
        if url is not None and not URL_PATTERN.match(url):
            self.problem(
                fields["url"][1],
                f"source '{source_id}': url '{url}' is not a web address",
                hint="give an http:// or https:// address, or remove url",
            )
            return None
        if title is None:
            return None
        return Source(
            id=source_id,
            title=title.strip(),
            kind=kind,
            file=self.optional_text(fields, "file"),
            url=url,
            summary_of=self.optional_text(fields, "summary_of"),
            line=key_node.start_mark.line + 1,
            media=(self.optional_text(fields, "media") or "").strip() or None,
        )

    def check_summaries(self, sources: list[Source]) -> None:
        known = {s.id for s in sources}
        for source in sources:
            if source.summary_of and source.summary_of not in known:
                self.problems.append(
                    Problem(
                        f"source '{source.id}' is a summary of '{source.summary_of}', "
                        "which is not declared",
                        str(self.path),
                        source.line,
                        hint="declare that transcript under sources:",
                    )
                )

    # -- cards

    def read_cards(
        self, entry: tuple[yaml.Node, yaml.Node] | None, root: yaml.Node, sources: dict[str, Source]
    ) -> list[Card]:
        if entry is None:
            self.problem(root, "missing 'cards'", hint="add 'cards: []' to start an empty deck")
            return []
        _, node = entry
        if isinstance(node, yaml.ScalarNode) and self.text(node, "cards") is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, "'cards' must be a list of cards, each starting with '- id:'")
            return []
        cards: list[Card] = []
        first_line: dict[str, int] = {}
        for item in node.value:
            card = self.read_card(item, sources)
            if card is None:
                continue
            if card.id in first_line:
                self.problem(
                    item,
                    "duplicate id",
                    card=card.id,
                    hint=f"the id is already used on line {first_line[card.id]}; "
                    "ids must be unique",
                )
                continue
            first_line[card.id] = card.line
            cards.append(card)
        return cards

    def read_card(self, node: yaml.Node, sources: dict[str, Source]) -> Card | None:
        """One card, key by key; None when any of its keys has a problem."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "each card must be a mapping that starts with '- id:'")
            return None
        label = _written_id(node)
        before = len(self.problems)
        fields = self.mapping(node, CARD_KEYS, what="key", card=label)
        card_id = self.card_id(fields, node, label)
        card_type = self.card_type(fields, label)
        if card_type == "basic":
            texts = self.basic_texts(fields, node, label)
        else:
            texts = self.cloze_texts(fields, node, label)
        card_sources = self.card_sources(fields, sources, label)
        time = self.card_time(fields, label)
        tags = self.card_tags(fields, label)
        skip = self.card_skip(fields, label)
        paragraph = self.card_paragraph(fields, label)
        if len(self.problems) > before or card_id is None:
            return None
        return Card(
            id=card_id,
            type=card_type,
            line=node.start_mark.line + 1,
            **{key: _clean(value) for key, value in texts.items()},
            sources=card_sources,
            time=time,
            quote=_clean(self.optional_text(fields, "quote", card=label)),
            tags=tags,
            skip=skip,
            paragraph=paragraph,
        )

    def card_id(self, fields: Fields, node: yaml.Node, label: str | None) -> str | None:
        card_id = self.required_text(
            fields,
            "id",
            node,
            card=label,
            hint="give the card a short lowercase id like 'brain-20-watts'",
        )
        if card_id is None:
            return None
        card_id = card_id.strip()
        if not ID_PATTERN.match(card_id):
            self.problem(
                fields["id"][1],
                "id may only hold a-z, 0-9 and single '-'",
                card=card_id,
                hint=f"e.g. '{slugify(card_id) or 'my-card'}'",
            )
        return card_id

    def card_type(self, fields: Fields, label: str | None) -> str:
        card_type = (self.optional_text(fields, "type", card=label) or "basic").strip()
        if card_type not in CARD_TYPES:
            self.problem(
                fields["type"][1],
                f"type '{card_type}' is not basic or cloze",
                card=label,
                hint="use 'type: basic' (front/back) or 'type: cloze' (text)",
            )
            card_type = "basic"
        return card_type

    def basic_texts(self, fields: Fields, node: yaml.Node, label: str | None) -> dict:
        for wrong in ("text", "extra"):
            if wrong in fields:
                self.problem(
                    fields[wrong][0],
                    f"basic cards have front and back, not '{wrong}'",
                    card=label,
                    hint="add 'type: cloze' or use front/back",
                )
        front = self.required_text(
            fields, "front", node, card=label, hint="write the question under 'front:'"
        )
        back = self.required_text(
            fields, "back", node, card=label, hint="write the answer under 'back:'"
        )
        return {"front": front, "back": back}

    def cloze_texts(self, fields: Fields, node: yaml.Node, label: str | None) -> dict:
        for wrong in ("front", "back"):
            if wrong in fields:
                self.problem(
                    fields[wrong][0],
                    f"cloze cards have text and extra, not '{wrong}'",
                    card=label,
                    hint="put the sentence under 'text:' or use type: basic",
                )
        text = self.required_text(
            fields, "text", node, card=label, hint="write the sentence with {{c1::the hidden part}}"
        )
        extra = self.optional_text(fields, "extra", card=label)
        if text is not None:
            cloze_problem = check_cloze(text)
            if cloze_problem:
                self.problem(fields["text"][1], cloze_problem[0], card=label, hint=cloze_problem[1])
        return {"text": text, "extra": extra}

    def card_sources(
        self, fields: Fields, sources: dict[str, Source], label: str | None
    ) -> tuple[str, ...]:
        if "source" not in fields:
            return ()
        card_sources: list[str] = []
        node = fields["source"][1]
        for item in node.value if isinstance(node, yaml.SequenceNode) else [node]:
            sid = self.text(item, "source", card=label)
            if sid is None:
                continue
            sid = sid.strip()
            if sid not in sources:
                close = difflib.get_close_matches(sid, list(sources), n=1, cutoff=0.6)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else "declare it under sources: or fix the name"
                )
                self.problem(item, f"unknown source '{sid}'", card=label, hint=hint)
            elif sid not in card_sources:
                card_sources.append(sid)
        return tuple(card_sources)

    def card_time(self, fields: Fields, label: str | None) -> float | None:
        time_text = self.optional_text(fields, "time", card=label)
        if time_text is None:
            return None
        time = None
        try:
            time = parse_clock(time_text)
        except ValueError as exc:
            self.problem(
                fields["time"][1],
                f"bad time: {exc}",
                card=label,
                hint="write HH:MM:SS, H:MM:SS or MM:SS, e.g. time: 00:13:10",
            )
        self.needs_source(fields, "time", "talk", label)
        return time

    def card_tags(self, fields: Fields, label: str | None) -> tuple[str, ...]:
        if "tags" not in fields:
            return ()
        node = fields["tags"][1]
        if not isinstance(node, yaml.SequenceNode):
            if self.text(node, "tags") is not None:
                self.problem(
                    node, "tags must be a list", card=label, hint="write tags: [energy, hardware]"
                )
            return ()
        tags: list[str] = []
        for item in node.value:
            tag = self.text(item, "tags", card=label)
            if tag is None:
                continue
            if re.search(r"\s", tag.strip()) or not tag.strip():
                dashed = re.sub(r"\s+", "-", tag.strip())
                self.problem(
                    item,
                    f"tag '{tag}' contains a space",
                    card=label,
                    hint=f"Anki tags cannot hold spaces: use '{dashed}'",
                )
            else:
                tags.append(tag.strip())
        return tuple(tags)

    def card_skip(self, fields: Fields, label: str | None) -> bool:
        if "skip" not in fields:
            return False
        raw = self.text(fields["skip"][1], "skip", card=label)
        value = (raw or "").strip().lower()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self.problem(
                fields["skip"][1],
                f"skip must be true or false, not '{raw}'",
                card=label,
                hint="write skip: true",
            )
        return False

    def card_paragraph(self, fields: Fields, label: str | None) -> int | None:
        raw = self.optional_text(fields, "paragraph", card=label)
        if raw is None:
            return None
        paragraph = None
        if raw.strip().isdigit() and int(raw) >= 1:
            paragraph = int(raw)
        else:
            self.problem(
                fields["paragraph"][1],
                f"paragraph must be a whole number from 1, not '{raw}'",
                card=label,
                hint="it counts the summary's paragraphs, e.g. paragraph: 3",
            )
        self.needs_source(fields, "paragraph", "summary", label)
        return paragraph

    def needs_source(self, fields: Fields, key: str, kind: str, label: str | None) -> None:
        """A time or paragraph says where in a source: without one it says nothing."""
        if "source" not in fields:
            self.problem(
                fields[key][0],
                f"a {key} needs a source",
                card=label,
                hint=f"add 'source:' naming the {kind} the {key} is in",
            )


def _written_id(node: yaml.MappingNode) -> str | None:
    """The id a card's mapping gives, as written, to name the card in problems."""
    card_id = None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == "id":
            card_id = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
    return card_id or None
