"""deckgen.review.session: decisions written at once, undo, conflicts, reviewed marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.cards import load_cards
from deckgen.cards.editor import card_version
from deckgen.review.session import (
    ReviewConflict,
    ReviewSession,
    Transcripts,
    card_data,
    unreviewed_cards,
)
from deckgen.state import load_state, state_path_for


def version_of(cards_path: Path, card_id: str) -> str:
    return card_version(next(c for c in load_cards(cards_path).cards if c.id == card_id))


def test_keep_marks_reviewed_and_leaves_the_file_alone(project: Path):
    cards = project / "cards.yaml"
    before = cards.read_bytes()
    session = ReviewSession(cards)
    card = load_cards(cards).cards[0]
    decision = session.decide(card.id, "keep", card_version(card))
    assert decision.reviewed and cards.read_bytes() == before
    state = load_state(state_path_for(cards))
    assert card.id in state.reviewed
    assert card.id not in {c.id for c in unreviewed_cards(load_cards(cards), state)}


def test_skip_edit_and_undo_write_at_once_and_undo_restores_bytes(project: Path):
    cards = project / "cards.yaml"
    original = cards.read_bytes()
    session = ReviewSession(cards)
    first, second = load_cards(cards).cards[:2]
    session.decide(first.id, "skip", card_version(first))
    assert load_cards(cards).cards[0].skip
    after_skip = cards.read_bytes()
    field = "front" if second.type == "basic" else "text"
    new = "What is {{c1::new}}?" if field == "text" else "A new question?"
    session.decide(second.id, "edit", version_of(cards, second.id), {field: new})
    assert getattr(load_cards(cards).cards[1], field) == new
    assert session.undo().card.id == second.id
    assert cards.read_bytes() == after_skip
    assert session.undo().card.id == first.id
    assert cards.read_bytes() == original
    assert session.undo() is None
    assert load_state(state_path_for(cards)).reviewed == {}


def test_a_hand_edit_since_the_page_loaded_is_a_conflict(project: Path):
    cards = project / "cards.yaml"
    session = ReviewSession(cards)
    card = load_cards(cards).cards[0]
    shown = card_version(card)
    text = cards.read_text(encoding="utf-8")
    hand = text.replace(card.front or card.text, "Edited by hand, in an editor?", 1)
    cards.write_text(hand, encoding="utf-8")
    with pytest.raises(ReviewConflict) as conflict:
        session.decide(card.id, "skip", shown)
    assert conflict.value.card.front == "Edited by hand, in an editor?"
    assert "was changed in cards.yaml since the page showed it" in str(conflict.value)
    assert cards.read_text(encoding="utf-8") == hand
    assert load_state(state_path_for(cards)).reviewed == {}


def test_undo_after_a_hand_edit_of_that_card_is_a_conflict(project: Path):
    cards = project / "cards.yaml"
    session = ReviewSession(cards)
    card = load_cards(cards).cards[0]
    session.decide(card.id, "skip", card_version(card))
    text = cards.read_text(encoding="utf-8")
    cards.write_text(text.replace(card.front, "Changed after the skip?", 1), encoding="utf-8")
    with pytest.raises(ReviewConflict):
        session.undo()
    assert "Changed after the skip?" in cards.read_text(encoding="utf-8")


def test_a_card_changed_by_hand_after_review_is_unreviewed_again(project: Path):
    cards = project / "cards.yaml"
    session = ReviewSession(cards)
    card = load_cards(cards).cards[0]
    session.decide(card.id, "keep", card_version(card))
    text = cards.read_text(encoding="utf-8")
    cards.write_text(text.replace(card.front, "Reworded later?", 1), encoding="utf-8")
    cards_file, state = session.load()
    assert card.id in {c.id for c in unreviewed_cards(cards_file, state)}
    data = card_data(cards_file, cards_file.cards[0], state)
    assert data["changed_since_review"] and not data["reviewed"]


def test_the_reviewed_marks_survive_a_build(project: Path):
    from deckgen.build import build_deck

    cards = project / "cards.yaml"
    session = ReviewSession(cards)
    card = load_cards(cards).cards[0]
    session.decide(card.id, "keep", card_version(card))
    build_deck(load_cards(cards), project / "deck.apkg", media=False)
    assert card.id in load_state(state_path_for(cards)).reviewed


def test_card_data_and_the_transcript_around_it(project: Path):
    cards = project / "cards.yaml"
    cards_file, state = ReviewSession(cards).load()
    card = next(c for c in cards_file.cards if c.id == "brain-20-watts")
    data = card_data(cards_file, card, state)
    assert data["fields"] == {"text": card.text, "extra": card.extra or ""}
    assert "[...]" in data["faces"][0]["front"]
    assert data["link"].endswith("t=790")
    lines = Transcripts().context(cards_file, card)
    assert lines and all(card.time - 60 < line["start"] < card.time + 31 for line in lines)
    assert lines[0]["start"] < card.time - 25 and lines[-1]["start"] > card.time + 25
    assert any(line["said"] for line in lines)


def test_a_save_by_hand_while_a_decision_is_written_is_kept(project: Path, monkeypatch):
    from deckgen.review import session as session_module

    cards = project / "cards.yaml"
    first = load_cards(cards).cards[0]
    real_skip = session_module.skip_card
    saves = []

    def person_saves_meanwhile(text, path, card_id, before=None):
        result = real_skip(text, path, card_id, before)
        if not saves:  # a hand edit of another card lands before the write
            saves.append(1)
            cards.write_text(cards.read_text() + "# my note\n")
        return result

    monkeypatch.setattr(session_module, "skip_card", person_saves_meanwhile)
    ReviewSession(cards).decide(first.id, "skip", card_version(first))
    after = {c.id: c for c in load_cards(cards).cards}
    assert after[first.id].skip
    assert cards.read_text().endswith("# my note\n")
