"""Which sentences become claims: a cheap, rule-based score of how much each sentence
looks like a claim worth remembering, and how many cards a document gets."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from deckgen.document import Document
from deckgen.extract.patterns import ANNOUNCES, ASIDE, JUNK, LEADING_FILLERS, REPORTING
from deckgen.extract.sentences import Sentence, is_question
from deckgen.words import STOPWORDS as _STOPWORDS
from deckgen.words import WORD as _WORD
from deckgen.words import common_words, rare_words

DEFAULT_MAX_PER_HOUR = 60.0
DEFAULT_MIN_SCORE = 3.0
# Summaries hold denser claims than speech: at most this many cards per 100 words.
SUMMARY_CARDS_PER_100_WORDS = 2.0

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
    r"(?:he|she|(?<=, )(?-i:[A-Z][a-z]+)) (?:also )?(?:shares|discusses|explores|provides|offers|"
    r"chats about|walks us through))\b",
    re.IGNORECASE,
)
# A guest's biography: "Navid is Senior Director of Data Engineering at Hearst".
_BIOGRAPHY = re.compile(
    r"\b(?:is|was) (?:a |an |the )?(?:\w+ ){0,4}(?:director|engineer|scientist|professor|founder|"
    r"ceo|cto|student|researcher|associate|manager|head|lead|partner|fellow|analyst)\b"
    r"(?:.{0,60}\b(?:at|of|with|for)\b)",
    re.IGNORECASE,
)
# The guest's own workplace: "we acquired a company called ...", "we're a management
# consulting firm", "what interested me about coming to KPMG" (none of the curators'
# 813 labelled claims says this; blind readers judged such cards junk).
_WORKPLACE = re.compile(
    r"\b(?:(?:we|i) (?:\w+ )?(?:acquired|joined|founded|co-founded) (?:a |the |this )?"
    r"(?:\w+ ){0,2}(?:company|firm|startup|lab|team)\b|"
    r"(?:we're|we are) (?:a |an )(?:\w+ ){0,3}(?:firm|company|startup|consultancy|agency)\b|"
    r"(?:interested|attracted|drew) me (?:about|to) (?:coming|joining|moving)\b|"
    r"when i (?:joined|started at|came to|moved to)\b)",
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


def talk_terms(sentences: Iterable[Sentence]) -> frozenset[str]:
    """The talk's own terms: words it keeps coming back to (said in 3 sentences or more)
    that everyday speech does not use much ("scale", "precision", "sparsity" in a talk
    about AI hardware)."""
    mentions = Counter(w for s in sentences for w in {w.lower() for w in _WORD.findall(s.text)})
    everyday = common_words(0.8)
    return frozenset(
        w for w, n in mentions.items() if n >= 3 and w not in everyday and w not in _STOPWORDS
    )


def score_in_context(sentences: list[Sentence], title: str) -> list[tuple[Score, Sentence]]:
    """Sentence scores adjusted by where each sentence stands in the conversation.

    The first sentences of an answer state its point, and the ones just before a
    question set it up (in an interview, the host speaking); a sentence that names
    the people of the title is an introduction, not a claim.
    """
    return list(zip(iter_scores(sentences, title), sentences, strict=True))


def iter_scores(
    sentences: Sequence[Sentence], title: str, terms: frozenset[str] | None = None
) -> Iterator[Score]:
    """score_in_context's scores, one sentence at a time (a long talk's are not all
    held at once); ``terms``: the talk_terms of ``sentences``, when already known."""
    title_names = {
        w.lower()
        for w in _WORD.findall(title)
        if w[0].isupper() and w.lower() not in common_words()
    }
    if terms is None:
        terms = talk_terms(sentences)
    since_question = 99
    for number, sentence in enumerate(sentences):
        base = score_sentence(sentence.text)
        value, reasons = base.value, list(base.reasons)
        if "statement" not in reasons:
            subject = _statement_subject(sentence.text)
            if subject and subject.lower().split()[-1] in terms:
                value += 1.5
                reasons.append("statement")
        if "question" not in reasons and since_question <= 2:
            value += 1.5 if since_question == 1 else 0.75
            reasons.append("answer")
        if title_names & {w.lower() for w in _WORD.findall(sentence.text)}:
            value -= 3.0
            reasons.append("introduction")
        if "question" not in reasons and any(
            is_question(after) for after in sentences[number + 1 : number + 3]
        ):
            value -= 0.75
            reasons.append("before-question")
        if _ANECDOTE.search(sentence.text):
            value -= 1.5
        if _ASSERTION.search(sentence.text):
            value += 1.0
            reasons.append("assertion")
        since_question = 1 if sentence.text.rstrip().endswith("?") else since_question + 1
        yield Score(value, tuple(reasons))


def score_summary_sentence(text: str) -> Score:
    """Summaries are made of claims already; rank them by how much each one says."""
    reasons: list[str] = []
    value = 2.0
    words = text.split()
    if REPORTING.search(text):
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


def _statement_subject(text: str) -> str | None:
    """The thing a sentence opens with, when it goes on to say what it is or does."""
    statement = _STATEMENT.match(ASIDE.sub(" ", LEADING_FILLERS.sub("", text)))
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
    if JUNK.search(text) or _SHOW_TALK.search(text):
        value -= 4.0
        reasons.append("junk")
    if _BIOGRAPHY.search(text) or _WORKPLACE.search(text):
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
    opening = LEADING_FILLERS.sub("", text)
    if _POINTS_AT.match(opening):
        value -= 1.0
        reasons.append("points-at")
    if _FRAGMENT.match(opening):
        value -= 2.0
        reasons.append("fragment")
    if _VAGUE.search(text):
        value -= 1.0
        reasons.append("vague")
    if ANNOUNCES.match(text):
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


def card_budget(doc: Document, max_per_hour: float) -> int:
    """How many cards a document gets: ``max_per_hour`` per hour of speech, or a few per
    100 words of a summary."""
    if doc.duration:
        return max(1, math.ceil(max_per_hour * doc.duration / 3600))
    if doc.kind == "transcript":  # untimed speech: about 150 words a minute
        return max(1, math.ceil(max_per_hour * doc.word_count / 9000))
    return max(3, math.ceil(doc.word_count / 100 * SUMMARY_CARDS_PER_100_WORDS))


def score_document(doc: Document, sentences: list[Sentence]) -> list[tuple[Score, Sentence]]:
    """Every sentence with its score: a summary's one by one, speech's in context."""
    if doc.kind == "summary":
        return [(score_summary_sentence(s.text), s) for s in sentences]
    return score_in_context(sentences, doc.title)


def shortlist(
    scored: list[tuple[Score, Sentence]], min_score: float, budget: int
) -> list[tuple[Score, Sentence]]:
    """The sentences worth drafting, best first; ties go to the earlier sentence, so the
    result is deterministic. More than the budget: drafting and de-duplication drop
    some, and spares cost nothing unless they are needed (see claims.extract_claims)."""
    candidates = [(sc, s) for sc, s in scored if sc.value >= min_score]
    candidates.sort(key=lambda pair: (-pair[0].value, pair[1].index))
    return candidates[: budget * 2 + 5]
