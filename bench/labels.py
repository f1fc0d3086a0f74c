"""The curators' labels (../shared/labels, and bench/labels/ for the ones written here):
loading them, mapping each quote onto deckgen's claim units, and the match rule every
selection measure uses.

A label is *found* by a card when the card's time is within 15 s of the label's and
the two quotes share at least half the content words of the shorter one: the rule the
labels' README uses for the agreement of two curators, so deckgen and a second curator
are measured alike.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
LABEL_DIRS = (SHARED / "labels", ROOT / "bench" / "labels")
CORPUS = SHARED / "corpus"

# Reserved for evaluation by ../shared/labels/README.md: never trained or tuned on.
RESERVED = ("twiml/76-", "twiml/99-", "twiml/401-", "twiml/434-", "karpathy-lectures/micrograd")

MATCH_SECONDS = 15.0

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Label:
    id: str
    priority: str  # core | extra
    time: float
    quote: str
    card: dict


@dataclass(frozen=True)
class LabelFile:
    path: Path
    source: str  # path under ../shared/corpus
    annotator: str
    speaker: str
    hours: float
    labels: tuple[Label, ...]
    # Labelled up to this second only (the file's `until`): the rest is not labelled.
    until: float | None = None

    @property
    def talk(self) -> str:
        return Path(self.source).stem

    @property
    def transcript(self) -> Path:
        return CORPUS / self.source

    def document(self):
        """The transcript as deckgen reads it, cut at ``until`` when the labels stop
        there (what is not labelled is neither a claim nor not one)."""
        from deckgen.sources import load_document  # as content_words: deckgen on demand

        doc = load_document(self.transcript)
        if self.until is None:
            return doc
        segments = tuple(s for s in doc.segments if s.start < self.until)
        return dataclasses.replace(
            doc, segments=segments, duration=max((s.end for s in segments), default=0.0)
        )


def _seconds(text: str) -> float:
    parts = [float(p) for p in str(text).split(":")]
    return sum(v * 60**i for i, v in enumerate(reversed(parts)))


def load_label_file(path: Path) -> LabelFile:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    labels = tuple(
        Label(c["id"], c["priority"], _seconds(c["time"]), c["quote"], c.get("card") or {})
        for c in data["claims"]
    )
    annotator = path.name.removesuffix(".yaml").rsplit(".", 1)[-1]
    until = _seconds(data["until"]) if data.get("until") else None
    return LabelFile(
        path,
        data["source"],
        annotator,
        data.get("speaker", ""),
        float(data["hours"]),
        labels,
        until,
    )


def label_files(*, include_reserved: bool = False) -> list[LabelFile]:
    """Every label file found, sorted by talk then annotator. Reserved talks are never
    returned unless asked for (they are for evaluation only)."""
    found = []
    for folder in LABEL_DIRS:
        if folder.is_dir():
            found += [load_label_file(p) for p in sorted(folder.glob("*.yaml"))]
    if not include_reserved:
        found = [f for f in found if not f.source.startswith(RESERVED)]
    return sorted(found, key=lambda f: (f.talk, f.annotator))


def by_talk(files: list[LabelFile]) -> dict[str, list[LabelFile]]:
    """Label files grouped by talk; a talk labelled twice has two."""
    talks: dict[str, list[LabelFile]] = {}
    for f in files:
        talks.setdefault(f.talk, []).append(f)
    return talks


def content_words(text: str) -> set[str]:
    from deckgen.words import STOPWORDS

    return {w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def matches(quote_a: str, time_a: float | None, quote_b: str, time_b: float | None) -> bool:
    """Two quotes name the same claim: said within 15 s of each other, sharing half the
    content words of the shorter."""
    if time_a is None or time_b is None or abs(time_a - time_b) > MATCH_SECONDS:
        return False
    a, b = content_words(quote_a), content_words(quote_b)
    if not a or not b:
        return False
    return len(a & b) >= 0.5 * min(len(a), len(b))


def found(labels, cards: list[tuple[str, float | None]]) -> list[bool]:
    """For each label, whether one of ``cards`` ((quote, time) pairs) finds it."""
    return [any(matches(q, t, label.quote, label.time) for q, t in cards) for label in labels]


def positives(units, labels) -> set[int]:
    """Indexes of the units that say a labelled claim: a unit is positive when it holds
    most of a label's quote (or the quote most of it), at the label's moment.

    Quotes are verbatim caption text, so the match is on word sequences: the words of
    the quote are looked for in the units around the label's time; a unit overlapping
    the quote by half its own words or half the quote's words is positive."""
    out: set[int] = set()
    for label in labels:
        quote = _WORD.findall(label.quote.lower())
        if not quote:
            continue
        near = [
            (n, u)
            for n, u in enumerate(units)
            if u.start is not None and -60 <= u.start - label.time <= 30
        ]
        qset = set(quote)
        for n, unit in near:
            words = _WORD.findall(unit.text.lower())
            if not words:
                continue
            overlap = _sequence_overlap(words, quote)
            mostly_quote = len(words) >= 6 and len(qset & set(words)) >= 0.8 * len(set(words))
            if overlap >= 0.5 * min(len(words), len(quote)) or mostly_quote:
                out.add(n)
    return out


def _sequence_overlap(a: list[str], b: list[str]) -> int:
    """Length of the longest run of words ``a`` and ``b`` share (a quote starts and stops
    mid-sentence, so a shared run is what places it)."""
    best = 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0] * (len(b) + 1)
        for j, y in enumerate(b, start=1):
            if x == y:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best
