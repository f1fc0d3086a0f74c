"""Whisper JSON: ``{"text": ..., "segments": [{"start", "end", "text", "words"?}]}``."""

from __future__ import annotations

import json
import math

from deckgen.document import TRANSCRIPT, Document, Word
from deckgen.sources.common import RawSegment, Text, timed_document

FORMAT = "whisper-json"
KIND = TRANSCRIPT
LABEL = "Whisper JSON"
SHAPE = 'Whisper JSON looks like {"segments": [{"start": 1.5, "end": 3.0, "text": "..."}]}'


def looks_like(source: Text) -> bool:
    head = source.content.lstrip()[:4096]
    return head.startswith("{") and '"segments"' in source.content


def _seconds(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def parse(source: Text, title: str) -> Document:
    try:
        data = json.loads(source.content)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        raise source.error(f"not valid JSON: {getattr(exc, 'msg', exc)}", line) from None
    segments_data = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments_data, list):
        raise source.error(
            "Whisper JSON needs a 'segments' list",
            hint="write the transcript with whisper's --output_format json",
        )
    raw: list[RawSegment] = []
    for number, item in enumerate(segments_data, start=1):
        if not isinstance(item, dict):
            raise source.error(f"segment {number} is not an object")
        start, end = _seconds(item.get("start")), _seconds(item.get("end"))
        text = item.get("text")
        if start is None or end is None or not isinstance(text, str):
            raise source.error(
                f"segment {number} needs numeric 'start' and 'end' and a 'text'",
                hint='each segment looks like {"start": 1.5, "end": 3.0, "text": "..."}',
            )
        words = []
        for word in item.get("words") or ():
            if not isinstance(word, dict):
                continue
            w_start, w_end = _seconds(word.get("start")), _seconds(word.get("end"))
            w_text = word.get("word", word.get("text"))
            if w_start is not None and w_end is not None and isinstance(w_text, str):
                words.append(Word(w_start, w_end, w_text.strip()))
        raw.append(RawSegment(start, end, text, number, tuple(words)))
    return timed_document(source, FORMAT, title, raw, numbered_segments=True)
