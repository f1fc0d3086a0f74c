"""The whisper command's console output: ``[MM:SS.mmm --> MM:SS.mmm]  text``.

Warnings and other lines (``nohup: ignoring input``, Python warnings) are skipped.
"""

from __future__ import annotations

import re

from deckgen.document import TRANSCRIPT, Document
from deckgen.sources.common import RawSegment, Text, parse_timestamp, timed_document

FORMAT = "whisper-console"
KIND = TRANSCRIPT
LABEL = "whisper console output"
SHAPE = "lines look like [01:02.500 --> 01:04.000]  text"

_LINE = re.compile(r"^\[([^\]\s]+)\s*-->\s*([^\]\s]+)\]\s?(.*)$")


def looks_like(source: Text) -> bool:
    hits = sum(1 for line in source.lines[:200] if _LINE.match(line))
    return hits >= 1 and hits * 3 >= min(len([x for x in source.lines[:200] if x.strip()]), 30)


def parse(source: Text, title: str) -> Document:
    raw: list[RawSegment] = []
    for number, line in enumerate(source.lines, start=1):
        match = _LINE.match(line)
        if not match:
            continue
        start, end = parse_timestamp(match.group(1)), parse_timestamp(match.group(2))
        if start is None or end is None:
            raise source.error(
                f"malformed time in '{line[:40]}'",
                number,
                hint="lines look like [01:02.500 --> 01:04.000]  text",
            )
        raw.append(RawSegment(start, end, match.group(3), number))
    return timed_document(source, FORMAT, title, raw)
