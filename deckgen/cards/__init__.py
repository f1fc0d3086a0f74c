"""cards.yaml: the model, reading and checking it, and adding to it as text.

- ``model``: the frozen dataclasses and the rules of a valid card (no YAML);
- ``nodes`` and ``reader``: load and validate, every problem with its line;
- ``checks``: cloze braces, and card times against their sources;
- ``writer``: append sources and cards without touching a byte the person wrote;
- ``schema``: the JSON Schema for editors, derived from the model.
"""

from deckgen.cards.checks import check_cloze, check_times_against_sources, missing_recordings
from deckgen.cards.model import (
    CARD_KEYS,
    CARD_TYPES,
    CLOZE_PATTERN,
    ID_PATTERN,
    SOURCE_KINDS,
    URL_PATTERN,
    Card,
    CardsFile,
    Deck,
    Source,
    slugify,
    unique_id,
)
from deckgen.cards.nodes import compose_yaml, yaml_syntax_problem
from deckgen.cards.reader import (
    check_cards,
    load_cards,
    parse_cards,
    read_cards_raw,
    read_cards_text,
)
from deckgen.cards.writer import (
    Addition,
    add_to_cards_text,
    copy_schema_beside,
    deck_id_for,
    new_cards_file_text,
    write_cards_text,
)

__all__ = [
    "CARD_KEYS",
    "CARD_TYPES",
    "CLOZE_PATTERN",
    "ID_PATTERN",
    "SOURCE_KINDS",
    "URL_PATTERN",
    "Addition",
    "Card",
    "CardsFile",
    "Deck",
    "Source",
    "add_to_cards_text",
    "check_cards",
    "check_cloze",
    "check_times_against_sources",
    "compose_yaml",
    "copy_schema_beside",
    "deck_id_for",
    "load_cards",
    "missing_recordings",
    "new_cards_file_text",
    "parse_cards",
    "read_cards_raw",
    "read_cards_text",
    "slugify",
    "unique_id",
    "write_cards_text",
    "yaml_syntax_problem",
]
