"""SubRip (.srt): numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, text lines."""

from __future__ import annotations

import re

from deckgen.document import TRANSCRIPT, Document
from deckgen.sources.common import RawSegment, Text, parse_timestamp, timed_document

FORMAT = "srt"
KIND = TRANSCRIPT

_TIMING = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)")
_SRT_TIME = re.compile(r"\d+:\d{2}:\d{2}[,.]\d{1,3}")
_TURN_DASH = re.compile(r"^\s*[-–—]\s+")


def looks_like(source: Text) -> bool:
    lines = [line for line in source.lines[:50] if line.strip()]
    for index, line in enumerate(lines[:-1]):
        if line.strip().isdigit():
            match = _TIMING.match(lines[index + 1])
            return bool(match and _SRT_TIME.fullmatch(match.group(1)))
    return False


def parse(source: Text, title: str) -> Document:
    raw: list[RawSegment] = []
    lines = source.lines
    index = 0
    while index < len(lines):
        match = _TIMING.match(lines[index]) if "-->" in lines[index] else None
        if not match:
            index += 1
            continue
        timing_line = index + 1
        start, end = parse_timestamp(match.group(1)), parse_timestamp(match.group(2))
        if start is None or end is None:
            raise source.error(
                f"malformed time in '{lines[index].strip()}'",
                timing_line,
                hint="SRT times look like 00:01:02,500 --> 00:01:04,000",
            )
        index += 1
        text_lines = []
        while index < len(lines) and lines[index].strip():
            if "-->" in lines[index] and _TIMING.match(lines[index]):
                break  # a cue with no blank line before the next one
            text_lines.append(_TURN_DASH.sub("", lines[index]))
            index += 1
        # The next cue's number may sit in the last text line when blank lines are missing.
        if text_lines and index < len(lines) and "-->" in lines[index] and text_lines[-1].isdigit():
            text_lines.pop()
        raw.append(RawSegment(start, end, " ".join(text_lines), timing_line))
    return timed_document(source, FORMAT, title, raw)
