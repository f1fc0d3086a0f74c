"""Sentences of a document, each timed by the moment it begins, and the units of
speech a claim is made of."""

from __future__ import annotations

import bisect
import itertools
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from deckgen.document import Document
from deckgen.extract.cleanup import clean_claim
from deckgen.extract.patterns import ANNOUNCES, JUNK
from deckgen.words import rare_words

_LONG_SENTENCE_WORDS = 50


# One per sentence of a long talk: no __dict__ each.
@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: float | None
    index: int
    paragraph: int | None = None
    # Begins at a cue boundary inside a sentence (long unpunctuated speech cut where
    # neither punctuation nor the parse ends one): it may begin mid-phrase.
    cut_at_cue: bool = False


def split_sentences(doc: Document, splitter, parser=None) -> list[Sentence]:
    """Sentences of the document, rebuilt across segment boundaries, each with the
    time of the segment (or word) where it begins. ``parser`` (a full spaCy pipeline,
    optional) finds the sentences of long unpunctuated speech from its dependency
    parse; without it (or where it still finds none) that speech is cut at cue
    boundaries."""
    return list(iter_sentences(doc, splitter, parser))


def iter_sentences(doc: Document, splitter, parser=None) -> Iterator[Sentence]:
    """split_sentences one sentence at a time: a long document's sentences need not
    all be held at once."""
    if doc.segments:
        yield from _timed_sentences(doc, splitter, parser)
        return
    index = 0
    if doc.kind == "transcript":
        # Whisper .txt: lines are fragments of speech; join them before splitting.
        for text in _split(splitter, " ".join(doc.paragraphs)):
            yield Sentence(text, None, index)
            index += 1
        return
    for number, paragraph in enumerate(doc.paragraphs, start=1):
        for text in _split(splitter, paragraph):
            yield Sentence(text, None, index, number)
            index += 1


# The splitter reads this many characters at a time: memory stays bounded however
# long one document is (one spaCy Doc of a 50 MB transcript took gigabytes).
SPLIT_WINDOW = 200_000


def sentence_spans(splitter, text: str, window: int | None = None) -> Iterator[tuple[int, str]]:
    """(start, text) of each sentence of ``text``, split a window at a time. A window's
    last sentence may run on past it, so the next window starts where it starts; the
    boundaries are the same as splitting the whole text at once, except that a sentence
    longer than a window (unpunctuated speech) is cut between two words."""
    window = window or SPLIT_WINDOW
    start = 0
    while start < len(text):
        end = min(len(text), start + window)
        if end < len(text):  # end between words, never inside one
            space = text.rfind(" ", start + 1, end)
            end = space if space > start else end
        spans = list(splitter(text[start:end]).sents)
        if end < len(text) and len(spans) > 1:
            spans, next_start = spans[:-1], start + spans[-1].start_char
        else:
            next_start = end
        for span in spans:
            yield start + span.start_char, span.text
        start = next_start


def _split(splitter, text: str) -> Iterator[str]:
    return (t for _, s in sentence_spans(splitter, text) if (t := s.strip()))


def _timed_sentences(doc: Document, splitter, parser=None) -> Iterator[Sentence]:
    # Where each segment's text starts in the whole text (8 bytes each, not an int object).
    offsets = array("q")
    position = 0
    for segment in doc.segments:
        offsets.append(position)
        position += len(segment.text) + 1
    full = " ".join(segment.text for segment in doc.segments)
    index = 0
    for group in _grouped(sentence_spans(splitter, full)):
        # Unpunctuated speech: the parse's sentences (the group's long stretches parsed
        # together), and the segment boundaries inside those still too long.
        stretches = [(begin, begin + len(text)) for begin, text, long in group if long]
        parsed = iter(_parsed_sentences(parser, full, stretches))
        for begin, text, long in group:
            pieces = [(begin, text, False)]
            if long:
                pieces = [
                    cut
                    for start, piece in next(parsed)
                    for cut in _cut_long(
                        full, start, start + len(piece), offsets, parser is not None
                    )
                ]
            for piece_start, piece, cut in pieces:
                yield Sentence(piece, _time_at(doc, offsets, piece_start), index, cut_at_cue=cut)
                index += 1


# The parser reads this many long stretches of unpunctuated speech together (one at a
# time took 1.6x as long); at most this many sentences wait for them to be parsed.
_PARSED_TOGETHER = 16
_WAITING_MOST = 2000


def _grouped(spans: Iterable[tuple[int, str]]) -> Iterator[list[tuple[int, str, bool]]]:
    """The sentences (start, text, whether long: more than _LONG_SENTENCE_WORDS) a few
    long ones at a time."""
    group: list[tuple[int, str, bool]] = []
    long_ones = 0
    for span_start, span_text in spans:
        text = span_text.strip()
        if not text:
            continue
        begin = span_start + (len(span_text) - len(span_text.lstrip()))
        long = len(text.split()) > _LONG_SENTENCE_WORDS
        group.append((begin, text, long))
        long_ones += long
        if long_ones == _PARSED_TOGETHER or len(group) == _WAITING_MOST:
            yield group
            group, long_ones = [], 0
    if group:
        yield group


# A new clause in unpunctuated speech: "... the data so we take the counts".
_NEW_CLAUSE = re.compile(
    r"\s(?=(?:so|and|but|because|um|uh)\s+(?:i|we|you|they|it|it's|that's|there's|he|she)\b)",
    re.IGNORECASE,
)


def _cut_long(
    full: str, begin: int, end: int, offsets: Sequence[int], at_clauses: bool
) -> list[tuple[int, str, bool]]:
    """``full[begin:end]`` as it is when it is not long; else cut where a new clause
    opens ("so we ...", "and they ...", when ``at_clauses``), and what is still long
    at cue boundaries: (start, text, whether it begins at such a cue boundary)."""
    text = full[begin:end]
    if len(text.split()) <= _LONG_SENTENCE_WORDS:
        return [(begin, text, False)]
    cuts = [begin]
    if at_clauses:
        for match in _NEW_CLAUSE.finditer(full, begin, end):
            o = match.end()
            if (
                len(full[cuts[-1] : o].split()) >= _MIN_PIECE_WORDS
                and len(full[o:end].split()) >= _SHORT_PIECE_WORDS
            ):
                cuts.append(o)
    cuts.append(end)
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = full[a:b].strip()
        if len(piece.split()) > _LONG_SENTENCE_WORDS:
            segments = _split_at_segments(full, a, b, offsets)
            out.extend((start, text, n > 0) for n, (start, text) in enumerate(segments))
        elif piece:
            out.append((a + len(full[a:b]) - len(full[a:b].lstrip()), piece, False))
    return out


# The parser reads long unpunctuated speech this many characters at a time (cut
# between two words): its memory stays small however long the stretch.
_PARSE_CHARS = 20_000


def _parsed_sentences(
    parser, full: str, stretches: list[tuple[int, int]]
) -> list[list[tuple[int, str]]]:
    """For each stretch ``full[begin:end]`` of ``stretches``, (start, text) of the
    sentences the dependency parse finds in it; the whole stretch as one when there is
    no parser. Only the parse is run: the sentences are its boundaries."""
    if parser is None:
        return [[(begin, full[begin:end])] for begin, end in stretches]
    blocks = []  # (which stretch, where the block starts, its text)
    for number, (begin, end) in enumerate(stretches):
        start = begin
        while start < end:
            stop = min(end, start + _PARSE_CHARS)
            if stop < end:
                space = full.rfind(" ", start + 1, stop)
                stop = space if space > start else stop
            blocks.append((number, start, full[start:stop]))
            start = stop
    out: list[list[tuple[int, str]]] = [[] for _ in stretches]
    reads = _SPLIT_READS if "parser" in parser.pipe_names else parser.pipe_names
    parsed = parser.pipe(
        (text for _, _, text in blocks),
        disable=[name for name in parser.pipe_names if name not in reads],
        batch_size=_PARSED_TOGETHER,
    )
    for (number, offset, _), parsed_block in zip(blocks, parsed, strict=True):
        for sent in parsed_block.sents:
            text = sent.text.strip()
            if text:
                lead = len(sent.text) - len(sent.text.lstrip())
                out[number].append((offset + sent.start_char + lead, text))
    return out


# What the parse that splits speech runs: the parser and the token vectors it reads
# (the tagger, lemmas and entities are never read there).
_SPLIT_READS = ("tok2vec", "parser")


def _words(text: str) -> frozenset[str]:
    """A table of words written as one string."""
    return frozenset(text.split())


# A cue boundary where a new clause starts: the next word opens one, or the cue before
# ends on a comma. Long unpunctuated speech is cut there, not mid-phrase.
_CLAUSE_OPENERS = _words(
    "so and but because now then i we you it it's that's there this they which when "
    "if what or okay ok well yeah right"
)
# Words a phrase never ends on: a cut after one leaves a fragment ("...rather than.").
DANGLING = _words(
    "a an the of to in on at for with from by than that as is are was were be and or "
    "but because very more most their our your my his her its this these those which "
    "who"
)
_MIN_PIECE_WORDS = 8
_SHORT_PIECE_WORDS = 5
_MAX_PIECE_WORDS = 30


def _split_at_segments(
    full: str, begin: int, end: int, offsets: Sequence[int]
) -> list[tuple[int, str]]:
    """A long unpunctuated stretch cut at the cue boundaries where a clause starts, so
    a piece is a phrase, not words cut mid-phrase at a subtitle boundary; when no such
    boundary comes for a long while, at a boundary that leaves no dangling word."""
    cuts = [begin]
    first = bisect.bisect_right(offsets, begin)
    for o in itertools.takewhile(lambda o: o < end, itertools.islice(offsets, first, None)):
        before = full[cuts[-1] : o].split()
        after = full[o:end].split()
        if not before or not after:
            continue
        words = len(before)
        opens = after[0].lower().strip(",.") in _CLAUSE_OPENERS or before[-1].endswith(
            (",", ";", ":")
        )
        clean_end = before[-1].lower().strip(",.") not in DANGLING
        if (
            (words >= _MIN_PIECE_WORDS and opens)
            or (words >= _MAX_PIECE_WORDS and clean_end)
            or words >= 2 * _MAX_PIECE_WORDS
        ):
            cuts.append(o)
    cuts.append(end)
    pieces = []
    for a, b in itertools.pairwise(cuts):
        piece = full[a:b].strip()
        if piece:
            pieces.append((a + (len(full[a:b]) - len(full[a:b].lstrip())), piece))
    return pieces


# A time estimated from a word's place in its cue is moved this much earlier: speech
# is not even, and a card must never start after its words are said.
_EARLY_SECONDS = 1.0


def _time_at(doc: Document, offsets: Sequence[int], char: int) -> float:
    """Start time of the words at ``char``: the word's own time when the source has
    word times; else estimated from where the words sit in their cue's text (a cue
    spoken evenly from its start to its end), a little early, and never before the
    cue's start."""
    number = max(0, bisect.bisect_right(offsets, char) - 1)
    segment = doc.segments[number]
    into = max(0, char - offsets[number])
    if segment.words:
        words_before = len(segment.text[:into].split())
        if 0 <= words_before < len(segment.words):
            return min(segment.words[words_before].start, max(segment.start, segment.end))
    if not into or segment.end <= segment.start or not segment.text:
        return segment.start
    share = min(1.0, into / len(segment.text))
    estimate = segment.start + share * (segment.end - segment.start) - _EARLY_SECONDS
    return max(segment.start, round(estimate, 2))


# Speech states a point in a long sentence and lands it in a short one ("LLMs don't
# want to succeed. They want to imitate."), or announces it first ("So number one is
# precision."). A short sentence belongs with the sentence it completes.
_SHORT_SENTENCE = 7
_UNIT_MAX_WORDS = 45


def claim_units(sentences: Iterable[Sentence]) -> list[Sentence]:
    """Spoken sentences grouped into the units a claim is made of.

    A sentence under seven words joins the sentence before it, unless it announces a
    point ("So number one, maybe, is precision."): then it joins the one after. Units
    keep the time of their first sentence and stay under 45 words; questions and
    sentences with nothing to say (no word of content) stand alone.
    """
    units: list[Sentence] = []
    lead: Sentence | None = None
    for sentence in sentences:
        words = len(sentence.text.split())
        if lead is not None:
            if len(lead.text.split()) + words <= _UNIT_MAX_WORDS and not is_question(sentence):
                sentence = _joined(lead, sentence)
            else:
                units.append(lead)
            lead = None
        elif words < _SHORT_SENTENCE and _completes(sentence):
            if ANNOUNCES.match(sentence.text):
                lead = sentence
                continue
            if units and _joins_last(units, sentence, _UNIT_MAX_WORDS):
                units[-1] = _joined(units[-1], sentence)
                continue
        units.append(sentence)
    if lead is not None:
        units.append(lead)
    for number, unit in enumerate(units):  # in place: a long talk's units are not copied
        if unit.index != number:
            units[number] = replace(unit, index=number)
    return units


def _joins_last(units: list[Sentence], sentence: Sentence, most_words: int) -> bool:
    last = units[-1]
    return (
        not is_question(last) and len(last.text.split()) + len(sentence.text.split()) <= most_words
    )


def is_question(sentence: Sentence) -> bool:
    return sentence.text.rstrip().endswith("?")


_GREETING = re.compile(r"^\W*(?:hi|hello|hey|thanks|thank you|okay|ok|yeah|yes|right)\b", re.I)


def _completes(sentence: Sentence) -> bool:
    """Whether a short sentence says something that belongs to the claim beside it:
    a word of content ("They want to imitate."), not a greeting or a hand-over."""
    cleaned = clean_claim(sentence.text)
    return (
        not is_question(sentence)
        and not JUNK.search(sentence.text)
        and not _GREETING.match(sentence.text)
        and len(cleaned.split()) >= 2
        and (bool(rare_words(cleaned)) or bool(ANNOUNCES.match(sentence.text)))
    )


def _joined(first: Sentence, second: Sentence) -> Sentence:
    return replace(first, text=f"{first.text} {second.text}")


# The host speaking: to the guest about their work, or about the show.
_ADDRESS = re.compile(
    r"\b(?:you (?:mentioned|said|talked|described|brought up|alluded|referred|were saying|"
    r"noted|wrote|spoke|kind of mentioned)|you've (?:done|worked|been working)|"
    r"your (?:work|research|team|paper|papers|background|company|lab|group|book|talk|startup|"
    r"thesis|role|journey|perspective)|tell (?:us|me)|(?:i'm|i am) your host|"
    r"(?:my|our) guest|welcome to the (?:show|podcast)|sounds like (?:you|your)|"
    r"your (?:general )?(?:contention|point|argument|view|take|sense|position|claim)|"
    r"the picture that forms for me|thanks for joining|this week(?:'s)? "
    r"(?:we|on|show|episode)|in this episode|on (?:this|today's) (?:show|episode))\b",
    re.IGNORECASE,
)
# "..., right?": the speaker checking they are followed, not a question.
_TAG_QUESTION = re.compile(
    r"\b(?:right|you know|isn't it|no|correct|yeah|okay|ok|does that make sense)\W*\?\s*$", re.I
)
_SHOW = re.compile(r"\b(?:podcast|episode|your host|my guest|our guest|welcome to)\b", re.I)
# How far into a talk its opening (the host introducing the show and the guest) may go.
_OPENING_UNITS = 40


def host_units(units: list[Sentence]) -> frozenset[int]:
    """Indexes of the units an interview's host says (captions name no speaker; the
    turns are inferred): the opening, up to the first question, when it introduces a
    show or a guest; each question; and the words addressing the guest just before a
    question ("You mentioned X. How does...?") or anywhere ("your paper shows...")."""
    host: set[int] = set()
    questions = [
        n
        for n, u in enumerate(units)
        if is_question(u) and len(u.text.split()) >= 4 and not _TAG_QUESTION.search(u.text)
    ]
    if questions and questions[0] < _OPENING_UNITS:
        opening = range(questions[0] + 1)
        if any(_SHOW.search(units[n].text) for n in opening):
            host.update(opening)
    for q in questions:
        host.add(q)
        n = q - 1
        while n >= 0 and q - n <= 3 and n not in host and _ADDRESS.search(units[n].text):
            host.add(n)
            n -= 1
    host.update(n for n, u in enumerate(units) if _ADDRESS.search(u.text))
    return frozenset(host)
