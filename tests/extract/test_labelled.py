"""Drafting on the curators' labelled talks (../shared/labels): no generic question
front and no filler blank on any of them, and one of them end to end into real Anki."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from deckgen.extract.claims import ExtractOptions, extract_claims
from tests.conftest import ROOT
from tests.extract.conftest import extract_build_import

SHARED = ROOT.parent / "shared"
LABELS = SHARED / "labels"
pytestmark = pytest.mark.skipif(not LABELS.is_dir(), reason="needs ../shared/labels")

GENERIC = re.compile(r"^What (does|do|did) \S+ (say|recommend|think|draw)")
# A blank that opens with an article or a quantity word hides filler, not the thing.
FILLER_BLANK = re.compile(
    r"\{\{c\d+::(?:a|an|the|this|that|some|a lot|a ton|a bunch|lots)(?:\s|\}\})", re.IGNORECASE
)
# Kept out of all reading and tuning (evaluation only): never run here.
RESERVED = (
    "twiml/76-",
    "twiml/99-",
    "twiml/401-",
    "twiml/434-",
    "twiml/217-",
    "twiml/294-",
    "karpathy-lectures/micrograd",
    "karpathy-lectures/makemore2",
)
# The first minutes of each talk: enough for dozens of cards, fast enough for the suite.
MINUTES = 12


def labelled_talks() -> list[tuple[str, str]]:
    import yaml

    talks = {}
    for path in sorted(LABELS.glob("*.yaml")) if LABELS.is_dir() else []:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not data["source"].startswith(RESERVED):
            talks.setdefault(data["source"], data.get("speaker") or "the speaker")
    return sorted(talks.items())


def opening(source: str):
    from deckgen.sources import load_document

    doc = load_document(SHARED / "corpus" / source)
    segments = tuple(s for s in doc.segments if s.start < MINUTES * 60)
    return replace(doc, segments=segments, duration=segments[-1].end)


@pytest.mark.parametrize(("source", "speaker"), labelled_talks())
def test_no_generic_front_and_no_filler_blank(pipeline, source: str, speaker: str):
    doc = opening(source)
    claims = extract_claims(doc, "talk", pipeline, ExtractOptions(speaker=speaker))
    assert claims, source
    for card in (c.card for c in claims):
        assert not GENERIC.match(card.front or ""), card.front
        assert not FILLER_BLANK.search(card.text or ""), card.text
        assert card.type == "cloze" or card.back, card


def test_a_labelled_talk_imports_into_anki_with_studyable_cards(tmp_path: Path, collection):
    source = LABELS.parent / "corpus" / "karpathy-lectures" / "makemore1.srt"
    text = source.read_text(encoding="utf-8")
    # The first 20 minutes of the lecture: cues up to the first one starting at 00:20.
    cut = re.search(r"^\d+\n00:20:", text, re.MULTILINE)
    (tmp_path / "makemore1.srt").write_text(text[: cut.start()], encoding="utf-8")
    notes = extract_build_import(tmp_path / "makemore1.srt", collection)
    assert len(notes) >= 8
    kinds = {note.note_type()["name"] for note in notes}
    assert kinds <= {"deckgen basic", "deckgen cloze"} and "deckgen cloze" in kinds, kinds
    for note in notes:
        fields = dict(note.items())
        if "Front" in fields:
            assert not GENERIC.match(fields["Front"]), fields["Front"]
            assert fields["Front"].endswith("?") and fields["Back"], fields
        else:
            assert re.search(r"\{\{c1::", fields["Text"]), fields["Text"]
            assert not FILLER_BLANK.search(fields["Text"]), fields["Text"]
