"""deckgen: turn talks and podcasts into Anki decks of the claims worth remembering."""

__version__ = "0.1.0"
