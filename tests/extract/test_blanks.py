"""deckgen.extract.blanks: the phrases a cloze may hide, their features, and the
choice among them by the shipped (or a given) model."""

from __future__ import annotations

import pytest

from deckgen.extract.blanks import (
    BlankModel,
    candidates,
    choices,
    features,
    shipped_blank_model,
    term_blank,
)


def test_candidates_are_whole_phrases_without_articles_never_the_first_word(pipeline):
    doc = pipeline.nlp("Karpathy thinks the reward model in RLHF is like a vibe check.")
    found = [s.text for s in candidates(doc)]
    assert "reward model" in found  # a noun with its compound, no "the"
    assert "vibe check" in found and "a vibe check" not in found
    assert "RLHF" in found
    assert "Karpathy" not in found  # the opening word: a blank there has nothing before it


def test_choices_keep_only_what_is_worth_hiding(pipeline):
    said = "Writing the tools for developers is an important insight of the year."
    doc = pipeline.nlp(said)
    counts = {"insight": 3, "developers": 3, "tools": 3, "year": 5}
    # "year" is everyday; "developers" and "insight" are words everyday talk uses.
    assert choices(doc, said, counts) == []


def test_features_say_how_the_phrase_sits(pipeline):
    doc = pipeline.nlp("The reward model in RLHF is like a vibe check.")
    by_text = {s.text: s for s in candidates(doc)}
    check = features(by_text["vibe check"], {"vibe": 2, "check": 9})
    assert check["after:like"] == 0.0  # "like a vibe check": the article is just before
    like = features(candidates(pipeline.nlp("RLHF is like vibe checks."))[-1], None)
    assert like["after:like"] == 1.0 and like["after:of"] == 0.0
    assert check["two words"] == 1.0 and check["one word"] == 0.0
    assert check["after the verb"] == 1.0
    assert check["talk says least"] == pytest.approx(1.0986, abs=1e-3)  # log(1 + 2)
    rlhf = features(by_text["RLHF"], None)
    assert rlhf["acronym"] == 1.0 and rlhf["after the verb"] == 0.0
    assert rlhf["role:pobj"] == 1.0 and rlhf["in a subject"] == 1.0
    assert rlhf["talk says most"] == 0.0  # no counts: a short text tells nothing
    assert rlhf["position"] < check["position"]


def test_the_model_chooses_among_the_phrases(pipeline):
    said = "The reward model in RLHF is like a vibe check."
    doc = pipeline.nlp(said)
    later = BlankModel({"position": 1.0}, 0.0)
    named = BlankModel({"acronym": 5.0, "position": 1.0}, 0.0)
    assert term_blank(doc, said, None, later) == "vibe check"
    assert term_blank(doc, said, None, named) == "RLHF"
    # A quoted phrase is the claim's own term, whatever the model.
    said = 'We call this "test-time compute" and it scales.'
    assert term_blank(pipeline.nlp(said), said, None, named) == "test-time compute"


def test_the_shipped_model_hides_the_term_a_curator_would(pipeline):
    said = "Karpathy thinks the reward model in RLHF is like a vibe check."
    assert term_blank(pipeline.nlp(said), said) == "vibe check"
    said = "We replaced them with much smarter approaches to generative modeling."
    assert term_blank(pipeline.nlp(said), said, {"modeling": 3}) == "generative modeling"


def test_the_model_survives_its_json():
    model = BlankModel({"position": 1.25, "after:like": -0.5}, -0.75, ("a", "b"))
    assert BlankModel.from_json(model.to_json()) == model
    shipped = shipped_blank_model()
    assert shipped.weights and shipped.trained_on  # trained on the labelled talks


def test_no_candidate_carries_the_sentences_stop(pipeline):
    # The tokenizer keeps the stop inside an abbreviation-like word: "A&M." is one token.
    doc = pipeline.nlp("These papers became the foundations of A&M.")
    assert [s.text for s in candidates(doc) if s.text.endswith(".")] == []


@pytest.mark.parametrize(
    "said, hidden, never",
    [
        ("It is not always the same, even for the same customer.", "customer", "same customer"),
        ("There are a couple strategies for training models.", "strategies", "couple strategies"),
        ("The main distinction is the scale of the network.", "distinction", "main distinction"),
    ],
)
def test_a_candidate_never_opens_with_a_word_that_only_points(pipeline, said, hidden, never):
    # Blind readers found "the {{c1::same customer}}", "a {{c1::couple strategies}}".
    found = [s.text for s in candidates(pipeline.nlp(said))]
    assert hidden in found and never not in found
