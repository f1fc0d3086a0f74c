"""The JSON Schema of cards.yaml for editors, derived from the model's own rules.

``deckgen/cards.schema.json`` is this module's output (``python -m deckgen.cards.schema``
writes it; a test checks it is current), so the keys, kinds, types and patterns an
editor checks are the ones the reader checks. The reader checks more than a schema
can say (cloze braces, sources that exist, unique ids); the schema never accepts
less than the reader does in what it states.
"""

from __future__ import annotations

import json
from pathlib import Path

from deckgen.cards.model import (
    CARD_KEYS,
    CARD_TYPES,
    DECK_KEYS,
    ID_PATTERN,
    REQUIRED_KEYS,
    SOURCE_KEYS,
    SOURCE_KINDS,
    TAG_PATTERN,
    TOP_KEYS,
    TYPE_KEYS,
    URL_PATTERN,
)
from deckgen.timecode import CLOCK_PATTERN

SCHEMA_FILE = Path(__file__).parent.parent / "cards.schema.json"

_ID = {"type": "string", "pattern": ID_PATTERN.pattern}
_TEXT = {"type": "string", "minLength": 1}

DECK_SCHEMA = {
    "name": {**_TEXT, "description": "The deck's name in Anki."},
    "id": {"type": "integer", "minimum": 1, "description": "A fixed number; never change it."},
    "description": {"type": "string"},
}
SOURCE_SCHEMA = {
    "title": {**_TEXT, "description": "Shown on every card of this source."},
    "file": {"type": "string", "description": "The transcript or summary, relative to cards.yaml."},
    "url": {
        "type": "string",
        "pattern": URL_PATTERN.pattern,
        "description": "The video (http or https): card times link to that second of it.",
    },
    "kind": {"enum": list(SOURCE_KINDS)},
    "summary_of": {
        **_ID,
        "description": "The id of the transcript this summary summarises.",
    },
    "media": {
        "type": "string",
        "description": "The talk's recording (mp3, m4a, opus, webm, wav, mp4), relative to "
        "cards.yaml: each timed card gets a clip of its quote.",
    },
}
CARD_SCHEMA = {
    "id": {
        **_ID,
        "description": "Stable, unique id: a-z, 0-9 and '-'. Keep it when you reword the card: "
        "Anki matches notes by it.",
    },
    "type": None,  # one per card type, below
    "front": {**_TEXT, "description": "The question."},
    "back": {**_TEXT, "description": "The answer."},
    "text": {
        **_TEXT,
        "pattern": r"\{\{c\d+::",
        "description": "The sentence, with {{c1::the hidden part}}.",
    },
    "extra": {"type": "string", "description": "Shown after the answer."},
    "source": {
        "description": "The id of the source (or a list of ids; the first is the one time and "
        "quote come from).",
        "oneOf": [_ID, {"type": "array", "items": _ID, "minItems": 1}],
    },
    "time": {
        "type": "string",
        "pattern": CLOCK_PATTERN.pattern,
        "description": "When the claim is said: HH:MM:SS, H:MM:SS or MM:SS.",
    },
    "quote": {"type": "string", "description": "The source's own words."},
    "tags": {
        "type": "array",
        "items": {"type": "string", "pattern": TAG_PATTERN.pattern},
        "description": "Tags without spaces.",
    },
    "skip": {
        "type": "boolean",
        "description": "true keeps the card out of the deck but remembers it.",
    },
    "paragraph": {
        "type": "integer",
        "minimum": 1,
        "description": "For a card from an untimed summary: the paragraph it comes from, "
        "shown on the card.",
    },
}


def _card_type_schema(card_type: str) -> dict:
    others = {key for other, keys in TYPE_KEYS.items() if other != card_type for key in keys}
    properties = {
        key: {"const": card_type} if key == "type" else CARD_SCHEMA[key]
        for key in CARD_KEYS
        if key not in others
    }
    required = list(REQUIRED_KEYS[card_type])
    if card_type != CARD_TYPES[0]:  # the default type must be named
        required.insert(0, "type")
    return {
        "title": f"{card_type} card",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


def cards_schema() -> dict:
    """The JSON Schema of a cards.yaml."""
    assert tuple(DECK_SCHEMA) == DECK_KEYS and tuple(SOURCE_SCHEMA) == SOURCE_KEYS
    assert tuple(CARD_SCHEMA) == CARD_KEYS
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://deckgen.invalid/cards.schema.json",
        "title": "deckgen cards.yaml",
        "description": "The cards of a deckgen deck. See the deckgen README.",
        "type": "object",
        "additionalProperties": False,
        "required": ["deck", "cards"],
        "properties": {
            TOP_KEYS[0]: {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "id"],
                "properties": DECK_SCHEMA,
            },
            TOP_KEYS[1]: {
                "type": ["object", "null"],
                "propertyNames": {"pattern": ID_PATTERN.pattern},
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["title"],
                    "properties": SOURCE_SCHEMA,
                },
            },
            TOP_KEYS[2]: {
                "type": ["array", "null"],
                "items": {
                    "type": "object",
                    "required": ["id"],
                    "oneOf": [_card_type_schema(t) for t in CARD_TYPES],
                },
            },
        },
    }


def schema_text() -> str:
    return json.dumps(cards_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # python -m deckgen.cards.schema
    SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
