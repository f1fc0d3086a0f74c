"""Find the moment in a talk where a summary's claim is said.

A summary says things in its own words: "RLHF is essentially a 'vibe-check'" where the
talk said "What I call it is a vibe check". Matching uses what the two texts share:
content words (crudely stemmed), names and numbers, weighted by how rare each is in
the talk, and tolerant of transcription spelling ("Lama" for "Llama", "Olmo" for
"OLMo"). Each word's evidence fades with distance in seconds, so the moment that
wins is where most of the claim's words are said close together.

A wrong time is worse than none, so a time is given only when one moment clearly
wins, on two words or more; a summary paragraph is read as an account of one part
of the talk, so a sentence beside one that aligned is looked for near it. Otherwise
the claim falls back to the chapter whose title it shares rare words with, and
otherwise gets no time at all.

No spaCy here: an hour-long talk aligns in a fraction of a second.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from deckgen.document import Chapter
from deckgen.words import PLACE_STOPWORDS, common_words

# How far a word's evidence reaches: a word said N seconds from a moment counts
# exp(-N / REACH_SECONDS) of its weight there (and nothing past 4 x REACH_SECONDS).
# A summary's one sentence often gathers what was said over a minute.
REACH_SECONDS = 20.0
# Talk time is cut into buckets this long to tell rare words from common ones.
BUCKET_SECONDS = 60.0
# A time is given only when the best moment holds MIN_COVERAGE of the claim's
# weighted words, beats the best moment elsewhere in the talk (RIVAL_DISTANCE seconds
# away or more) by MIN_MARGIN, and rests on two witnesses or more: words of the claim
# said within WITNESS_SECONDS of the moment that each carry at least MIN_EVIDENCE of
# the claim's weight. One shared rare word ("ultimate", "split") is a coincidence.
MIN_COVERAGE = 0.4
MIN_MARGIN = 1.3
MIN_EVIDENCE = 0.02
WITNESS_SECONDS = 30.0
RIVAL_DISTANCE = 150.0
# A summary sentence that does not align by itself, beside one that does in the same
# paragraph, is looked for within NEIGHBOUR_SECONDS of its neighbour's moment, where
# NEIGHBOUR_COVERAGE is enough: a paragraph of a summary tells of one part of the talk.
NEIGHBOUR_SECONDS = 150.0
NEIGHBOUR_COVERAGE = 0.3
# Chosen on bench/gold-alignment.yaml and checked on the held-out
# bench/gold-alignment-stateofGPT.yaml, for precision: a wrong time is worse than none.
# An everyday word counts this much of its rarity in the talk.
EVERYDAY_WEIGHT = 0.25

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_REFLEXIVE = frozenset(
    ["itself", "themselves", "himself", "herself", "yourself", "yourselves", "ourselves", "myself"]
)


def stem(word: str) -> str:
    """A crude stem: enough to meet 'merging' with 'merge', 'GPUs' with 'GPU', 'unified'
    with 'unify', 'openness' with 'open', and 'itself' with 'self-reinforcement'."""
    word = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    if word in _REFLEXIVE:
        return "self"
    for suffix in (
        "ness",
        "ities",
        "ity",
        "ings",
        "ing",
        "edly",
        "ied",
        "ed",
        "ies",
        "ers",
        "er",
        "es",
        "s",
        "ly",
        "e",
    ):
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    return word


def tokens(text: str) -> list[str]:
    out = []
    for raw in _TOKEN.findall(text):
        # A name with a version stays whole: "GPT-5" is not "GPT-4".
        parts = [raw] if re.search(r"[A-Za-z]-\d", raw) else raw.split("-")
        for part in parts:
            lower = part.lower()
            if part and lower not in PLACE_STOPWORDS and (len(lower) > 2 or lower.isdigit()):
                out.append(stem(lower))
    return out


def spelling_key(token: str) -> str:
    """Transcription spelling folded away: doubled letters collapsed ("llama" and "lama"
    share a key; so do "OLMo" and "Olmo", already lowercased)."""
    return re.sub(r"(.)\1+", r"\1", token)


@dataclass(frozen=True)
class TimedSentence:
    start: float
    text: str


@dataclass(frozen=True)
class Alignment:
    """Where a claim is backed: a transcript passage, a chapter, or nothing."""

    kind: str  # "transcript" | "chapter" | "none"
    time: float | None = None
    quote: str | None = None
    chapter: str | None = None
    score: float = 0.0  # the share of the claim's weighted words the passage holds
    margin: float = 0.0  # how far the passage beats the best one elsewhere


class TranscriptIndex:
    """Where each word of a transcript is said, and how rare it is in the talk."""

    def __init__(self, sentences: Sequence[TimedSentence]) -> None:
        self.sentences = list(sentences)
        self.starts = [s.start for s in self.sentences]
        self.sentence_tokens = [set(tokens(s.text)) for s in self.sentences]
        self.postings: dict[str, list[int]] = defaultdict(list)
        buckets: dict[str, set[int]] = defaultdict(set)
        for number, sentence_tokens in enumerate(self.sentence_tokens):
            for token in sentence_tokens:
                self.postings[token].append(number)
                buckets[token].add(int(self.starts[number] // BUCKET_SECONDS))
        count = max(1.0, (max(self.starts, default=0.0) + 1) / BUCKET_SECONDS)
        self.idf = {
            t: math.log(count / len(b)) if len(b) < count else 0.0 for t, b in buckets.items()
        }
        self._by_key: dict[str, str] = {}
        for token in sorted(self.idf):
            self._by_key.setdefault(spelling_key(token), token)

    def _in_vocabulary(self, token: str) -> str | None:
        """The transcript's spelling of ``token``: itself, or the same word with letters
        doubled or single ("Llama" said, "Lama" transcribed)."""
        if token in self.idf:
            return token
        if len(token) < 4 or token.isdigit():
            return None
        return self._by_key.get(spelling_key(token))

    def weights(
        self, claim: str, context: str = "", ignore: frozenset[str] = frozenset()
    ) -> dict[str, float]:
        """The claim's words the talk uses, each weighted by its rarity in the talk;
        words of ``context`` (the sentence before, for "its" and "he") at half weight;
        none of ``ignore``."""
        weights: dict[str, float] = {}
        for text, factor in ((claim, 1.0), (context, 0.5)):
            for token in tokens(text):
                known = self._in_vocabulary(token)
                if known is not None and known not in ignore and self.idf[known] > 1.0:
                    # Squared: one shared rare name outweighs several common words. An
                    # everyday word rare in this talk ("similar") is still an everyday word.
                    weight = self.idf[known] ** 2 * factor
                    if known in everyday_stems():
                        weight *= EVERYDAY_WEIGHT
                    weights[known] = max(weights.get(known, 0.0), weight)
        return weights

    def _evidence(self, weights: dict[str, float]) -> dict[int, dict[str, float]]:
        """For each sentence near a claim's words: how much of each word's weight
        reaches it from the nearest place the word is said."""
        reach = 4 * REACH_SECONDS
        found: dict[int, dict[str, float]] = defaultdict(dict)
        for token, weight in weights.items():
            for said in self.postings[token]:
                at = self.starts[said]
                first = bisect.bisect_left(self.starts, at - reach)
                last = bisect.bisect_right(self.starts, at + reach)
                for number in range(first, last):
                    share = weight * math.exp(-abs(self.starts[number] - at) / REACH_SECONDS)
                    if share > found[number].get(token, 0.0):
                        found[number][token] = share
        return found

    def _scored(
        self, claim: str, context: str, ignore: frozenset[str]
    ) -> tuple[dict[str, float], dict[int, dict[str, float]], dict[int, float]]:
        """The claim's weights, each nearby sentence's evidence, and its score."""
        weights = self.weights(claim, context, ignore)
        evidence = self._evidence(weights)
        return weights, evidence, {n: sum(e.values()) for n, e in evidence.items()}

    def align(
        self, claim: str, context: str = "", ignore: frozenset[str] = frozenset()
    ) -> Alignment:
        """The moment that says ``claim``, when one clearly does."""
        weights, evidence, scores = self._scored(claim, context, ignore)
        if not scores:
            return Alignment("none")
        best = max(scores, key=lambda n: (scores[n], -n))
        here = self.starts[best]
        # A rival is a moment from another part of the talk, not the next sentences.
        runner_up = max(
            (v for n, v in scores.items() if abs(self.starts[n] - here) > RIVAL_DISTANCE),
            default=0.0,
        )
        coverage = min(1.0, scores[best] / sum(weights.values()))
        margin = scores[best] / max(runner_up, 1e-9)
        if (
            _witnesses(evidence[best], weights) < 2
            or coverage < MIN_COVERAGE
            or margin < MIN_MARGIN
        ):
            return Alignment("none", score=coverage, margin=margin)
        return self._found(best, self.weights(claim, ignore=ignore), coverage, margin)

    def align_near(
        self,
        claim: str,
        moment: float,
        seconds: float = NEIGHBOUR_SECONDS,
        ignore: frozenset[str] = frozenset(),
    ) -> Alignment:
        """The moment within ``seconds`` of ``moment`` that says ``claim``, if it says
        enough of it (NEIGHBOUR_COVERAGE, from two words or more)."""
        weights, evidence, scores = self._scored(claim, "", ignore)
        near = {n: v for n, v in scores.items() if abs(self.starts[n] - moment) <= seconds}
        if not near:
            return Alignment("none")
        best = max(near, key=lambda n: (near[n], -n))
        coverage = min(1.0, near[best] / sum(weights.values()))
        if _witnesses(evidence[best], weights) < 2 or coverage < NEIGHBOUR_COVERAGE:
            return Alignment("none", score=coverage)
        return self._found(best, weights, coverage, 0.0)

    def _found(self, best: int, own: dict[str, float], coverage: float, margin: float) -> Alignment:
        """The alignment at the moment ``best``: its time is that of the sentence near it
        that says most of the claim's ``own`` words (not its context's), and the quote
        that sentence and up to two more said within WITNESS_SECONDS that say some too."""

        def carried(number: int) -> float:
            return sum(own[t] for t in self.sentence_tokens[number] & own.keys())

        first = bisect.bisect_left(self.starts, self.starts[best] - REACH_SECONDS)
        last = bisect.bisect_right(self.starts, self.starts[best] + REACH_SECONDS)
        said = max(range(first, last), key=lambda n: (carried(n), -n))
        if carried(said) == 0:
            said = best
        end = said
        while (
            end + 1 < len(self.sentences)
            and end - said < 2
            and self.starts[end + 1] - self.starts[said] <= WITNESS_SECONDS
            and carried(end + 1) > 0
        ):
            end += 1
        quote = " ".join(self.sentences[n].text for n in range(said, end + 1))
        return Alignment(
            "transcript", time=self.starts[said], quote=quote, score=coverage, margin=margin
        )

    def align_summary(self, sentences: Sequence[tuple[str, int | None]]) -> list[Alignment]:
        """Every sentence of a summary (its text and paragraph number), aligned.

        Each sentence is aligned on its own first (with the sentence before it in the
        same paragraph as context). Then a paragraph is read as one account of one
        part of the talk: a sentence that did not align, or aligned far from a
        neighbour that aligned more clearly, is looked for near that neighbour; a far
        alignment that is not found again there is dropped. Words the summary uses all
        over (the person it is about) are left out: they say nothing about where.
        """
        ignore = summary_subject(sentences)
        alone = []
        for number, (text, paragraph) in enumerate(sentences):
            before = sentences[number - 1] if number else None
            context = before[0] if before is not None and before[1] == paragraph else ""
            alone.append(self.align(text, context, ignore))
        out = []
        for number, (text, paragraph) in enumerate(sentences):
            found = alone[number]
            neighbours = [
                alone[n]
                for n in (number - 1, number + 1)
                if 0 <= n < len(sentences)
                and sentences[n][1] == paragraph
                and paragraph is not None
                and alone[n].time is not None
            ]
            if neighbours:
                anchor = max(neighbours, key=lambda a: a.margin)
                far = (
                    found.time is not None
                    and abs(found.time - anchor.time) > 2 * NEIGHBOUR_SECONDS
                    and found.margin < anchor.margin
                )
                if found.time is None or far:
                    near = self.align_near(text, anchor.time, ignore=ignore)
                    found = near if near.time is not None else Alignment("none", score=found.score)
            out.append(found)
        return out


def summary_subject(sentences: Sequence[tuple[str, int | None]]) -> frozenset[str]:
    """Words a summary uses in half its paragraphs or more (three at least): the
    person or thing it is about ("Karpathy"), not a clue to where a claim is said."""
    paragraphs: dict[object, set[str]] = defaultdict(set)
    for number, (text, paragraph) in enumerate(sentences):
        paragraphs[paragraph if paragraph is not None else ("sentence", number)].update(
            tokens(text)
        )
    spread = Counter(t for words in paragraphs.values() for t in words)
    least = max(3, len(paragraphs) / 2)
    return frozenset(t for t, n in spread.items() if n >= least)


def _witnesses(evidence: dict[str, float], weights: dict[str, float]) -> int:
    """How many of the claim's weighty words are said close to the moment."""
    floor = MIN_EVIDENCE * sum(weights.values())
    near = math.exp(-WITNESS_SECONDS / REACH_SECONDS)
    return sum(
        1
        for token, reached in evidence.items()
        if weights[token] >= floor and reached >= weights[token] * near
    )


@functools.cache
def everyday_stems() -> frozenset[str]:
    """Stems of everyday words (words.common_words), computed once."""
    return frozenset(stem(w) for w in common_words(0.3))


@functools.cache
def _common_stems() -> frozenset[str]:
    # Stricter than for claims: a chapter is told apart only by a word few talks use.
    return frozenset(stem(w) for w in common_words(0.1))


def align_to_chapter(claim: str, chapters: Sequence[Chapter], summary_text: str = "") -> Alignment:
    """The chapter whose title shares a distinctive word with the claim, if exactly one
    chapter does best. Words used all over the summary (in 2 or more paragraphs, like
    "Tesla" in a talk with a Tesla engineer) say nothing about where a claim belongs."""
    if not chapters:
        return Alignment("none")
    titles = [set(tokens(c.title)) for c in chapters]
    frequency = Counter(t for title in titles for t in title)
    spread = Counter(t for paragraph in summary_text.split("\n\n") for t in set(tokens(paragraph)))
    everywhere = {t for t, n in spread.items() if n >= 2}
    claim_tokens = {t for t in tokens(claim) if t not in _common_stems() and t not in everywhere}
    scores = []
    for title in titles:
        # Only a word that is not everyday speech and names this chapter alone tells
        # it apart: "Copilot" does, "AGI" (in several titles) and "future" do not.
        shared = [t for t in title & claim_tokens if frequency[t] == 1]
        scores.append(len(shared))
    best = max(range(len(chapters)), key=lambda i: (scores[i], -i))
    if scores[best] == 0 or scores.count(scores[best]) > 1:
        return Alignment("none")
    return Alignment("chapter", time=chapters[best].start, chapter=chapters[best].title)
