"""The prompt and the reading of answers: exactly the documented shape."""

from __future__ import annotations

import json

import pytest

from deckgen.extract.llm.prompt import (
    AnswerError,
    Drafted,
    card_schema,
    read_answer,
    request_messages,
    user_prompt,
)

CONTRACT = {
    "cards": [
        {
            "type": "cloze",
            "text": "The brain runs on {{c1::20 W}}.",
            "quote": "our brains run on",
            "importance": 2,
        },
        {
            "type": "basic",
            "front": "What is RLHF?",
            "back": "A vibe check.",
            "quote": "RLHF is a vibe",
            "importance": 3,
        },
    ]
}


def test_the_documented_shape_is_read():
    cards, problems = read_answer(json.dumps(CONTRACT))
    assert problems == []
    assert cards == [
        Drafted("cloze", "our brains run on", 2, text="The brain runs on {{c1::20 W}}."),
        Drafted("basic", "RLHF is a vibe", 3, front="What is RLHF?", back="A vibe check."),
    ]


def test_extra_fields_a_fence_and_a_bare_list_are_accepted():
    card = dict(CONTRACT["cards"][1], reason="because", tags=["x"])
    cards, _ = read_answer("```json\n" + json.dumps({"cards": [card], "notes": "x"}) + "\n```")
    assert len(cards) == 1
    cards, _ = read_answer(json.dumps([card]))
    assert len(cards) == 1


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("Here are your cards: ...", "not JSON"),
        ('{"cards": [', "not JSON"),
        ('{"flashcards": []}', '"cards" list'),
        ('"cards"', '"cards" list'),
    ],
)
def test_an_answer_of_another_shape_is_refused(answer, message):
    with pytest.raises(AnswerError, match=message):
        read_answer(answer)


@pytest.mark.parametrize(
    ("card", "why"),
    [
        ({"type": "essay", "quote": "q", "importance": 1}, "not cloze or basic"),
        ({"type": "cloze", "text": "no blank", "quote": "q", "importance": 1}, "no {{c1::...}}"),
        ({"type": "basic", "front": "Q?", "quote": "q", "importance": 1}, '"front" and "back"'),
        ({"type": "basic", "front": "Q?", "back": "A", "importance": 1}, 'no "quote"'),
        (
            {"type": "basic", "front": "Q?", "back": "A", "quote": "q", "importance": "high"},
            "not a number",
        ),
        (
            {"type": "basic", "front": ["Q?"], "back": "A", "quote": "q", "importance": 1},
            "not a string",
        ),
        ("a card", "not an object"),
    ],
)
def test_a_card_of_the_wrong_shape_is_left_out_and_said_why(card, why):
    good = CONTRACT["cards"][0]
    cards, problems = read_answer(json.dumps({"cards": [good, card]}))
    assert len(cards) == 1
    assert len(problems) == 1 and problems[0].startswith("card 2: ") and why in problems[0]


def test_importance_is_kept_within_one_to_three():
    base = {"type": "basic", "front": "Q?", "back": "A", "quote": "q"}
    cards, _ = read_answer(
        json.dumps({"cards": [dict(base, importance=7), dict(base, importance="1"), base]})
    )
    assert [c.importance for c in cards] == [3, 1, 2]


def test_the_prompt_states_the_rules_and_the_passage():
    (message,) = request_messages(4, "PASSAGE")
    system = message["content"]
    assert message["role"] == "user" and system.endswith("\n\n---\n\nPASSAGE")
    assert "at most 4 cards" in system
    assert '{"cards": []}' in system and "{{c1::...}}" in system
    for rule in (
        "word for word",
        "Credit the right person",
        "presenting the episode",
        "biography",
        "caption error",
    ):
        assert rule in system
    user = user_prompt(
        "Some words.", title="A talk", speakers=("Karpathy",), number=2, of=5, start=65.0, end=300.0
    )
    assert user.splitlines() == [
        "Talk: A talk",
        "Speaker: Karpathy",
        "Passage 2 of 5, 00:01:05 to 00:05:00:",
        '"""',
        "Some words.",
        '"""',
    ]


def test_the_schema_bounds_the_answer():
    schema = card_schema(3)
    cards = schema["properties"]["cards"]
    assert cards["maxItems"] == 3
    assert cards["items"]["properties"]["quote"]["maxLength"] == 300
    assert schema["required"] == ["cards"]
