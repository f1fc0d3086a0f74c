"""Whisper's plain ``.txt``: the words of a transcript, one line per segment, no times."""

from __future__ import annotations

from deckgen.document import TRANSCRIPT, Document
from deckgen.sources.common import Text, clean_speech

FORMAT = "whisper-txt"
KIND = TRANSCRIPT
LABEL = "Whisper text"
SHAPE = "one line of speech per segment"


def looks_like(source: Text) -> bool:
    """Short lines of speech, one after the other, with no blank lines between them."""
    lines = source.content.strip("\n").split("\n")
    filled = [line for line in lines if line.strip()]
    if len(filled) < 10:
        return False
    blank_ratio = (len(lines) - len(filled)) / len(lines)
    lengths = sorted(len(line) for line in filled)
    median = lengths[len(lengths) // 2]
    return blank_ratio < 0.05 and median <= 120 and lengths[-1] <= 400


def parse(source: Text, title: str) -> Document:
    lines = tuple(text for text in (clean_speech(line) for line in source.lines) if text)
    if not lines:
        raise source.error("no speech found in the file")
    return Document(source.path, FORMAT, KIND, title, paragraphs=lines)
