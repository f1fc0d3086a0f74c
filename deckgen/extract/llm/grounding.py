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

from deckgen.ankitext import inert
from deckgen.extract.patterns import content_words

# Words captions and models drop or add freely: they never count against a quote.
_FILLER_WORDS = frozenset({"um", "uh", "uhm", "umm", "er", "erm", "ah", "hmm", "mm", "mhm", "oh"})
_FILLER_PAIRS = frozenset({("you", "know"), ("i", "mean"), ("kind", "of"), ("sort", "of")})
# A quote must have this many words (after normalising) to place a claim at all.
MIN_QUOTE_WORDS = 4
# Only the first words of a long quote are matched: it says where the claim begins.
_QUOTE_WORDS_MATCHED = 40


_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?%?|[^\W_]+(?:['\u2018\u2019][^\W_]+)*")


def normal_spans(text: str) -> list[tuple[str, int, int]]:
    """``text``'s words, lowercase, without punctuation or fillers, each with where it
    stands in ``text`` ("don't" -> "dont", "GPT-4" -> "gpt", "4", "1,000" -> "1000",
    "20%" -> "20", "percent")."""
    raw: list[tuple[str, int, int]] = []
    for match in _TOKEN.finditer(text):
        token = re.sub(r"['\u2018\u2019]", "", match.group(0).lower())
        start, end = match.span()
        if token.endswith("%"):
            raw.append((token[:-1].replace(",", ""), start, end))
            raw.append(("percent", start, end))
        else:
            raw.append((token.replace(",", "") if token[0].isdigit() else token, start, end))
    out: list[tuple[str, int, int]] = []
    skip = False
    for i, item in enumerate(raw):
        if skip:
            skip = False
            continue
        if item[0] in _FILLER_WORDS:
            continue
        if i + 1 < len(raw) and (item[0], raw[i + 1][0]) in _FILLER_PAIRS:
            skip = True
            continue
        out.append(item)
    return out


def normal_words(text: str) -> list[str]:
    """``text`` as lowercase words without punctuation or fillers (see normal_spans)."""
    return [word for word, _, _ in normal_spans(text)]


@dataclass(frozen=True)
class Found:
    """Where a quote was found: the index of the sentence it begins in and of the one it
    ends in (indexes into the passage's sentences), and how many words differed."""

    first: int
    last: int
    edits: int
    # How many (normalised) words of the first sentence come before the quote.
    offset: int = 0
    # The talk's own words of the match, verbatim: from where the quote begins in the
    # first sentence to where it ends in the last.
    text: str = ""


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
    spans: list[tuple[int, int]] = []
    begins: list[int] = []  # where each sentence's words begin in ``words``
    for number, sentence in enumerate(sentences):
        begins.append(len(words))
        for word, start, end in normal_spans(sentence):
            words.append(word)
            owner.append(number)
            spans.append((start, end))
    if not words:
        return None
    exact = _exact(wanted, words)
    if exact is not None:
        start, end, cost = exact, exact + len(wanted) - 1, 0
    else:
        best = _approximate(wanted, words, allowed_edits(len(wanted)))
        if best is None:
            return None
        start, end, cost = best
    first, last = owner[start], owner[end]
    if first == last:
        text = sentences[first][spans[start][0] : spans[end][1]]
    else:
        middle = list(sentences[first + 1 : last])
        pieces = [sentences[first][spans[start][0] :], *middle, sentences[last][: spans[end][1]]]
        text = " ".join(pieces)
    return Found(first, last, cost, start - begins[first], text)


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


def cue_time(segments: Sequence, sentence_start: float, sentence: str, offset: int) -> float:
    """When the word ``offset`` words into ``sentence`` (which begins in the segment
    starting at ``sentence_start``) is said: the start of the caption cue, or of the
    timed word, it falls in. A sentence of unpunctuated captions can run for half a
    minute; its claim often begins well into it."""
    if offset <= 0 or not segments:
        return sentence_start
    from bisect import bisect_right

    first = max(0, bisect_right([s.start for s in segments], sentence_start) - 1)
    opening = normal_words(sentence)[:3]
    stream: list[tuple[float, str]] = []
    for segment in segments[first : first + 60]:
        timed = segment.words
        if timed:
            for word in timed:
                stream.extend((word.start, w) for w in normal_words(word.text))
        else:
            stream.extend((segment.start, w) for w in normal_words(segment.text))
    # Where the sentence begins among the words of its first segments.
    begin = next(
        (i for i in range(len(stream)) if [w for _, w in stream[i : i + 3]] == opening), None
    )
    if begin is None or begin + offset >= len(stream):
        return sentence_start
    return max(sentence_start, stream[begin + offset][0])


def gives_away(text: str) -> bool:
    """Whether a cloze's blank is said elsewhere on the card ("A {{c1::subword}} tokenizer
    encodes ... subword units"): a word of four letters or more of the blank, plural or
    not, outside it."""
    match = _BLANK.search(text)
    if match is None:
        return False
    blank = {w.rstrip("s") for w in content_words(match.group(2).split("::")[0]) if len(w) >= 4}
    rest = {w.rstrip("s") for w in content_words(text[: match.start()] + " " + text[match.end() :])}
    return bool(blank & rest)


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


_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def listed_counts(front: str, back: str) -> set[float]:
    """The counts a question states of what its own answer lists ("What two goals ...?"
    answered "Safety, and time well spent"): the card's structure, not a claim, so not
    a number the talk must say."""
    items = len([part for part in re.split(r",|;|\band\b|\bor\b", back) if part.strip()])
    words = set(re.findall(r"[a-z]+", front.lower()))
    return {float(n) for word, n in _COUNT_WORDS.items() if word in words and n <= items}


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

# A blank may hold braces of its own ("{{c1::\\p{L}}}", a regex class): they are part of
# its answer, not its end.
_BLANK = re.compile(r"\{\{c(\d+)::((?:[^{}]|\{[^{}]*\})+?)\}\}", re.DOTALL)


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
