"""cards.yaml: load, validate, and report every problem with its line.

cards.yaml is a file people edit by hand, so it is read the way they wrote it: every
value is the text they typed. PyYAML speaks YAML 1.1, where an unquoted ``13:10`` is
the base-60 integer 790 and ``back: no`` is ``False``; we never let that happen. The
file is *composed* into YAML nodes (which keep line numbers and the raw scalar text)
and converted here, key by key, instead of being *constructed* by PyYAML.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from deckgen.errors import CardsFileError, Problem
from deckgen.timecode import format_clock, parse_clock

CARD_TYPES = ("basic", "cloze")
SOURCE_KINDS = ("transcript", "summary")
TOP_KEYS = ("deck", "sources", "cards")
DECK_KEYS = ("name", "id", "description")
SOURCE_KEYS = ("title", "file", "url", "kind", "summary_of")
CARD_KEYS = (
    "id",
    "type",
    "front",
    "back",
    "text",
    "extra",
    "source",
    "time",
    "quote",
    "tags",
    "skip",
    "paragraph",
)

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CLOZE_PATTERN = re.compile(r"\{\{c(\d+)::(.+?)\}\}", re.DOTALL)
_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}
_EMPTY = {"", "~", "null"}


@dataclass(frozen=True)
class Deck:
    name: str
    id: int
    description: str = ""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    kind: str
    file: str | None = None
    url: str | None = None
    summary_of: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Card:
    id: str
    type: str
    line: int
    front: str | None = None
    back: str | None = None
    text: str | None = None
    extra: str | None = None
    sources: tuple[str, ...] = ()
    time: float | None = None
    quote: str | None = None
    tags: tuple[str, ...] = ()
    skip: bool = False
    paragraph: int | None = None  # where in an untimed summary the claim comes from

    @property
    def source(self) -> str | None:
        """The card's main source: the one its time and quote come from."""
        return self.sources[0] if self.sources else None

    @property
    def time_text(self) -> str:
        return format_clock(self.time) if self.time is not None else ""


@dataclass(frozen=True)
class CardsFile:
    path: Path
    deck: Deck
    sources: tuple[Source, ...]
    cards: tuple[Card, ...]
    source_by_id: dict[str, Source] = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.source_by_id.update({s.id: s for s in self.sources})

    @property
    def active_cards(self) -> tuple[Card, ...]:
        return tuple(c for c in self.cards if not c.skip)

    def base_dir(self) -> Path:
        return self.path.parent

    def source_path(self, source: Source) -> Path | None:
        if source.file is None:
            return None
        return (self.base_dir() / source.file).resolve()


def slugify(text: str) -> str:
    """A lowercase slug of letters, digits and single hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug


# --------------------------------------------------------------------------- loading


def load_cards(path: str | Path) -> CardsFile:
    """Read and validate a cards.yaml; raise CardsFileError listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CardsFileError.at(
            "file not found", path, hint="run 'deckgen extract SOURCE...' to start one"
        ) from None
    except OSError as exc:
        raise CardsFileError.at(f"cannot read: {exc.strerror}", path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CardsFileError.at(
            "not UTF-8 text", path, line, hint="save the file as UTF-8"
        ) from None
    return parse_cards(text, path)


def parse_cards(text: str, path: str | Path = "cards.yaml") -> CardsFile:
    """Validate cards.yaml text; raise CardsFileError listing every problem."""
    reader = _Reader(Path(path))
    cards_file = reader.read(text)
    if reader.problems:
        raise CardsFileError(*sorted(reader.problems, key=lambda p: p.line or 0))
    assert cards_file is not None
    return cards_file


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose_yaml(text: str) -> yaml.Node | None:
    """The YAML node tree of ``text``, with line marks.

    Composed by libyaml when PyYAML has it (ten times faster on big decks); a syntax
    error is composed again by the pure-Python loader, whose messages are clearer.
    """
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        if _FAST_LOADER is yaml.SafeLoader:
            raise
    return yaml.compose(text, Loader=yaml.SafeLoader)


def yaml_syntax_problem(error: yaml.YAMLError, path: str | Path) -> Problem:
    """One located, human-worded problem for a YAML syntax error."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    what = getattr(error, "problem", None) or str(error)
    hint = "check the indentation and quoting on this line or the one before it"
    if "mapping values are not allowed" in what:
        hint = "text containing ': ' must be quoted, e.g. back: \"ratio: 3 to 1\""
    elif "found character '\\t'" in what:
        hint = "indent with spaces, not tabs"
    elif "could not find expected ':'" in what:
        hint = "a key needs a ':' after it; quote text that spans lines"
    return Problem(f"YAML syntax error: {what}", str(path), line, hint=hint)


class _Fields(dict):
    """Keys of one mapping → (key node, value node), plus the known keys that unknown
    keys looked like (a misspelt 'bak' is reported once, not also as a missing 'back')."""

    def __init__(self) -> None:
        super().__init__()
        self.misspelt: set[str] = set()


class _Reader:
    """Turns composed YAML nodes into dataclasses, collecting every problem."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(
        self,
        node: yaml.Node | None,
        message: str,
        *,
        card: str | None = None,
        hint: str | None = None,
    ) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(message, str(self.path), line, card, hint))

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

    # -- generic helpers

    def mapping(
        self,
        node: yaml.MappingNode,
        allowed: tuple[str, ...],
        *,
        what: str,
        card: str | None = None,
    ) -> _Fields:
        """Keys of a mapping node → (key node, value node); reports unknown and doubled keys."""
        out = _Fields()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                self.problem(key_node, f"a {what} must be a plain word", card=card)
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = (
                    f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(allowed)
                )
                out.misspelt.update(close)
                self.problem(key_node, f"unknown {what} '{key}'", card=card, hint=hint)
                continue
            if key in out:
                self.problem(
                    key_node, f"'{key}' is given twice", card=card, hint="keep one of them"
                )
                continue
            out[key] = (key_node, value_node)
        return out

    def text(self, node: yaml.Node, key: str, *, card: str | None = None) -> str | None:
        """The text a person wrote for a scalar, or None when they left it empty."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(
                node,
                f"'{key}' must be text, not a {_node_kind(node)}",
                card=card,
                hint="quote it if it contains ': ', '- ' or starts with '[' or '{'",
            )
            return None
        # A plain scalar's style is None (PyYAML) or "" (libyaml).
        if not node.style and node.value.strip().lower() in _EMPTY:
            return None
        return node.value

    def required_text(
        self,
        fields: _Fields,
        key: str,
        parent: yaml.Node,
        *,
        card: str | None = None,
        hint: str | None = None,
    ) -> str | None:
        if key not in fields:
            if key not in fields.misspelt:
                self.problem(parent, f"missing '{key}'", card=card, hint=hint)
            return None
        value = self.text(fields[key][1], key, card=card)
        if value is None or not value.strip():
            self.problem(fields[key][0], f"'{key}' is empty", card=card, hint=hint)
            return None
        return value

    def _needs_source(self, fields: dict, key: str, kind: str, label: str) -> None:
        """A time or paragraph says where in a source: without one it says nothing."""
        if "source" not in fields:
            self.problem(
                fields[key][0],
                f"a {key} needs a source",
                card=label,
                hint=f"add 'source:' naming the {kind} the {key} is in",
            )

    def optional_text(self, fields: dict, key: str, *, card: str | None = None) -> str | None:
        if key not in fields:
            return None
        value = self.text(fields[key][1], key, card=card)
        return value if value is not None and value.strip() else None

    # -- sections

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
        deck_id = None
        raw_id = self.required_text(
            fields, "id", key_node, hint="a fixed whole number, e.g. 1712345678"
        )
        if raw_id is not None:
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
                deck_id = None
        description = self.optional_text(fields, "description") or ""
        if name is None or deck_id is None:
            return None
        return Deck(name=name.strip(), id=deck_id, description=description.strip())

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
            if not ID_PATTERN.match(source_id):
                self.problem(
                    key_node,
                    f"source id '{source_id}' may only hold a-z, 0-9 and '-'",
                    hint=f"e.g. '{slugify(source_id) or 'my-talk'}'",
                )
                continue
            if not isinstance(value_node, yaml.MappingNode):
                self.problem(value_node, f"source '{source_id}' must have title, file and kind")
                continue
            fields = self.mapping(value_node, SOURCE_KEYS, what=f"key of source '{source_id}'")
            title = self.required_text(fields, "title", key_node, hint="name the talk")
            kind = self.optional_text(fields, "kind") or "transcript"
            if kind not in SOURCE_KINDS:
                self.problem(
                    fields["kind"][1],
                    f"source kind '{kind}' is not one of " + ", ".join(SOURCE_KINDS),
                )
                continue
            if title is None:
                continue
            sources.append(
                Source(
                    id=source_id,
                    title=title.strip(),
                    kind=kind,
                    file=self.optional_text(fields, "file"),
                    url=(self.optional_text(fields, "url") or "").strip() or None,
                    summary_of=self.optional_text(fields, "summary_of"),
                    line=key_node.start_mark.line + 1,
                )
            )
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
        return sources

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
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "each card must be a mapping that starts with '- id:'")
            return None
        card_id = None
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == "id":
                card_id = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        label = card_id or None
        before = len(self.problems)
        fields = self.mapping(node, CARD_KEYS, what="key", card=label)
        card_id = self.required_text(
            fields,
            "id",
            node,
            card=label,
            hint="give the card a short lowercase id like 'brain-20-watts'",
        )
        if card_id is not None:
            card_id = card_id.strip()
            if not ID_PATTERN.match(card_id):
                self.problem(
                    fields["id"][1],
                    "id may only hold a-z, 0-9 and single '-'",
                    card=card_id,
                    hint=f"e.g. '{slugify(card_id) or 'my-card'}'",
                )
        card_type = (self.optional_text(fields, "type", card=label) or "basic").strip()
        if card_type not in CARD_TYPES:
            self.problem(
                fields["type"][1],
                f"type '{card_type}' is not basic or cloze",
                card=label,
                hint="use 'type: basic' (front/back) or 'type: cloze' (text)",
            )
            card_type = "basic"

        front = back = text = extra = None
        if card_type == "basic":
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
        else:
            for wrong in ("front", "back"):
                if wrong in fields:
                    self.problem(
                        fields[wrong][0],
                        f"cloze cards have text and extra, not '{wrong}'",
                        card=label,
                        hint="put the sentence under 'text:' or use type: basic",
                    )
            text = self.required_text(
                fields,
                "text",
                node,
                card=label,
                hint="write the sentence with {{c1::the hidden part}}",
            )
            extra = self.optional_text(fields, "extra", card=label)
            if text is not None:
                cloze_problem = check_cloze(text)
                if cloze_problem:
                    self.problem(
                        fields["text"][1], cloze_problem[0], card=label, hint=cloze_problem[1]
                    )

        card_sources: list[str] = []
        if "source" in fields:
            source_node = fields["source"][1]
            items = (
                source_node.value if isinstance(source_node, yaml.SequenceNode) else [source_node]
            )
            for item in items:
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

        time = None
        time_text = self.optional_text(fields, "time", card=label)
        if time_text is not None:
            try:
                time = parse_clock(time_text)
            except ValueError as exc:
                self.problem(
                    fields["time"][1],
                    f"bad time: {exc}",
                    card=label,
                    hint="write HH:MM:SS, H:MM:SS or MM:SS, e.g. time: 00:13:10",
                )
            self._needs_source(fields, "time", "talk", label)

        tags: list[str] = []
        if "tags" in fields:
            tags_node = fields["tags"][1]
            if isinstance(tags_node, yaml.SequenceNode):
                for item in tags_node.value:
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
            elif self.text(tags_node, "tags") is not None:
                self.problem(
                    tags_node,
                    "tags must be a list",
                    card=label,
                    hint="write tags: [energy, hardware]",
                )

        skip = False
        if "skip" in fields:
            raw = self.text(fields["skip"][1], "skip", card=label)
            value = (raw or "").strip().lower()
            if value in _TRUE:
                skip = True
            elif value not in _FALSE:
                self.problem(
                    fields["skip"][1],
                    f"skip must be true or false, not '{raw}'",
                    card=label,
                    hint="write skip: true",
                )

        paragraph = None
        raw_paragraph = self.optional_text(fields, "paragraph", card=label)
        if raw_paragraph is not None:
            if raw_paragraph.strip().isdigit() and int(raw_paragraph) >= 1:
                paragraph = int(raw_paragraph)
            else:
                self.problem(
                    fields["paragraph"][1],
                    f"paragraph must be a whole number from 1, not '{raw_paragraph}'",
                    card=label,
                    hint="it counts the summary's paragraphs, e.g. paragraph: 3",
                )
            self._needs_source(fields, "paragraph", "summary", label)

        if len(self.problems) > before or card_id is None:
            return None
        return Card(
            id=card_id,
            type=card_type,
            line=node.start_mark.line + 1,
            front=_clean(front),
            back=_clean(back),
            text=_clean(text),
            extra=_clean(extra),
            sources=tuple(card_sources),
            time=time,
            quote=_clean(self.optional_text(fields, "quote", card=label)),
            tags=tuple(tags),
            skip=skip,
            paragraph=paragraph,
        )


def check_cloze(text: str) -> tuple[str, str] | None:
    """What is wrong with a cloze text, as (problem, fix), or None when it is fine."""
    depth = 0
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair == "{{":
            depth += 1
            i += 2
            continue
        if pair == "}}":
            depth -= 1
            if depth < 0:
                return (
                    "cloze text has '}}' without a matching '{{'",
                    "write the hidden part as {{c1::...}}",
                )
            i += 2
            continue
        i += 1
    if depth != 0:
        return ("cloze text has unbalanced braces", "close every '{{c1::' with '}}'")
    if not CLOZE_PATTERN.search(text):
        return (
            "cloze text has no {{c1::...}} deletion",
            "wrap the part to hide, e.g. 'my brain is {{c1::20 watts}}'",
        )
    return None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip()


def _node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    return "value"


# --------------------------------------------------------------------------- checking


def check_cards(path: str | Path) -> CardsFile:
    """Everything ``deckgen check`` checks: the file itself, then each card's time
    against the length of its source, where the source file is at hand. Raises
    CardsFileError listing every problem."""
    cards_file = load_cards(path)
    problems = check_times_against_sources(cards_file)
    if problems:
        raise CardsFileError(*problems)
    return cards_file


def check_times_against_sources(cards_file: CardsFile) -> list[Problem]:
    from deckgen.errors import DeckgenError
    from deckgen.sources import load_document
    from deckgen.timecode import format_clock

    # Lengths are read only for sources that timed cards point at.
    lengths: dict[str, float | None] = {}
    problems = []
    for card in cards_file.cards:
        if card.time is None or card.source is None:
            continue
        if card.source not in lengths:
            source = cards_file.source_by_id[card.source]
            source_path = cards_file.source_path(source)
            length = None
            if source_path is not None and source_path.is_file():
                try:
                    length = load_document(source_path).duration
                except DeckgenError:
                    length = None  # an unreadable source is reported by 'deckgen sources'
            lengths[card.source] = length
        length = lengths[card.source]
        if length is not None and card.time > length + 1:
            problems.append(
                Problem(
                    f"time {card.time_text} is after the end of '{card.source}' "
                    f"({format_clock(length)})",
                    str(cards_file.path),
                    card.line,
                    card.id,
                    hint="check the time against the transcript",
                )
            )
    return problems
