"""Read transcripts and summaries into Documents, one parser module per format.

The format is detected from the content; the file's extension is only a hint, and
``format=`` overrides both.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from deckgen.document import Document
from deckgen.errors import SourceError
from deckgen.fsutil import read_file
from deckgen.sources import (
    page,
    srt,
    summary,
    vtt,
    whisper_console,
    whisper_json,
    whisper_tsv,
    whisper_txt,
)
from deckgen.sources.common import Text, decode

# Detection order: the most specific signatures first, the fallback last.
PARSERS: tuple[ModuleType, ...] = (
    vtt,
    whisper_json,
    whisper_tsv,
    srt,
    whisper_console,
    page,
    whisper_txt,
    summary,
)
FORMATS: tuple[str, ...] = tuple(p.FORMAT for p in PARSERS)
_BY_FORMAT = {p.FORMAT: p for p in PARSERS}
_BY_EXTENSION = {
    ".vtt": vtt,
    ".srt": srt,
    ".json": whisper_json,
    ".tsv": whisper_tsv,
    ".md": summary,
    ".markdown": summary,
}

__all__ = ["FORMATS", "Document", "SourceError", "detect_format", "load_document", "parse_bytes"]


def title_from_path(path: Path) -> str:
    """``seeds/sequoia-transcript.txt`` → ``Sequoia transcript``."""
    words = path.stem.replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or path.name
    return text[:1].upper() + text[1:]


def detect_format(source: Text) -> str:
    hinted = _BY_EXTENSION.get(source.path.suffix.lower())
    if hinted is not None and hinted.looks_like(source):
        return hinted.FORMAT
    for parser in PARSERS:
        if parser.looks_like(source):
            return parser.FORMAT
    return summary.FORMAT  # pragma: no cover - summary.looks_like is always true


def parse_bytes(data: bytes, path: str | Path, format: str | None = None) -> Document:
    """A Document from a file's bytes; raises SourceError (only) when it cannot."""
    path = Path(path)
    if format is not None and format not in _BY_FORMAT:
        raise SourceError.at(
            f"unknown format '{format}'", path, hint="choose one of " + ", ".join(FORMATS)
        )
    source = decode(path, data)
    parser = _BY_FORMAT[format or detect_format(source)]
    try:
        return parser.parse(source, title_from_path(path))
    except RecursionError:
        raise source.error("the file is nested too deeply to read") from None


def load_document(path: str | Path, format: str | None = None) -> Document:
    """Read a transcript or summary file into a Document."""
    path = Path(path)
    return parse_bytes(read_file(path, error=SourceError), path, format)
