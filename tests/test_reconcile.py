"""deckgen.reconcile: which claims become new cards."""

from __future__ import annotations

from pathlib import Path

from deckgen.align import Alignment
from deckgen.cards import Card, CardsFile, Deck, Source
from deckgen.extract import Claim, Score, Sentence, content_words
from deckgen.reconcile import Reconciler, apply_alignments, merge_across_sources

TALK = Source("talk", "A talk", "transcript")
NOTES = Source("notes", "Notes", "summary", summary_of="talk")


def claim(source_id: str, card_id: str, quote: str, index: int = 0, time=None) -> Claim:
    card = Card(
        card_id, "basic", 0, front="Q?", back="A.", sources=(source_id,), time=time, quote=quote
    )
    sentence = Sentence(quote, time, index)
    return Claim(source_id, sentence, Score(5.0, ()), card, frozenset(content_words(quote)))


def cards_file(*cards: Card) -> CardsFile:
    return CardsFile(Path("cards.yaml"), Deck("D", 1), (TALK, NOTES), cards)


BRAIN = "My brain runs on roughly twenty watts of power"
VIBES = "What I call the reward model is a vibe check on outputs"
OTHER = "Tokenizers split text into pieces before the transformer sees them"


def test_a_card_in_the_file_by_id_or_by_words_is_already_there():
    mine = Card("my-brain", "basic", 5, front="x", back="y", quote=BRAIN)
    reconciler = Reconciler(cards_file(mine), proposed=set())
    outcome = reconciler.add(
        [claim("talk", "brain-watts", BRAIN), claim("talk", "my-brain", OTHER, 1)]
    )
    assert (outcome.kept, outcome.already, outcome.dismissed) == ((), 2, 0)


def test_a_card_proposed_before_and_deleted_is_dismissed_not_proposed_again():
    reconciler = Reconciler(None, proposed={"brain-watts"})
    outcome = reconciler.add([claim("talk", "brain-watts", BRAIN), claim("talk", "tok", OTHER)])
    assert [c.card.id for c in outcome.kept] == ["tok"]
    assert (outcome.already, outcome.dismissed) == (0, 1)


def test_the_same_claim_in_two_sources_is_one_card_naming_both():
    reconciler = Reconciler(None, proposed=set())
    first = reconciler.add([claim("talk", "brain-watts", BRAIN)])
    second = reconciler.add([claim("notes", "brain-power", BRAIN + " today")])
    assert [c.card.id for c in first.kept] == ["brain-watts"] and second.kept == ()
    assert (second.already, second.merged) == (0, 1)
    assert [c.card.sources for c in reconciler.claims] == [("talk", "notes")]


def test_merge_across_sources_keeps_claims_that_differ():
    earlier = [claim("talk", "brain-watts", BRAIN)]
    kept = merge_across_sources([claim("notes", "tok", OTHER)], earlier)
    assert [c.card.id for c in kept] == ["tok"]
    assert earlier[0].card.sources == ("talk",)


def test_a_summary_claim_gets_the_passage_time_and_quote_and_both_sources():
    aligned = Alignment("transcript", time=812.7, quote="What I call it is a vibe check.")
    kept = apply_alignments([claim("notes", "vibes", VIBES)], [aligned], "talk", [], ())
    card = kept[0].card
    assert (card.sources, card.time, card.quote) == (
        ("talk", "notes"),
        812.0,
        "What I call it is a vibe check.",
    )


def test_a_summary_claim_on_a_passage_already_carded_joins_that_card_or_is_left_out():
    aligned = Alignment("transcript", time=812.0, quote="a vibe check")
    talk_claim = claim("talk", "vibe-check", "What I call it is a vibe check", time=820.0)
    earlier = [talk_claim]
    kept = apply_alignments([claim("notes", "vibes", VIBES)], [aligned], "talk", earlier, ())
    assert kept == [] and earlier[0].card.sources == ("talk", "notes")
    # The same passage as a card the person already has: left out, their card untouched.
    kept = apply_alignments(
        [claim("notes", "vibes", VIBES)], [aligned], "talk", [], (talk_claim.card,)
    )
    assert kept == []
    # Too far from that card's time (more than 40 s after it): a card of its own.
    far = Alignment("transcript", time=700.0, quote="a vibe check")
    kept = apply_alignments([claim("notes", "vibes", VIBES)], [far], "talk", [talk_claim], ())
    assert [c.card.time for c in kept] == [700.0]


def test_a_chapter_gives_a_time_and_no_alignment_keeps_the_paragraph():
    chapter = Alignment("chapter", time=300.0, chapter="Brains")
    untimed = claim("notes", "tok", OTHER)
    untimed = Claim(
        "notes", untimed.sentence, untimed.score, Card("tok", "basic", 0, paragraph=3), frozenset()
    )
    kept = apply_alignments(
        [claim("notes", "brain", BRAIN), untimed], [chapter, Alignment("none")], None, [], ()
    )
    assert [(c.card.time, c.card.paragraph) for c in kept] == [(300.0, None), (None, 3)]
