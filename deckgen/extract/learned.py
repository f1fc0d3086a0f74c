"""Selection learned from curators' labels: which claim units of a transcript a careful
curator keeps.

Each unit is described by features that carry from talk to talk (how a claim is said,
where it sits in the conversation and in the episode, how much of the talk's own
vocabulary it uses), never by its topic words. A logistic model over them, trained by
``bench/train.py`` on ../shared/labels and shipped as ``selector.json``, gives each unit
a probability; the deck keeps the units above the model's threshold.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import math
import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources

from deckgen.document import Document
from deckgen.extract.lecture import LECTURE_REASON, LectureStage, is_lecture, signs
from deckgen.extract.patterns import JUNK as _JUNK
from deckgen.extract.selection import (
    _ANECDOTE,
    _NUMBER,
    _SHOW_TALK,
    _UNIT,
    DEFAULT_MAX_PER_HOUR,
    Score,
    iter_scores,
    talk_terms,
)
from deckgen.extract.sentences import Sentence
from deckgen.words import STOPWORDS, WORD, common_words

MODEL_FILE = "selector.json"

_REASONS = (
    "number",
    "definition",
    "contrast",
    "comparison",
    "recommendation",
    "framing",
    "cause",
    "importance",
    "named-list",
    "content",
    "statement",
    "question",
    "junk",
    "biography",
    "naming",
    "deixis",
    "points-at",
    "fragment",
    "vague",
    "enumerated",
    "short",
    "answer",
    "introduction",
    "before-question",
    "assertion",
)
_PRONOUN_OPENING = re.compile(r"^(?:\W*\w+\W+){0,2}?(?:it|this|that|they|these|those)\b", re.I)
_FILLER_OPENING = re.compile(r"^\W*(?:so|and|but|yeah|yes|well|um|uh|oh|okay|right|like)\b", re.I)
_HEDGE = re.compile(r"\b(?:maybe|probably|perhaps|kind of|sort of|i guess|i mean)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|my|me)\b", re.I)
_WE = re.compile(r"\b(?:we|we're|we've|our|us)\b", re.I)
_YOU = re.compile(r"\b(?:you|you're|your)\b", re.I)
_COPULA = re.compile(r"\b(?:is|are|was|were)\b", re.I)
_GENERIC = re.compile(r"\b(?:always|never|every|all|most|generally|typically|often)\b", re.I)
_CAPITAL = re.compile(r"(?<=[a-z,] )[A-Z][A-Za-z0-9]+")


_TOKEN = re.compile(r"[a-z']+")


@functools.cache
def _everyday() -> frozenset[str]:
    return common_words(0.1)


def how_said(text: str) -> list[str]:
    """The everyday words of a unit, its opening words and everyday word pairs: how a
    claim is said ("the reason is", "it turns out", "we found"), never what it is about
    (topic words are left out, so the model carries from talk to talk)."""
    everyday = _everyday()
    words = _TOKEN.findall(text.lower())
    tokens = [w for w in words if w in everyday]
    tokens += ["^" + w for w in words[:3] if w in everyday]
    tokens += [f"{a}_{b}" for a, b in itertools.pairwise(words) if a in everyday and b in everyday]
    return tokens


@dataclass(frozen=True)
class Unit:
    """A claim unit and everything selection knows of it."""

    sentence: Sentence
    score: Score
    features: dict[str, float]


def unit_features(units: list[Sentence], title: str, duration: float | None) -> list[Unit]:
    """Features of every unit of one transcript, in order."""
    return list(iter_unit_features(units, title, duration))


def iter_unit_features(
    units: Sequence[Sentence], title: str, duration: float | None
) -> Iterator[Unit]:
    """unit_features one unit at a time. What a unit's features need of the whole talk
    is worked out first and kept small (its terms; each unit's score as a float and a
    shared tuple of reasons), so a long talk's feature tables are never all held."""
    terms = talk_terms(units)
    values = array("d")
    reasons: list[tuple[str, ...]] = []
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    for score in iter_scores(units, title, terms):
        values.append(score.value)
        reasons.append(shared.setdefault(score.reasons, score.reasons))
    del shared
    common = common_words()
    end = duration or max((u.start or 0.0 for u in units), default=0.0) or 1.0
    ordered = array("d", sorted(values))
    since_question = 99
    for number, unit in enumerate(units):
        score = Score(values[number], reasons[number])
        text = unit.text
        words = [w.lower() for w in WORD.findall(text)]
        count = max(1, len(words))
        rare = [w for w in words if w not in common and w not in STOPWORDS and len(w) > 2]
        topic = [w for w in words if w in terms]
        start = unit.start or 0.0
        junk = "junk" in score.reasons
        features: dict[str, float] = {f"rule:{r}": float(r in score.reasons) for r in _REASONS}
        features.update(
            {
                "rule-score": score.value / 5.0,
                "rule-rank": _rank(ordered, score.value),
                "words": math.log(count) / 4.0,
                "long": float(count > 45),
                "rare": min(len(set(rare)), 8) / 8.0,
                "rare-share": len(rare) / count,
                "topic": min(len(set(topic)), 6) / 6.0,
                "topic-share": len(topic) / count,
                "unit-number": float(bool(_NUMBER.search(text)) and bool(_UNIT.search(text))),
                "first-2min": float(start < 120),
                "first-5min": float(start < 300),
                "last-2min": float(end - start < 120),
                "last-5min": float(end - start < 300),
                "position": start / end,
                # Neither when the score found neither (its "junk": one or the other).
                "show-talk": float(junk and bool(_SHOW_TALK.search(text))),
                "junk": float(junk and bool(_JUNK.search(text))),
                "anecdote": float(bool(_ANECDOTE.search(text))),
                "assertion": float("assertion" in score.reasons),  # as iter_scores found
                "pronoun-opening": float(bool(_PRONOUN_OPENING.match(text))),
                "filler-opening": float(bool(_FILLER_OPENING.match(text))),
                "hedge": float(bool(_HEDGE.search(text))),
                "i": len(_FIRST_PERSON.findall(text)) / count,
                "we": len(_WE.findall(text)) / count,
                "you": len(_YOU.findall(text)) / count,
                "copula": float(bool(_COPULA.search(text))),
                "generic": float(bool(_GENERIC.search(text))),
                "names": min(len(_CAPITAL.findall(text)), 4) / 4.0,
                "after-question-1": float(since_question == 1),
                "after-question-2-3": float(2 <= since_question <= 3),
                "next-question": float(
                    any(s.text.rstrip().endswith("?") for s in units[number + 1 : number + 2])
                ),
                "is-question": float(text.rstrip().endswith("?")),
            }
        )
        since_question = 1 if text.rstrip().endswith("?") else since_question + 1
        yield Unit(unit, score, features)


def _rank(values: Sequence[float], value: float) -> float:
    """Where ``value`` stands among the talk's scores, 0 (lowest) to 1 (highest)."""
    return bisect.bisect_left(values, value) / max(1, len(values) - 1)


# Curators keep 32-36 claims an hour on every labelled talk, so a deck holds at least
# this many cards an hour of the units the model finds likely (the threshold adds more,
# up to --max-per-hour); a talk with few likely units (an intro, small talk) gets fewer.
MIN_PER_HOUR = 33.0
# Even a few minutes of speech gets its few best claims.
_FEWEST = 3
MAX_PER_HOUR = DEFAULT_MAX_PER_HOUR
# The units drafted for a deck of n cards: up to n * _SPARES + 5, the best first.
_SPARES = 3


def keep(
    probabilities: list[float],
    hours: float,
    threshold: float,
    *,
    min_per_hour: float = MIN_PER_HOUR,
    max_per_hour: float = MAX_PER_HOUR,
) -> list[int]:
    """The units a deck keeps, in order: those the model is sure enough of (at or above
    ``threshold``), the best first, but at least ``min_per_hour`` and at most
    ``max_per_hour`` cards an hour."""
    floor = max(_FEWEST, math.floor(min_per_hour * hours))
    cap = max(1, math.ceil(max_per_hour * hours))
    order = sorted(range(len(probabilities)), key=lambda i: (-probabilities[i], i))
    kept = [i for n, i in enumerate(order) if n < floor or probabilities[i] >= threshold]
    return sorted(kept[:cap])


@dataclass(frozen=True)
class Selector:
    """A logistic model: weights per feature and per everyday-word token (present or
    not), and the probability a unit needs to be kept."""

    weights: dict[str, float]
    token_weights: dict[str, float]
    bias: float
    threshold: float
    trained_on: tuple[str, ...] = ()
    # The second stage for lectures (lecture.py), when training had lectures.
    lecture: LectureStage | None = None

    def probability(self, unit: Unit) -> float:
        z = self.bias + sum(w * unit.features.get(name, 0.0) for name, w in self.weights.items())
        z += sum(self.token_weights.get(t, 0.0) for t in set(how_said(unit.sentence.text)))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def parts(self, unit: Unit) -> dict[str, float]:
        """What each part of the model adds to a unit's log-odds (the bias aside): the
        inputs a lecture's stage reweighs."""
        features = unit.features
        parts = dict.fromkeys(_PARTS, 0.0)
        for name, w in self.weights.items():
            parts[_part(name)] += w * features.get(name, 0.0)
        parts["part:wording"] = sum(
            self.token_weights.get(t, 0.0) for t in set(how_said(unit.sentence.text))
        )
        return parts

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "format": 1,
                    "bias": round(self.bias, 6),
                    "threshold": round(self.threshold, 6),
                    "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())},
                    "token_weights": {
                        k: round(v, 6) for k, v in sorted(self.token_weights.items()) if v
                    },
                    "trained_on": list(self.trained_on),
                    **({"lecture": self.lecture.to_dict()} if self.lecture else {}),
                },
                indent=1,
            )
            + "\n"
        )

    @classmethod
    def from_json(cls, text: str) -> Selector:
        data = json.loads(text)
        return cls(
            {k: float(v) for k, v in data["weights"].items()},
            {k: float(v) for k, v in data["token_weights"].items()},
            float(data["bias"]),
            float(data["threshold"]),
            tuple(data.get("trained_on", ())),
            LectureStage.from_dict(data["lecture"]) if "lecture" in data else None,
        )


_PARTS = ("part:position", "part:rules", "part:conversation", "part:other", "part:wording")
_POSITION = frozenset(("first-2min", "first-5min", "last-2min", "last-5min", "position"))
_CONVERSATION = frozenset(
    ("after-question-1", "after-question-2-3", "next-question", "is-question", "i", "we", "you")
)
# Unit features a lecture's stage takes as they are.
_STAGE_FEATURES = ("words", "you", "rare-share", "topic")


def _part(feature: str) -> str:
    if feature in _POSITION:
        return "part:position"
    if feature.startswith("rule"):
        return "part:rules"
    if feature in _CONVERSATION:
        return "part:conversation"
    return "part:other"


def lecture_inputs(selector: Selector, units: Sequence[Unit]) -> Iterator[dict[str, float]]:
    """Each unit's inputs to a lecture's stage, in order."""
    for unit, own in zip(units, signs([u.sentence.text for u in units]), strict=True):
        yield _inputs(selector, unit, own)


def _inputs(selector: Selector, unit: Unit, own: dict[str, float]) -> dict[str, float]:
    inputs = selector.parts(unit)
    inputs.update(own)
    inputs.update((name, unit.features[name]) for name in _STAGE_FEATURES)
    return inputs


@functools.cache
def shipped_selector() -> Selector:
    return Selector.from_json(
        resources.files("deckgen").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    )


# Never a card, whatever the model says: the show talking about itself (intros, outros,
# sponsor reads, its news), greetings and thanks, a guest's biography, a question.
_NEVER = frozenset({"junk", "biography", "question"})
# A podcast opens with the host's introduction: everything said before the host's first
# question, when that question comes in the first minutes, is the show, not a claim.
_INTRO_SECONDS = 300.0
# ... and everything up to "and now on to the show", when the host says it in the first
# quarter hour (half of the TWIML episodes; no curator's claim comes before it, and a
# rhetorical question in the introduction does not end it).
_ON_TO_THE_SHOW = re.compile(
    r"\b(?:on to the show|without further ado|let's get (?:into|to) (?:it|the show))\b",
    re.IGNORECASE,
)
_SHOW_STARTS_BY = 900.0


def choose(
    doc: Document,
    units: Sequence[Sentence],
    max_per_hour: float,
    selector: Selector | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, list[tuple[Score, Sentence]]]:
    """How many cards a transcript's deck holds, and its units worth drafting, best
    first: the deck's size and a few spares for the drafts that fail or repeat.

    Each unit's features live only while its probability is worked out: what is kept
    of a unit is that probability, whether it may be a card, and its reasons (a tuple
    shared by the units with the same ones). ``progress`` is told (done, out of)."""
    selector = selector or shipped_selector()
    p = array("d")
    eligible = bytearray()
    reasons: list[tuple[str, ...]] = []
    first_question: tuple[int, float | None] | None = None
    stage, own = None, None
    if selector.lecture is not None:
        texts = [u.text for u in units]
        if is_lecture(texts):
            stage, own = selector.lecture, signs(texts)
    for number, unit in enumerate(iter_unit_features(units, doc.title, doc.duration)):
        if progress is not None and number % 5000 == 0:
            progress(number, len(units))
        if stage is not None and own is not None:
            p.append(stage.probability(_inputs(selector, unit, next(own))))
        else:
            p.append(selector.probability(unit))
        eligible.append(not _never(unit))
        reasons.append(unit.score.reasons)
        if first_question is None and unit.features["is-question"]:
            first_question = (number, unit.sentence.start)
    for n in _opening(first_question):
        eligible[n] = False
    hours = (doc.duration or doc.word_count / 9000 * 3600) / 3600
    kept, ranked = _deck(
        array("d", (x if ok else 0.0 for x, ok in zip(p, eligible, strict=True))),
        hours,
        stage.threshold if stage is not None else selector.threshold,
        max_per_hour,
    )
    # Drafting refuses about half of what it is given (fragments, questions, pronouns
    # with nothing to stand for): with only twice the deck to draft from, a talk's
    # deck came out short of its size.
    spares = ranked[: len(kept) * _SPARES + 5]
    chosen_as = (LECTURE_REASON,) if stage is not None else ()  # a lecture's claims say so
    return len(kept), [(Score(round(p[i], 4), (*reasons[i], *chosen_as)), units[i]) for i in spares]


def deck(
    units: list[Unit],
    probabilities: list[float],
    hours: float,
    threshold: float,
    max_per_hour: float = MAX_PER_HOUR,
) -> tuple[list[int], list[int]]:
    """The units a deck keeps (in order), and every unit that may be a card, best first;
    what never_cards() finds is neither."""
    never = never_cards(units)
    eligible = [0.0 if n in never else x for n, x in enumerate(probabilities)]
    return _deck(eligible, hours, threshold, max_per_hour)


def _deck(
    eligible: Sequence[float], hours: float, threshold: float, max_per_hour: float
) -> tuple[list[int], list[int]]:
    """deck() of the units' probabilities, 0.0 for those never a card."""
    kept = [
        i for i in keep(eligible, hours, threshold, max_per_hour=max_per_hour) if eligible[i] > 0.0
    ]
    ranked = [
        i
        for i in sorted(range(len(eligible)), key=lambda i: (-eligible[i], i))
        if eligible[i] > 0.0
    ]
    return kept, ranked


def never_cards(units: list[Unit]) -> set[int]:
    """Units that are never a card: show talk, junk, biography, and a podcast's opening
    (before the host's first question, and up to "now on to the show")."""
    never = {n for n, u in enumerate(units) if _never(u)}
    first_question = next(
        ((n, u.sentence.start) for n, u in enumerate(units) if u.features["is-question"]), None
    )
    said_on = next(
        (
            n
            for n, u in enumerate(units)
            if u.sentence.start is not None
            and u.sentence.start <= _SHOW_STARTS_BY
            and _ON_TO_THE_SHOW.search(u.sentence.text)
        ),
        -1,
    )
    return never | set(_opening(first_question)) | set(range(said_on + 1))


def _never(unit: Unit) -> bool:
    """Show talk, junk, biography or a question: never a card, whatever the model says."""
    features = unit.features
    return bool(_NEVER & set(unit.score.reasons) or features["show-talk"] or features["junk"])


def _opening(first_question: tuple[int, float | None] | None) -> range:
    """The units of a podcast's opening, given the host's first question (its number and
    start): up to it, when it comes in the first minutes."""
    if first_question is not None:
        number, start = first_question
        if start is not None and start <= _INTRO_SECONDS:
            return range(number + 1)
    return range(0)
