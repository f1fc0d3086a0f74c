"""The selector learned from curators' labels: its features, what it never keeps, the
deck it chooses, and the shipped model."""

from __future__ import annotations

from deckgen.extract.learned import (
    Selector,
    choose,
    deck,
    how_said,
    keep,
    never_cards,
    shipped_selector,
    unit_features,
)
from deckgen.extract.sentences import Sentence


def units(*said: tuple[float, str]) -> list[Sentence]:
    return [Sentence(text, start, n) for n, (start, text) in enumerate(said)]


TALK = units(
    (10.0, "Hello and welcome to another episode of the show, I'm your host."),
    (20.0, "My guest today is a professor of robotics at Berkeley."),
    (30.0, "Why don't you tell us how you got started?"),
    (40.0, "I started in graphics and moved to robotics."),
    (400.0, "So dropout roughly halves the gap between train and test error, about 50 percent."),
    (500.0, "This is called a forward dynamics model: it predicts the next observation."),
    (590.0, "Thanks so much for joining us, and be sure to subscribe to the podcast."),
)


def test_features_say_how_and_where_a_unit_is_said():
    features = [u.features for u in unit_features(TALK, "An interview", duration=600.0)]
    assert features[0]["first-2min"] == 1.0 and features[4]["first-2min"] == 0.0
    assert features[6]["last-2min"] == 1.0 and features[4]["last-2min"] == 0.0
    assert features[2]["is-question"] == 1.0 and features[3]["after-question-1"] == 1.0
    assert features[4]["unit-number"] == 1.0 and features[5]["unit-number"] == 0.0
    assert features[5]["rule:naming"] == 1.0 and features[4]["rule:naming"] == 0.0
    assert features[0]["show-talk"] == 1.0 and features[4]["show-talk"] == 0.0
    assert 0.0 < features[4]["position"] < features[5]["position"] < 1.0


def test_how_said_keeps_everyday_words_and_never_the_topic():
    tokens = how_said("So it turns out that dropout halves the gap")
    assert "turns_out" in tokens and "^so" in tokens
    assert not any("dropout" in t for t in tokens)


def test_the_show_the_intro_and_questions_are_never_cards():
    never = never_cards(unit_features(TALK, "An interview", duration=600.0))
    # The opening up to the host's first question, the question, the outro.
    assert {0, 1, 2, 6} <= never
    assert not {4, 5} & never


def test_the_introduction_up_to_on_to_the_show_is_never_a_card():
    talk = units(
        (10.0, "What does it take to build a data platform that can deliver?"),
        (200.0, "Offensive and defensive data science differ in what they deliver."),
        (260.0, "Another great interview, and now on to the show."),
        (290.0, "Deep, how are you doing today?"),
        (400.0, "Offensive data science builds the product; defensive data science reports."),
    )
    never = never_cards(unit_features(talk, "An interview", duration=900.0))
    # The rhetorical question at 10 s would end the opening there; the marker ends it.
    assert {0, 1, 2} <= never and 4 not in never


def test_keep_follows_the_threshold_between_a_floor_and_a_cap():
    p = [0.9, 0.1, 0.8, 0.7, 0.2, 0.05]
    assert keep(p, hours=1.0, threshold=0.5, min_per_hour=0, max_per_hour=10) == [0, 2, 3]
    # The floor adds the next best; the cap keeps only the best.
    assert keep(p, hours=1.0, threshold=0.5, min_per_hour=4, max_per_hour=10) == [0, 2, 3, 4]
    assert keep(p, hours=1.0, threshold=0.5, min_per_hour=0, max_per_hour=2) == [0, 2]


def test_deck_never_keeps_what_never_cards_finds_however_likely():
    featured = unit_features(TALK, "An interview", duration=600.0)
    kept, ranked = deck(featured, [0.99] * len(TALK), hours=0.1, threshold=0.5)
    assert kept == [3, 4, 5] and ranked == [3, 4, 5]


def test_a_selector_round_trips_through_json():
    selector = Selector({"rare": 1.5}, {"turns_out": 0.25}, -2.0, 0.3, ("talk-a",))
    again = Selector.from_json(selector.to_json())
    assert again == selector
    featured = unit_features(TALK, "An interview", duration=600.0)
    assert again.probability(featured[4]) == selector.probability(featured[4])


def test_the_shipped_selector_ranks_a_claim_above_small_talk():
    featured = unit_features(TALK, "An interview", duration=600.0)
    selector = shipped_selector()
    assert selector.probability(featured[4]) > selector.probability(featured[3])
    assert selector.probability(featured[5]) > selector.probability(featured[3])


def test_choose_streams_a_long_talk_to_the_deck_of_the_whole_feature_table():
    """choose() keeps of each unit only its probability, whether it may be a card and
    its reasons: the same shortlist as from every unit's features held at once."""
    from pathlib import Path

    from deckgen.document import Document

    said = [(600.0 * hour + u.start, u.text) for hour in range(30) for u in TALK]
    talk = units(*said)
    doc = Document(Path("long.vtt"), "vtt", "transcript", "An interview", duration=18_000.0)
    budget, chosen = choose(doc, talk, max_per_hour=60.0)

    selector = shipped_selector()
    featured = unit_features(talk, doc.title, doc.duration)
    p = [selector.probability(u) for u in featured]
    kept, ranked = deck(featured, p, hours=5.0, threshold=selector.threshold)
    assert budget == len(kept) > 0
    assert [(s.index, sc.value, sc.reasons) for sc, s in chosen] == [
        (i, round(p[i], 4), featured[i].score.reasons) for i in ranked[: len(kept) * 2 + 5]
    ]
    assert not {0, 1, 2} & {s.index for _, s in chosen}  # the opening, as never_cards says
