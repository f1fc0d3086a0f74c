"""deckgen: turn talks and podcasts into Anki decks of the claims worth remembering.

The library API (the command line is a thin layer over it)::

    import deckgen

    talk = deckgen.load_document("talk.vtt")
    claims = deckgen.extract_claims(talk, speaker="Karpathy")
    deckgen.add_to_cards("cards.yaml", ["talk.vtt"])
    deckgen.build_deck("cards.yaml")

``import deckgen`` loads neither spaCy nor genanki: each step imports what it needs
when it is first called.
"""

from deckgen.api import (
    AlignedSentence,
    add_to_cards,
    align_claims,
    align_summary,
    build_deck,
    extract_claims,
    load_cards,
    load_pipeline,
    source_id_for,
    write_preview,
)
from deckgen.cards import Card, CardsFile
from deckgen.document import Document
from deckgen.errors import DeckgenError
from deckgen.sources import load_document
from deckgen.version import __version__

__all__ = [
    "AlignedSentence",
    "Card",
    "CardsFile",
    "DeckgenError",
    "Document",
    "__version__",
    "add_to_cards",
    "align_claims",
    "align_summary",
    "build_deck",
    "extract_claims",
    "load_cards",
    "load_document",
    "load_pipeline",
    "source_id_for",
    "write_preview",
]
