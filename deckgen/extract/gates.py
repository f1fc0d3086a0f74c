"""The gates: the checks that refuse a draft. A claim makes no card when it is cut off
at either end (``is_complete``, ``dangling_tail``), has no clause of its own
(``has_main_clause``), runs on too long, narrates the code on screen, asks rather than
states (``asks``), or points at what was said before it and its card would not show
(``is_fragment``, ``opens_with_reference``, ``unresolved``). ``refuses`` runs, in
order, those drafting checks before it retells the claim; the others it checks after."""

from __future__ import annotations

import re

from deckgen.extract.lexicon import PERSON_VERBS, PRONOUN_SUBJECTS
from deckgen.extract.phrases import leading_pronoun
from deckgen.extract.sentences import DANGLING

# Longest claim worth a card: a longer one (unpunctuated speech run on) is reread, not
# recalled.
MAX_CARD_WORDS = 45
# "The latter", "the former": a reference no card can resolve.
_OPEN_REFERENCE = re.compile(r"\b(?:the )?(?:latter|former)\b", re.IGNORECASE)
# The speaker doing something on screen: "let's do a thousand steps", "let me reset this".
_LIVE_DEMO = re.compile(r"\blet(?:'s| me| us)\b", re.IGNORECASE)


def is_fragment(text: str) -> bool:
    """Words cut mid-phrase ("...rather than.") or pointing at what no card shows
    ("the latter")."""
    return ends_cut_off(text) or bool(_OPEN_REFERENCE.search(text))


def ends_cut_off(text: str) -> bool:
    """Whether a claim ends on a word that opens a phrase ("...rather than."): no card,
    told before it is parsed (no such word is a verb whose cut-off clause drafting
    trims, see dangling_tail)."""
    words = text.rstrip(" .!?").split()
    return not words or words[-1].lower() in DANGLING


_DEMONSTRATIVES = frozenset(["this", "that", "these", "those"])
# "The reason is ...", "The answer is ...", "That's because ...", "The other one": what
# they point at was said before the claim.
_REFERENCE_OPENING = re.compile(
    r"^(?:the reason (?:is|was|being|that's|that|why|for (?:that|this|it))|"
    r"the answer (?:is|was|to that)|(?:that|this|it)(?:'s| is| was) (?:because|why)|"
    r"the (?:other|first|second) one|the same (?:thing|way)|(?:this|that) one|which)\b",
    re.IGNORECASE,
)


def opens_with_reference(doc) -> bool:
    """Whether a claim opens with words pointing at something said before it, which
    its card would not show: a subject "Those constraints ..." / "This model ...", or
    "The reason is ..."."""
    first = doc[0]
    if _REFERENCE_OPENING.match(doc.text):
        return True
    return (
        first.lower_ in _DEMONSTRATIVES
        and first.dep_ == "det"
        and first.head.dep_ in ("nsubj", "nsubjpass")
    )


# A sentence never opens with these: it was cut mid-phrase ("Than decision trees...").
_CUT_OPENING = frozenset(["than", "of", "versus", "plus", "whereas", "nor"])
_SUBJECT_DEPS = frozenset(["nsubj", "nsubjpass", "csubj", "csubjpass", "expl"])


# Verbs that need their object: a claim ending on one was cut before it.
_TAKES_AN_OBJECT = frozenset(
    [
        "make",
        "introduce",
        "use",
        "take",
        "give",
        "get",
        "put",
        "bring",
        "build",
        "find",
        "provide",
        "create",
        "show",
        "need",
        "want",
        "apply",
        "add",
        "call",
        "define",
        "include",
        "produce",
        "replace",
        "set",
        "train",
    ]
)


# Verbs that need what follows them, beyond an object: "we can also do.", "today
# they're thinking.", "learning a model involves.": the thought was cut off.
_NEEDS_WHAT_FOLLOWS = _TAKES_AN_OBJECT | frozenset(
    ["do", "think", "involve", "introduce", "mean", "say", "know", "try", "see", "require"]
)
_COMPLEMENTS = frozenset(["dobj", "ccomp", "xcomp", "prt", "dative", "attr", "acomp", "prep"])
# A clause standing on its own: the sentence's, one joined to it, or an adverbial one.
_CLAUSE_ROLES = frozenset(["ROOT", "conj", "parataxis", "advcl"])
# Words that join the cut-off clause to what came before: cut with it.
_JOINING = frozenset(
    ["so", "and", "or", "but", "then", "because", "that", "where", "which", "like"]
)
# What stays of a claim when its cut-off end is trimmed: enough to say something.
_KEPT_WORDS = 8


def dangling_tail(doc) -> int | None:
    """Where a claim's last clause begins when that clause was cut off: it ends on a
    verb that needs what follows it ("... to a question we can also do.", "... transfer
    learning today they're thinking."). None when the claim ends whole, or when too
    little would be left before the cut."""
    words = [t for t in doc if not t.is_punct]
    if not words:
        return None
    last = words[-1]
    if last.pos_ not in ("VERB", "AUX") or last.lemma_.lower() not in _NEEDS_WHAT_FOLLOWS:
        return None
    if last.dep_ not in _CLAUSE_ROLES or any(c.dep_ in _COMPLEMENTS for c in last.children):
        # Not a clause of its own: a relative clause needs no object ("checked by
        # anyone we know"), and the rest would miss a complement ("people hoped").
        return None
    subject = next((c for c in last.children if c.dep_ in _SUBJECT_DEPS), None)
    if subject is None:
        return None
    # From the clause's first word: its subject, or a word said before it ("today").
    start = min(c.left_edge.i for c in last.children if c.i < last.i)
    if start == 0 or not doc[start - 1].whitespace_:
        return None  # inside a word: "let's say"
    while start > 0 and doc[start - 1].lower_ in _JOINING:
        start -= 1
    kept = [t for t in doc[:start] if not t.is_punct]
    return start if len(kept) >= _KEPT_WORDS else None


def without_tail(doc, start: int) -> str:
    """The claim's text before ``start``, ended as a sentence."""
    return doc[:start].text.rstrip(" ,;:-") + "."


def is_complete(doc) -> bool:
    """Whether a parsed claim is a whole sentence: it has a subject (or opens with a
    verb, an instruction), does not open with a word that continues a phrase
    ("than ..."), and does not end on one that opens one (a determiner, preposition,
    conjunction, auxiliary or a subject pronoun: "... and they're.")."""
    words = [t for t in doc if not t.is_punct]
    if not words:
        return False
    first, last = words[0], words[-1]
    if first.lower_ in _CUT_OPENING or (first.lower_ == "that" and first.dep_ == "mark"):
        return False
    if last.lower_ in DANGLING or last.pos_ in ("DET", "ADP", "CCONJ", "SCONJ", "AUX", "PART"):
        return False
    if last.pos_ == "PRON" and last.dep_ in _SUBJECT_DEPS:
        return False
    if (
        last.pos_ == "VERB"
        and last.lemma_.lower() in _TAKES_AN_OBJECT
        and not any(c.dep_ in ("dobj", "ccomp", "xcomp", "prt", "dative") for c in last.children)
    ):
        return False  # "... then you would want to make.": what it makes went unsaid
    return any(t.dep_ in _SUBJECT_DEPS for t in doc) or first.tag_ == "VB"


# Words a question may open with before its inverted verb: "So is the issue ...".
_LEAD_IN = frozenset(["so", "and", "but", "now", "okay", "ok", "well", "then", "also"])
_INVERTED = frozenset(["be", "do", "have", "can", "could", "would", "will", "should", "shall"])


def asks(doc) -> bool:
    """Whether a parsed sentence is a question though it ends with a full stop, as
    captions often write one: its verb comes before its subject ("So is the issue that
    ...", "Do you think ..."), or it opens with a question word and its verb does
    ("What makes that hard."): what the host asks is never a claim."""
    words = [t for t in doc if not t.is_punct]
    while words and words[0].lower_ in _LEAD_IN:
        words = words[1:]
    if len(words) < 3:
        return False
    first, second = words[0], words[1]
    if first.lemma_.lower() in _INVERTED and first.tag_ in ("VBZ", "VBP", "VBD", "MD"):
        # "Is the issue ...", "Do you ...": a subject right after the verb, which is
        # the head of the clause or its auxiliary (not "Have a look", an instruction).
        subject = (
            second.dep_ in _SUBJECT_DEPS
            or (
                second.pos_ in ("DET", "PRON", "PROPN", "NOUN")
                and second.head.dep_ in _SUBJECT_DEPS
            )
            or (first.dep_ == "ROOT" and second.pos_ in ("PRON", "PROPN", "NOUN"))
        )
        # Its verb heads the sentence ("Had we known, we would ..." is a condition).
        heads = first.dep_ == "ROOT" or (
            first.dep_ in ("aux", "auxpass") and first.head.dep_ == "ROOT"
        )
        return subject and heads
    if first.tag_ in ("WP", "WRB") and first.lower_ in ("how", "why", "what", "where", "when"):
        # "How do you ...", "Why does it ...": the question word, then an inverted verb
        # heading the sentence (not "What's happening here is ...", a claim).
        heads = second.dep_ == "ROOT" or (
            second.dep_ in ("aux", "auxpass") and second.head.dep_ == "ROOT"
        )
        return (
            heads
            and second.lemma_.lower() in _INVERTED
            and second.tag_ in ("VBZ", "VBP", "VBD", "MD")
            and words[2].dep_ in _SUBJECT_DEPS
        )
    return False


_SUBORDINATING = frozenset(
    ["if", "when", "because", "although", "though", "while", "whereas", "unless", "since"]
)


def has_main_clause(sentence) -> bool:
    """Whether a parsed sentence says something: its head is a verb with a subject
    ("the model overfits"), or an instruction ("Always know your question"), or joins
    clauses that have one. Not a noun phrase trailing clauses ("The data that might be
    influenced by ..."), a condition with no consequence ("If we're talking about
    ensemble models, like random forests."), or a gerund left on its own ("Being able
    to perform these functions over a broad set of workers.")."""
    root = sentence.root
    if any(c.dep_ == "mark" and c.lower_ in _SUBORDINATING for c in root.children):
        return False  # "If we're talking about ...": a condition, its consequence unsaid
    if any(c.dep_ in _SUBJECT_DEPS for c in root.children):
        return True  # (a verb the tagger took for a noun, "you can't fine-tune", too)
    if root.pos_ not in ("VERB", "AUX"):
        return False
    if root.tag_ in ("VBZ", "VBP", "VBD") and any(
        t.pos_ in ("NOUN", "PROPN", "PRON") for t in sentence if t.i < root.i
    ):
        return True  # a subject the parser took for a compound: "Federated learning shares"
    return sentence[0].tag_ == "VB" or any(
        c.dep_ in ("ccomp", "conj") and any(g.dep_ in _SUBJECT_DEPS for g in c.children)
        for c in root.children
    )


def _word_count(span) -> int:
    """Words in a parsed span, not punctuation: an exclamation ("How delightful!")
    joined to a claim needs no verb."""
    return sum(1 for t in span if not t.is_punct)


def opens_a_clause(doc) -> bool:
    """Whether a parsed piece of speech begins a clause: a subject within its first
    three words ("so we take ...", "the model is ..."), not the middle of a phrase
    ("recognize Hindu weddings ...", "towards tensor flow while ...")."""
    return any(t.dep_ in _SUBJECT_DEPS and t.left_edge.i <= 2 for t in doc)


def unresolved(doc) -> bool:
    """Whether the claim's subject is a pronoun standing for something said before
    ("It's used regularly in parole decisions"), not "they" of people."""
    if doc[0].lower_ in PRONOUN_SUBJECTS and doc[0].dep_.startswith("nsubj"):
        return True
    subject = leading_pronoun(doc)
    return subject is not None and not (
        subject.lower_ == "they" and subject.head.lemma_ in PERSON_VERBS
    )


def refuses(doc, text: str) -> bool:
    """Whether a parsed claim (``text``: its words) makes no card: too short, a
    fragment, not a whole sentence, a clause with no verb of its own, too long, the
    code on screen, or a question."""
    if len(doc) < 5 or is_fragment(text) or not is_complete(doc):
        return True
    if not all(has_main_clause(s) for s in doc.sents if _word_count(s) >= 5):
        return True  # "The data that might be influenced by ...": no verb of its own
    if len(text.split()) > MAX_CARD_WORDS:
        return True  # a paragraph to reread, not a card to recall
    if _LIVE_DEMO.search(text):
        return True  # "let's log the loss", "let me reset this": the code on screen
    # A question the captions ended with a full stop: not a claim.
    return asks(doc)
