"""WebVTT (.vtt), including YouTube's rolling auto-captions.

Cue times are ``MM:SS.mmm`` below the hour and ``HH:MM:SS.mmm`` above it (both may
appear in one cue). Cue ids, cue settings, NOTE/STYLE/REGION blocks, voice and class
tags and inline timestamps are all handled. YouTube's auto-captions repeat the previous
line at the top of each cue; those repeats are collapsed to one copy.
"""

from __future__ import annotations

import re

from deckgen.document import TRANSCRIPT, Document
from deckgen.errors import SourceError
from deckgen.sources.common import RawSegment, Text, parse_timestamp, timed_document

FORMAT = "vtt"
KIND = TRANSCRIPT
LABEL = "WebVTT"
SHAPE = "a WebVTT file starts with 'WEBVTT'; a cue is a line like 00:01.000 --> 00:02.500, then its text"

_TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(?:\s+.*)?$")
_TAG = re.compile(r"<[^>\n]*>")
_BLOCK_KEYWORDS = ("NOTE", "STYLE", "REGION")


def looks_like(source: Text) -> bool:
    return source.content.lstrip().startswith("WEBVTT")


def missing_header(source: Text, hint: str = "add a first line 'WEBVTT'") -> SourceError:
    first = next((i for i, line in enumerate(source.lines) if line.strip()), 0)
    return source.error("a WebVTT file must start with 'WEBVTT'", first + 1, hint=hint)


def _cue_text(line: str) -> str:
    return _TAG.sub("", line).strip()


def parse(source: Text, title: str) -> Document:
    lines = source.lines
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if not lines[first].lstrip().startswith("WEBVTT"):
        raise missing_header(source, hint="leave out --format to let deckgen detect the format")
    raw: list[RawSegment] = []
    previous_lines: list[str] = []
    # The header (metadata such as 'Kind: captions') runs to the first blank line.
    index = _skip_block(lines, first)
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if line.split(" ", 1)[0].split("\t", 1)[0] in _BLOCK_KEYWORDS and "-->" not in line:
            index = _skip_block(lines, index)
            continue
        timing = _TIMING.match(line) if "-->" in line else None
        if timing is None and "-->" in line:
            raise source.error(
                f"malformed cue timing '{line.strip()[:60]}'",
                index + 1,
                hint="WebVTT timings look like 00:01.000 --> 00:02.500, with spaces around -->",
            )
        if timing is None:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if "-->" in following:
                index += 1  # a cue id; the timing comes next
                continue
            raise source.error(
                f"text with no cue timing: '{line.strip()[:40]}'",
                index + 1,
                hint="a cue is an optional id line, then 'start --> end', then its text; "
                "a comment starts with NOTE",
            )
        start, end = parse_timestamp(timing.group(1)), parse_timestamp(timing.group(2))
        if start is None or end is None:
            raise source.error(
                f"malformed time in '{line.strip()}'",
                index + 1,
                hint="WebVTT times look like 01:02.500 or 01:02:03.500",
            )
        timing_line = index + 1
        index += 1
        cue_lines = []
        # A cue ends at an empty line; a line of spaces is part of it (YouTube writes those).
        while index < len(lines) and lines[index] != "" and "-->" not in lines[index]:
            cue_lines.append(_cue_text(lines[index]))
            index += 1
        cue_lines = [c for c in cue_lines if c]
        new_lines = _drop_rolled_over(previous_lines, cue_lines)
        if cue_lines:
            previous_lines = cue_lines
        if new_lines:
            raw.append(RawSegment(start, end, " ".join(new_lines), timing_line))
        elif cue_lines:
            # Nothing new: an exact repeat, which extends the previous segment's time.
            raw.append(RawSegment(start, end, " ".join(cue_lines[-1:]), timing_line))
    return timed_document(source, FORMAT, title, raw)


def _skip_block(lines: list[str], index: int) -> int:
    while index < len(lines) and lines[index].strip():
        index += 1
    return index


def _drop_rolled_over(previous: list[str], current: list[str]) -> list[str]:
    """The lines of ``current`` that were not already shown at the end of ``previous``.

    YouTube auto-captions show two lines: the one already seen, then the new one.
    """
    for overlap in range(min(len(previous), len(current)), 0, -1):
        if previous[-overlap:] == current[:overlap]:
            return current[overlap:]
    return current
