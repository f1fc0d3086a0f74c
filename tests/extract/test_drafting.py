"""deckgen.extract.drafting: clozes, questions and pronouns, drafted from real sentences
with the trained pipeline."""

from __future__ import annotations

import re

from tests.extract.conftest import claims_of


def test_a_number_becomes_a_cloze(pipeline):
    (claim,) = claims_of(pipeline, (790.0, "So my brain is 20 watts, roughly."))
    assert claim.card.type == "cloze"
    assert claim.card.text == "Karpathy's brain is {{c1::20 watts}}, roughly."
    assert claim.card.quote == "So my brain is 20 watts, roughly."
    assert claim.card.time == 790.0
    assert claim.card.id == "brain-20-watt"


def test_a_pronoun_is_resolved_from_the_sentences_before(pipeline):
    claims = claims_of(
        pipeline,
        (1626.0, "What is the equivalent in AlphaGo for RLHF?"),
        (1629.0, "What is the reward model?"),
        (1632.0, "What I call it is a vibe check."),
    )
    (card,) = [c.card for c in claims]
    assert card.type == "basic"
    assert card.front == "What does Karpathy call RLHF's reward model?"
    assert card.back == "A vibe check."
    assert card.time == 1632.0


def test_it_is_resolved_to_the_subject_just_before(pipeline):
    claims = claims_of(
        pipeline,
        (609.0, "So I think scale will be the primary determining factor."),
        (611.0, "It's like the first principal component of things, for sure."),
    )
    texts = [c.card.text or c.card.back for c in claims]
    assert "Scale is like {{c1::the first principal component}} of things." in texts


def test_this_stands_for_the_thing_just_named(pipeline):
    claims = claims_of(
        pipeline,
        (
            160.0,
            "Now we need to go through one more pre-processing step, and that is tokenization.",
        ),
        (166.0, "And this is basically a translation of the raw text into sequences of integers."),
    )
    texts = [c.card.text or c.card.back for c in claims]
    assert any(t.startswith("Tokenization is") for t in texts), texts


def test_a_pronoun_never_stands_for_a_number_or_the_speakers_own_things(pipeline):
    claims = claims_of(
        pipeline,
        (1290.0, "I do some reflection and sanity checks in my brain about the 53 times ratio."),
        (1296.0, "Well, that's quite a large fraction, but California is the most populous state."),
    )
    for claim in claims:
        body = claim.card.text or claim.card.back
        assert not re.match(r"(?:Karpathy's brain|53|The 53)", body), body


def test_a_claim_with_nothing_to_ask_about_hides_its_term(pipeline):
    # With no subject to ask about, "What does Karpathy say?" would ask nothing.
    (claim,) = claims_of(
        pipeline,
        (
            839.0,
            "So I would say number one is just adapting the computer architecture to the new data workflows.",
        ),
    )
    assert claim.card.type == "cloze"
    assert "{{c1::" in claim.card.text and "number one is" in claim.card.text.lower()


def test_of_course_is_not_what_a_pronoun_stands_for(pipeline):
    claims = claims_of(
        pipeline,
        (
            500.0,
            "When you're given a binary, it's much better, of course, because you can fine-tune the model.",
        ),
        (
            508.0,
            "It's subtle, but you can't fully fine-tune the model, because the more you fine-tune it, the more it regresses.",
        ),
    )
    texts = [c.card.text or c.card.back for c in claims]
    assert not any(t.startswith("Course") for t in texts), texts
    assert any(t.startswith("You can't fully") for t in texts), texts


def test_a_named_list_becomes_cloze_deletions(pipeline):
    claims = claims_of(
        pipeline,
        (486.0, "And there are a number of what I would say is fully open source LLMs."),
        (494.0, "So there's Pythia models, LLM360, Olmo, et cetera."),
    )
    cards = [c.card for c in claims if c.card.type == "cloze" and "Olmo" in (c.card.text or "")]
    assert cards and re.search(r"\{\{c\d::", cards[0].text)
