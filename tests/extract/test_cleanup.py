"""deckgen.extract.cleanup: fillers and stutters removed, first person retold."""

from __future__ import annotations

import pytest

from deckgen.extract.cleanup import clean_claim, third_person


@pytest.mark.parametrize(
    ("spoken", "clean"),
    [
        ("So, you know, I think it's sort of like a vibe check, right?", "It's like a vibe check."),
        ("And basically the the model is just really big", "The model is big."),
        (
            "The same is true not just for the model but also for the tokenizer.",
            "The same is true not just for the model but also for the tokenizer.",
        ),
        ("It isn't really a matter of size.", "It isn't really a matter of size."),
        ("It is, excuse me, a big model.", "It is a big model."),
        (
            "We've taken a good survey of what we've found for the multi, excuse me, for federated learning.",
            "We've taken a good survey of what we've found for federated learning.",
        ),
        ("Um, so I would say, go after performance first.", "Go after performance first."),
        ("It's Pythia models, LLM360, Olmo, et cetera.", "It's Pythia models, LLM360, Olmo, etc."),
        ("So RLHF is nowhere near, I would say, RL.", "RLHF is nowhere near RL."),
        ("What I refer to as kind of like this LLM OS.", "What I refer to as this LLM OS."),
        (
            "They might come up with a few default apps, quote unquote.",
            "They might come up with a few default apps.",
        ),
        (
            "They might come up with a few default apps, but",
            "They might come up with a few default apps.",
        ),
        (
            "It's subtle, but you can't fully fine-tune the model.",
            "You can't fully fine-tune the model.",
        ),
        ("So you need to get the details right.", "You need to get the details right."),
        ("And not just that, in Europe there's legislation.", "In Europe there's legislation."),
        (
            "Using kind of simpler models, like a decision tree.",
            "Using simpler models, like a decision tree.",
        ),
        ("What kind of model is it?", "What kind of model is it?"),
        ("You can use like 100 times less data.", "You can use 100 times less data."),
        ("So like, I mean, my students can't replicate it.", "My students can't replicate it."),
        ("It's what I mean by a baseline.", "It's what I mean by a baseline."),
        (  # a stutter across a comma; numbers are not one
            "By, by clustering locally the results are, are better on a grid of 1, 1.",
            "By clustering locally the results are better on a grid of 1, 1.",
        ),
        (  # a frame announcing the claim
            "What we show then is that one-shot clustering beats random partitions.",
            "One-shot clustering beats random partitions.",
        ),
        (
            "What can happen is typically the average hides the worst devices.",
            "The average hides the worst devices.",
        ),
        ("The idea here is that personalization helps.", "Personalization helps."),
        ("What makes it hard is the data.", "What makes it hard is the data."),
        ("The idea is simple.", "The idea is simple."),
    ],
)
def test_fillers_and_stutters_are_removed(spoken: str, clean: str):
    assert clean_claim(spoken) == clean


def test_first_person_is_retold_in_the_third():
    assert third_person("My brain is 20 watts.", "Karpathy") == "Karpathy's brain is 20 watts."


@pytest.mark.parametrize(
    ("spoken", "clean"),
    [
        ("So we have, say -- we have an oligopoly.", "We have an oligopoly."),
        ("It's a -- the model is big.", "The model is big."),
        ("We train the model, we train the model on text.", "We train the model on text."),
        ("Models are big -- and costly.", "Models are big — and costly."),
        (
            "It's used in the US justice system, which is a very, it's a very unusual model.",
            "It's used in the US justice system, it's a very unusual model.",
        ),
        (
            "We're using, we're instead using large databases.",
            "We're instead using large databases.",
        ),
        (
            "Decision lists are easier to create than decision than full blown decision trees.",
            "Decision lists are easier to create than full blown decision trees.",
        ),
        (
            "The goal is to, to explain it, not, not to sell it.",
            "The goal is to explain it, not to sell it.",
        ),
        # A list is not a restart.
        (
            "For images, for text, for audio, it works.",
            "For images, for text, for audio, it works.",
        ),
        ("In the morning, in the evening, we train.", "In the morning, in the evening, we train."),
    ],
)
def test_restarts_keep_the_words_said_again(spoken: str, clean: str):
    assert clean_claim(spoken) == clean
