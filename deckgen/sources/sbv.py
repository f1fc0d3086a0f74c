"""SubViewer (.sbv), YouTube's caption download: ``0:00:00.378,0:00:11.378``, then the text.

Captions are separated by blank lines; times are ``H:MM:SS.mmm``.
"""

from __future__ import annotations

import re

from deckgen.document import TRANSCRIPT, Document
from deckgen.sources.common import RawSegment, Text, parse_timestamp, timed_document

FORMAT = "sbv"
KIND = TRANSCRIPT
LABEL = "SBV"
SHAPE = "an SBV caption is a line like 0:00:01.000,0:00:02.500, then its text"

_TIME = r"\d+:\d{1,2}:\d{1,2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*({_TIME})\s*,\s*({_TIME})\s*$")
# What a timing line with a typo looks like: two time-ish fields and a comma.
_TIMING_ATTEMPT = re.compile(r"^\s*\d+:[\w:.]*\s*,\s*\d+:[\w:.]*\s*$")


def looks_like(source: Text) -> bool:
    first = next((line for line in source.lines if line.strip()), "")
    return bool(_TIMING.match(first))


def parse(source: Text, title: str) -> Document:
    raw: list[RawSegment] = []
    lines = source.lines
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        number = index + 1
        timing = _TIMING.match(line)
        if timing is None:
            if _TIMING_ATTEMPT.match(line):
                raise source.error(
                    f"malformed time in '{line.strip()}'",
                    number,
                    hint="times look like 0:01:02.500",
                )
            raise source.error(
                f"caption text with no timing line above it: '{line.strip()[:40]}'",
                number,
                hint=SHAPE,
            )
        start, end = parse_timestamp(timing.group(1)), parse_timestamp(timing.group(2))
        if start is None or end is None:
            raise source.error(
                f"malformed time in '{line.strip()}'", number, hint="times look like 0:01:02.500"
            )
        index += 1
        text_lines = []
        while index < len(lines) and lines[index].strip():
            text_lines.append(lines[index])
            index += 1
        raw.append(RawSegment(start, end, " ".join(text_lines), number))
    return timed_document(source, FORMAT, title, raw)
