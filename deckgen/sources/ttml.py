"""TTML / DFXP (``<tt xmlns="http://www.w3.org/ns/ttml">``): each ``<p begin end>`` is a cue.

Times may be clock times (``00:00:01.500``, ``00:00:01:12`` with frames, ``00:00:01:12.1``
with sub-frames) or offsets (``1.5s``, ``1500ms``, ``36f``, ``15000000t``), with the
document's ``ttp:frameRate``, ``ttp:frameRateMultiplier``, ``ttp:subFrameRate`` and
``ttp:tickRate`` (which, as the spec says, defaults to frame rate times sub-frame rate when
a frame rate is given, else to 1 tick a second).

Time containment follows the spec: ``<body>``, ``<div>``, ``<p>`` and ``<span>`` are
``par`` containers unless ``timeContainer="seq"``; a child's ``begin`` and ``end`` count
from its parent's begin (in a ``seq`` container, from the end of the sibling before); a
child without ``end`` or ``dur`` lasts as long as its parent; no child outlasts its parent.
Timed ``<span>`` elements give word times. Some writers (Apple's among them) time the spans
inside a ``<p>`` from the start of the media instead: spans that only fit in their
paragraph when so read are read so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

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
_FRAMES = re.compile(r"^\s*(\d+):(\d{2}):(\d{2}):(\d{2,})(?:\.(\d+))?\s*$")
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
# How far a span may stick out of its paragraph (rounding in the file) and still fit.
_SLACK = 0.001


def looks_like(source: Text) -> bool:
    return bool(_ROOT.match(source.content[:4096]))


@dataclass(frozen=True)
class Rates:
    """The timing parameters of a document (``ttp:*`` on ``<tt>``)."""

    frame: float = 30.0  # effective frames a second (frameRate x frameRateMultiplier)
    sub_frame: float = 1.0  # sub-frames a frame
    tick: float = 1.0  # ticks a second

    @classmethod
    def of(cls, root: XmlNode) -> Rates:
        frame = _positive(root.attrs.get("frameRate"))
        multiplier = _multiplier(root.attrs.get("frameRateMultiplier"))
        effective = (frame or 30.0) * multiplier
        sub_frame = _positive(root.attrs.get("subFrameRate")) or 1.0
        tick = _positive(root.attrs.get("tickRate"))
        if tick is None:
            tick = effective * sub_frame if frame is not None else 1.0
        return cls(effective, sub_frame, tick)


def _positive(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) and value > 0 else None


def _multiplier(text: str | None) -> float:
    """``ttp:frameRateMultiplier="1000 1001"`` as 1000/1001; 1 when absent or malformed."""
    parts = (text or "").split()
    if len(parts) != 2:
        return 1.0
    numerator, denominator = _positive(parts[0]), _positive(parts[1])
    return numerator / denominator if numerator and denominator else 1.0


def parse_time(text: str, rates: Rates) -> float | None:
    """Seconds in a TTML time expression; None if malformed."""
    offset = _OFFSET.match(text)
    if offset:
        value, unit = float(offset.group(1)), offset.group(2)
        if unit == "f":
            return value / rates.frame
        if unit == "t":
            return value / rates.tick
        return value * _UNITS[unit]
    frames = _FRAMES.match(text)
    if frames:
        hours, minutes, seconds, frame = (int(g) for g in frames.groups()[:4])
        sub_frames = int(frames.group(5) or 0)
        return (
            hours * 3600
            + minutes * 60
            + seconds
            + (frame + sub_frames / rates.sub_frame) / rates.frame
        )
    try:  # a bare number of seconds (Apple writes these)
        value = float(text)
    except ValueError:
        return parse_timestamp(text)
    return value if math.isfinite(value) and value >= 0 else None


@dataclass(frozen=True)
class Interval:
    """When an element is active, in seconds of media time; ``end`` None: open-ended."""

    begin: float
    end: float | None
    timed: bool  # it or an element around it has a begin time


_ROOT_INTERVAL = Interval(0.0, None, timed=False)


def parse(source: Text, title: str) -> Document:
    root = parse_xml(source)
    if root.tag != "tt":
        raise source.error(f"the root element is <{root.tag}>, not <tt>", root.line)
    rates = Rates.of(root)

    def time_of(node: XmlNode, name: str) -> float | None:
        value = node.attrs.get(name)
        if value is None:
            return None
        seconds = parse_time(value, rates)
        if seconds is None:
            raise source.error(
                f'malformed time {name}="{value}" in <{node.tag}>',
                node.line,
                hint='TTML times look like "00:00:01.500" or "1.5s"',
            )
        return seconds

    raw: list[RawSegment] = []

    def visit(node: XmlNode, interval: Interval) -> None:
        for child, child_interval in _children(node, interval, time_of):
            if child.tag == "p":
                raw.append(_cue(source, child, child_interval, time_of))
            elif child.tag != "head":
                visit(child, child_interval)

    visit(root, _ROOT_INTERVAL)
    return timed_document(source, FORMAT, title, ordered(raw))


TimeOf = Callable[[XmlNode, str], "float | None"]


def _children(node: XmlNode, interval: Interval, time_of: TimeOf) -> list[tuple[XmlNode, Interval]]:
    """The child elements of ``node``, each with its interval: counted from the parent's
    begin in a ``par`` container, from the previous sibling's end in a ``seq`` one."""
    sequential = node.attrs.get("timeContainer") == "seq"
    reference = interval.begin
    found = []
    for child in node.children:
        if not isinstance(child, XmlNode):
            continue
        child_interval = _interval(child, interval, reference, sequential, time_of)
        found.append((child, child_interval))
        if sequential:
            reference = child_interval.end if child_interval.end is not None else reference
    return found


def _interval(
    node: XmlNode, parent: Interval, reference: float, sequential: bool, time_of: TimeOf
) -> Interval:
    """``node``'s interval inside ``parent``: its begin, end and dur count from
    ``reference``; without end or dur it lasts as long as its parent (in a ``seq``
    container, no time at all); it never outlasts its parent."""
    begin, end, duration = time_of(node, "begin"), time_of(node, "end"), time_of(node, "dur")
    start = reference + (begin or 0.0)
    ends = []
    if end is not None:
        ends.append(reference + end)
    if duration is not None:
        ends.append(start + duration)
    stop = min(ends) if ends else (start if sequential else parent.end)
    if stop is not None and parent.end is not None:
        stop = min(stop, parent.end)
    if stop is not None:
        stop = max(stop, start)
    return Interval(start, stop, timed=parent.timed or begin is not None)


def _cue(source: Text, paragraph: XmlNode, interval: Interval, time_of: TimeOf) -> RawSegment:
    """The segment of one ``<p>``, with word times from its timed spans."""
    contained = _words(paragraph, interval, time_of, from_media_start=False)
    words = contained
    if interval.timed and not _inside(contained, interval):
        from_start = _words(paragraph, Interval(0.0, None, False), time_of, from_media_start=True)
        if _inside(from_start, interval):
            words = from_start
    if interval.timed:
        start, end = interval.begin, interval.end
    elif words:
        start, end = words[0].start, max(w.end for w in words)
    else:
        raise source.error("<p> has no begin time", paragraph.line, hint=SHAPE)
    if end is None:
        end = max([start, *(w.end for w in words)])
    return RawSegment(start, end, paragraph.text(), paragraph.line, tuple(words))


def _words(
    paragraph: XmlNode, interval: Interval, time_of: TimeOf, *, from_media_start: bool
) -> list[Word]:
    """One Word per innermost timed ``<span>`` with text: its times counted from its
    parent's (the spec), or, ``from_media_start``, as written."""
    words: list[Word] = []

    def visit(node: XmlNode, node_interval: Interval) -> None:
        for child, child_interval in _children(node, node_interval, time_of):
            if child.tag != "span":
                visit(child, child_interval)
                continue
            if from_media_start:
                begin, end = time_of(child, "begin"), time_of(child, "end")
                duration = time_of(child, "dur")
                if begin is not None:
                    child_interval = Interval(
                        begin, end if end is not None else begin + (duration or 0.0), True
                    )
            inner = [s for s in child.iter("span") if s is not child and "begin" in s.attrs]
            text = child.text().strip()
            if "begin" in child.attrs and not inner and text:
                end = child_interval.end
                words.append(
                    Word(child_interval.begin, max(child_interval.begin, end or 0.0), text)
                )
            else:
                visit(child, child_interval)

    visit(paragraph, interval)
    return words


def _inside(words: list[Word], interval: Interval) -> bool:
    """Whether every word starts within the interval (an open end holds any start)."""
    return all(
        interval.begin - _SLACK <= w.start
        and (interval.end is None or w.start <= interval.end + _SLACK)
        for w in words
    )
