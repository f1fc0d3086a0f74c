"""Everyday words, and the words of a sentence that are not everyday: its content.

Shared by extraction (what a claim is about) and alignment (which words tell one
passage or chapter from another). No spaCy here.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "we",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "he",
        "she",
        "his",
        "her",
        "so",
        "just",
        "very",
        "really",
        "actually",
        "basically",
        "like",
        "kind",
        "sort",
        "think",
        "would",
        "could",
        "should",
        "can",
        "will",
        "not",
        "no",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "what",
        "which",
        "who",
        "how",
        "when",
        "where",
        "why",
        "than",
        "then",
        "also",
        "about",
        "into",
        "out",
        "up",
        "down",
        "over",
        "under",
        "more",
        "most",
        "some",
        "any",
        "all",
        "one",
        "thing",
        "things",
        "way",
        "lot",
        "get",
        "got",
        "going",
        "gonna",
        "want",
        "say",
        "said",
        "know",
        "mean",
        "maybe",
        "quite",
        "pretty",
        "much",
        "many",
    ]
)


# The shared list, and the contractions and small words that say nothing about where in
# a talk a claim is said: alignment leaves these out too. (The person a summary is about
# is not a stop word: align_summary() sets aside the words a summary uses all over.)
PLACE_STOPWORDS = STOPWORDS | frozenset(
    [
        "being",
        "it's",
        "him",
        "whom",
        "says",
        "while",
        "because",
        "such",
        "only",
        "other",
        "another",
        "both",
        "each",
        "every",
        "own",
        "same",
        "too",
        "well",
        "even",
        "still",
        "here",
        "now",
        "again",
        "further",
        "once",
        "he's",
        "she's",
        "they're",
        "we're",
        "i'm",
        "don't",
        "doesn't",
        "can't",
        "won't",
        "isn't",
        "aren't",
        "s",
        "t",
        "ll",
        "ve",
        "re",
        "d",
        "m",
    ]
)


@functools.cache
def _shares() -> dict[str, float]:
    text = resources.files("deckgen").joinpath("common_words.txt").read_text(encoding="utf-8")
    out = {}
    for line in text.split("\n"):
        if line and not line.startswith("#"):
            word, share = line.split("\t")
            out[word] = float(share)
    return out


@functools.cache
def common_words(min_share: float = 0.3) -> frozenset[str]:
    """Everyday words of spoken English: used in at least ``min_share`` of the podcast
    episodes common_words.txt was counted on. Not the content of a claim."""
    return frozenset(w for w, share in _shares().items() if share >= min_share)


def rare_words(text: str) -> set[str]:
    """The words of a sentence that everyday speech does not use: what it is about."""
    common = common_words()
    found = set()
    for word in WORD.findall(text):
        lower = word.lower().removesuffix("'s")
        if len(lower) >= 3 and lower not in common and lower not in STOPWORDS:
            found.add(lower.rstrip("s") if len(lower) > 4 else lower)
    return found
