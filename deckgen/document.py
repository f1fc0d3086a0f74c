"""The one model every source format loads into: a Document of timed segments.

Frozen dataclasses, passed from the parsers (deckgen/sources/) to extraction and
alignment. Times are seconds from the start of the talk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TRANSCRIPT = "transcript"
SUMMARY = "summary"


# A long transcript holds hundreds of thousands of segments (and words): no __dict__ each.
@dataclass(frozen=True, slots=True)
class Word:
    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of speech: its start and end and its words as spoken (cleaned of
    non-speech marks). ``words`` is filled when the source times every word."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class Chapter:
    start: float
    title: str


@dataclass(frozen=True)
class Document:
    path: Path
    format: str
    kind: str
    title: str
    segments: tuple[Segment, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    paragraphs: tuple[str, ...] = ()
    # The end of the last timed entry in the file, speech or not (a hallucinated outro
    # is dropped from the segments but still tells how long the recording runs).
    duration: float | None = None
    # What the reader should know but that did not stop the file being read, each a
    # whole line naming the file (the content's format differs from the extension's).
    warnings: tuple[str, ...] = ()

    @property
    def timed(self) -> bool:
        return bool(self.segments)

    @property
    def text(self) -> str:
        """All the words, in order, as one string."""
        if self.segments:
            return " ".join(s.text for s in self.segments)
        return "\n\n".join(self.paragraphs)

    @property
    def word_count(self) -> int:
        """How many words ``text`` has, counted a segment (or paragraph) at a time: the
        same count, without building the whole text and a list of all its words."""
        return sum(len(part.split()) for part in self._parts())

    def _parts(self):
        """The texts ``text`` is joined from."""
        return (s.text for s in self.segments) if self.segments else iter(self.paragraphs)
