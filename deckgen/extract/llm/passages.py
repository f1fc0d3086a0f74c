"""A talk cut into passages that hold whole thoughts, each drafted in one request.

In an interview a passage runs from a question to the end of its answer; in a lecture,
or an answer that goes on, it is a stretch of a few minutes ending at a sentence. A
summary's passages are runs of its paragraphs. Each passage keeps its sentences, so a
card's quote can be found in them and timed by the sentence it begins in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deckgen.extract.sentences import Sentence

# Words per passage: a new question starts a passage once this many are in the current
# one; past TARGET a passage ends at the next sentence; a last passage shorter than
# MIN joins the one before. 500 words is about three and a half minutes of speech, and
# with the prompt and the answer about 2,000 tokens: within the smallest context a
# local server is started with.
MIN_WORDS = 150
TARGET_WORDS = 500
# A summary is denser: fewer words per passage.
SUMMARY_TARGET_WORDS = 350


@dataclass(frozen=True)
class Passage:
    number: int  # from 1
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def start(self) -> float | None:
        return self.sentences[0].start

    @property
    def words(self) -> int:
        return sum(len(s.text.split()) for s in self.sentences)

    def halves(self) -> tuple[Passage, Passage] | None:
        """The passage cut in two at the sentence nearest its middle (for a server whose
        context it does not fit); None when it is one sentence."""
        if len(self.sentences) < 2:
            return None
        total, running, cut = self.words, 0, 1
        for i, sentence in enumerate(self.sentences[:-1], start=1):
            running += len(sentence.text.split())
            cut = i
            if running >= total / 2:
                break
        return Passage(self.number, self.sentences[:cut]), Passage(
            self.number, self.sentences[cut:]
        )


def _is_question(sentence: Sentence) -> bool:
    return sentence.text.rstrip().endswith("?")


def cut_passages(sentences: Sequence[Sentence], summary: bool = False) -> list[Passage]:
    """``sentences`` (a document's, in order) as passages."""
    target = SUMMARY_TARGET_WORDS if summary else TARGET_WORDS
    groups: list[list[Sentence]] = []
    current: list[Sentence] = []
    words = 0
    previous: Sentence | None = None
    for sentence in sentences:
        opens_question = (
            _is_question(sentence) and previous is not None and not _is_question(previous)
        )
        new_paragraph = (
            summary and previous is not None and sentence.paragraph != previous.paragraph
        )
        if (
            current
            and words >= MIN_WORDS
            and (opens_question or (new_paragraph and words >= target))
        ):
            groups.append(current)
            current, words = [], 0
        current.append(sentence)
        words += len(sentence.text.split())
        if (words >= target and not summary) or (summary and words >= target * 1.5):
            groups.append(current)
            current, words = [], 0
        previous = sentence
    if current:
        if groups and words < MIN_WORDS:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return [Passage(number, tuple(group)) for number, group in enumerate(groups, start=1)]
