"""deckgen's version: here, below every other module, so that any of them (the cache's
key, the command line's --version) can read it without importing the package's API."""

__version__ = "0.1.0"
