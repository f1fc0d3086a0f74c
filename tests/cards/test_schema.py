"""The JSON Schema shipped for editors agrees with what deckgen accepts.

The schema is generated from the model (deckgen.cards.schema); these tests check the
shipped file is that output, and run each rule the schema states through both the
schema and the reader: each must reject the same mistake, at the same key.
"""

from __future__ import annotations

import json
from importlib import resources

import pytest
import yaml
from jsonschema import Draft202012Validator

from deckgen.cards import parse_cards
from deckgen.cards.schema import schema_text
from deckgen.errors import CardsFileError
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(resources.files("deckgen").joinpath("cards.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_the_shipped_schema_is_the_one_the_model_gives():
    shipped = resources.files("deckgen").joinpath("cards.schema.json").read_text("utf-8")
    assert shipped == schema_text(), "run: python -m deckgen.cards.schema"


def test_the_project_cards_file_is_valid(validator: Draft202012Validator):
    data = yaml.safe_load((ROOT / "cards.yaml").read_text(encoding="utf-8"))
    assert list(validator.iter_errors(data)) == []


def _leaves(errors):
    """Every error, with the errors inside oneOf/anyOf branches."""
    for error in errors:
        yield error
        yield from _leaves(error.context or ())


def _schema_blames(validator: Draft202012Validator, data: dict, key: str) -> bool:
    """Does the schema reject ``data`` because of ``key`` (its value, or its presence)?"""
    for error in _leaves(validator.iter_errors(data)):
        where = [str(p) for p in error.absolute_path]
        if key in where or f"'{key}'" in error.message:
            return True
    return False


def _to_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


CARD_MISTAKES = [
    ({"id": "a", "front": "f", "back": "b", "frnt": "typo"}, "frnt"),
    ({"id": "Bad Id", "front": "f", "back": "b"}, "id"),
    ({"id": "a", "front": "f"}, "back"),
    ({"id": "a", "front": "", "back": "b"}, "front"),
    ({"id": "a", "type": "cloze", "text": "no deletion"}, "text"),
    ({"id": "a", "type": "cloze", "front": "f", "text": "{{c1::x}}"}, "front"),
    ({"id": "a", "text": "{{c1::x}}"}, "text"),
    ({"id": "a", "type": "reversed", "front": "f", "back": "b"}, "type"),
    ({"id": "a", "front": "f", "back": "b", "source": "t", "time": "13 minutes"}, "time"),
    ({"id": "a", "front": "f", "back": "b", "source": "Bad Source"}, "source"),
    ({"id": "a", "front": "f", "back": "b", "tags": ["two words"]}, "tags"),
    ({"id": "a", "front": "f", "back": "b", "tags": "one"}, "tags"),
    ({"id": "a", "front": "f", "back": "b", "skip": "maybe"}, "skip"),
    ({"id": "a", "front": "f", "back": "b", "source": "t", "paragraph": 0}, "paragraph"),
]


@pytest.mark.parametrize(("card", "key"), CARD_MISTAKES)
def test_each_card_rule_is_in_the_schema_and_the_reader(
    validator: Draft202012Validator, card: dict, key: str
):
    data = {
        "deck": {"name": "D", "id": 1},
        "sources": {"t": {"title": "T"}},
        "cards": [card],
    }
    assert _schema_blames(validator, data, key)
    assert not _schema_blames(validator, data, "quote")  # only the key at fault is blamed
    with pytest.raises(CardsFileError):
        parse_cards(_to_yaml(data))


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"deck": {"name": "D"}, "cards": []}, "id"),
        ({"deck": {"name": "D", "id": 0}, "cards": []}, "id"),
        ({"deck": {"name": "D", "id": 1, "colour": "red"}, "cards": []}, "colour"),
        ({"deck": {"name": "D", "id": 1}, "cards": [], "extra": 1}, "extra"),
        ({"deck": {"name": "D", "id": 1}}, "cards"),
        (
            {"deck": {"name": "D", "id": 1}, "sources": {"My Talk": {"title": "T"}}, "cards": []},
            "My Talk",
        ),
        (
            {"deck": {"name": "D", "id": 1}, "sources": {"t": {"kind": "transcript"}}, "cards": []},
            "title",
        ),
        (
            {
                "deck": {"name": "D", "id": 1},
                "sources": {"t": {"title": "T", "kind": "video"}},
                "cards": [],
            },
            "kind",
        ),
        (
            {
                "deck": {"name": "D", "id": 1},
                "sources": {"t": {"title": "T", "fil": "x"}},
                "cards": [],
            },
            "fil",
        ),
    ],
)
def test_each_deck_and_source_rule_is_in_the_schema_and_the_reader(
    validator: Draft202012Validator, data: dict, key: str
):
    assert _schema_blames(validator, data, key)
    with pytest.raises(CardsFileError):
        parse_cards(_to_yaml(data))


@pytest.mark.parametrize(
    "card",
    [
        {"id": "mine", "front": "f", "back": "b"},
        {"id": "c", "type": "cloze", "text": "a {{c1::b}}", "extra": "e", "source": ["t"]},
        {"id": "t-2", "front": "f", "back": "b", "source": "t", "time": "1:02:03", "tags": ["x"]},
        {"id": "p", "front": "f", "back": "b", "source": "t", "paragraph": 3, "skip": True},
    ],
)
def test_what_the_reader_accepts_the_schema_accepts(validator: Draft202012Validator, card: dict):
    data = {"deck": {"name": "D", "id": 1}, "sources": {"t": {"title": "T"}}, "cards": [card]}
    parse_cards(_to_yaml(data))
    assert list(validator.iter_errors(data)) == []
