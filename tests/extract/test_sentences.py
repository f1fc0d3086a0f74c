"""deckgen.extract.sentences: sentences rebuilt across segments, their times, claim units."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.extract.sentences import Sentence, claim_units, host_units, split_sentences
from tests.extract.conftest import transcript


def test_sentences_are_rebuilt_across_segments_with_the_time_they_begin(pipeline):
    doc = transcript(
        (10.0, "So my brain is"),
        (12.5, "20 watts, roughly. And the supercomputers"),
        (15.0, "are in megawatts."),
    )
    sentences = split_sentences(doc, pipeline.splitter)
    # "And" is the 20th of the cue's 41 characters: 12.5 + 19/41 * 3 s, less 1 s.
    assert [(s.text, s.start) for s in sentences] == [
        ("So my brain is 20 watts, roughly.", 10.0),
        ("And the supercomputers are in megawatts.", 12.89),
    ]


def test_word_times_place_a_sentence_exactly(pipeline):
    doc = transcript((10.0, "So my brain is 20 watts. Supercomputers use megawatts."), words=True)
    sentences = split_sentences(doc, pipeline.splitter)
    # "Supercomputers" is the 7th word of the segment: 10.0 + 6 * 0.5
    assert [s.start for s in sentences] == [10.0, 13.0]


def test_unpunctuated_speech_is_split_at_segment_boundaries(pipeline):
    words = "and so we take the counts of all the bigrams in the training set and normalize them"
    doc = transcript(*[(i * 4.0, words) for i in range(6)])
    sentences = split_sentences(doc, pipeline.splitter)
    assert len(sentences) == 6
    assert [s.start for s in sentences] == [0.0, 4.0, 8.0, 12.0, 16.0, 20.0]


# -- claim units


def units(*texts: str) -> list[str]:
    sentences = [Sentence(text, float(i), i) for i, text in enumerate(texts)]
    return [u.text for u in claim_units(sentences)]


def test_a_short_sentence_joins_the_claim_it_completes():
    assert units(
        "The next quirk of LLMs is that LLMs don't want to succeed.",
        "They want to imitate.",
        "Let's look at tools next, which are useful.",
    ) == [
        "The next quirk of LLMs is that LLMs don't want to succeed. They want to imitate.",
        "Let's look at tools next, which are useful.",
    ]


def test_a_short_sentence_announcing_a_point_joins_the_next():
    assert units(
        "Number two is pushing on things we see improvements on.",
        "So number one is precision.",
        "We are seeing precision come down from 64-bit to 4-bit.",
    ) == [
        "Number two is pushing on things we see improvements on.",
        "So number one is precision. We are seeing precision come down from 64-bit to 4-bit.",
    ]


def test_greetings_and_questions_stand_alone():
    texts = (
        "Then make it cheaper, is the thing I would suggest.",
        "Hi, Sam.",
        "What is the reward model?",
        "A vibe check.",
    )
    assert units(*texts)[:3] == list(texts[:3])


def test_a_sentence_inside_a_long_cue_is_timed_by_its_place_in_the_cue(pipeline):
    long_cue = (
        "The first part of this cue is about something else entirely and goes on. "
        "Backpropagation is a recursive application of the chain rule."
    )
    doc = transcript((100.0, long_cue))
    doc = replace(doc, segments=(replace(doc.segments[0], end=112.0),))
    first, second = split_sentences(doc, pipeline.splitter)
    assert first.start == 100.0
    # Begins 74 of 136 characters in: 100 + 74/136 * 12 s = 106.5, said no later than that.
    assert 105.0 <= second.start <= 106.6


def test_the_host_is_found_by_the_opening_and_the_questions():
    texts = (
        "Welcome to the podcast, I'm your host.",
        "My guest today works on robots.",
        "Why don't you tell us about your background?",
        "I studied control theory and then moved to learning.",
        "You mentioned grasping earlier.",
        "How many robots did you use?",
        "We used fourteen robot arms, right?",
        "They practiced day and night.",
    )
    sentences = [Sentence(t, float(i), i) for i, t in enumerate(texts)]
    assert host_units(sentences) == {0, 1, 2, 4, 5}


@pytest.mark.parametrize("window", [400, 2_000])  # longer than any sentence (308)
def test_splitting_a_window_at_a_time_finds_the_same_sentences(window: int):
    from deckgen.extract.pipeline import sentence_splitter
    from deckgen.extract.sentences import sentence_spans
    from deckgen.sources import load_document
    from tests.conftest import ROOT

    text = load_document(ROOT / "seeds" / "sequoia-transcript.txt").text
    splitter = sentence_splitter()
    whole = [(s.start_char, s.text) for s in splitter(text).sents]
    windowed = list(sentence_spans(splitter, text, window=window))
    assert len(whole) > 100
    assert windowed == whole


def test_unpunctuated_speech_is_split_where_the_parse_ends_a_sentence(pipeline):
    # Captions cut mid-phrase ("... than" | "full blown ..."); no punctuation at all.
    doc = transcript(
        (0.0, "decision lists are much easier to create than"),
        (3.0, "full blown decision trees we applied them to the criminal"),
        (6.0, "recidivism problem what we found was that the small model"),
        (9.0, "was as accurate as the black box model with over a hundred"),
        (12.0, "factors so you can use a very small decision tree to predict"),
        (15.0, "arrest and nobody has to trust a proprietary black box at all"),
    )
    cut_at_cues = split_sentences(doc, pipeline.splitter)
    parsed = split_sentences(doc, pipeline.splitter, pipeline.nlp)
    assert cut_at_cues[0].text.endswith("over a hundred")  # "factors" is in the next cue
    assert parsed[0].text.endswith("over a hundred factors")
    assert parsed[1].text.startswith("so you can use a very small decision tree")
    # Each piece keeps the time of the cue its first word is in.
    for sentence in parsed:
        first = sentence.text.split()[0]
        holding = [s for s in doc.segments if s.start <= sentence.start < s.end]
        assert holding and first in holding[0].text.split()


def test_a_long_parse_sentence_is_cut_where_a_new_clause_opens():
    from deckgen.extract.sentences import _cut_long

    text = (
        "we trained the whole model at a small image size for most of the epochs "
        "so we can save a lot of compute and then we switched to the larger images "
        "for the last two epochs and we found that the accuracy was the same as before "
        "but it took a tenth of the time"
    )
    pieces = [piece for _, piece, _ in _cut_long(text, 0, len(text), [0], at_clauses=True)]
    assert pieces[0] == "we trained the whole model at a small image size for most of the epochs"
    assert " ".join(pieces) == text
    assert all(len(p.split()) <= 50 for p in pieces)
    # Without the parse (rules only), the cue boundaries decide as before.
    assert [p for _, p, _ in _cut_long(text, 0, len(text), [0], at_clauses=False)] == [text]


def test_the_hosts_summary_of_the_guests_view_is_the_hosts():
    texts = (
        "We should use interpretable models for high stakes decisions.",
        "It sounds like your general contention is that explanations are not adequate.",
        "So the picture that forms for me is one of simpler models like a decision tree.",
        "Decision trees can be checked by a judge.",
    )
    sentences = [Sentence(t, float(i), i) for i, t in enumerate(texts)]
    assert host_units(sentences) == {1, 2}


def test_a_piece_cut_at_a_cue_boundary_is_marked(pipeline):
    words = "and so we take the counts of all the bigrams in the training set and normalize them"
    doc = transcript(*[(i * 4.0, words) for i in range(6)])
    sentences = split_sentences(doc, pipeline.splitter)
    assert [s.cut_at_cue for s in sentences] == [False] + [True] * 5
    punctuated = transcript((0.0, "So my brain is"), (2.0, "20 watts, roughly."))
    assert not any(s.cut_at_cue for s in split_sentences(punctuated, pipeline.splitter))
