"""deckgen.extract.llm.repeats: the check for a claim carded twice, and what of its
answer is believed."""

from __future__ import annotations

import pytest

from deckgen.extract.llm.prompt import AnswerError
from deckgen.extract.llm.repeats import (
    FEWEST,
    WINDOW,
    card_words,
    dropped_of,
    read_repeats,
    repeats_messages,
    windows,
)


def test_windows_cover_the_deck_each_overlapping_the_next_by_half():
    assert windows(FEWEST - 1) == []  # a few cards are read at a glance
    assert windows(FEWEST) == [range(FEWEST)]
    assert windows(WINDOW) == [range(WINDOW)]
    spans = windows(67)
    assert [(s[0], s[-1]) for s in spans] == [(0, 39), (20, 59), (27, 66)]
    assert all(len(s) == WINDOW for s in spans)
    assert set().union(*map(set, windows(134))) == set(range(134))


def test_the_request_numbers_the_window_and_says_where_it_is_in_the_deck():
    (message,) = repeats_messages(["A is B.", "Q: What is A? A: B."], 20, 67)
    assert message["role"] == "user"
    body = message["content"].split("---")[-1].strip().splitlines()
    assert body == [
        "Cards 21 to 22 of 67, numbered here 1 to 2:",
        "1. A is B.",
        "2. Q: What is A? A: B.",
    ]


def test_an_answer_names_groups_by_the_windows_numbers():
    assert read_repeats('{"repeats": [[2, 5], [7, 3, 9]]}', 10) == [[1, 4], [2, 6, 8]]
    assert read_repeats('```json\n{"repeats": []}\n```', 10) == []
    assert read_repeats("[[1, 2]]", 10) == [[0, 1]]  # the list alone


def test_numbers_outside_the_window_or_said_twice_are_left_out():
    # 11 is not in a window of 10; 2 is already in the first group; [4] alone is no group.
    assert read_repeats('{"repeats": [[1, 2, 11], [2, 4], [5, 6]]}', 10) == [[0, 1], [4, 5]]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("Cards 3 and 7 repeat.", "it is not JSON"),
        ('{"groups": [[1, 2]]}', 'not an object with a "repeats" list'),
        ('{"repeats": [1, 2]}', "not a list of card numbers"),
        ('{"repeats": [["1", "2"]]}', "is not a card number"),
        ('{"repeats": [[true, 2]]}', "is not a card number"),
    ],
)
def test_an_answer_of_another_shape_is_refused_with_what_is_wrong(content, problem):
    with pytest.raises(AnswerError, match=problem):
        read_repeats(content, 10)


def test_the_earliest_card_of_a_group_stays_and_the_others_go_when_they_share_a_word():
    words = [
        card_words(t, ())
        for t in (
            "Model surgery: a new token needs a row in the embedding table.",
            "Tokenizers are trained on raw text.",
            "Adding a token means adding an embedding row and widening the head.",
            "Python indentation wastes tokens.",
            "The sky is blue.",
            "Vocabulary size is an empirical hyperparameter.",
        )
    ]
    # 2 states 0's claim (embedding, row); 4 shares no word with 1: not believed.
    assert dropped_of([[0, 2], [1, 4]], words, set(), 6) == {2}
    # A card gone already is not kept: the group's next card is.
    assert dropped_of([[0, 2, 5]], words, {0}, 6) == set()  # 5 shares nothing with 2
    assert dropped_of([[2, 0]], words, set(), 6) == {2}  # the claim where first said
    # ... unless the model rated a later card more important.
    assert dropped_of([[0, 2]], words, set(), 6, [2, 2, 3, 2, 2, 2]) == {0}


def test_an_answer_that_would_drop_more_than_a_third_of_its_window_is_not_followed():
    words = [{"token"}] * 9
    assert dropped_of([[0, 1, 2, 3]], words, set(), 9) == {1, 2, 3}
    assert dropped_of([[0, 1, 2, 3, 4]], words, set(), 9) == set()


def test_card_words_fold_plurals_and_leave_out_the_speakers_names():
    assert card_words(
        "Karpathy says tokens and embeddings matter; a token is a unit.", ("Karpathy",)
    ) == {
        "say",
        "token",
        "embedding",
        "matter",
        "unit",
    }
