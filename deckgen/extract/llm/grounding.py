"""Grounding: a drafted card is kept only where deckgen itself finds its quote in the talk.

A language model's answer is untrusted input. Its ``quote`` must be found in the passage
it was drafted from (after normalising case, punctuation, spacing and fillers, allowing a
caption word or two to differ), and every number the card states must be one the passage
says. The card's time is then the start of the sentence where the quote begins, the same
moment an offline card of that sentence gets. Card text is neutralised like caption text:
no live Anki media tag, and no cloze syntax beyond the card's own blank.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Words captions and models drop or add freely: they never count against a quote.
_FILLER_WORDS = frozenset({"um", "uh", "uhm", "umm", "er", "erm", "ah", "hmm", "mm", "mhm", "oh"})
_FILLER_PAIRS = frozenset({("you", "know"), ("i", "mean"), ("kind", "of"), ("sort", "of")})
# A quote must have this many words (after normalising) to place a claim at all.
MIN_QUOTE_WORDS = 4
# Only the first words of a long quote are matched: it says where the claim begins.
_QUOTE_WORDS_MATCHED = 40


def normal_words(text: str) -> list[str]:
    """``text`` as lowercase words without punctuation or fillers ("don't" -> "dont",
    "GPT-4" -> "gpt 4", "1,000" -> "1000", "20%" -> "20 percent")."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = text.replace("%", " percent ")
    text = re.sub(r"'", "", text)
    words = re.findall(r"\d+(?:\.\d+)?|[^\W_]+", text)
    out: list[str] = []
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word in _FILLER_WORDS:
            continue
        if i + 1 < len(words) and (word, words[i + 1]) in _FILLER_PAIRS:
            skip = True
            continue
        out.append(word)
    return out


@dataclass(frozen=True)
class Found:
    """Where a quote was found: the index of the sentence it begins in and of the one it
    ends in (indexes into the passage's sentences), and how many words differed."""

    first: int
    last: int
    edits: int


def allowed_edits(words: int) -> int:
    """How many words a quote of ``words`` words may differ by: a fixed caption word or two."""
    return 1 if words < 10 else 2


def find_quote(quote: str, sentences: Sequence[str]) -> Found | None:
    """Where ``quote`` begins among ``sentences`` (a passage's, in order), or None.

    Word-level approximate matching (Sellers' algorithm: the quote may start anywhere):
    each inserted, dropped or changed word costs one, a changed number costs more than
    the allowance (a quote with another number is not the talk's), and the best match
    within ``allowed_edits`` wins, the earliest on a tie.
    """
    wanted = normal_words(quote)[:_QUOTE_WORDS_MATCHED]
    if len(wanted) < MIN_QUOTE_WORDS:
        return None
    words: list[str] = []
    owner: list[int] = []
    for number, sentence in enumerate(sentences):
        for word in normal_words(sentence):
            words.append(word)
            owner.append(number)
    if not words:
        return None
    limit = allowed_edits(len(wanted))
    exact = _exact(wanted, words)
    if exact is not None:
        return Found(owner[exact], owner[exact + len(wanted) - 1], 0)
    best = _approximate(wanted, words, limit)
    if best is None:
        return None
    start, end, cost = best
    return Found(owner[start], owner[end], cost)


def _exact(wanted: list[str], words: list[str]) -> int | None:
    n = len(wanted)
    first = wanted[0]
    for i in range(len(words) - n + 1):
        if words[i] == first and words[i : i + n] == wanted:
            return i
    return None


def _substitution(a: str, b: str) -> int:
    if a == b:
        return 0
    if a[0].isdigit() or b[0].isdigit():
        return 99  # never a caption slip: another number is another claim
    return 1


def _gap(word: str) -> int:
    return 99 if word[0].isdigit() else 1  # a number left out or added is another claim


def _approximate(wanted: list[str], words: list[str], limit: int) -> tuple[int, int, int] | None:
    """(first word, last word, cost) of the best match of ``wanted`` in ``words``."""
    n = len(wanted)
    # previous[i]: (cost, start) of matching wanted[:i] ending just before this column.
    previous = [(i, 0) for i in range(n + 1)]
    best: tuple[int, int, int] | None = None
    for j, word in enumerate(words):
        current = [(0, j + 1)]
        for i in range(1, n + 1):
            diagonal = previous[i - 1]
            options = (
                (diagonal[0] + _substitution(wanted[i - 1], word), diagonal[1] if i > 1 else j),
                # a word of the talk the quote leaves out, and a word the quote adds
                (previous[i][0] + _gap(word), previous[i][1]),
                (current[i - 1][0] + _gap(wanted[i - 1]), current[i - 1][1] if i > 1 else j),
            )
            current.append(min(options))
        cost, start = current[n]
        if cost <= limit and (best is None or cost < best[2]):
            best = (start, j, cost)
        previous = current
    return best


# ----------------------------------------------------------------------- numbers

_UNITS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_NUMBER = re.compile(r"(?<![a-z])\d+(?:\.\d+)?")
# A number glued to letters is part of a name ("H100", "mp3", "GPT4"): the name itself
# must be said.
_NAMED_NUMBER = re.compile(r"\b[a-z]+\d[a-z0-9.]*\b")
# A cloze's marks, live or made inert ("{ {c1::"), are no numbers.
_CLOZE_MARK = re.compile(r"\{\s?\{c\d+::|::[^}]*\}\s?\}|\}\s?\}")


def stated_numbers(text: str) -> set[float]:
    """The numbers a card states, in digits or words ("one" aside: mostly a pronoun)."""
    return _numbers(_CLOZE_MARK.sub(" ", text), lenient=False)


def said_numbers(text: str) -> set[float]:
    """The numbers a passage says: every way of reading them (each word of "two
    thousand" on its own, and together), since a card may state any of them."""
    return _numbers(text, lenient=True)


def _numbers(text: str, lenient: bool) -> set[float]:
    lowered = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text.lower())
    found = {float(m) for m in _NUMBER.findall(lowered)}
    value: float | None = None
    for word in [*re.findall(r"[a-z]+", lowered), ""]:
        if word in _UNITS:
            value = (value or 0) + _UNITS[word]
            if lenient:
                found.add(float(_UNITS[word]))
        elif word in _SCALES:  # "two thousand", and "a thousand" alone
            value = value * _SCALES[word] if value is not None else _SCALES[word]
            if lenient:
                found.add(float(_SCALES[word]))
        elif word == "one" and lenient:
            found.add(1.0)
        else:
            if value is not None:
                found.add(float(value))
            value = None
    return found


def unsaid_numbers(card_text: str, passage_text: str) -> set[float | str]:
    """The numbers (and names with a number, "H100") the card states that the passage
    never says."""
    unsaid: set[float | str] = set(stated_numbers(card_text) - said_numbers(passage_text))
    said = re.sub(r"[\s-]", "", passage_text.lower())
    for name in _NAMED_NUMBER.findall(_CLOZE_MARK.sub(" ", card_text.lower())):
        if name.rstrip(".") not in said:
            unsaid.add(name.rstrip("."))
    return unsaid


# ----------------------------------------------------------------------- neutralising

_MEDIA_TAG = re.compile(r"\[(?=\s*(?:sound|anki:[\w-]+|/anki:[\w-]+)\s*[:\]])", re.IGNORECASE)
_DOUBLED_BRACE = re.compile(r"\{(?=\{)|\}(?=\})")
_BLANK = re.compile(r"\{\{c(\d+)::(.+?)\}\}", re.DOTALL)


def inert(text: str) -> str:
    """``text`` with no live Anki syntax: "[sound:x.mp3]" would play a file of the
    user's collection and "{{c1::x}}" would be a real gap, so each is broken by a space
    ("[ sound:x.mp3]", "{ {c1::x} }"). HTML needs nothing here: the deck escapes it."""
    text = _MEDIA_TAG.sub("[ ", text)
    return _DOUBLED_BRACE.sub(lambda m: m.group(0) + " ", text)


def inert_cloze(text: str) -> str | None:
    """A cloze's text with its first blank kept as ``{{c1::...}}`` and everything else
    inert (a second blank is unwrapped: one card per claim); None without a blank."""
    match = _BLANK.search(text)
    if match is None:
        return None
    answer = match.group(2)
    hint = ""
    if "::" in answer:
        answer, hint = answer.split("::", 1)
        hint = "::" + inert(hint).replace("}", ")").replace("{", "(")
    before = inert(_BLANK.sub(lambda m: m.group(2).split("::")[0], text[: match.start()]))
    after = inert(_BLANK.sub(lambda m: m.group(2).split("::")[0], text[match.end() :]))
    answer = inert(answer).replace("}", ")").replace("{", "(")
    if not answer.strip():
        return None
    return f"{before}{{{{c1::{answer.strip()}{hint}}}}}{after}"
