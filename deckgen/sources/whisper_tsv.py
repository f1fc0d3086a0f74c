"""Whisper TSV: a ``start<TAB>end<TAB>text`` header, then times in milliseconds."""

from __future__ import annotations

from deckgen.document import TRANSCRIPT, Document
from deckgen.sources.common import RawSegment, Text, timed_document

FORMAT = "whisper-tsv"
KIND = TRANSCRIPT
LABEL = "Whisper TSV"
SHAPE = "Whisper TSV starts with a line start<TAB>end<TAB>text"


def looks_like(source: Text) -> bool:
    first = source.content.lstrip("\n").split("\n", 1)[0]
    return [part.strip().lower() for part in first.split("\t")] == ["start", "end", "text"]


def parse(source: Text, title: str) -> Document:
    raw: list[RawSegment] = []
    for number, line in enumerate(source.lines, start=1):
        if not line.strip() or line.strip().lower().replace("\t", " ").split() == [
            "start",
            "end",
            "text",
        ]:
            continue
        parts = line.split("\t", 2)
        if len(parts) < 3:
            raise source.error(
                "expected start, end and text separated by tabs",
                number,
                hint="Whisper TSV lines look like 1500<TAB>3000<TAB>text",
            )
        try:
            start, end = int(parts[0]) / 1000, int(parts[1]) / 1000
        except ValueError:
            raise source.error(
                f"malformed time '{parts[0]}' or '{parts[1]}'",
                number,
                hint="Whisper TSV times are whole milliseconds",
            ) from None
        raw.append(RawSegment(start, end, parts[2], number))
    return timed_document(source, FORMAT, title, raw)
