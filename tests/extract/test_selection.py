"""deckgen.extract.selection: which sentences look like claims worth a card."""

from __future__ import annotations

import pytest

from deckgen.extract.selection import DEFAULT_MIN_SCORE, score_sentence


def test_scores_prefer_claims_to_chatter():
    claim = score_sentence("So my brain is 20 watts, while the supercomputers use megawatts.")
    assert claim.value >= 3 and "number" in claim.reasons
    for chatter in (
        "Thank you so much for joining us today.",
        "What do you think about that?",
        "Yeah, that's a good question.",
        "This episode is sponsored by Eight Sleep, check them out.",
        "OK, amazing.",
    ):
        assert score_sentence(chatter).value < 1, chatter


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("In this episode, I'm joined by Carlos Guestrin to discuss his new paper.", "junk"),
        ("First, sign up for the meetup at twimlai.com slash meetup.", "junk"),
        ("Along the way, Kirk shares a great analogy for intelligent automation.", "junk"),
        (
            "Along the way, Deep offers great insights into what he calls offensive data science.",
            "junk",
        ),
        (
            "Navid is Senior Director of Data Engineering and Machine Learning at Hearst.",
            "biography",
        ),
        (
            "Two years ago we acquired a company called Touch Commerce, a live chat platform.",
            "biography",
        ),
        ("We're a management consulting firm, so we pitch our consulting services.", "biography"),
        ("What interested me about coming to KPMG is that they're an audit firm.", "biography"),
        ("The recording you're about to hear is the first of a handful of interviews.", "junk"),
        ("So well, I'm Carlos, and I've worked on machine learning for a long time.", "junk"),
        ("First of all, congratulations on the acquisition of Turi by Apple.", "junk"),
    ],
)
def test_a_show_talking_about_itself_is_not_a_claim(sentence: str, reason: str):
    score = score_sentence(sentence)
    assert reason in score.reasons and score.value < DEFAULT_MIN_SCORE


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("And so sparsity, I think, is another big lever.", "statement"),
        ("So we have base models, SFT models, and RLHF models.", "named-list"),
        (
            "We have four stages, pre-training, supervised fine-tuning, reward modeling.",
            "named-list",
        ),
        ("So we do QA, QA, QA. This is called a few-shot prompt.", "naming"),
        ("The more you fine-tune the model, the more it regresses on other tasks.", "comparison"),
        # and what cannot stand alone as a card
        ("And this paper is called the Transformer.", "points-at"),
        ("So these nodes are self-attending, attention is more general.", "points-at"),
        ("that we've done here which is tanh and the local gradient is one minus tanh", "fragment"),
        ("And so everyone is trying to build something like that for their users.", "vague"),
    ],
)
def test_cues_found_in_a_sentence(sentence: str, reason: str):
    assert reason in score_sentence(sentence).reasons


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        # claims that sound like a show talking about itself
        ("Transformers provide a way to mix information across tokens.", "junk"),
        ("Attention provides the context every token needs.", "junk"),
        ("The models we vote on as a team are the ones that ship.", "junk"),
        # commas alone are not a list
        ("And this expression, by the way, is completely meaningless.", "named-list"),
        ("So it just goes chunk, chunk, chunk, chunk.", "named-list"),
        ("Ladies and gentlemen, innovators and trailblazers, Microsoft.", "named-list"),
    ],
)
def test_look_alikes_do_not_raise_the_cue(sentence: str, reason: str):
    assert reason not in score_sentence(sentence).reasons


def test_a_vague_claim_ranks_below_the_same_claim_made_plainly():
    vague = score_sentence("So everyone is trying to build something like that for developers.")
    precise = score_sentence("So everyone is trying to build the same thing for developers.")
    assert vague.value < precise.value


def test_this_as_a_subject_of_its_own_is_not_pointing():
    for sentence in ("This is called a few-shot prompt.", "That's totally broken, I think."):
        reasons = score_sentence(sentence).reasons
        assert "points-at" not in reasons and "fragment" not in reasons


def test_naming_what_is_on_the_slide_is_not_walkthrough():
    named = score_sentence("Here's another example. This one is called self-consistency.")
    assert "naming" in named.reasons and "deixis" not in named.reasons
    assert "deixis" in score_sentence("Here's another example on the right of the slide.").reasons
