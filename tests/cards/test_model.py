"""deckgen.cards.model: the dataclasses and id rules."""

from __future__ import annotations

from deckgen.cards import ID_PATTERN, slugify, unique_id


def test_unique_id_numbers_a_taken_id_and_takes_it():
    taken = {"talk", "talk-2"}
    assert unique_id("talk", taken) == "talk-3"
    assert unique_id("other", taken) == "other"
    assert taken == {"talk", "talk-2", "talk-3", "other"}


def test_slugs_are_valid_ids():
    for text in ("Sequoia Transcript", "  LLaMA 2 -- 70B!  ", "a_b.c"):
        assert ID_PATTERN.match(slugify(text))
