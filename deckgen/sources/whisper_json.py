"""Whisper JSON: ``{"text": ..., "segments": [{"start", "end", "text", "words"?}]}``."""

from __future__ import annotations

from deckgen.document import TRANSCRIPT, Document, Word
from deckgen.sources.common import RawSegment, Text, json_number, load_json, timed_document

FORMAT = "whisper-json"
KIND = TRANSCRIPT
LABEL = "Whisper JSON"
SHAPE = 'Whisper JSON looks like {"segments": [{"start": 1.5, "end": 3.0, "text": "..."}]}'


def looks_like(source: Text) -> bool:
    head = source.content.lstrip()[:4096]
    return head.startswith("{") and '"segments"' in source.content


def parse(source: Text, title: str) -> Document:
    data = load_json(source)
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
        start, end = json_number(item.get("start")), json_number(item.get("end"))
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
            w_start, w_end = json_number(word.get("start")), json_number(word.get("end"))
            w_text = word.get("word", word.get("text"))
            if w_start is not None and w_end is not None and isinstance(w_text, str):
                words.append(Word(w_start, w_end, w_text.strip()))
        raw.append(RawSegment(start, end, text, number, tuple(words)))
    return timed_document(source, FORMAT, title, raw, numbered_segments=True)
