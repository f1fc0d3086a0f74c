"""deckgen.extract.drafting: clozes, questions and pronouns, drafted from real sentences
with the trained pipeline."""

from __future__ import annotations

import re

import pytest

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
    # The blank hides the term, not its article.
    assert "Scale is like the {{c1::first principal component}} of things." in texts


def test_this_stands_for_the_thing_just_named(pipeline):
    claims = claims_of(
        pipeline,
        (
            160.0,
            "Now we need to go through one more pre-processing step, and that is tokenization.",
        ),
        (166.0, "And this is basically a translation of the raw text into sequences of integers."),
    )
    cards = [(c.card.front, c.card.back) for c in claims]
    assert (
        "What is tokenization?",
        "A translation of the raw text into sequences of integers.",
    ) in cards


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
    fronts = [c.card.front for c in claims]
    assert "Why can't you fully fine-tune the model?" in fronts, fronts


def test_a_named_list_becomes_cloze_deletions(pipeline):
    claims = claims_of(
        pipeline,
        (486.0, "And there are a number of what I would say is fully open source LLMs."),
        (494.0, "So there's Pythia models, LLM360, Olmo, et cetera."),
    )
    cards = [c.card for c in claims if c.card.type == "cloze" and "Olmo" in (c.card.text or "")]
    assert cards and re.search(r"\{\{c\d::", cards[0].text)


# -- a real question or a cloze: never "What does X say?"

GENERIC = re.compile(r"^What (does|do|did) \S+ (say|recommend|think|draw)")


def card_of(pipeline, text: str, speaker: str = "Karpathy"):
    (claim,) = claims_of(pipeline, (100.0, text), speaker=speaker)
    return claim.card


@pytest.mark.parametrize(
    ("said", "front", "back"),
    [
        (  # definition
            "Backpropagation is a recursive application of the chain rule backwards through the graph.",
            "What is backpropagation?",
            "A recursive application of the chain rule backwards through the graph.",
        ),
        (  # cause
            "Maximizing the likelihood is equivalent to maximizing the log likelihood, "
            "because log is a monotonic function.",
            "Why is maximizing the likelihood equivalent to maximizing the log likelihood?",
            "Log is a monotonic function.",
        ),
        (  # cause, with an auxiliary
            "Policy gradient methods are often the most inefficient in the real world "
            "because they can't reuse data.",
            "Why are policy gradient methods often the most inefficient in the real world?",
            "They can't reuse data.",
        ),
        (  # comparison
            "Model-based reinforcement learning is more efficient than policy gradient.",
            "Which is more efficient: model-based reinforcement learning or policy gradient?",
            "Model-based reinforcement learning.",
        ),
        (  # naming
            "The reward model of RLHF is called the vibe check.",
            "What is the reward model of RLHF called?",
            "The vibe check.",
        ),
    ],
)
def test_each_question_form_asks_what_its_back_answers(pipeline, said, front, back):
    card = card_of(pipeline, said)
    assert (card.type, card.front, card.back) == ("basic", front, back)


@pytest.mark.parametrize(
    ("said", "cloze"),
    [
        (  # a number with its unit
            "So my brain is 20 watts, roughly.",
            "Karpathy's brain is {{c1::20 watts}}, roughly.",
        ),
        (  # a counted thing stays outside, to cue the number; "about" too
            "We annotated around 200,000 sentences in the corpus for evidence.",
            "We annotated around {{c1::200,000}} sentences in the corpus for evidence.",
        ),
        (  # a contrasted pair
            "We use gradient descent rather than genetic algorithms for the weights.",
            "We use {{c1::gradient descent}} rather than {{c2::genetic algorithms}} for the weights.",
        ),
        (  # the claim's own term: the phrase the blank model scores highest
            "The reward model in RLHF is basically like a vibe check.",
            "The reward model in RLHF is like a {{c1::vibe check}}.",  # filler dropped
        ),
    ],
)
def test_the_blank_is_the_thing_worth_recalling(pipeline, said, cloze):
    card = card_of(pipeline, said)
    assert (card.type, card.text) == ("cloze", cloze)


def test_a_blank_is_never_a_filler_phrase_nor_half_a_name(pipeline):
    from deckgen.extract.phrases import splits_a_name, trimmed, worth_hiding

    doc = pipeline.nlp("Then there is a ton of data movement between Mac OS and the cores.")
    text = doc.text
    chunks = {c.text: c for c in doc.noun_chunks}
    assert not worth_hiding(trimmed(chunks["a ton"]), text)  # filler
    assert splits_a_name(doc[7:8])  # "Mac" of "Mac OS"
    assert not worth_hiding(doc[7:8], text)
    assert worth_hiding(trimmed(chunks["data movement"]), text)


def test_a_number_caption_error_makes_no_card(pipeline):
    # "200 gives of RAM" is 200 GB misheard: no card hides it or asks about it.
    claims = claims_of(pipeline, (10.0, "You need a machine with 200 gives of RAM to train it."))
    assert claims == []


def test_an_open_reference_or_a_fragment_makes_no_card(pipeline):
    claims = claims_of(
        pipeline,
        (10.0, "The latter is something we're able to do with deep networks today."),
        (
            20.0,
            "On robotics we are geared towards trying to build general technologies rather than.",
        ),
    )
    assert claims == []


def test_a_reported_speaker_is_not_retold_as_the_speaker(pipeline):
    from deckgen.extract.drafting import SpacyDrafter

    drafter = SpacyDrafter(pipeline.nlp, "Brockman")
    said = "Roboticists say that I could never have built a learning robot arm in the 70s."
    draft = drafter.draft(said, [], {said: pipeline.nlp(said)})
    assert draft is not None
    assert "Brockman" not in draft.text + draft.back and "I could" in draft.text + draft.back
    mine = "I could never have built a learning robot arm in the 70s."
    draft = drafter.draft(mine, [], {mine: pipeline.nlp(mine)})
    assert "Brockman could" in draft.text + draft.back + draft.front


def test_the_hosts_words_are_not_credited_to_the_guest(pipeline):
    # Two speakers, no labels: the host opens the show and asks; the guest answers.
    claims = claims_of(
        pipeline,
        (0.0, "Welcome to the podcast. I'm your host and my guest is a robotics researcher."),
        (6.0, "In your paper you showed that grasping success reaches 80 percent with training."),
        (12.0, "How did you collect the data for those robots?"),
        (16.0, "We used a cluster of 14 robot arms that practiced grasping day and night."),
        (22.0, "End-to-end training is a method that learns perception and control together."),
        speaker="Levine",
    )
    said = [c.sentence.text for c in claims]
    assert not any("80 percent" in s or "your host" in s for s in said), said
    assert any("14 robot arms" in s for s in said), said
    for claim in claims:
        assert not GENERIC.match(claim.card.front or "")


@pytest.mark.parametrize(
    "said, complete",
    [
        ("The simpler models can be double checked by anyone.", True),
        ("Use a validation set to choose the learning rate.", True),
        ("When you look at the data sets the labels have been using rules and they're.", False),
        ("Than full blown decision trees with many levels.", False),
        ("We spend a lot of time doing ablation studies on the.", False),
        ("Caption text one caption text two caption text three.", False),
        ("If the weights are sparse enough, then you would want to make.", False),
        ("So what we do is we introduce.", False),
        ("Block sparsity is what we decided to use.", True),
    ],
)
def test_a_claim_is_a_whole_sentence(pipeline, said, complete):
    from deckgen.extract.gates import is_complete

    assert is_complete(pipeline.nlp(said)) is complete


def test_a_single_word_blank_is_a_term_the_talk_keeps_using(pipeline):
    from deckgen.extract.phrases import trimmed, worth_hiding

    doc = pipeline.nlp(
        "We designed it rather than go to the trouble of using the regularizer on it."
    )
    text = doc.text
    trouble, regularizer = doc[8:9], doc[12:13]
    counts = {"trouble": 1, "regularizer": 5}
    assert not worth_hiding(trouble, text, counts)  # said once, in passing
    assert worth_hiding(regularizer, text, counts)  # the talk's own term
    assert not worth_hiding(regularizer, text, {"regularizer": 1})
    # A word everyday talk uses is no blank however often it is said.
    doc = pipeline.nlp("We understood the basis upon which it was making this decision.")
    assert not worth_hiding(doc[3:4], doc.text, {"basis": 9})
    # "a fantastic poster": the speaker's praise is not part of the blank, and what is
    # left is no term.
    doc = pipeline.nlp("There's a fantastic poster here about the loss landscape.")
    (poster,) = [c for c in doc.noun_chunks if "poster" in c.text]
    assert trimmed(poster).text == "poster"
    assert not worth_hiding(trimmed(poster), doc.text, {"poster": 1})


@pytest.mark.parametrize(
    "said",
    [
        "The loss here is 17 and this is the loss that we would like to minimize.",
        "We've achieved 2.3 on the whole training set with this network.",
        # Narration of the example on screen, even with the thing the number counts.
        "We have 27 possible characters in the lookup table.",
        "Here we have the input layer of 30 neurons for three words making up 90 neurons.",
        "We said a clustered mathematical expression is 1 minus t squared.",
        "For example in this very first example the predicted index is 19 but the label is 5.",
        "Number of steps is one more parameter that's required, so let's do a thousand steps.",
        "Before we embed all the integers using this lookup table, let me embed a single one.",
    ],
)
def test_a_worked_examples_value_makes_no_card(pipeline, said):
    assert claims_of(pipeline, (10.0, said)) == []


def test_a_bare_number_is_no_blank_but_a_counted_one_is(pipeline):
    from deckgen.extract.phrases import NARRATION, number_blank

    def blank(said: str):
        doc = pipeline.nlp(said)
        return number_blank(doc, doc.text)

    assert blank("The model is complicated and it involves 137 factors.") == "137"
    assert blank("It's a 64-bit integer, and the other one is a float tensor.") == "64"
    assert blank("My brain uses about 20 watts, roughly.") == "20 watts"
    assert blank("What a cat looks like at 64 by 64 is the same as at 288 by 288.") is None
    # A bare value read out ("here", "we get", a decimal): the claim is no card at all.
    assert blank("The negative log likelihood loss here is 17 on this batch.") == NARRATION
    assert blank("The validation loss of the network came to 2.17 after training.") == NARRATION


@pytest.mark.parametrize(
    "said",
    [
        "Those constraints make it much harder to design an interpretable model.",
        "The reason is that the embedding table is shared between the two layers.",
        "The reason for that is that in each tensor there is an underlying storage.",
        "The answer is that the gradients vanish through the deep recurrent network.",
        "That's because the learning rate is far too high for this network.",
    ],
)
def test_a_claim_pointing_at_what_was_said_before_makes_no_card(pipeline, said):
    assert claims_of(pipeline, (10.0, said)) == []


def test_a_question_is_asked_only_when_its_verb_agrees(pipeline):
    from deckgen.extract.lexicon import agrees

    assert agrees("is", "the simpler model")
    assert agrees("are", "black boxes")
    assert agrees("is", "RLHF")
    assert not agrees("is", "black boxes")
    assert not agrees("does", "decision lists")
    # "It's much easier to train a black box than ...": an "it" that stands for nothing,
    # never replaced by a thing said before.
    claims = claims_of(
        pipeline,
        (5.0, "People love black boxes for their accuracy on many tasks."),
        (
            10.0,
            "It's much easier to train a black box than an interpretable model because "
            "you need no constraints on the model at all.",
        ),
    )
    for claim in claims:
        assert not (claim.card.front or "").startswith("Why is black boxes")
        assert "Black boxes is" not in (claim.card.text or "")


def test_praise_is_left_out_of_a_blank_but_a_name_is_kept_whole(pipeline):
    from deckgen.extract.phrases import trimmed

    doc = pipeline.nlp("The agent gives a price that is the real estate agent's prediction.")
    (chunk,) = [c for c in doc.noun_chunks if "prediction" in c.text]
    assert trimmed(chunk).text.startswith("real estate agent")


def test_a_claim_run_on_past_45_words_makes_no_card(pipeline):
    from deckgen.extract.cleanup import clean_claim
    from deckgen.extract.drafting import SpacyDrafter
    from deckgen.extract.gates import MAX_CARD_WORDS

    said = (
        "And then when you look at the data sets that the institute should have provided "
        "for medical imaging the labels they have created have been using classic rules "
        "based approaches and they are not very accurate so the models trained on them "
        "learn the mistakes of those rules instead of the diseases they were meant to find "
        "in the images."
    )
    assert len(clean_claim(said).split()) > MAX_CARD_WORDS == 45

    drafter = SpacyDrafter(pipeline.nlp, "Howard")
    short = "The labels of the medical imaging data sets come from rules based approaches."
    for text in (said, short):
        cleaned = clean_claim(text)
        drafted = drafter.draft(text, [], {cleaned: pipeline.nlp(cleaned)})
        assert (drafted is None) is (len(cleaned.split()) > MAX_CARD_WORDS), cleaned


def test_they_before_a_verb_of_people_is_not_the_thing_said_before(pipeline):
    claims = claims_of(
        pipeline,
        (5.0, "Compass is used regularly in parole decisions across the country."),
        (9.0, "They figured out afterward that the score had a typographical error in it."),
    )
    for claim in claims:
        assert not (claim.card.text or "").startswith("Parole decisions figured")


@pytest.mark.parametrize(
    "said, opens",
    [
        ("So we take the counts of all the bigrams.", True),
        ("The model is small.", True),
        ("Recognize Hindu weddings versus Christian weddings for example.", False),
        ("Towards tensor flow while tensor flow is moving towards pie torch.", False),
    ],
)
def test_a_piece_begun_mid_phrase_does_not_open_a_clause(pipeline, said, opens):
    from deckgen.extract.gates import opens_a_clause

    assert opens_a_clause(pipeline.nlp(said)) is opens


def test_a_judgement_is_no_blank(pipeline):
    from deckgen.extract.blanks import term_blank

    doc = pipeline.nlp("Writing the tools for developers is an important insight of the year.")
    assert term_blank(doc, doc.text, {"insight": 3, "developers": 3, "tools": 3}) is None
    doc = pipeline.nlp("We replaced them with much smarter approaches to generative modeling.")
    assert term_blank(doc, doc.text, {"modeling": 3}) == "generative modeling"


def test_a_counted_number_narrating_the_example_is_no_blank(pipeline):
    from deckgen.extract.phrases import NARRATION, number_blank

    def blank(said: str):
        doc = pipeline.nlp(said)
        return number_blank(doc, doc.text)

    assert blank("In our case, we have only 27 possible characters.") == NARRATION
    assert blank("The model is complicated and it involves 137 factors.") == "137"


def test_it_is_not_guessed_when_the_sentence_before_is_unsure(pipeline):
    # The sentence before says "it" again: "software" is not what "it" is.
    claims = claims_of(
        pipeline,
        (5.0, "It's used by a private company that licenses access to software."),
        (9.0, "And it's used regularly in parole decisions across the country."),
    )
    for claim in claims:
        assert "regularly" not in (claim.card.text or claim.card.back)
    # Two things named before (torch, a function called unbind): either could be "it".
    claims = claims_of(
        pipeline,
        (5.0, "Torch comes to rescue because there turns out to be a function called unbind."),
        (9.0, "It removes a tensor dimension and returns a tuple of all the slices."),
    )
    for claim in claims:
        assert "removes" not in (claim.card.text or claim.card.back)


def test_a_question_is_asked_only_when_self_contained_and_answered(pipeline):
    from deckgen.extract.forms import askable

    counts = {"storage": 5, "backpropagation": 3, "rescue": 1, "torch": 9, "come": 4}

    def asked(front: str, back: str) -> bool:
        return askable(front, back, pipeline.nlp, counts, "Karpathy")

    assert asked("What is backpropagation?", "A recursive application of the chain rule.")
    # An answer cut from its sentence, too short, or a front pointing back or using a
    # word the talk says once.
    assert not asked("What is the storage?", "The numbers always as a vector.")
    assert not asked("What is backpropagation?", "A recursion.")
    assert not asked("Why is backpropagation this?", "Because of the chain rule.")
    assert not asked("Why does torch come to rescue?", "There is a function.")
    claims = claims_of(
        pipeline,
        (5.0, "We were able to do this because we can reuse the calculations of the forward pass."),
    )
    assert all(not (c.card.front or "").startswith("Why were we able") for c in claims)


def test_a_speaker_saying_i_twice_is_quoted_and_named_once(pipeline):
    card = card_of(
        pipeline,
        "I feel very confident that if i had the motivation to build such a bot, "
        "I could create one at scale which would be devastating to social media platforms.",
        speaker="Howard",
    )
    assert card.text.startswith("Howard: I feel very confident that if I had")
    assert card.text.count("Howard") == 1
    # Once: retold in the third person as before.
    card = card_of(pipeline, "So my brain is 20 watts, roughly.")
    assert card.text == "Karpathy's brain is {{c1::20 watts}}, roughly."


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        (  # "what I'd call" would be retold as "what Norman'd call"
            "So airflow is an example of what I'd call an AIOps tool for deployment pipelines.",
            "what I'd call an AIOps tool",
        ),
        (  # "as I just referred to" would be retold as "as Norman referred to"
            "We launched a report on multi-task learning, as I referred to, which "
            "focuses on executing multiple machine learning tasks at the same time.",
            "as I referred to",
        ),
    ],
)
def test_a_speaker_saying_i_once_outside_the_main_clause_is_quoted(pipeline, said, kept):
    card = card_of(pipeline, said, speaker="Norman")
    body = card.text or f"{card.front} {card.back}"
    assert body.startswith("Norman: ")
    assert kept in body.replace("{{c1::", "").replace("}}", "")
    assert "Norman'd" not in body and "as Norman referred" not in body


def test_i_as_the_main_subject_is_retold_in_the_third_person(pipeline):
    card = card_of(
        pipeline,
        "I estimate that the transformer architecture uses 20 watts of power per layer.",
        speaker="Norman",
    )
    assert card.text == (
        "Norman estimates that the transformer architecture uses {{c1::20 watts}} of power per layer."
    )


@pytest.mark.parametrize(
    "said",
    [
        "So is the issue that you're framing around not wanting to disclose model parameters "
        "that the parameters of that model are the IP.",
        "Do you think federated learning will replace distributed training on phones.",
        "How do you decide which of the research topics go into the reports.",
    ],
)
def test_a_question_written_with_a_full_stop_is_no_card(pipeline, said):
    assert claims_of(pipeline, (100.0, said), speaker="Norman") == []


@pytest.mark.parametrize(
    ("said", "question"),
    [
        ("Are transformers better than recurrent networks for long sequences.", True),
        ("Why is it that the loss goes down so fast in the first epoch.", True),
        ("What's happening here is we're normalizing the columns, not the rows.", False),
        ("Had we known, we would have trained the network for longer.", False),
        ("Have a look at the attention weights in the second layer.", False),
        ("So the issue is that the parameters of that model are the IP.", False),
    ],
)
def test_asks(pipeline, said, question):
    from deckgen.extract.gates import asks

    assert asks(pipeline.nlp(said)) is question


def test_a_single_word_blank_is_not_the_talks_theme(pipeline):
    from deckgen.extract.lexicon import TalkWords
    from deckgen.extract.phrases import worth_hiding

    # A talk on finding exoplanets says "planet" and "star" all the time: a blank on
    # either is guessed from the talk's subject, not recalled.
    counts = TalkWords(
        {
            "planet": 90,
            "star": 80,
            "brightness": 40,
            "light": 35,
            "transit": 30,
            "telescope": 20,
            "kepler": 12,
            "photometry": 3,
            "think": 200,
            "people": 150,
        }
    )
    assert {"planet", "star"} <= counts.theme
    assert not counts.theme & {"think", "people"}  # everyday words are no theme
    doc = pipeline.nlp("The planet is no longer blocking the light from the star.")
    assert not worth_hiding(doc[9:10], doc.text, counts)  # "star"
    doc = pipeline.nlp("The dips were measured with photometry from the Kepler telescope.")
    assert worth_hiding(doc[5:6], doc.text, counts)  # "photometry": a term, not the theme
    # A word everyday talk uses in a tenth of episodes is no single-word blank.
    doc = pipeline.nlp("We launched a report called multi-task learning this week.")
    assert not worth_hiding(doc[3:4], doc.text, {"report": 5})


@pytest.mark.parametrize(
    ("said", "blank", "inside"),
    [
        ("Off policy methods leverage data collected by older policies.", "policy methods", True),
        (
            "We use model-based reinforcement learning methods for the arm.",
            "based reinforcement",
            True,
        ),
        ("We use model-based reinforcement learning methods for the arm.", "model-based", False),
        ("We use model-based reinforcement learning methods for the arm.", "reinforcement", False),
    ],
)
def test_a_blank_never_begins_inside_a_term(pipeline, said, blank, inside):
    from deckgen.extract.phrases import splits_a_word

    start = said.index(blank)
    span = pipeline.nlp(said).char_span(start, start + len(blank))
    assert span is not None and splits_a_word(span) is inside


@pytest.mark.parametrize(
    ("said", "whole"),
    [
        ("The data that might be influenced by a person's choices, by competitive IP.", False),
        ("If we're talking about ensemble models, like random forests and boosting.", False),
        ("Being able to perform these learning functions over a broad set of workers.", False),
        ("Federated learning shares parameters without exposing the underlying data.", True),
        ("Always know what your question is before you look at the data.", True),
        ("It's cheap, and the model is accurate enough for most phones.", True),
    ],
)
def test_a_card_has_a_main_clause(pipeline, said, whole):
    from deckgen.extract.gates import has_main_clause

    assert all(has_main_clause(s) for s in pipeline.nlp(said).sents) is whole


@pytest.mark.parametrize(
    "said, kept",
    [
        (  # a new clause cut off after its verb: trimmed with the word that joins it
            "You can learn word vectors from one data set and apply them to another "
            "and that is a form of transfer learning and today they are thinking.",
            "You can learn word vectors from one data set and apply them to another "
            "and that is a form of transfer learning.",
        ),
        (  # whole: nothing to trim
            "Block sparsity is what we decided to use.",
            None,
        ),
        (  # a relative clause needs no object
            "The simpler models can be double checked by anyone we know.",
            None,
        ),
        (  # too little would be left
            "So what we do is we introduce.",
            None,
        ),
    ],
)
def test_a_cut_off_last_clause_is_trimmed(pipeline, said, kept):
    from deckgen.extract.gates import dangling_tail, without_tail

    doc = pipeline.nlp(said)
    cut = dangling_tail(doc)
    assert (without_tail(doc, cut) if cut is not None else None) == kept


def test_a_card_keeps_its_claim_without_the_cut_off_end(pipeline):
    card = card_of(
        pipeline,
        "Word vectors learned on one data set transfer to another as a form of "
        "transfer learning and today they are thinking.",
    )
    assert card.type == "cloze", card
    assert card.text.endswith("transfer learning}}.") or card.text.endswith("learning."), card


def test_a_definition_of_a_vague_subject_is_no_question(pipeline):
    from deckgen.extract.phrases import definition_question

    # A blind reader found "What is the trend?": which trend was said before it.
    said = "The trend is a realization of the fact that vision is a service to robots."
    doc = pipeline.nlp(said)
    assert definition_question(doc, [t.text_with_ws for t in doc]) is None
    said = "Backpropagation is a recursive application of the chain rule."
    doc = pipeline.nlp(said)
    front, _back = definition_question(doc, [t.text_with_ws for t in doc])
    assert front == "What is backpropagation?"
