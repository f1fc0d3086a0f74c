"""Find the moment in a talk where a summary's claim is said.

A summary says things in its own words: "RLHF is essentially a 'vibe-check'" where the
talk said "What I call it is a vibe check". Matching uses what the two texts share:
content words (crudely stemmed), names and numbers, weighted by how rare each is in
the talk, and tolerant of transcription spelling ("Lama" for "Llama", "Olmo" for
"OLMo"). A wrong time is worse than none, so a time is given only when one passage
clearly wins; otherwise the claim falls back to the chapter whose title it shares
rare words with, and otherwise gets no time at all.

No spaCy here: an hour-long talk aligns in milliseconds.
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
from deckgen.words import common_words

# A passage is the speech of this many seconds: a summary's one sentence often gathers
# what was said over a minute.
PASSAGE_SECONDS = 60.0
# A time is given only when the best passage shares at least MIN_SHARED rare words
# with the claim, holds MIN_COVERAGE of its weighted words, and beats the best passage
# elsewhere in the talk (RIVAL_DISTANCE seconds away or more) by MIN_MARGIN. Chosen on
# bench/gold-alignment.yaml for precision: a wrong time is worse than none.
MIN_SHARED = 2
MIN_COVERAGE = 0.45
MIN_MARGIN = 1.5
RIVAL_DISTANCE = 90.0
# An everyday word counts this much of its rarity in the talk.
EVERYDAY_WEIGHT = 0.25

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
# Alignment's own stop words (not words.STOPWORDS): the thresholds above were chosen
# with this list, and swapping it for the extraction list lowers precision on
# bench/gold-alignment.yaml from 75% to 50%.
_STOP = frozenset(
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
        "being",
        "it",
        "its",
        "it's",
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
        "him",
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
        "whom",
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
        "want",
        "say",
        "said",
        "says",
        "know",
        "mean",
        "maybe",
        "quite",
        "pretty",
        "much",
        "many",
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
        "karpathy",
        "andrej",
        "andre",
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


def stem(word: str) -> str:
    """A crude stem: enough to meet 'merging' with 'merge' and 'GPUs' with 'GPU'."""
    word = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    for suffix in (
        "ities",
        "ity",
        "ings",
        "ing",
        "edly",
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
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word


def tokens(text: str) -> list[str]:
    out = []
    for raw in _TOKEN.findall(text):
        for part in re.split(r"-", raw):
            lower = part.lower()
            if part and lower not in _STOP and (len(lower) > 2 or lower.isdigit()):
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
    """Passages of a transcript, indexed by their words."""

    def __init__(self, sentences: Sequence[TimedSentence]) -> None:
        self.sentences = list(sentences)
        self.sentence_tokens = [set(tokens(s.text)) for s in self.sentences]
        starts = [s.start for s in self.sentences]
        self.windows: list[tuple[int, int]] = [
            (i, max(i + 1, bisect.bisect_right(starts, s.start + PASSAGE_SECONDS)))
            for i, s in enumerate(self.sentences)
        ]
        self.window_tokens = [
            set().union(*self.sentence_tokens[a:b]) if b > a else set() for a, b in self.windows
        ]
        document_frequency = Counter(t for ws in self.window_tokens for t in ws)
        count = max(1, len(self.windows))
        self.idf = {t: math.log(count / df) for t, df in document_frequency.items()}
        self.postings: dict[str, list[int]] = defaultdict(list)
        for number, window_tokens in enumerate(self.window_tokens):
            for token in window_tokens:
                self.postings[token].append(number)
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

    def align(self, claim: str, context: str = "") -> Alignment:
        """The passage that says ``claim``, when one clearly does. ``context`` (the
        sentence before the claim in the summary) helps with words like "its", at half
        weight."""
        weights: dict[str, float] = {}
        for text, factor in ((claim, 1.0), (context, 0.5)):
            for token in tokens(text):
                known = self._in_vocabulary(token)
                if known is not None and self.idf[known] > 1.0:
                    # Squared: one shared rare name outweighs several common words. An
                    # everyday word rare in this talk ("similar") is still an everyday word.
                    weight = self.idf[known] ** 2 * factor
                    if known in everyday_stems():
                        weight *= EVERYDAY_WEIGHT
                    weights[known] = max(weights.get(known, 0.0), weight)
        total = sum(weights.values())
        if total == 0:
            return Alignment("none")
        scores: dict[int, float] = defaultdict(float)
        for token, weight in weights.items():
            for number in self.postings[token]:
                scores[number] += weight
        if not scores:
            return Alignment("none")
        best = max(scores, key=lambda n: (scores[n], -n))
        first, last = self.windows[best]
        # A rival is a passage from another part of the talk, not the next sentences.
        here = self.sentences[first].start
        elsewhere = [
            s
            for n, s in scores.items()
            if abs(self.sentences[n].start - here) > RIVAL_DISTANCE + PASSAGE_SECONDS
        ]
        runner_up = max(elsewhere, default=0.0)
        shared = [t for t in weights if t in self.window_tokens[best]]
        coverage = min(1.0, scores[best] / total)
        margin = scores[best] / max(runner_up, 1e-9)
        confident = len(shared) >= MIN_SHARED and coverage >= MIN_COVERAGE and margin >= MIN_MARGIN
        if not confident:
            return Alignment("none", score=coverage, margin=margin)

        # The moment: the sentence carrying the most of the claim's weight; the quote: it
        # and its neighbours that carry some too.
        def carried(i: int) -> float:
            return sum(weights[t] for t in self.sentence_tokens[i] & weights.keys())

        peak = max(range(first, last), key=lambda i: (carried(i), -i))
        low = peak
        while low - 1 >= first and carried(low - 1) > 0 and peak - low < 2:
            low -= 1
        high = peak
        while high + 1 < last and carried(high + 1) > 0 and high - peak < 2:
            high += 1
        quote = " ".join(self.sentences[i].text for i in range(low, high + 1))
        return Alignment(
            "transcript",
            time=self.sentences[low].start,
            quote=quote,
            score=coverage,
            margin=margin,
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
