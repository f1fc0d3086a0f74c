"""Advanced SubStation Alpha and SubStation Alpha (.ass, .ssa), as Aegisub writes them.

Only the ``Dialogue:`` lines of the ``[Events]`` section are read (``Comment:`` lines and
styles are not speech). Their fields follow the section's ``Format:`` line; the text is
the last field and may hold commas. Override tags (``{\\i1}``, ``{\\pos(10,20)}``) and
drawings (``{\\p1}m 0 0 l 10 0{\\p0}``) are removed; ``\\N``, ``\\n`` and ``\\h`` are
spaces. Times are ``H:MM:SS.cc`` (centiseconds). Events are put in time order (an ASS
file need not list them so).
"""

from __future__ import annotations

import re

from deckgen.document import TRANSCRIPT, Document
from deckgen.sources.common import RawSegment, Text, ordered, parse_timestamp, timed_document

FORMAT = "ass"
KIND = TRANSCRIPT
LABEL = "ASS/SSA"
SHAPE = "ASS dialogue looks like 'Dialogue: 0,0:00:01.00,0:00:03.50,Default,,0,0,0,,text'"

_SECTION = re.compile(r"^\s*\[([^\]]+)\]\s*$")
_EVENT = re.compile(r"^\s*(Dialogue|Comment|Format)\s*:\s?(.*)$", re.IGNORECASE)
_DEFAULT_FORMAT = ["layer", "start", "end", "style", "name", "marginl", "marginr", "marginv"]
_DEFAULT_FORMAT += ["effect", "text"]
_OVERRIDE = re.compile(r"(\{[^}]*\})")
_DRAWING = re.compile(r"\\p(\d+)")
_HARD_SPACE = re.compile(r"\\[Nnh]")


def looks_like(source: Text) -> bool:
    first = next((line.strip() for line in source.lines if line.strip()), "")
    if first.lower() == "[script info]":
        return True
    content = source.content
    return bool(
        re.search(r"^\s*\[events\]\s*$", content, re.M | re.I)
        and re.search(r"^\s*dialogue\s*:", content, re.M | re.I)
    )


def dialogue_text(text: str) -> str:
    """The words shown: override blocks and drawings removed, line breaks as spaces."""
    parts = []
    drawing = False
    for piece in _OVERRIDE.split(text):
        if piece.startswith("{") and piece.endswith("}"):
            scales = _DRAWING.findall(piece)
            if scales:
                drawing = scales[-1] != "0"
            continue
        if not drawing:
            parts.append(piece)
    return _HARD_SPACE.sub(" ", "".join(parts))


def parse(source: Text, title: str) -> Document:
    raw: list[RawSegment] = []
    section = None
    fields = _DEFAULT_FORMAT
    saw_events = False
    for number, line in enumerate(source.lines, start=1):
        heading = _SECTION.match(line)
        if heading:
            section = heading.group(1).strip().lower()
            saw_events = saw_events or section == "events"
            continue
        if section != "events":
            continue
        event = _EVENT.match(line)
        if event is None:
            continue
        kind, rest = event.group(1).lower(), event.group(2)
        if kind == "format":
            fields = [name.strip().lower() for name in rest.split(",")]
            if not {"start", "end", "text"} <= set(fields) or fields[-1] != "text":
                raise source.error(
                    "the [Events] Format line must name Start and End, and Text last",
                    number,
                    hint="Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, "
                    "Effect, Text",
                )
            continue
        if kind != "dialogue":
            continue
        values = rest.split(",", len(fields) - 1)
        if len(values) < len(fields):
            raise source.error(
                f"a Dialogue line with {len(values)} fields; the Format line names {len(fields)}",
                number,
                hint=SHAPE,
            )
        record = dict(zip(fields, values, strict=True))
        start, end = parse_timestamp(record["start"]), parse_timestamp(record["end"])
        if start is None or end is None:
            raise source.error(
                f"malformed time '{record['start'].strip()}' or '{record['end'].strip()}'",
                number,
                hint="ASS times look like 0:01:02.50",
            )
        raw.append(RawSegment(start, end, dialogue_text(record["text"]), number))
    if not saw_events:
        raise source.error("no [Events] section", hint="ASS/SSA dialogue is in an [Events] section")
    return timed_document(source, FORMAT, title, ordered(raw))
