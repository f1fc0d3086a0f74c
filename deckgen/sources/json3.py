"""YouTube's json3 captions (yt-dlp ``--sub-format json3``).

``{"events": [{"tStartMs": 0, "dDurationMs": 5000, "segs": [{"utf8": "text",
"tOffsetMs": 0}]}]}``. Events without ``segs`` only place caption windows; ``"\\n"``
segments only break lines. Auto-captions time every word (``tOffsetMs``): those times
are kept.
"""

from __future__ import annotations

from deckgen.document import TRANSCRIPT, Document, Word
from deckgen.sources.common import RawSegment, Text, json_number, load_json, timed_document

FORMAT = "json3"
KIND = TRANSCRIPT
LABEL = "YouTube json3"
SHAPE = 'json3 looks like {"events": [{"tStartMs": 0, "dDurationMs": 1500, "segs": [...]}]}'


def looks_like(source: Text) -> bool:
    head = source.content.lstrip()[:4096]
    return head.startswith("{") and '"events"' in source.content and '"tStartMs"' in source.content


def parse(source: Text, title: str) -> Document:
    data = load_json(source)
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        raise source.error("json3 needs an 'events' list", hint=SHAPE)
    raw: list[RawSegment] = []
    for number, event in enumerate(events, start=1):
        if not isinstance(event, dict):
            raise source.error(f"event {number} is not an object", hint=SHAPE)
        segs = event.get("segs")
        if not segs:
            continue  # a window or style event
        start = json_number(event.get("tStartMs"))
        duration = json_number(event.get("dDurationMs", 0))
        if start is None or duration is None or not isinstance(segs, list):
            raise source.error(
                f"event {number} needs a numeric 'tStartMs' and a 'segs' list", hint=SHAPE
            )
        pieces: list[tuple[float, str]] = []
        for seg in segs:
            text = seg.get("utf8") if isinstance(seg, dict) else None
            offset = json_number(seg.get("tOffsetMs", 0)) if isinstance(seg, dict) else None
            if not isinstance(text, str) or offset is None:
                raise source.error(
                    f"event {number}: each seg needs a 'utf8' text",
                    hint='a seg looks like {"utf8": "word", "tOffsetMs": 240}',
                )
            pieces.append(((start + offset) / 1000, text))
        end = (start + duration) / 1000
        words = _words(pieces, end) if any("tOffsetMs" in s for s in segs) else ()
        text = "".join(text for _, text in pieces).replace("\n", " ")
        raw.append(RawSegment(start / 1000, end, text, number, words))
    return timed_document(source, FORMAT, title, raw, numbered_segments=True)


def _words(pieces: list[tuple[float, str]], end: float) -> tuple[Word, ...]:
    """One Word per timed seg: it lasts until the next one starts (the last, until the
    event ends)."""
    timed = [(at, text.strip()) for at, text in pieces if text.strip()]
    return tuple(
        Word(at, max(at, timed[i + 1][0] if i + 1 < len(timed) else end), text)
        for i, (at, text) in enumerate(timed)
    )
