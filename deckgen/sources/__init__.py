"""Read transcripts and summaries into Documents, one parser module per format.

How the format is decided (``format=`` overrides all of it):

1. The content first: each format with a signature of its own (a ``WEBVTT`` first line,
   numbered SRT cues, an SBV timing line, a json3 ``events`` list...) is tried, the one the
   extension names first. When the content is another format than the extension names,
   the content wins and the Document carries a warning saying so.
2. No signature matched, but the extension names a format (``.vtt``, ``.srt``, ``.sbv``,
   ``.json``, ``.ass``...): that format's parser reads it, and says what is wrong and where.
   But JSON or XML that no format claimed is an error, whatever the extension: it is
   data, not prose.
3. No signature, no telling extension: text with subtitle cue timings is an error.
   Otherwise it is Whisper's plain text (short lines, no blank ones) or, last, a
   summary: prose.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from types import ModuleType

from deckgen.document import Document
from deckgen.errors import SourceError
from deckgen.fsutil import read_file
from deckgen.sources import (
    ass,
    json3,
    page,
    sbv,
    srt,
    srv,
    summary,
    ttml,
    vtt,
    whisper_console,
    whisper_json,
    whisper_tsv,
    whisper_txt,
)
from deckgen.sources.common import NoTimedSpeechError, Text, decode

# Formats with a signature in their content, the most specific first.
SIGNED: tuple[ModuleType, ...] = (
    vtt,
    json3,
    whisper_json,
    srv,
    ttml,
    ass,
    sbv,
    whisper_tsv,
    srt,
    whisper_console,
    page,
)
# Formats any text can be: tried last, in this order (a summary is always possible).
FALLBACKS: tuple[ModuleType, ...] = (whisper_txt, summary)
PARSERS: tuple[ModuleType, ...] = SIGNED + FALLBACKS
FORMATS: tuple[str, ...] = tuple(p.FORMAT for p in PARSERS)
_BY_FORMAT = {p.FORMAT: p for p in PARSERS}
_BY_EXTENSION = {
    ".vtt": vtt,
    ".webvtt": vtt,
    ".srt": srt,
    ".sbv": sbv,
    ".json3": json3,
    ".srv1": srv,
    ".srv2": srv,
    ".srv3": srv,
    ".ttml": ttml,
    ".dfxp": ttml,
    ".ass": ass,
    ".ssa": ass,
    ".json": whisper_json,
    ".tsv": whisper_tsv,
    ".md": summary,
    ".markdown": summary,
}
# A subtitle cue timing line: ``00:00:01,000 --> 00:00:02,500`` (WebVTT cue settings may
# follow) or SBV's ``0:00:01.000,0:00:02.500``.
_TIME = r"\d+(?::\d+){1,2}[.,]\d+"
_CUE_TIMING = re.compile(
    rf"^[ \t]*(?:{_TIME}\s*-->\s*{_TIME}(?:\s+[\w-]+:\S+)*|{_TIME},{_TIME})\s*$", re.MULTILINE
)

__all__ = ["FORMATS", "Document", "SourceError", "detect_format", "load_document", "parse_bytes"]


def title_from_path(path: Path) -> str:
    """``seeds/sequoia-transcript.txt`` → ``Sequoia transcript``."""
    words = path.stem.replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or path.name
    return text[:1].upper() + text[1:]


def _detect(source: Text) -> tuple[ModuleType, str | None]:
    """The parser for a source and, when content and extension disagree, a warning."""
    suffix = source.path.suffix.lower()
    hinted = _BY_EXTENSION.get(suffix)
    if hinted in SIGNED and hinted.looks_like(source):
        return hinted, None
    for parser in SIGNED:
        if parser.looks_like(source):
            warning = None
            if hinted is not None:
                warning = (
                    f"{source.path}: the content is {parser.LABEL}, not {hinted.LABEL} as "
                    f"'{suffix}' says; read as {parser.LABEL}"
                )
            return parser, warning
    _refuse_data(source)
    if hinted is vtt:
        raise vtt.missing_header(source)
    if hinted is not None:
        return hinted, None
    _refuse_cues(source)
    for parser in FALLBACKS:
        if parser.looks_like(source):
            return parser, None
    return summary, None  # pragma: no cover - summary.looks_like is always true


_JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def _refuse_data(source: Text) -> None:
    """Raise if the text is JSON, JSON Lines or XML that no parser claimed: data, not
    prose."""
    head = source.content.lstrip()
    if head[:1] in ("{", "[") or source.path.suffix.lower() in _JSON_LINES_SUFFIXES:
        try:
            json.loads(source.content)
        except (ValueError, RecursionError):
            _refuse_json_lines(source)
        else:
            raise source.error(
                "JSON that is neither Whisper JSON nor YouTube json3",
                hint=f"{whisper_json.SHAPE}; {json3.SHAPE}",
            )
    if head.startswith("<?xml"):
        raise source.error(
            "XML that is neither TTML nor YouTube timed text",
            hint=f"{ttml.SHAPE}; {srv.SHAPE}",
        )


def _refuse_json_lines(source: Text) -> None:
    """Raise if the text is JSON Lines (its first line a JSON object or list), or is
    named as such: one JSON value a line is data, never a summary's sentences."""
    lines = source.content.split("\n")
    number, first = next((i, line) for i, line in enumerate(lines, 1) if line.strip())
    try:
        value = json.loads(first)
    except (ValueError, RecursionError):
        value = None
    if isinstance(value, (dict, list)) or source.path.suffix.lower() in _JSON_LINES_SUFFIXES:
        raise source.error(
            "JSON Lines (one JSON value a line), which deckgen does not read",
            number,
            hint=f"give one JSON document: {whisper_json.SHAPE}; {json3.SHAPE}; "
            "or the transcript or summary as text",
        )


def _refuse_cues(source: Text) -> None:
    """Raise if the text holds subtitle cue timings that no parser claimed."""
    timing = _CUE_TIMING.search(source.content)
    if timing is not None:
        line = source.content.count("\n", 0, timing.start()) + 1
        if "-->" in timing.group(0):
            problem = "a subtitle cue, but neither WebVTT (no 'WEBVTT' first line) nor SRT (no cue numbers)"
        else:
            problem = "an SBV caption timing, but the file does not start with one"
        raise source.error(
            problem,
            line,
            hint="name the file .vtt, .srt or .sbv to read it as that format, or use --format",
        )


def detect_format(source: Text) -> str:
    return _detect(source)[0].FORMAT


def parse_bytes(data: bytes, path: str | Path, format: str | None = None) -> Document:
    """A Document from a file's bytes; raises SourceError (only) when it cannot."""
    path = Path(path)
    if format is not None and format not in _BY_FORMAT:
        raise SourceError.at(
            f"unknown format '{format}'", path, hint="choose one of " + ", ".join(FORMATS)
        )
    source = decode(path, data)
    if format is not None:
        parser, warning = _BY_FORMAT[format], None
    else:
        parser, warning = _detect(source)
    try:
        document = parser.parse(source, title_from_path(path))
    except RecursionError:
        raise source.error("the file is nested too deeply to read") from None
    except NoTimedSpeechError:
        if format is not None:
            raise
        raise source.error(f"no {parser.LABEL} cue with speech found", hint=parser.SHAPE) from None
    if warning:
        document = dataclasses.replace(document, warnings=(*document.warnings, warning))
    return document


def load_document(path: str | Path, format: str | None = None) -> Document:
    """Read a transcript or summary file into a Document."""
    path = Path(path)
    return parse_bytes(read_file(path, error=SourceError), path, format)
