"""SubRip (.srt): numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, text lines.

Real files bend the rules; what can be read without guessing is read: ``.`` for ``,``
in times, a missing cue number, no blank line between cues, a blank line inside a cue's
text (the text after it still belongs to that cue). What would lose words is an error:
a cue number with no timing line under it, or text before the first cue.
"""

from __future__ import annotations

import re

from deckgen.document import TRANSCRIPT, Document
from deckgen.sources.common import RawSegment, Text, parse_timestamp, timed_document

FORMAT = "srt"
KIND = TRANSCRIPT
LABEL = "SRT"
SHAPE = "an SRT cue is a number, then a line like 00:00:01,000 --> 00:00:02,500, then its text"

_TIMING = re.compile(r"^\s*(\S+)\s*-->\s*(\S+)")
_SRT_TIME = re.compile(r"\d+:\d{2}:\d{2}[,.]\d{1,3}")
# A speaker turn: '- Hi' or '-Hi' (not '-5 degrees').
_TURN_DASH = re.compile(r"^\s*[-–—](?:\s+|(?=[^\W\d_]))")
# Formatting: HTML-like tags (<i>, <font color=...>) and ASS override blocks ({\an8}).
_MARKUP = re.compile(r"</?[a-zA-Z][^<>\n]*>|\{\\[^}\n]*\}")


def looks_like(source: Text) -> bool:
    lines = [line for line in source.lines[:50] if line.strip()]
    for index, line in enumerate(lines[:-1]):
        if line.strip().isdigit():
            match = _TIMING.match(lines[index + 1])
            return bool(match and _SRT_TIME.fullmatch(match.group(1)))
    return False


def _text(line: str) -> str:
    return _TURN_DASH.sub("", _MARKUP.sub("", line))


def _timing(line: str) -> re.Match[str] | None:
    return _TIMING.match(line) if "-->" in line else None


def parse(source: Text, title: str) -> Document:
    lines = source.lines
    has_timing = any(_timing(line) for line in lines)
    cues: list[tuple[float, float, list[str], int]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        match = _timing(line)
        if match is None:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if line.strip().isdigit():
                if _timing(following):
                    index += 1  # the cue number; its timing comes next
                    continue
                if has_timing or following.strip():
                    raise source.error(
                        f"cue {line.strip()} has no timing line", index + 1, hint=SHAPE
                    )
            if not cues:
                if has_timing:
                    raise source.error(
                        f"text before the first cue: '{line.strip()[:40]}'", index + 1, hint=SHAPE
                    )
                index += 1  # no cue anywhere: the file is not SRT (reported below)
                continue
            # Text after a blank line inside a cue still belongs to that cue.
            cues[-1][2].append(_text(line))
            index += 1
            continue
        timing_line = index + 1
        start, end = parse_timestamp(match.group(1)), parse_timestamp(match.group(2))
        if start is None or end is None:
            raise source.error(
                f"malformed time in '{line.strip()}'",
                timing_line,
                hint="SRT times look like 00:01:02,500 --> 00:01:04,000",
            )
        index += 1
        text_lines = []
        while index < len(lines) and lines[index].strip():
            if _timing(lines[index]):
                break  # a cue with no blank line before the next one
            text_lines.append(_text(lines[index]))
            index += 1
        # The next cue's number may sit in the last text line when blank lines are missing.
        if text_lines and index < len(lines) and _timing(lines[index]) and text_lines[-1].isdigit():
            text_lines.pop()
        cues.append((start, end, text_lines, timing_line))
    raw = [RawSegment(start, end, " ".join(text), line) for start, end, text, line in cues]
    return timed_document(source, FORMAT, title, raw)
