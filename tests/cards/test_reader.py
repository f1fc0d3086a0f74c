"""deckgen.cards: cards.yaml read as the person wrote it, every problem located."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.cards import load_cards, parse_cards, slugify
from deckgen.errors import CardsFileError

HEAD = """\
deck: {name: D, id: 7}
sources:
  talk: {title: Talk, kind: transcript}
cards:
"""


def problems(text: str) -> list[str]:
    with pytest.raises(CardsFileError) as info:
        parse_cards(text, "cards.yaml")
    return [str(p) for p in info.value.problems]


def test_values_are_the_text_people_wrote():
    cards_file = parse_cards(
        HEAD
        + """\
  - id: sexagesimal
    front: yes
    back: no
    source: talk
    time: 13:10
  - id: hours
    front: 1.5
    back: 0x10
    source: talk
    time: 1:02:03
  - id: padded
    front: ~tilde inside
    back: "null"
    source: talk
    time: 00:13:10
"""
    )
    first, second, third = cards_file.cards
    assert (first.front, first.back, first.time) == ("yes", "no", 790.0)
    assert (second.front, second.back, second.time) == ("1.5", "0x10", 3723.0)
    assert (third.front, third.back, third.time_text) == ("~tilde inside", "null", "00:13:10")


def test_minimal_own_card_needs_only_id_and_text():
    cards_file = parse_cards(
        "deck: {name: D, id: 7}\ncards:\n  - id: mine\n    front: f\n    back: b\n"
    )
    (card,) = cards_file.cards
    assert (card.type, card.source, card.time, card.tags, card.skip) == (
        "basic",
        None,
        None,
        (),
        False,
    )


def test_skip_and_tags():
    cards_file = parse_cards(HEAD + "  - {id: a, front: f, back: b, skip: yes, tags: [x, y::z]}\n")
    (card,) = cards_file.cards
    assert card.skip and card.tags == ("x", "y::z")
    assert cards_file.active_cards == ()


def test_every_problem_is_reported_with_its_line():
    found = problems(
        HEAD
        + """\
  - id: Bad Id
    front: f
    back: b
  - id: no-back
    front: f
  - id: clz
    type: cloze
    text: "{{c1::open"
  - id: tagged
    front: f
    back: b
    tags: [two words]
  - id: timed
    front: f
    back: b
    source: talk
    time: 1:61:00
  - id: empty
    front: ""
    back: b
"""
    )
    assert found == [
        "cards.yaml:5: card 'Bad Id': id may only hold a-z, 0-9 and single '-' (e.g. 'bad-id')",
        "cards.yaml:8: card 'no-back': missing 'back' (write the answer under 'back:')",
        "cards.yaml:12: card 'clz': cloze text has unbalanced braces (close every '{{c1::' with '}}')",
        "cards.yaml:16: card 'tagged': tag 'two words' contains a space "
        "(Anki tags cannot hold spaces: use 'two-words')",
        "cards.yaml:21: card 'timed': bad time: '1:61:00' has 61 minutes; minutes go up to 59 "
        "(write HH:MM:SS, H:MM:SS or MM:SS, e.g. time: 00:13:10)",
        "cards.yaml:23: card 'empty': 'front' is empty (write the question under 'front:')",
    ]


def test_minutes_over_59_in_mm_ss_are_accepted_but_not_in_h_mm_ss():
    # 61:00 as MM:SS is ambiguous; we read two-part times as minutes:seconds, and
    # minutes then may exceed 59 (people write 75:30 for long talks).
    cards_file = parse_cards(HEAD + "  - {id: a, front: f, back: b, source: talk, time: '75:30'}\n")
    assert cards_file.cards[0].time == 75 * 60 + 30
    assert (
        "59"
        in problems(HEAD + "  - {id: a, front: f, back: b, source: talk, time: '1:75:30'}\n")[0]
    )


def test_unknown_keys_suggest_the_closest():
    assert problems(HEAD + "  - {id: a, front: f, back: b, qoute: q}\n") == [
        "cards.yaml:5: card 'a': unknown key 'qoute' (did you mean 'quote'?)"
    ]


def test_top_level_problems():
    assert problems("cards: []\n") == [
        "cards.yaml:1: missing 'deck' (add e.g. deck: {name: My talks, id: 1712345678})"
    ]
    assert problems("deck: {name: D, id: seven}\ncards: []\n")[0].startswith(
        "cards.yaml:1: deck id 'seven' is not a positive whole number"
    )
    assert problems("") == [
        "cards.yaml:1: the file is empty (start it with deck:, sources: and cards: (see the README))"
    ]


def test_duplicate_ids_point_at_the_first_use():
    assert problems(HEAD + "  - {id: a, front: f, back: b}\n  - {id: a, front: g, back: c}\n") == [
        "cards.yaml:6: card 'a': duplicate id (the id is already used on line 5; ids must be unique)"
    ]


def test_basic_and_cloze_keys_do_not_mix():
    assert problems(HEAD + "  - {id: a, front: f, back: b, text: t}\n") == [
        "cards.yaml:5: card 'a': basic cards have front and back, not 'text' "
        "(add 'type: cloze' or use front/back)"
    ]


def test_time_needs_a_source():
    assert problems(HEAD + "  - {id: a, front: f, back: b, time: '00:01:00'}\n") == [
        "cards.yaml:5: card 'a': a time needs a source (add 'source:' naming the talk the time is in)"
    ]


def test_paragraph_needs_a_source():
    assert problems(HEAD + "  - {id: a, front: f, back: b, paragraph: 2}\n") == [
        "cards.yaml:5: card 'a': a paragraph needs a source "
        "(add 'source:' naming the summary the paragraph is in)"
    ]


def test_several_sources_first_is_main():
    text = HEAD.replace(
        "  talk: {title: Talk, kind: transcript}\n",
        "  talk: {title: Talk, kind: transcript}\n  notes: {title: N, kind: summary, summary_of: talk}\n",
    )
    cards_file = parse_cards(text + "  - {id: a, front: f, back: b, source: [talk, notes]}\n")
    assert cards_file.cards[0].sources == ("talk", "notes")
    assert cards_file.cards[0].source == "talk"
    assert cards_file.source_by_id["notes"].summary_of == "talk"


def test_a_source_names_its_recording_relative_to_the_cards_file(tmp_path: Path):
    text = HEAD.replace(
        "  talk: {title: Talk, kind: transcript}\n",
        "  talk: {title: Talk, kind: transcript, media: audio/talk.m4a}\n  other: {title: Other}\n",
    )
    cards_file = parse_cards(text, tmp_path / "cards.yaml")
    talk, other = cards_file.source_by_id["talk"], cards_file.source_by_id["other"]
    assert talk.media == "audio/talk.m4a"
    assert cards_file.media_path(talk) == (tmp_path / "audio" / "talk.m4a").resolve()
    assert other.media is None and cards_file.media_path(other) is None


def test_load_reports_undecodable_file(tmp_path: Path):
    path = tmp_path / "cards.yaml"
    path.write_bytes(b"deck: {name: D, id: 7}\ncards:\n  - id: \xff\n")
    with pytest.raises(CardsFileError) as info:
        load_cards(path)
    assert str(info.value) == f"{path}:3: not UTF-8 text (save the file as UTF-8)"


def test_slugify():
    assert slugify("Sequoia Transcript") == "sequoia-transcript"
    assert slugify("  --Hello, World!-- ") == "hello-world"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)//",
        "JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        "www.youtube.com/watch?v=x",
        "http://",
    ],
)
def test_a_source_url_must_be_http_or_https(url: str):
    text = f"deck: {{name: D, id: 7}}\nsources:\n  talk:\n    title: Talk\n    url: '{url}'\ncards: []\n"
    assert problems(text) == [
        f"cards.yaml:5: source 'talk': url '{url}' is not a web address "
        "(give an http:// or https:// address, or remove url)"
    ]


@pytest.mark.parametrize("url", ["https://youtu.be/x", "HTTP://example.com/talk.mp4"])
def test_web_addresses_are_accepted(url: str):
    text = f"deck: {{name: D, id: 7}}\nsources:\n  talk: {{title: T, url: '{url}'}}\ncards: []\n"
    assert parse_cards(text, "cards.yaml").sources[0].url == url


@pytest.mark.parametrize(
    ("tail", "line"),
    [
        ('    front: "not closed\n', 6),
        ('    front: "not closed\n    back: b\n\n\n', 6),
        ("    front: [a, b\n\n", 6),
    ],
)
def test_a_syntax_error_at_the_end_is_on_a_line_of_the_file(tail: str, line: int):
    text = "deck:\n  name: x\n  id: 3\ncards:\n  - id: a\n" + tail
    (problem,) = problems(text)
    assert problem.startswith(f"cards.yaml:{line}: YAML syntax error: ")
    assert line <= len(text.rstrip("\n").splitlines())


def test_a_time_past_99_hours_reads_back():
    from deckgen.cards.writer import Addition, add_to_cards_text
    from deckgen.timecode import format_clock, parse_clock

    assert format_clock(360_010.0) == "100:00:10"
    assert parse_clock("100:00:10") == 360_010.0
    card = parse_cards(HEAD + "  - id: a\n    front: Q\n    back: A\n", "cards.yaml").cards[0]
    late = type(card)("late", "basic", 0, front="Q", back="A", sources=("talk",), time=360_010.0)
    text = add_to_cards_text(
        HEAD + "  - id: a\n    front: Q\n    back: A\n",
        Path("cards.yaml"),
        [],
        [Addition("talk", (late,))],
    )
    assert parse_cards(text, "cards.yaml").cards[-1].time == 360_010.0


@pytest.mark.parametrize(
    "text",
    [
        "deck: " + "[" * 1000 + "]" * 1000 + "\n",
        "deck: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n",
        "deck:\n" + "".join(" " * i + "k:\n" for i in range(1, 1000)),
    ],
)
def test_yaml_nested_a_thousand_levels_is_one_problem(text: str):
    # Issue 27 item 6: a RecursionError traceback before.
    found = problems(text)
    assert len(found) == 1
    assert found[0].startswith("cards.yaml") and "nested too deeply" in found[0]
