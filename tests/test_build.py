"""deckgen.build: the .apkg, checked by importing it into a real Anki collection."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
import yaml

from deckgen.build import build_deck, field_html, video_link
from deckgen.cards import load_cards, parse_cards
from deckgen.notetypes import BASIC, CLOZE
from deckgen.state import state_path_for
from tests.conftest import import_apkg


def build(cards_path: Path, output: Path | None = None) -> Path:
    report = build_deck(load_cards(cards_path), output)
    return report.output


def test_note_types_are_frozen():
    # Anki will not update notes whose note type's fields or templates were renamed:
    # these names and ids must never change. Change CSS and template HTML freely.
    assert (BASIC.id, BASIC.name, BASIC.template_name) == (1736091101, "deckgen basic", "Card")
    assert BASIC.fields == ("Front", "Back", "Quote", "Source", "Time", "Link", "Id")
    assert (CLOZE.id, CLOZE.name, CLOZE.template_name) == (1736091102, "deckgen cloze", "Cloze")
    assert CLOZE.fields == ("Text", "Extra", "Quote", "Source", "Time", "Link", "Id")
    assert CLOZE.is_cloze and not BASIC.is_cloze


def test_note_types_in_the_package_match_the_frozen_definitions(project: Path, tmp_path: Path):
    apkg = build(project / "cards.yaml")
    with zipfile.ZipFile(apkg) as archive:
        db = tmp_path / "col.sqlite"
        db.write_bytes(archive.read("collection.anki2"))
    import json

    (models_json,) = sqlite3.connect(db).execute("select models from col").fetchone()
    models = {
        m["name"]: m for m in json.loads(models_json).values() if m["name"].startswith("deckgen")
    }
    for note_type in (BASIC, CLOZE):
        model = models[note_type.name]
        assert int(model["id"]) == note_type.id
        assert [f["name"] for f in model["flds"]] == list(note_type.fields)
        assert [t["name"] for t in model["tmpls"]] == [note_type.template_name]
    assert models["deckgen cloze"]["type"] == 1  # a real cloze note type


def test_project_deck_imports_into_anki(project: Path, collection):
    cards_file = load_cards(project / "cards.yaml")
    apkg = build(project / "cards.yaml")
    log = import_apkg(collection, apkg)

    active = cards_file.active_cards
    assert len(log.new) == len(active)
    assert collection.note_count() == len(active)
    by_id = {}
    for note_id in collection.find_notes(""):
        note = collection.get_note(note_id)
        by_id[note["Id"]] = note
    assert set(by_id) == {c.id for c in active}
    assert "architectures-follow-hardware" not in by_id  # skip: true stays out

    titles = {s.id: s.title for s in cards_file.sources}
    for card in active:
        note = by_id[card.id]
        assert note["Time"] == card.time_text
        assert note.guid == genanki.guid_for(cards_file.deck.id, card.id)
        assert f"source::{card.source}" in note.tags
        answer = note.cards()[0].answer()
        assert titles[card.source].replace("&", "&amp;") in answer
        if card.time is not None:
            assert card.time_text in answer

    brain = by_id["brain-20-watts"]
    assert brain["Time"] == "00:13:10"
    assert brain["Link"] == "https://www.youtube.com/watch?v=c3b-JASoPi0&amp;t=790"
    answer = brain.cards()[0].answer()
    assert 'href="https://www.youtube.com/watch?v=c3b-JASoPi0&amp;t=790"' in answer
    assert "Sequoia AI Ascent 2024 — Making AI accessible · " in answer
    question = brain.cards()[0].question()
    assert "20 watts" not in re.sub(r"<[^>]+>", "", question)  # the cloze hides it
    assert "20 watts" in answer


def test_required_cards_are_in_the_project_deck():
    cards = {c.id: c for c in load_cards(Path(__file__).parent.parent / "cards.yaml").cards}
    assert cards["brain-20-watts"].time_text == "00:13:10"
    assert cards["rlhf-vibe-check"].time_text == "00:27:12"
    assert 7 * 60 + 50 - 2 <= cards["open-weights-not-open-source"].time <= 9 * 60 + 20
    assert len([c for c in cards.values() if not c.skip]) >= 40
    assert {c.source for c in cards.values()} == {
        "sequoia-transcript",
        "sequoia-summary",
        "no-priors-summary",
        "lex-fridman-333-summary",
    }
    assert all(c.time is not None for c in cards.values() if c.source == "sequoia-transcript")


def test_reimport_after_edit_updates_in_place_and_keeps_review_history(project: Path, collection):
    cards_path = project / "cards.yaml"
    apkg = build(cards_path)
    import_apkg(collection, apkg)
    notes_before = collection.note_count()

    def note_by_card_id(card_id: str):
        (note_id,) = collection.find_notes(f"Id:{card_id}")
        return collection.get_note(note_id)

    # Study the brain card once.
    brain = note_by_card_id("brain-20-watts")
    card = brain.cards()[0]
    to_answer = collection.get_card(card.id)
    to_answer.start_timer()
    collection.sched.answerCard(to_answer, 3)
    reviewed = collection.get_card(card.id)
    assert reviewed.reps == 1
    untouched_mod = note_by_card_id("rlhf-vibe-check").mod

    # Fix a "typo" in cards.yaml, rebuild, re-import.
    text = cards_path.read_text(encoding="utf-8")
    edited = text.replace("runs on roughly {{c1::20 watts}}", "runs on about {{c1::20 watts}}")
    assert edited != text
    cards_path.write_text(edited, encoding="utf-8")
    log = import_apkg(collection, build(cards_path))

    assert [collection.get_note(n.id.nid)["Id"] for n in log.updated] == ["brain-20-watts"]
    assert not log.new and not log.conflicting
    assert collection.note_count() == notes_before
    after = note_by_card_id("brain-20-watts")
    assert after.id == brain.id
    assert "runs on about {{c1::20 watts}}" in after["Text"]
    card_after = collection.get_card(card.id)
    assert (
        card_after.reps == 1 and card_after.ivl == reviewed.ivl and card_after.due == reviewed.due
    )
    assert collection.db.scalar("select count() from revlog where cid = ?", card.id) == 1
    assert note_by_card_id("rlhf-vibe-check").mod == untouched_mod


def test_reimport_of_unchanged_build_changes_nothing(project: Path, collection):
    apkg = build(project / "cards.yaml")
    import_apkg(collection, apkg)
    log = import_apkg(collection, build(project / "cards.yaml"))
    assert not log.new and not log.updated and not log.conflicting
    assert len(log.duplicate) == collection.note_count()


def test_two_builds_are_byte_identical(project: Path, tmp_path: Path):
    first = build(project / "cards.yaml", tmp_path / "one.apkg").read_bytes()
    second = build(project / "cards.yaml", tmp_path / "two.apkg").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "one.apkg") as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_fresh_builds_are_identical_with_source_date_epoch(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = build(project / "cards.yaml", tmp_path / "one.apkg").read_bytes()
    state_path_for(project / "cards.yaml").unlink()
    second = build(project / "cards.yaml", tmp_path / "two.apkg").read_bytes()
    assert first == second


def test_edited_card_gets_a_newer_mtime_and_others_keep_theirs(project: Path):
    cards_path = project / "cards.yaml"
    build(cards_path)
    before = yaml.safe_load(state_path_for(cards_path).read_text())["notes"]
    cards_path.write_text(
        cards_path.read_text().replace(
            "What I call it is a vibe check.", "What I call it is a vibe check!"
        )
    )
    build(cards_path)
    after = yaml.safe_load(state_path_for(cards_path).read_text())["notes"]
    assert after["rlhf-vibe-check"]["modified"] > before["rlhf-vibe-check"]["modified"]
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"rlhf-vibe-check"}


def test_guid_comes_from_the_id_not_the_text():
    def guid_of(front: str) -> str:
        cards_file = parse_cards(
            "deck: {name: D, id: 42}\ncards:\n"
            f"  - id: same-card\n    front: {front}\n    back: b\n"
        )
        from deckgen.build import note_specs

        return note_specs(cards_file)[0].guid

    assert guid_of("one wording") == guid_of("another wording") == genanki.guid_for(42, "same-card")


def test_cards_are_due_in_source_order():
    from deckgen.build import note_specs

    cards_file = parse_cards(
        """
deck: {name: D, id: 42}
sources:
  talk: {title: Talk, kind: transcript}
  notes: {title: Notes, kind: summary}
cards:
  - {id: own-card, front: f, back: b}
  - {id: from-notes, front: f, back: b, source: notes}
  - {id: late, front: f, back: b, source: talk, time: "30:00"}
  - {id: early, front: f, back: b, source: talk, time: "01:00"}
"""
    )
    assert [s.card_id for s in sorted(note_specs(cards_file), key=lambda s: s.due)] == [
        "early",
        "late",
        "from-notes",
        "own-card",
    ]


def test_text_is_html_escaped_and_tags_carry_the_source():
    from deckgen.build import note_specs

    cards_file = parse_cards(
        """
deck: {name: D, id: 42}
sources:
  talk: {title: "Q&A <live>", kind: transcript, url: "https://example.org/v.mp4"}
cards:
  - id: html
    front: "Is <b>x</b> & y?"
    back: "line one\\nline two"
    source: talk
    time: "1:02:03"
    tags: [hardware, "energy::power"]
"""
    )
    (spec,) = note_specs(cards_file)
    front, back, quote, source, time, link, card_id = spec.fields
    assert (quote, card_id) == ("", "html")
    assert front == "Is &lt;b&gt;x&lt;/b&gt; &amp; y?"
    assert back == "line one<br>line two"
    assert source == "Q&amp;A &lt;live&gt;"
    assert time == "01:02:03"
    assert link == "https://example.org/v.mp4#t=3723"
    assert spec.tags == ("source::talk", "hardware", "energy::power")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abc&t=790"),
        ("https://www.youtube.com/watch?v=abc&t=5", "https://www.youtube.com/watch?v=abc&t=790"),
        ("https://youtu.be/abc", "https://youtu.be/abc?t=790"),
        ("https://example.org/talk.mp4", "https://example.org/talk.mp4#t=790"),
        ("https://example.org/talk.mp4#t=3", "https://example.org/talk.mp4#t=790"),
    ],
)
def test_video_link(url: str, expected: str):
    assert video_link(url, 790.9) == expected


def test_field_html():
    assert field_html(None) == ""
    assert field_html('a < b\n"c"') == 'a &lt; b<br>"c"'


def test_a_link_is_made_only_for_a_web_address():
    from dataclasses import replace

    from deckgen.build import note_specs

    cards_file = parse_cards(
        "deck: {name: D, id: 7}\nsources:\n  talk: {title: T, url: 'https://v.example/a'}\n"
        "cards:\n  - {id: a, front: Q, back: A, source: talk, time: '00:01:00'}\n",
        "cards.yaml",
    )
    assert note_specs(cards_file)[0].fields[5] == "https://v.example/a#t=60"
    # A CardsFile made in Python skips the reader's check: the build still links nothing.
    hostile = replace(cards_file.sources[0], url="javascript:alert(1)//")
    cards_file = replace(cards_file, sources=(hostile,), source_by_id={"talk": hostile})
    assert note_specs(cards_file)[0].fields[5] == ""


def test_an_edit_reaches_anki_when_source_date_epoch_is_in_the_past_and_state_is_gone(
    project: Path, collection, monkeypatch: pytest.MonkeyPatch
):
    cards_path = project / "cards.yaml"
    import_apkg(collection, build(cards_path))
    state_path_for(cards_path).unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    text = cards_path.read_text(encoding="utf-8")
    edited = text.replace("runs on roughly {{c1::20 watts}}", "runs on about {{c1::20 watts}}")
    assert edited != text
    cards_path.write_text(edited, encoding="utf-8")
    log = import_apkg(collection, build(cards_path))
    assert "brain-20-watts" in [collection.get_note(n.id.nid)["Id"] for n in log.updated]
    (note_id,) = collection.find_notes("Id:brain-20-watts")
    assert "runs on about {{c1::20 watts}}" in collection.get_note(note_id)["Text"]


def test_source_date_epoch_not_older_than_cards_yaml_is_used_as_is(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    import os

    from deckgen.state import now_seconds

    cards_path = project / "cards.yaml"
    os.utime(cards_path, (1_650_000_000.5, 1_650_000_000.5))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert now_seconds(cards_path) == 1_700_000_000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert now_seconds(cards_path) == 1_650_000_001
    assert now_seconds() == 1_600_000_000


def test_a_renamed_deck_is_refused_until_renamed_in_anki_too(project: Path, collection):
    from deckgen.errors import BuildError

    cards_path = project / "cards.yaml"
    import_apkg(collection, build(cards_path))
    old_name = load_cards(cards_path).deck.name
    text = cards_path.read_text(encoding="utf-8")
    cards_path.write_text(text.replace(f"name: {old_name}", "name: Renamed deck", 1), "utf-8")
    with pytest.raises(BuildError) as info:
        build(cards_path)
    (problem,) = info.value.problems
    assert problem.message.startswith(
        f"the deck was renamed from '{old_name}' to 'Renamed deck' since the last build"
    )
    assert "deckgen build --deck-renamed" in problem.hint

    # The person renames the deck in Anki, then confirms: every card stays in one deck.
    deck = collection.decks.by_name(old_name)
    collection.decks.rename(deck, "Renamed deck")
    apkg = project / "renamed.apkg"
    build_deck(load_cards(cards_path), apkg, deck_renamed=True)
    log = import_apkg(collection, apkg)
    assert not log.new
    decks = {collection.decks.name(collection.get_card(c).did) for c in collection.find_cards("")}
    assert decks == {"Renamed deck"}
    build(cards_path)  # the new name is the one remembered now
