"""The cards of a deck as frozen dataclasses, and the rules a valid card follows.

Everything extraction and building need, and no YAML: reading cards.yaml is
``deckgen.cards.reader``, adding to it ``deckgen.cards.writer``. The JSON Schema for
editors (``deckgen.cards.schema``) is derived from the names and patterns here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.timecode import format_clock

CARD_TYPES = ("basic", "cloze")
SOURCE_KINDS = ("transcript", "summary")
TOP_KEYS = ("deck", "sources", "cards")
DECK_KEYS = ("name", "id", "description")
SOURCE_KEYS = ("title", "file", "url", "kind", "summary_of", "media")
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
# The keys only one type of card has; every other card key is shared.
TYPE_KEYS = {"basic": ("front", "back"), "cloze": ("text", "extra")}
REQUIRED_KEYS = {"basic": ("front", "back"), "cloze": ("text",)}

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CLOZE_PATTERN = re.compile(r"\{\{c(\d+)::(.+?)\}\}", re.DOTALL)
# A tag is one word: Anki splits tags at spaces.
TAG_PATTERN = re.compile(r"^\S+$")
# A source's url is a web address: any other scheme (javascript:, data:, file:) would
# become a live link on every card. Spelled without flags, for the JSON Schema too.
URL_PATTERN = re.compile(r"^[hH][tT][tT][pP][sS]?://\S+$")


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
    media: str | None = None  # the talk's recording (audio or video), relative to cards.yaml


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

    def media_path(self, source: Source) -> Path | None:
        if source.media is None:
            return None
        return (self.base_dir() / source.media).resolve()


def slugify(text: str) -> str:
    """A lowercase slug of letters, digits and single hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... : the first not in ``taken``, which it joins."""
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    taken.add(candidate)
    return candidate
