"""deckgen.extract.claims: one card per claim, deterministic, and end to end: extract
the Sequoia talk, build, import into Anki."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from deckgen.extract.claims import ExtractOptions, extract_claims
from deckgen.sources import load_document
from deckgen.timecode import parse_clock
from tests.conftest import FIXTURES, ROOT
from tests.extract.conftest import claims_of, extract_build_import


def test_near_duplicates_become_one_card(pipeline):
    claims = claims_of(
        pipeline,
        (100.0, "We are off by a factor of a thousand to a million in efficiency."),
        (200.0, "We're off by a factor of a thousand to a million in efficiency, I think."),
    )
    assert len(claims) == 1 and claims[0].card.time == 100.0


def test_two_cards_hiding_the_same_words_within_a_minute_are_one():
    from deckgen.cards import Card
    from deckgen.extract import Claim, Score, Sentence, is_near_duplicate

    def claim(start: float, text: str, cloze: str) -> Claim:
        card = Card(id=f"c{int(start)}", type="cloze", line=0, text=cloze, sources=("s",))
        sentence = Sentence(index=int(start), text=text, start=start)
        return Claim("s", sentence, Score(1.0, ()), card, frozenset(text.lower().split()))

    first = claim(100.0, "voxels of 20 centimeters", "Voxels of {{c1::20 centimeters}}.")
    again = claim(130.0, "each cell is 20 centimeters", "Each cell is {{c1::20 centimeters}}.")
    later = claim(400.0, "each cell is 20 centimeters", "Each cell is {{c1::20 centimeters}}.")
    assert is_near_duplicate(first, again)
    assert not is_near_duplicate(first, later)  # minutes apart: a point made again
    other = claim(120.0, "each cell is 5 centimeters", "Each cell is {{c1::5 centimeters}}.")
    assert not is_near_duplicate(first, other)


def test_extraction_is_deterministic(pipeline):
    doc_path = ROOT / "seeds" / "sequoia-transcript.txt"
    from deckgen.sources import load_document

    doc = load_document(doc_path)
    first = extract_claims(doc, "s", pipeline)
    second = extract_claims(doc, "s", pipeline)
    assert [c.card for c in first] == [c.card for c in second]
    assert 15 <= len(first) / (doc.duration / 3600) <= 60  # cards per hour of speech


def test_a_long_talk_taken_in_small_windows_gives_the_cards_of_the_whole(pipeline, monkeypatch):
    """A long talk is split, parsed and de-duplicated a window at a time, keeping only
    the latest parses: tiny windows give exactly the cards of taking the talk whole."""
    from dataclasses import replace

    talk = load_document(ROOT / "seeds" / "sequoia-transcript.txt")
    half = talk.segments[: len(talk.segments) // 2]
    later = half[-1].end + 1.0
    # Said twice over: each claim comes again (a twin of one kept), and its sentences
    # are parsed again after the first parses are dropped.
    again = tuple(replace(s, start=s.start + later, end=s.end + later) for s in half)
    doc = replace(talk, segments=half + again, duration=2 * later)

    def cards(split_window: int, parse_batch: int, parses_kept: int) -> list:
        monkeypatch.setattr("deckgen.extract.sentences.SPLIT_WINDOW", split_window)
        monkeypatch.setattr("deckgen.extract.claims._PARSE_BATCH", parse_batch)
        monkeypatch.setattr("deckgen.extract.drafting._PARSED_KEPT", parses_kept)
        return [c.card for c in extract_claims(doc, "s", pipeline)]

    whole = cards(10**9, 10**6, 10**6)
    assert len(whole) >= 10
    assert cards(400, 3, 4) == whole  # 400 characters: longer than any sentence (308)


# -- end to end: extract the Sequoia talk, build, import into Anki

REQUIRED = {
    # claim: (terms that must all be on the card, when it is said)
    "brain ~20 W": (["20 watts"], "00:13:10"),
    "open weights vs open source": (["open source"], "00:07:50"),
    "the transformer was designed for the GPU": (["transformer", "GPU"], "00:35:05"),
}
# Until the selector was learned from curators' labels (bench/train.py) this list also
# held "efficiency off by 1,000 to 1,000,000x", "RLHF is a vibe check" and "scale is
# the first principal component": cues written for this talk, which the labelled talks
# do not support. They stay in the project's curated cards.yaml; README's Quality
# section says what the learned selector gains on talks nobody tuned on.


def test_extract_build_and_import_finds_the_required_cards(tmp_path: Path, collection):
    shutil.copy(ROOT / "seeds" / "sequoia-transcript.txt", tmp_path / "sequoia-transcript.txt")
    notes = extract_build_import(tmp_path / "sequoia-transcript.txt", collection)
    assert len(notes) >= 15

    def shown(note) -> str:
        card = note.cards()[0]
        return re.sub(r"<[^>]+>", " ", card.answer()).replace("&#x27;", "'")

    for claim, (terms, said_at) in REQUIRED.items():
        said = parse_clock(said_at)
        matches = [
            n
            for n in notes
            if all(t.lower() in shown(n).lower() for t in terms)
            and said - 6 <= parse_clock(n["Time"]) <= said + 90
        ]
        assert matches, f"no card for {claim!r} near {said_at}"
        assert "Making AI accessible" in shown(matches[0])


# -- round trip: every caption format of issue #18 gives cards at the captions' times

_CAPTION_FIXTURES = [
    "formats/talk.sbv",
    "formats/talk.json3",
    "formats/talk.srv3",
    "formats/talk.ttml",
    "formats/talk.ass",
    "formats/talk.ssa",
    "formats/pysubs2-ttml_example.ttml",
    "formats/pysubs2-ttml_example2.ttml",
    "formats/pysubs2-ttml_example.ass",
]


def test_a_caption_of_this_pointing_at_nothing_makes_no_card(pipeline):
    # youtube-transcript-api's srv1 says only "this is just a test ...": a "this" that
    # stands for nothing said before (its times are tested in tests/test_sources.py).
    doc = load_document(FIXTURES / "formats/youtube-transcript-api-transcript.srv1")
    assert doc.segments
    claims = extract_claims(doc, "talk", pipeline, ExtractOptions(max_per_hour=600, min_score=0))
    assert claims == []


def test_placeholder_captions_with_no_sentence_make_no_card(pipeline):
    # webvtt-py's sample.sbv says "Caption text #1" ... "#5": no subject, no verb.
    doc = load_document(FIXTURES / "peers/webvtt-py/sample.sbv")
    assert [s.start for s in doc.segments][:2] == [0.378, 11.378]
    claims = extract_claims(doc, "talk", pipeline, ExtractOptions(max_per_hour=600, min_score=0))
    assert claims == []


@pytest.mark.parametrize("name", _CAPTION_FIXTURES)
def test_cards_from_every_caption_format_keep_the_caption_times(pipeline, name: str):
    doc = load_document(FIXTURES / name)
    claims = extract_claims(doc, "talk", pipeline, ExtractOptions(max_per_hour=600, min_score=0))
    assert claims, "a fixture with English speech gives at least one card"
    for claim in claims:
        start = claim.sentence.start
        # A card starts inside the caption (or at the timed word) holding its first word:
        # at the caption's start, or, for a claim beginning mid-caption, at its place in
        # the caption's text (issue #14), never after the caption ends.
        words = {w.start for s in doc.segments for w in s.words}
        first_word = claim.sentence.text.split()[0]
        holding = [
            s.text
            for s in doc.segments
            if start in words & {w.start for w in s.words}
            or s.start <= start < max(s.end, s.start + 1e-9)
        ]
        assert any(first_word in text for text in holding), (name, start, first_word, holding)
        assert claim.card.time == float(int(start))


@pytest.mark.parametrize("model", [None, "none"])
def test_card_syntax_said_in_a_transcript_stays_text(model: str | None):
    from deckgen.cards import CLOZE_PATTERN
    from deckgen.extract.pipeline import load_pipeline
    from tests.extract.conftest import transcript

    doc = transcript(
        (10.0, "The template was {{c1::secret}} and it said that a brain runs on 20 watts."),
        (20.0, "Another point is that {{c2::GPT-4}} was trained on 13 trillion tokens }}."),
    )
    claims = extract_claims(doc, "talk", load_pipeline(model))
    assert claims
    for claim in claims:
        card = claim.card
        for text in (card.text, card.front, card.back, card.quote):
            hidden = [m.group(2) for m in CLOZE_PATTERN.finditer(text or "")]
            assert "secret" not in hidden and "GPT-4" not in hidden, card
            for said in ("{{c1::secret", "{{c2::GPT-4", "tokens }}"):
                assert said not in (text or ""), card
        if card.type == "cloze":
            assert len(CLOZE_PATTERN.findall(card.text)) >= 1
    assert "{ {c1::secret} }" in claims[0].card.quote


@pytest.mark.parametrize("model", [None, "none"])
def test_media_tags_said_in_a_source_stay_text(model: str | None):
    from deckgen.extract.pipeline import load_pipeline
    from tests.extract.conftest import transcript

    doc = transcript(
        (10.0, "The file [sound:evil.mp3] shows that a brain runs on 20 watts."),
        (
            20.0,
            "Another point is that [anki:tts]GPT-4[/anki:tts] was trained on 13 trillion tokens.",
        ),
    )
    claims = extract_claims(doc, "talk", load_pipeline(model))
    assert claims
    for claim in claims:
        card = claim.card
        for text in (card.text, card.front, card.back, card.extra, card.quote):
            assert "[sound:" not in (text or "") and "[anki:" not in (text or ""), card


def test_twins_found_by_key_term_are_those_every_kept_claim_is_compared_with():
    """_Kept looks a claim's twin up by its key terms: the same twin, the first in
    order, as comparing it with every claim kept so far (as before)."""
    import random

    from deckgen.cards import Card
    from deckgen.extract import Claim, Score, Sentence, content_words, is_near_duplicate
    from deckgen.extract.claims import _Kept

    words = ["gpu", "tokens", "sparsity", "scale", "model", "data", "loss", "attention", "layer"]
    rng = random.Random(7)
    said = [" ".join(rng.sample(words, rng.randint(1, 6))) for _ in range(300)]
    order = list(range(len(said)))
    rng.shuffle(order)  # drafted best first, not in the order said

    kept, every, replaced = _Kept(None), [], 0
    for index in order:
        card = Card(f"c{index}", "basic", 0, front="Q?", back="A.", sources=("t",))
        claim = Claim(
            "t",
            Sentence(said[index], 0.0, index),
            Score(1.0, ()),
            card,
            frozenset(content_words(said[index])),
        )
        twin = next((n for n, k in enumerate(every) if is_near_duplicate(claim, k)), None)
        if twin is None:
            every.append(claim)
        elif index < every[twin].sentence.index:
            every[twin] = claim
            replaced += 1
        kept.add(claim)
    assert kept.claims == every
    assert len(every) < 250 and replaced > 10  # twins were found, and replaced by earlier ones
