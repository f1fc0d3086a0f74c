"""deckgen.cards.editor: one card changed in place, every other byte as it was."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from deckgen.cards import parse_cards
from deckgen.cards.editor import (
    card_digest,
    card_version,
    edit_card,
    find_card_text,
    keep_card,
    replace_card_text,
    skip_card,
)
from deckgen.errors import CardsFileError
from tests.conftest import ROOT

PATH = Path("cards.yaml")
TEXT = """\
# my deck
deck:
  name: Talks   # a comment
  id: 7

sources:
  talk: {title: A talk, kind: transcript}

cards:
  - id: basic-one            # first
    front: 'What is it?'     # quoted on purpose
    back: An answer.

  - id: cloze-one
    type: cloze
    text: >-
      Karpathy's brain runs on roughly {{c1::20 watts}},
      folded over two lines.

    source: talk
    time: 13:10
  # a comment between cards
  - id: skipped-one
    front: Q
    back: "A"
    skip: true   # not now
"""


def lines_changed(before: str, after: str) -> list[tuple[str, str]]:
    import difflib

    return [
        (tag, line)
        for tag, line in (
            (d[0], d[2:].rstrip("\n"))
            for d in difflib.ndiff(before.splitlines(True), after.splitlines(True))
        )
        if tag in "+-"
    ]


def test_skip_adds_one_line_after_the_cards_last_key():
    after, card = skip_card(TEXT, PATH, "basic-one")
    assert card.skip
    assert lines_changed(TEXT, after) == [("+", "    skip: true")]
    assert after.index("skip: true") < after.index("- id: cloze-one")


def test_skip_after_a_folded_value_keeps_the_blank_lines_after_it():
    after, _ = skip_card(TEXT, PATH, "cloze-one")
    assert lines_changed(TEXT, after) == [("+", "    skip: true")]
    assert "    time: 13:10\n    skip: true\n  # a comment between cards" in after


def test_keep_removes_skip_and_keep_of_a_kept_card_changes_nothing():
    after, card = keep_card(TEXT, PATH, "skipped-one")
    assert not card.skip
    assert lines_changed(TEXT, after) == [("-", "    skip: true   # not now")]
    assert keep_card(TEXT, PATH, "basic-one")[0] == TEXT


def test_skip_then_keep_is_the_file_as_it_was():
    skipped, _ = skip_card(TEXT, PATH, "basic-one")
    assert keep_card(skipped, PATH, "basic-one")[0] == TEXT


def test_edit_rewrites_only_the_changed_value_and_keeps_its_comment():
    after, card = edit_card(
        TEXT, PATH, "basic-one", {"front": "What is it, now?", "back": "An answer."}
    )
    assert card.front == "What is it, now?" and card.back == "An answer."
    assert lines_changed(TEXT, after) == [
        ("-", "    front: 'What is it?'     # quoted on purpose"),
        ("+", "    front: What is it, now?     # quoted on purpose"),
    ]


def test_edit_a_folded_cloze_and_add_its_extra():
    after, card = edit_card(
        TEXT, PATH, "cloze-one", {"text": "My brain is {{c1::20 W}}.", "extra": "a note: here"}
    )
    assert card.text == "My brain is {{c1::20 W}}." and card.extra == "a note: here"
    assert (
        '    text: My brain is {{c1::20 W}}.\n    extra: "a note: here"\n\n    source: talk'
        in after
    )

    def others(text):
        return [replace(c, line=0) for c in parse_cards(text, PATH).cards if c.id != "cloze-one"]

    assert others(after) == others(TEXT)


def test_a_long_value_is_folded_unless_a_comment_follows():
    long = "word " * 30 + "end"
    after, card = edit_card(TEXT, PATH, "basic-one", {"front": long, "back": long})
    assert card.front == long and card.back == long
    assert '    front: "word word' in after  # a comment follows: one quoted line
    assert "    back: >-\n      word word" in after


@pytest.mark.parametrize(
    ("card_id", "values", "message"),
    [
        ("basic-one", {"front": "  "}, "card 'basic-one': 'front' is empty (write the question"),
        ("cloze-one", {"text": "no blank"}, "card 'cloze-one': cloze text has no {{c1::...}}"),
        ("cloze-one", {"text": "a {{c1::b"}, "card 'cloze-one': cloze text has unbalanced braces"),
    ],
)
def test_an_invalid_card_is_refused_with_checks_message(card_id, values, message):
    with pytest.raises(CardsFileError) as error:
        edit_card(TEXT, PATH, card_id, values)
    assert message in str(error.value)
    assert str(error.value).startswith("cards.yaml:")


def test_a_field_the_type_does_not_have_is_refused():
    with pytest.raises(CardsFileError, match="a basic card has no 'text'"):
        edit_card(TEXT, PATH, "basic-one", {"text": "x {{c1::y}}"})


def test_text_that_looks_like_yaml_reads_back_as_written():
    for value in ("no", "13:10", "- a list?", "# not a comment", "{{c1::x}} [y]", 'say "hi"'):
        after, card = edit_card(TEXT, PATH, "basic-one", {"back": value})
        assert card.back == value
        assert parse_cards(after, PATH).cards[0].back == value


def test_a_card_in_braces_or_missing_is_refused():
    text = TEXT.replace(
        "  - id: basic-one            # first\n    front: 'What is it?'     # quoted on purpose\n"
        "    back: An answer.\n",
        "  - {id: basic-one, front: Q, back: A}\n",
    )
    with pytest.raises(CardsFileError, match=r"in \{ \} style"):
        skip_card(text, PATH, "basic-one")
    with pytest.raises(CardsFileError, match="no such card"):
        skip_card(TEXT, PATH, "nope")


def test_crlf_files_stay_crlf():
    text = TEXT.replace("\n", "\r\n")
    after, _ = skip_card(text, PATH, "basic-one")
    assert "\n" not in after.replace("\r\n", "")
    assert keep_card(after, PATH, "basic-one")[0] == text


def test_a_card_put_back_is_byte_for_byte_what_it_was():
    body = find_card_text(TEXT, PATH, "cloze-one").body
    assert body.startswith("id: cloze-one") and body.endswith("time: 13:10\n")
    edited, _ = edit_card(TEXT, PATH, "cloze-one", {"text": "x {{c1::y}}"})
    assert replace_card_text(edited, PATH, "cloze-one", body) == TEXT


def test_digest_follows_the_text_and_version_everything():
    cards = {c.id: c for c in parse_cards(TEXT, PATH).cards}
    _, card = skip_card(TEXT, PATH, "basic-one")
    assert card_digest(card) == card_digest(cards["basic-one"])
    assert card_version(card) != card_version(cards["basic-one"])
    moved = parse_cards("\n\n" + TEXT, PATH).cards[0]
    assert card_version(moved) == card_version(cards["basic-one"])
    _, edited = edit_card(TEXT, PATH, "basic-one", {"back": "Another."})
    assert card_digest(edited) != card_digest(cards["basic-one"])


def test_every_card_of_the_project_deck_can_be_skipped_and_kept_back():
    text = (ROOT / "cards.yaml").read_text(encoding="utf-8")
    path = ROOT / "cards.yaml"
    for card in parse_cards(text, path).cards:
        if card.skip:
            kept, _ = keep_card(text, path, card.id)
            assert skip_card(kept, path, card.id)[1].skip
        else:
            skipped, _ = skip_card(text, path, card.id)
            assert keep_card(skipped, path, card.id)[0] == text
