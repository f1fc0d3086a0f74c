"""Lectures: what is taught, not what is typed on screen.

A coding lecture says, between its ideas, a great deal no one would study: the worked
example's own values, the code being typed, notebook mechanics, "this node here". The
selector (learned.py) learns from interviews, where little of that is said; on a lecture
a second, small logistic stage reweighs what it found (its parts: where a unit sits,
deckgen's rules, the conversation, the unit's wording) together with a lecture's own
signs: how much of a unit narrates code or the screen, how many of the example's values
it reads out, and whether it names, explains, warns or generalises ("what's called",
"the reason", "in practice", "you want to", "a common bug"). bench/train.py fits it on
the labelled lectures only and ships it in selector.json.

A transcript is a lecture when many of its units point at the screen ("here", "let's",
"as you can see"): three in ten in Karpathy's lectures, under one in ten in interviews.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from deckgen.words import STOPWORDS, common_words

# The reason every claim chosen by the lecture stage carries (Score.reasons): how a
# caller tells that a source was taught as a lecture.
LECTURE_REASON = "lecture"

# Units pointing at the screen, at or above which a transcript is taught as a lecture:
# 0.29-0.33 in the four labelled lectures, 0.02-0.10 in 27 interviews, 0.16 in a
# keynote with slides.
LECTURE_SHARE = 0.2

_CODE = re.compile(
    r"\b(?:torch|pytorch|numpy|tensors?|arrays?|dtype|ints?|integers?|floats?|long|bool|"
    r"strings?|dict(?:ionary|ionaries)?|lists?|tuples?|keys?|items|index(?:es|ing)?|indices|"
    r"rows?|columns?|dims?|dimensions?|dimensional|shapes?|view|reshape|elements?|"
    r"element-wise|entry|entries|functions?|methods?|class|modules?|attributes?|arguments?|"
    r"parameters?|variables?|loops?|iterate|iterating|print(?:ing|ed)?|plot(?:ting)?|plt|"
    r"matplotlib|notebook|cells?|jupyter|import(?:ed)?|append|calls?|calling|called|"
    r"returns?|lines?|code|run|running|files?|github|repo|repository|copy|paste|scroll|"
    r"click|bug|error|syntax|python|implementation|implement(?:ing)?|initiali[sz]ed?|zeros|"
    r"ones|randn|sum|mean|item|batch(?:es)?|forward|backward|grad|gradients?)\b",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"\b\w+(?:\.\w+)+\b|\b[a-z]+_[a-z_]+\b|\w\(|\[\w*\]|=")
_SCREEN = re.compile(
    r"\b(?:here|over here|right here|this one|these ones|down here|up here|you see|"
    r"you can see|as you can see|notice|take a look|let me|let's|i'm going to|"
    r"we're going to|i'll|we'll|scroll|click|on the screen|on screen|this guy|this node|"
    r"this cell|this line)\b",
    re.IGNORECASE,
)
# A value said aloud; not the digits of a name ("UTF-8", "GPT-2", "cl100k").
_NUMBER = re.compile(
    r"(?<![\w-])\d+(?:[.,]\d+)*(?![\w-])|\b(?:zero|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|hundred|thousand)\b",
    re.IGNORECASE,
)
_DECIMAL = re.compile(r"\b\d+\.\d+\b")
_WE_DO = re.compile(
    r"\b(?:we|i)\s+(?:get|have|take|see|call|do|did|got|need|want|now|can|"
    r"could|just)\b",
    re.IGNORECASE,
)
_NOW = re.compile(
    r"^\W*(?:so\s+)?(?:now|okay|ok|alright|all right|next|then|first|finally)\b", re.IGNORECASE
)
_WORD = re.compile(r"[A-Za-z']+")
_TERM = re.compile(r"[a-z][a-z'-]+")
# What teaching sounds like: naming, explaining, the practice, advice, a warning, a gloss.
_TAUGHT = tuple(
    re.compile(rf"\b(?:{words})\b", re.IGNORECASE)
    for words in (
        r"is called|are called|what's called|so-called|we call|call this|the word",
        r"because|the reason|that's why|so that",
        r"in practice|usually|typically|standard|people|common|commonly|in general",
        r"you want to|you don't want|you have to|you need to|should|shouldn't|have to",
        r"important|careful|mistake|bug|subtle|trick|problem|issue|gotcha",
        r"means|meaning|in other words|think of|intuitively|basically|the idea|the point",
    )
)
_TAUGHT_NAMES = ("naming", "reason", "practice", "advice", "warning", "gloss")
# A term the lecture comes back to this often is one of its subjects.
_RECURRING = 5

# The stage's inputs, in order: the selector's parts, then the lecture's own signs.
INPUTS = (
    "part:position",
    "part:rules",
    "part:conversation",
    "part:other",
    "part:wording",
    "code-share",
    "screen",
    "numbers",
    "decimal",
    "identifier",
    "we-do",
    "now",
    *(f"taught:{name}" for name in _TAUGHT_NAMES),
    "new-term",
    "words",
    "you",
    "rare-share",
    "topic",
)


def points_at_screen(text: str) -> bool:
    return bool(_SCREEN.search(text))


def is_lecture(texts: Sequence[str]) -> bool:
    """Whether a transcript (its units' texts) is taught at a screen."""
    if not texts:
        return False
    return sum(map(points_at_screen, texts)) / len(texts) >= LECTURE_SHARE


def signs(texts: Sequence[str]) -> Iterator[dict[str, float]]:
    """Each unit's lecture signs (the stage's inputs that are not the selector's parts),
    in order; ``new-term`` needs the whole lecture's terms, counted first."""
    common = common_words()
    terms = [
        {w for w in _TERM.findall(t.lower()) if len(w) > 3 and w not in STOPWORDS} - common
        for t in texts
    ]
    recurring = Counter(w for ws in terms for w in ws)
    seen: set[str] = set()
    for text, words in zip(texts, terms, strict=True):
        count = max(1, len(_WORD.findall(text)))
        new = sum(1 for w in words if recurring[w] >= _RECURRING and w not in seen)
        seen |= words
        values = {
            "code-share": len(_CODE.findall(text)) / count,
            "screen": min(len(_SCREEN.findall(text)), 3) / 3.0,
            "numbers": min(len(_NUMBER.findall(text)), 4) / 4.0,
            "decimal": float(bool(_DECIMAL.search(text))),
            "identifier": float(bool(_IDENTIFIER.search(text))),
            "we-do": float(bool(_WE_DO.search(text))),
            "now": float(bool(_NOW.match(text))),
            "new-term": min(new, 3) / 3.0,
        }
        for name, pattern in zip(_TAUGHT_NAMES, _TAUGHT, strict=True):
            values[f"taught:{name}"] = float(bool(pattern.search(text)))
        yield values


@dataclass(frozen=True)
class LectureStage:
    """The second stage for lectures: a logistic model over INPUTS, and the probability
    a unit of a lecture needs to be kept."""

    weights: dict[str, float]
    bias: float
    threshold: float
    trained_on: tuple[str, ...] = ()

    def probability(self, inputs: dict[str, float]) -> float:
        z = self.bias + sum(w * inputs.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_dict(self) -> dict:
        return {
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 6),
            "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())},
            "trained_on": list(self.trained_on),
        }

    @classmethod
    def from_dict(cls, data: dict) -> LectureStage:
        return cls(
            {k: float(v) for k, v in data["weights"].items()},
            float(data["bias"]),
            float(data["threshold"]),
            tuple(data.get("trained_on", ())),
        )
