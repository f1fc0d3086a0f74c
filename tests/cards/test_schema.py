"""The JSON Schema shipped for editors agrees with what deckgen accepts."""

from __future__ import annotations

import json
from importlib import resources

import pytest
import yaml
from jsonschema import Draft202012Validator

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(resources.files("deckgen").joinpath("cards.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_the_project_cards_file_is_valid(validator: Draft202012Validator):
    data = yaml.safe_load((ROOT / "cards.yaml").read_text(encoding="utf-8"))
    assert list(validator.iter_errors(data)) == []


@pytest.mark.parametrize(
    "card",
    [
        {"id": "a", "front": "f", "back": "b", "frnt": "typo"},
        {"id": "Bad Id", "front": "f", "back": "b"},
        {"id": "a", "front": "f"},
        {"id": "a", "type": "cloze", "text": "no deletion"},
        {"id": "a", "front": "f", "back": "b", "time": "13 minutes"},
        {"id": "a", "front": "f", "back": "b", "tags": ["two words"]},
    ],
)
def test_mistakes_are_flagged(validator: Draft202012Validator, card: dict):
    data = {"deck": {"name": "D", "id": 1}, "cards": [card]}
    assert list(validator.iter_errors(data))


def test_a_minimal_own_card_is_valid(validator: Draft202012Validator):
    data = {"deck": {"name": "D", "id": 1}, "cards": [{"id": "mine", "front": "f", "back": "b"}]}
    assert list(validator.iter_errors(data)) == []
