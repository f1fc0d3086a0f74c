"""deckgen.cards.writer: adding to cards.yaml as text, never rewriting what is there."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.cards import Card, Source, parse_cards
from deckgen.cards.writer import Addition, add_to_cards_text, scalar
from deckgen.errors import CardsFileError

PATH = Path("cards.yaml")


def card(card_id: str, **fields) -> Card:
    fields.setdefault("front", "Question?")
    fields.setdefault("back", "Answer.")
    return Card(id=card_id, type="basic", line=0, **fields)


@pytest.mark.parametrize(
    "value",
    [
        "no",
        "yes",
        "13:10",
        "1:02:03",
        "a: b",
        "# not a comment",
        "- dash",
        "null",
        "~",
        " lead",
        "trail ",
        'say "hi"',
        "it's",
        "{{c1::20 watts}} of power",
        "ünïcödé — dash",
        "x" * 200,
        "The brain runs on roughly 20 watts, while supercomputers are measured in megawatts; a gap.",
        "line one\nline two",
        "",
        "0x10",
        "1e3",
        "@at",
        "%percent",
        "!bang",
        "&anchor",
        "*alias",
    ],
)
def test_scalar_reads_back_as_exactly_the_text(value: str):
    rendered = scalar(value, 4)
    node = yaml.compose("k: " + rendered.replace("\n      ", "\n  "))
    assert node.value[0][1].value == value


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=120))
def test_scalar_round_trips_any_text(value: str):
    rendered = scalar(value, 4)
    node = yaml.compose("k: " + rendered.replace("\n      ", "\n  "))
    assert node.value[0][1].value == value


HAND_WRITTEN = """\
# My deck. Do not touch my comments.
deck:
  name: 'Talks'     # quoted my way
  id: 42

sources:
    talk:                 # four-space indent, on purpose
        title: A talk
        kind: transcript

cards:
- id: mine
  front: "My question?"   # my own card
  back: no

# trailing comment I wrote
"""


def test_appending_keeps_every_byte_and_the_file_style():
    new = add_to_cards_text(
        HAND_WRITTEN,
        PATH,
        [],
        [Addition("talk", (card("new-one", sources=("talk",), time=790.0, quote="q: x"),))],
        date="2026-11-22",
    )
    assert new.startswith(HAND_WRITTEN)
    added = new[len(HAND_WRITTEN) :]
    assert added == (
        "\n# --- added by deckgen extract from talk, 2026-11-22 ---\n"
        "- id: new-one\n"
        "  front: Question?\n"
        "  back: Answer.\n"
        "  source: talk\n"
        "  time: 00:13:10\n"
        '  quote: "q: x"\n'
    )
    cards = parse_cards(new, PATH).cards
    assert [c.id for c in cards] == ["mine", "new-one"]
    assert cards[0].back == "no"


def test_a_new_source_goes_at_the_end_of_the_sources_block():
    new = add_to_cards_text(
        HAND_WRITTEN,
        PATH,
        [Source(id="notes", title="Notes: part 1", kind="summary", file="n.md")],
        [],
    )
    assert new == HAND_WRITTEN.replace(
        "        kind: transcript\n",
        "        kind: transcript\n"
        "    notes:\n"
        '      title: "Notes: part 1"\n'
        "      file: n.md\n"
        "      kind: summary\n",
    )
    assert [s.id for s in parse_cards(new, PATH).sources] == ["talk", "notes"]


def test_a_new_source_keeps_its_recording():
    source = Source(id="two", title="Two", kind="transcript", file="two.srt", media="rec/two 1.m4a")
    new = add_to_cards_text(HAND_WRITTEN, PATH, [source], [])
    assert "      media: rec/two 1.m4a\n" in new
    assert parse_cards(new, PATH).source_by_id["two"].media == "rec/two 1.m4a"


def test_cards_not_last_are_inserted_after_the_last_card():
    text = "deck: {name: D, id: 1}\ncards:\n  - id: a\n    front: f\n    back: b\nsources:\n  t: {title: T, kind: transcript}\n"
    new = add_to_cards_text(text, PATH, [], [Addition("t", (card("b", sources=("t",)),))], date="d")
    assert [c.id for c in parse_cards(new, PATH).cards] == ["a", "b"]
    assert new.endswith("sources:\n  t: {title: T, kind: transcript}\n")


@pytest.mark.parametrize("empty", ["cards: []\n", "cards:\n", "cards: ~\n"])
def test_empty_or_missing_cards(empty: str):
    text = "deck: {name: D, id: 1}\n" + empty
    new = add_to_cards_text(text, PATH, [], [Addition("x", (card("a"),))], date="d")
    assert [c.id for c in parse_cards(new, PATH).cards] == ["a"]
    assert "\ncards:\n" in new and " \n" not in new  # 'cards: []' becomes 'cards:'


@pytest.mark.parametrize("empty", ["sources: {}\n", "sources:\n", ""])
def test_empty_or_missing_sources(empty: str):
    text = "deck: {name: D, id: 1}\n" + empty + "cards: []\n"
    new = add_to_cards_text(text, PATH, [Source(id="s", title="S", kind="summary")], [])
    assert [s.id for s in parse_cards(new, PATH).sources] == ["s"]
    assert "\nsources:\n" in new and " \n" not in new


def test_flow_style_lists_are_refused_with_a_line():
    text = "deck: {name: D, id: 1}\ncards: [{id: a, front: f, back: b}]\n"
    with pytest.raises(CardsFileError) as info:
        add_to_cards_text(text, PATH, [], [Addition("x", (card("b"),))])
    assert str(info.value).startswith("cards.yaml:2: deckgen cannot add cards to a 'cards' list")


def test_a_broken_file_is_refused():
    with pytest.raises(CardsFileError) as info:
        add_to_cards_text("deck: {name: D, id: 1\ncards: []\n", PATH, [], [])
    assert "YAML syntax error" in str(info.value)


def test_a_crlf_file_gets_crlf_lines():
    text = HAND_WRITTEN.replace("\n", "\r\n")
    new = add_to_cards_text(
        text,
        PATH,
        [Source(id="notes", title="Notes", kind="summary", file="n.md")],
        [Addition("talk", (card("new-one", sources=("talk",), back="one\ntwo"),))],
        date="2026-11-22",
    )
    assert new.count("\n") == new.count("\r\n") > text.count("\r\n")
    lf = add_to_cards_text(
        HAND_WRITTEN,
        PATH,
        [Source(id="notes", title="Notes", kind="summary", file="n.md")],
        [Addition("talk", (card("new-one", sources=("talk",), back="one\ntwo"),))],
        date="2026-11-22",
    )
    assert new == lf.replace("\n", "\r\n")
    assert parse_cards(new, PATH).cards[-1].back == "one\ntwo"


@pytest.mark.parametrize(
    "cards",
    [
        "  - {id: mine, front: q, back: a}\n",
        "  - {id: mine,\n     front: q, back: a}\n",
        "  - id: first\n    front: q\n    back: a\n  - {id: mine, front: q, back: a}\n",
    ],
)
def test_cards_are_added_after_a_card_written_in_flow_style(tmp_path: Path, cards: str):
    from deckgen.cards import Card, add_to_cards_text, parse_cards
    from deckgen.cards.writer import Addition

    text = (
        "deck:\n  name: d\n  id: 1234567890\nsources:\n  talk:\n    title: T\n    kind: transcript\ncards:\n"
        + cards
    )
    new = Card(id="new-one", type="basic", line=0, front="Q?", back="A", sources=("talk",))
    result = add_to_cards_text(text, tmp_path / "cards.yaml", [], [Addition("talk", (new,))])
    assert result.startswith(text)
    assert [c.id for c in parse_cards(result).cards][-2:] == ["mine", "new-one"]
