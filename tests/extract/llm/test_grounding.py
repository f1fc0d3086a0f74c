"""Grounding: quotes found in the passage, numbers the passage says, inert card text."""

from __future__ import annotations

import pytest

from deckgen.extract.llm.grounding import (
    find_quote,
    inert,
    inert_cloze,
    normal_words,
    unsaid_numbers,
)

PASSAGE = [
    "Welcome back to the show.",
    "And so um the thing about our brains is they run on something like 20 watts,",
    "which is you know nothing compared to a GPU cluster.",
    "That's why I think efficiency matters.",
]


def test_normal_words_drop_case_punctuation_and_fillers():
    assert normal_words("So, um, you know, the GPT-4 model's 1,000 params: 20% better") == [
        "so", "the", "gpt", "4", "models", "1000", "params", "20", "percent", "better",
    ]  # fmt: skip


def test_a_verbatim_quote_is_found_in_the_sentence_it_begins_in():
    found = find_quote("the thing about our brains is they run on something like 20 watts", PASSAGE)
    assert (found.first, found.last, found.edits) == (1, 1, 0)


def test_a_quote_across_sentences_spans_them():
    found = find_quote("20 watts, which is nothing compared to a GPU cluster", PASSAGE)
    assert (found.first, found.last) == (1, 2)


def test_case_punctuation_and_fillers_do_not_count():
    found = find_quote(
        "THE THING about our brains... is they run on something like 20 Watts", PASSAGE
    )
    assert found is not None and found.edits == 0


def test_a_caption_word_or_two_may_differ():
    # "brains" misheard as "brain", "something like" left out: 3 words of 12 differ.
    assert find_quote("the thing about our brain is they run on 20 watts", PASSAGE) is None
    found = find_quote("the thing about our brain is they run on something like 20 watts", PASSAGE)
    assert found is not None and found.edits == 1


def test_a_paraphrase_is_not_found():
    assert find_quote("our brain uses about twenty watts of power", PASSAGE) is None


def test_another_number_is_never_a_caption_slip():
    assert (
        find_quote("the thing about our brains is they run on something like 30 watts", PASSAGE)
        is None
    )
    # Leaving the number out, or adding one, is not a slip either.
    assert (
        find_quote("the thing about our brains is they run on 50 something like watts", PASSAGE)
        is None
    )


def test_a_quote_too_short_places_nothing():
    assert find_quote("20 watts", PASSAGE) is None
    assert find_quote("", PASSAGE) is None


@pytest.mark.parametrize(
    ("card", "passage", "unsaid"),
    [
        ("The brain runs on {{c1::20 watts}}.", "something like 20 watts", set()),
        ("The brain runs on {{c1::25 watts}}.", "something like 20 watts", {25.0}),
        ("A GPU cluster uses two thousand watts.", "about 2,000 watts", set()),
        ("It costs 2,000 dollars.", "two thousand dollars", set()),
        ("It has 1.8 trillion parameters.", "one point eight trillion", {1.8}),
        ("There are twelve layers.", "a dozen layers", set()),
        ("One of the ideas is attention.", "attention is the idea", set()),
        ("A hundred GPUs.", "a hundred GPUs", set()),
        ("In 2017 transformers came.", "in twenty seventeen", {2017.0}),
    ],
)
def test_numbers_the_card_states_must_be_said(card, passage, unsaid):
    assert unsaid_numbers(card, passage) == unsaid


def test_the_cloze_mark_is_no_number():
    assert unsaid_numbers("{{c1::attention}} is all you need", "attention is all you need") == set()


def test_media_tags_and_cloze_syntax_are_made_inert():
    assert inert("[sound:evil.mp3] and [anki:tts]x[/anki:tts]") == (
        "[ sound:evil.mp3] and [ anki:tts]x[ /anki:tts]"
    )
    assert inert("say {{c1::x}} here") == "say { {c1::x} } here"
    assert inert("plain [brackets] stay") == "plain [brackets] stay"


def test_a_cloze_keeps_one_blank():
    assert inert_cloze("The {{c1::CPU}} and the {{c2::RAM}}.") == "The {{c1::CPU}} and the RAM."
    assert (
        inert_cloze("The {{c3::CPU::hint}} [sound:x.mp3]") == "The {{c1::CPU::hint}} [ sound:x.mp3]"
    )
    assert inert_cloze("No blank here.") is None
    # Braces inside the answer belong to it (a regex class), made inert, not left outside.
    assert inert_cloze("In regex, {{c1::\\p{L}}} matches a letter.") == (
        "In regex, {{c1::\\p(L)}} matches a letter."
    )
    assert inert_cloze("An {{c1:: }} empty blank.") is None


@pytest.mark.parametrize(
    ("card", "passage", "unsaid"),
    [
        ("Trained on {{c1::H100}} GPUs.", "we trained on H100s", set()),
        ("Trained on {{c1::H200}} GPUs.", "we trained on H100s", {"h200"}),
        ("GPT4 is better than GPT-3.5.", "gpt 4 beats gpt-3.5", set()),
        ("A { {c1::vibe} } check [ sound:evil.mp3]", "a vibe check", {"mp3"}),
    ],
)
def test_a_number_in_a_name_is_checked_as_the_name(card, passage, unsaid):
    assert unsaid_numbers(card, passage) == unsaid


def test_the_time_is_the_cue_the_quote_begins_in():
    from deckgen.document import Segment, Word
    from deckgen.extract.llm.grounding import cue_time

    segments = [
        Segment(10.0, 14.0, "so the idea I had was okay"),
        Segment(14.0, 18.0, "what if we literally took this idea"),
        Segment(18.0, 22.0, "and ran a renderer backwards"),
    ]
    sentence = (
        "the idea I had was okay what if we literally took this idea and ran a renderer backwards"
    )
    found = find_quote("what if we literally took this idea and ran a renderer", [sentence])
    assert found.offset == 6
    assert cue_time(segments, 10.0, sentence, found.offset) == 14.0
    assert cue_time(segments, 10.0, sentence, 0) == 10.0
    # Word times, where the source has them, are finer still.
    timed = [
        Segment(
            10.0,
            14.0,
            "so the idea I had",
            tuple(
                Word(10.0 + i, 10.5 + i, w) for i, w in enumerate(["so", "the", "idea", "I", "had"])
            ),
        )
    ]
    assert cue_time(timed, 10.0, "the idea I had", 2) == 13.0
    # Words the segments do not hold leave the sentence's own time.
    assert cue_time(segments, 10.0, "nothing like this at all", 3) == 10.0


def test_a_question_may_count_what_its_answer_lists():
    from deckgen.extract.llm.grounding import listed_counts

    front = "What two goals does Senthil give for the connected car?"
    assert listed_counts(front, "Safety (less distraction), and more productive time") == {2.0}
    # The answer lists one thing: "two" is then a claim, which the talk must say.
    assert listed_counts(front, "Safety") == set()
    assert listed_counts("What did they judge?", "Whether two shapes match, or not") == set()


def test_a_blank_said_elsewhere_on_the_card_gives_itself_away():
    from deckgen.extract.llm.grounding import gives_away

    assert gives_away("A {{c1::subword}} tokenizer encodes subword units.")
    assert gives_away("Only with {{c1::previous tokens}}, never with future token.")
    assert not gives_away("Programs are often {{c1::not invertible}}: going back needs a choice.")
    assert not gives_away("No blank here.")
