"""Which phrase of a claim its cloze hides.

Every phrase a blank could hide (a noun phrase, a noun with the words that make it a
term, a named entity) that ``worth_hiding`` allows is scored by a linear model over
how the phrase sits in its sentence: its role (object, complement, subject of a
clause), where it falls, what comes just before it ("like", "called"), how rare its
words are in everyday speech and how often the talk says them. The model is learned
from the curators' cards (which words each one hides or asks for) by
``bench/train.py`` and shipped as ``deckgen/blanks.json``; the phrase scored highest
is the blank.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from importlib import resources

from deckgen.extract.lexicon import ACRONYM, EVERYDAY_SHARE, PLAIN_ADJECTIVES, WEAK_HEADS
from deckgen.extract.phrases import is_theme, trimmed, worth_hiding
from deckgen.words import STOPWORDS, common_words, rare_words

MODEL_FILE = "blanks.json"

_LONGEST = 6
# The role of the phrase's head word, and of the word it hangs from.
_ROLES = (
    "dobj",
    "pobj",
    "attr",
    "nsubj",
    "nsubjpass",
    "conj",
    "appos",
    "compound",
    "npadvmod",
    "dative",
    "oprd",
)
_HEAD_ROLES = ("ROOT", "ccomp", "advcl", "relcl", "xcomp", "prep", "conj", "acl", "pcomp")
# The word just before the phrase: "is like {{vibe checks}}", "called {{RLHF}}".
_BEFORE = (
    "call",
    "like",
    "as",
    "be",
    "of",
    "about",
    "use",
    "on",
    "in",
    "for",
    "with",
    "to",
    "and",
)


@dataclass(frozen=True)
class BlankModel:
    """Weights of the phrase features, learned from the curators' cards."""

    weights: dict[str, float]
    bias: float
    trained_on: tuple[str, ...] = ()

    def score(self, features: dict[str, float]) -> float:
        return self.bias + sum(self.weights.get(n, 0.0) * v for n, v in features.items())

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "about": "deckgen's blank chooser; rebuilt by `python bench/train.py`",
                    "bias": round(self.bias, 6),
                    "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())},
                    "trained_on": list(self.trained_on),
                },
                indent=1,
            )
            + "\n"
        )

    @classmethod
    def from_json(cls, text: str) -> BlankModel:
        data = json.loads(text)
        return cls(dict(data["weights"]), float(data["bias"]), tuple(data["trained_on"]))


@functools.cache
def shipped_blank_model() -> BlankModel:
    return BlankModel.from_json(
        resources.files("deckgen").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    )


def candidates(doc) -> list:
    """Every phrase a blank could hide, once each, in order: noun phrases (without
    their article), nouns with the compounds and adjectives that make them a term
    ("diffusion models"), and named entities. Never the claim's first word."""
    found: dict[tuple[int, int], object] = {}
    for chunk in doc.noun_chunks:
        span = trimmed(chunk)
        if len(span) and span.start > 0:
            found[(span.start, span.end)] = span
    for token in doc:
        if token.i == 0 or token.pos_ not in ("NOUN", "PROPN"):
            continue
        start = token.i
        while (
            start > 1
            and doc[start - 1].dep_ in ("compound", "amod")
            and doc[start - 1].head.i in range(start, token.i + 1)
            and doc[start - 1].lower_ not in PLAIN_ADJECTIVES
        ):
            start -= 1
        # Without a leading "same" or "couple": "the {{same customer}}" hides nothing.
        span = trimmed(doc[start : token.i + 1])
        if len(span):
            found.setdefault((span.start, span.end), span)
    for entity in doc.ents:
        span = trimmed(entity)
        if len(span) and span.start > 0:
            found.setdefault((span.start, span.end), span)
    # Not a phrase whose last word carries the sentence's stop ("A&M." is one token).
    return [
        found[key]
        for key in sorted(found)
        if key[1] - key[0] <= _LONGEST and not found[key].text.endswith((".", ",", ";", ":"))
    ]


def features(span, counts=None) -> dict[str, float]:
    """How a phrase sits in its sentence, as numbers. ``counts``: how often the talk
    says each word (None for a text too short to tell)."""
    doc, root = span.doc, span.root
    out = {f"role:{r}": float(root.dep_ == r) for r in _ROLES}
    out |= {f"head:{r}": float(root.head.dep_ == r) for r in _HEAD_ROLES}
    # The word just before (an article counts: skipping it measured worse).
    before = doc[span.start - 1].lemma_.lower() if span.start > 0 else ""
    out |= {f"after:{w}": float(before == w) for w in _BEFORE}
    rare = rare_words(span.text)
    words = [t for t in span if t.is_alpha and t.lower_ not in STOPWORDS]
    said = [counts.get(t.lower_, 0) for t in words] if counts is not None else []
    everyday = common_words(EVERYDAY_SHARE)
    out |= {
        "position": span.start / len(doc),
        "one word": float(len(span) == 1),
        "two words": float(len(span) == 2),
        "three or more words": float(len(span) >= 3),
        "rare words": float(len(rare)),
        "rare share": len(rare) / len(span),
        "name": float(any(t.pos_ == "PROPN" for t in span)),
        "acronym": float(bool(ACRONYM.search(span.text))),
        "number": float(any(t.like_num for t in span)),
        "talk says least": math.log1p(min(said)) if said else 0.0,
        "talk says most": math.log1p(max(said)) if said else 0.0,
        "theme": float(is_theme(span, counts)),
        "everyday": float(bool(words) and all(t.lower_ in everyday for t in words)),
        "weak head": float(root.lower_ in WEAK_HEADS),
        "adjective first": float(span[0].pos_ == "ADJ"),
        "in a subject": float(
            any(t.dep_ in ("nsubj", "nsubjpass") for t in (root, *root.ancestors))
        ),
        "after the verb": float(span.start > root.sent.root.i),
    }
    return out


def choices(doc, rewritten: str, counts=None) -> list:
    """The phrases of ``doc`` a blank may hide in the card's text ``rewritten``."""
    return [s for s in candidates(doc) if worth_hiding(s, rewritten, counts)]


_QUOTED = re.compile(r"[“\"]([^”\"]{2,40}?)[,.]?[”\"]")


def term_blank(doc, rewritten: str, counts=None, model: BlankModel | None = None) -> str | None:
    """The claim's own term: a quoted phrase, else the phrase the model scores
    highest (the earlier of two that score the same)."""
    quoted = _QUOTED.search(rewritten)
    if quoted and len(quoted.group(1).split()) <= 5:
        return quoted.group(1)
    model = model or shipped_blank_model()
    best, best_score = None, -math.inf
    for span in choices(doc, rewritten, counts):
        score = model.score(features(span, counts))
        if score > best_score:
            best, best_score = span.text, score
    return best
