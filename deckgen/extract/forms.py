"""A card's form: a question and its answer, or a cloze. ``card_form`` chooses one
for a claim that passed the gates (gates.py) and was retold (drafting.py): a question
only when the claim's structure gives one its back answers (phrases.py: definition,
naming, cause, comparison) and it is worth asking (``askable``); else a cloze of a
number with its unit, a contrasted pair, or the phrase the blank model scores highest
(blanks.py); else none. ``framed`` asks "What does X call Y?" of a claim that says so."""

from __future__ import annotations

import re
from dataclasses import dataclass

from deckgen.extract.blanks import BlankModel, term_blank
from deckgen.extract.cleanup import clean_claim
from deckgen.extract.patterns import content_words
from deckgen.extract.phrases import (
    CAPTION_ERROR,
    NARRATION,
    cause_question,
    comparison_question,
    contrast_blanks,
    definition_question,
    id_words,
    number_blank,
)
from deckgen.words import STOPWORDS as _STOPWORDS
from deckgen.words import WORD as _WORD

# Most blanks on one card: more than a learner recalls at once.
MAX_BLANKS = 3
# Words that make a question point at what was said before it.
_POINTS_BACK = frozenset(["again", "this", "that", "it", "these", "those", "them", "too"])
# A question's own words, not the talk's.
_ASKING = frozenset(["what", "why", "which", "call", "called", "mean", "refer", "does"])
# Adverbs that need a verb: a verbless answer holding one was cut from its sentence.
_FREQUENCY = frozenset(["always", "never", "often", "usually", "sometimes", "rarely"])


@dataclass(frozen=True)
class Draft:
    """What the drafter decided: a cloze text or a question and answer, and key words."""

    kind: str  # "cloze" | "basic"
    text: str = ""
    front: str = ""
    back: str = ""
    id_words: tuple[str, ...] = ()


def card_form(
    doc,
    rewritten: str,
    pieces: list[str],
    *,
    quoted: bool,
    speaker: str,
    nlp,
    counts: dict[str, int] | None = None,
    blanks: BlankModel | None = None,
) -> Draft | None:
    """The card for a parsed claim, ``rewritten`` as the card words it (``pieces``: its
    retold words, token by token; ``quoted``: kept in the speaker's first person), or
    None: a question when one is asked and worth asking, else a cloze of a number with
    its unit, a contrasted pair or the claim's own term."""
    words = id_words(doc, rewritten)
    number = number_blank(doc, rewritten)
    if number in (CAPTION_ERROR, NARRATION):
        return None
    question = None
    if number is None and not quoted:
        question = (
            definition_question(doc, pieces)
            or cause_question(doc, pieces)
            or comparison_question(doc, pieces)
        )
    if question is not None and askable(*question, nlp, counts, speaker):
        front, back = question
        return Draft("basic", front=front, back=back, id_words=words)
    if quoted:
        # Kept in the speaker's own words, named once: "Howard: I feel ... I could",
        # "Norman: Airflow is what I'd call an AIOps tool".
        rewritten = f"{speaker}: {rewritten}"
    if number is not None:
        return cloze(rewritten, [number], words)
    # A contrasted pair, else the phrase the blank model scores highest (a list of
    # names hidden one by one measured no better, and a reader found it beside
    # the point: "voice biometrics over {{c1::Google}} and {{c2::Alexa}}").
    chosen = contrast_blanks(doc, rewritten, counts) or [
        t for t in [term_blank(doc, rewritten, counts, blanks)] if t
    ]
    return cloze(rewritten, chosen, words) if chosen else None


def askable(front: str, back: str, nlp, counts: dict[str, int] | None, speaker: str) -> bool:
    """Whether a question is worth asking: its front is self-contained (no "again",
    no "this" pointing back: "Why were we able to do this?") and names terms the
    talk says more than once; its back is a phrase of 3+ words with a noun or verb,
    and no "always"/"never" left without a verb ("The numbers always as a vector").
    ``counts``: how often the talk says each word; ``nlp`` parses the back."""
    asked = _WORD.findall(front.lower())
    if "?" in back or len(back.split()) < 3 or _POINTS_BACK.intersection(asked[1:]):
        return False
    if counts is not None and any(
        counts.get(w, 0) < 2
        for w in asked
        if w not in _STOPWORDS
        and w not in _ASKING
        and len(w) > 2
        and w not in speaker.lower().split()
    ):
        return False
    parsed = nlp(back)
    verbs = any(t.pos_ in ("VERB", "AUX") for t in parsed)
    if not verbs and any(t.lower_ in _FREQUENCY for t in parsed):
        return False
    return verbs or any(t.pos_ in ("NOUN", "PROPN") for t in parsed)


def framed(rewritten: str, speaker: str) -> Draft | None:
    """A claim that says "what Karpathy calls X is Y", asked as "What does Karpathy
    call X?"."""
    framing = re.match(
        r"^what (?P<who>\S+(?: \S+)?) (?:calls?|refers? to) (?P<x>.+?) (?:is|as) (?P<y>.+?)[.!]?$",
        rewritten,
        re.IGNORECASE,
    )
    if not framing:
        return None
    x, y = framing.group("x"), framing.group("y")
    return Draft(
        "basic",
        front=f"What does {speaker} call {x}?",
        back=clean_claim(y),
        id_words=tuple(content_words(f"{x} {y}")),
    )


def hide_all(text: str, targets: list[str]) -> str:
    """``text`` with each of ``targets`` (at most MAX_BLANKS) made cloze c1, c2, ...
    at its first whole-word occurrence; a target not found is skipped, not numbered."""
    number = 0
    for target in targets:
        match = re.search(rf"(?<![\w{{:]){re.escape(target)}(?![\w}}])", text)
        if match is None or number == MAX_BLANKS:
            continue
        number += 1
        text = f"{text[: match.start()]}{{{{c{number}::{target}}}}}{text[match.end() :]}"
    return text


def cloze(text: str, targets: list[str], words: tuple[str, ...]) -> Draft | None:
    """A cloze of ``targets`` in ``text``; None when none of them is in it."""
    hidden = hide_all(text, targets)
    return Draft("cloze", text=hidden, id_words=words) if "{{c1::" in hidden else None
