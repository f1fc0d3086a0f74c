"""Timestamped transcript pages: ``00:13:10.760 | text`` lines under a page header.

The header ("back to index", the talk's title, "Whisper Transcript | Transcript Only
Page") is not speech; the title is kept as the document's title.
"""

from __future__ import annotations

import re

from deckgen.document import TRANSCRIPT, Document
from deckgen.sources.common import RawSegment, Text, parse_timestamp, timed_document

FORMAT = "timestamped-page"
KIND = TRANSCRIPT
LABEL = "a timestamped transcript page"
SHAPE = "lines look like 00:13:10.760 | text"

_LINE = re.compile(r"^\s*(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\s*\|\s?(.*)$")
_BOILERPLATE = re.compile(
    r"^(back to index|whisper transcript|transcript only page|transcript)\b", re.IGNORECASE
)
# Speaking rate used to estimate how long the last line lasts (it has no next line).
_SECONDS_PER_WORD = 0.4


def looks_like(source: Text) -> bool:
    hits = sum(1 for line in source.lines[:200] if _LINE.match(line))
    return hits >= 3


def parse(source: Text, title: str) -> Document:
    entries: list[tuple[float, str, int]] = []
    page_title = None
    for number, line in enumerate(source.lines, start=1):
        match = _LINE.match(line)
        if match:
            start = parse_timestamp(match.group(1))
            if start is None:
                raise source.error(
                    f"malformed time '{match.group(1)}'",
                    number,
                    hint="times look like 00:13:10.760",
                )
            entries.append((start, match.group(2), number))
        elif (
            not entries
            and page_title is None
            and line.strip()
            and not _BOILERPLATE.match(line.strip())
        ):
            page_title = line.strip()
    raw = []
    for index, (start, text, number) in enumerate(entries):
        if index + 1 < len(entries):
            end = max(start, entries[index + 1][0])
        else:
            end = start + max(1.0, len(text.split()) * _SECONDS_PER_WORD)
        raw.append(RawSegment(start, end, text, number))
    return timed_document(source, FORMAT, page_title or title, raw)
