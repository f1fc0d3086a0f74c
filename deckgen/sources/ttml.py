"""TTML / DFXP (``<tt xmlns="http://www.w3.org/ns/ttml">``): each ``<p begin end>`` is a cue.

Times may be clock times (``00:00:01.500``, ``00:00:01:12`` with frames) or offsets
(``1.5s``, ``1500ms``, ``36f``, ``15000000t`` with ``ttp:tickRate``). Times on ``<p>`` are
taken as they are written (from the start of the media, as every TTML writer we know of
uses them). ``<span>`` elements with their own times give word times.
"""

from __future__ import annotations

import math
import re

from deckgen.document import TRANSCRIPT, Document, Word
from deckgen.sources.common import (
    RawSegment,
    Text,
    XmlNode,
    ordered,
    parse_timestamp,
    parse_xml,
    timed_document,
)

FORMAT = "ttml"
KIND = TRANSCRIPT
LABEL = "TTML"
SHAPE = 'a TTML cue looks like <p begin="00:00:01.500" end="00:00:03.000">text</p>'

_ROOT = re.compile(r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:\w+:)?tt[\s>/]", re.S)
_OFFSET = re.compile(r"^\s*(\d+(?:\.\d+)?)(h|ms|m|s|f|t)\s*$")
_FRAMES = re.compile(r"^\s*(\d+):(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*$")
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def looks_like(source: Text) -> bool:
    return bool(_ROOT.match(source.content[:4096]))


def _rate(root: XmlNode, name: str, default: float) -> float:
    try:
        value = float(root.attrs.get(name, default))
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def parse_time(text: str, frame_rate: float, tick_rate: float) -> float | None:
    """Seconds in a TTML time expression; None if malformed."""
    offset = _OFFSET.match(text)
    if offset:
        value, unit = float(offset.group(1)), offset.group(2)
        if unit == "f":
            return value / frame_rate
        if unit == "t":
            return value / tick_rate
        return value * _UNITS[unit]
    frames = _FRAMES.match(text)
    if frames:
        hours, minutes, seconds, frame = (int(g) for g in frames.groups()[:4])
        return hours * 3600 + minutes * 60 + seconds + frame / frame_rate
    try:  # a bare number of seconds (Apple writes these)
        value = float(text)
    except ValueError:
        return parse_timestamp(text)
    return value if math.isfinite(value) and value >= 0 else None


def parse(source: Text, title: str) -> Document:
    root = parse_xml(source)
    if root.tag != "tt":
        raise source.error(f"the root element is <{root.tag}>, not <tt>", root.line)
    frame_rate = _rate(root, "frameRate", 30.0)
    tick_rate = _rate(root, "tickRate", frame_rate)

    def time_of(node: XmlNode, name: str) -> float | None:
        value = node.attrs.get(name)
        if value is None:
            return None
        seconds = parse_time(value, frame_rate, tick_rate)
        if seconds is None:
            raise source.error(
                f'malformed time {name}="{value}" in <{node.tag}>',
                node.line,
                hint='TTML times look like "00:00:01.500" or "1.5s"',
            )
        return seconds

    def span_of(node: XmlNode) -> tuple[float, float] | None:
        start = time_of(node, "begin")
        end = time_of(node, "end")
        duration = time_of(node, "dur")
        if start is None:
            return None
        if end is None:
            end = start + (duration or 0.0)
        return start, end

    raw: list[RawSegment] = []
    for paragraph in root.iter("p"):
        spans = [s for s in paragraph.iter("span") if "begin" in s.attrs]
        words = []
        for span in spans:
            timing = span_of(span)
            text = span.text().strip()
            if timing and text:
                words.append(Word(timing[0], max(timing), text))
        timing = span_of(paragraph)
        if timing is None and words:
            timing = (words[0].start, max(w.end for w in words))
        if timing is None:
            raise source.error("<p> has no begin time", paragraph.line, hint=SHAPE)
        raw.append(RawSegment(timing[0], timing[1], paragraph.text(), paragraph.line, tuple(words)))
    return timed_document(source, FORMAT, title, ordered(raw))
