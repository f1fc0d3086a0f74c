"""Passages: whole thoughts, a question with its answer, a few minutes of a lecture."""

from __future__ import annotations

from deckgen.extract.llm.passages import MIN_WORDS, TARGET_WORDS, cut_passages
from deckgen.extract.sentences import Sentence


def sentences(*texts: str, paragraphs=None) -> list[Sentence]:
    return [
        Sentence(t, float(10 * i), i, paragraphs[i] if paragraphs else None)
        for i, t in enumerate(texts)
    ]


ANSWER = "This is one sentence of a long answer about models and data and more. "  # 14 words


def test_a_question_opens_a_passage_once_the_last_one_is_long_enough():
    talk = sentences(
        *[ANSWER] * 12,  # 168 words
        "So what do you think about scaling?",
        "And does it hold?",  # a question of two sentences stays together
        *[ANSWER] * 12,
    )
    passages = cut_passages(talk)
    assert [p.sentences[0].index for p in passages] == [0, 12]
    assert passages[1].sentences[0].text == "So what do you think about scaling?"
    assert passages[1].start == 120.0


def test_a_short_exchange_does_not_cut():
    talk = sentences(ANSWER, "Why?", ANSWER, *[ANSWER] * 12)
    assert len(cut_passages(talk)) == 1


def test_a_lecture_is_cut_at_a_sentence_after_a_few_minutes():
    talk = sentences(*[ANSWER] * 100)  # 1400 words, no questions
    passages = cut_passages(talk)
    assert all(p.words >= TARGET_WORDS for p in passages[:-1])
    assert all(p.words < TARGET_WORDS + 14 for p in passages[:-1])
    assert passages[-1].words >= MIN_WORDS  # a short tail joins the passage before
    assert [s.index for p in passages for s in p.sentences] == list(range(100))


def test_halves_cut_at_the_middle_sentence():
    (passage,) = cut_passages(sentences(*[ANSWER] * 12))
    first, second = passage.halves()
    assert len(first.sentences) == 6 and len(second.sentences) == 6
    assert first.number == second.number == passage.number
    (one,) = cut_passages(sentences(ANSWER))
    assert one.halves() is None


def test_a_summary_is_cut_between_paragraphs():
    talk = sentences(*[ANSWER] * 60, paragraphs=[i // 10 for i in range(60)])
    passages = cut_passages(talk, summary=True)
    assert len(passages) > 1
    for passage in passages[:-1]:
        (last,) = {passage.sentences[-1].paragraph}
        assert last != passages[passages.index(passage) + 1].sentences[0].paragraph
