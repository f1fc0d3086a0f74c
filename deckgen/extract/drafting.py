"""How a claim is worded as a card: a cloze or a question and answer, pronouns
resolved, the speaker in the third person. With the trained pipeline (SpacyDrafter)
or with rules alone (draft_with_rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from deckgen.document import Document
from deckgen.extract.blanks import BlankModel, term_blank
from deckgen.extract.cleanup import clean_claim, third_person, third_person_verb
from deckgen.extract.lexicon import ACRONYM, PRONOUN_SUBJECTS, TalkWords
from deckgen.extract.patterns import content_words
from deckgen.extract.phrases import (
    CAPTION_ERROR,
    NARRATION,
    cause_question,
    comparison_question,
    contrast_blanks,
    definition_question,
    find_antecedent,
    id_words,
    leading_pronoun,
    number_blank,
    topic_before,
)
from deckgen.extract.sentences import DANGLING, Sentence, host_units
from deckgen.words import STOPWORDS as _STOPWORDS
from deckgen.words import WORD as _WORD
from deckgen.words import common_words, rare_words

DEFAULT_SPEAKER = "the speaker"
# At most this many parsed sentences are kept for reuse (see ParsedDocumentDrafter).
_PARSED_KEPT = 2000
# The sentences before a claim that may say what its pronoun stands for.
_CONTEXT_SENTENCES = 2
# Longest claim worth a card: a longer one (unpunctuated speech run on) is reread, not
# recalled.
MAX_CARD_WORDS = 45
# Most blanks on one card: more than a learner recalls at once.
MAX_BLANKS = 3
# "The latter", "the former": a reference no card can resolve.
_OPEN_REFERENCE = re.compile(r"\b(?:the )?(?:latter|former)\b", re.IGNORECASE)
# A verb that reports someone else's words: "I" after it is not the speaker.
_REPORTED = frozenset(["say", "tell", "ask", "argue", "claim", "write", "joke"])
# What people do, not things: "they" before one of these stands for people.
_PERSON_VERBS = frozenset(
    re.findall(
        r"\S+",
        "figure find say think know want realize decide believe tell ask argue feel hope "
        "claim love hate like agree complain notice",
    )
)
# The speaker doing something on screen: "let's do a thousand steps", "let me reset this".
_LIVE_DEMO = re.compile(r"\blet(?:'s| me| us)\b", re.IGNORECASE)
# Words that make a question point at what was said before it.
_POINTS_BACK = frozenset(["again", "this", "that", "it", "these", "those", "them", "too"])
# A question's own words, not the talk's.
_ASKING = frozenset(["what", "why", "which", "call", "called", "mean", "refer", "does"])
# Adverbs that need a verb: a verbless answer holding one was cut from its sentence.
_FREQUENCY = frozenset(["always", "never", "often", "usually", "sometimes", "rarely"])
_OPENS_WITH_PRONOUN = re.compile(
    r"^(?:\W*\w+\W+){0,4}?(?:it|its|this|that|they|these|those)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Draft:
    """What the drafter decided: a cloze text or a question and answer, and key words."""

    kind: str  # "cloze" | "basic"
    text: str = ""
    front: str = ""
    back: str = ""
    id_words: tuple[str, ...] = ()


def draft_with_rules(claim_text: str, context: list[str], speaker: str) -> Draft | None:
    """Rules-only drafting: cloze the first number (with its unit); else "What is X?"
    for "X is a Y"; else a cloze of the claim's rarest word; else no card."""
    cleaned = third_person_outside_quotes(clean_claim(claim_text), speaker)
    if len(cleaned.split()) < 5 or is_fragment(cleaned):
        return None
    match = re.search(
        r"\b\d[\d,.]*(?:\s+(?:to|or)\s+(?:a\s+)?\d[\d,.]*|\s+(?:to|or)\s+a\s+\w+)?"
        r"(?:\s+(?:watts?|megawatts?|tokens?|parameters?|gpus?|percent|bits?|x|times|years?|"
        r"million|billion|trillion|thousand))?\b%?",
        cleaned,
        re.IGNORECASE,
    )
    words = content_words(cleaned)
    if match and match.start() > 0:
        text = cleaned[: match.start()] + "{{c1::" + match.group(0) + "}}" + cleaned[match.end() :]
        return Draft("cloze", text=text, id_words=tuple(words))
    definition = re.match(
        r"^(?P<x>(?!(?:it|this|that|they|these|those|there|he|she|we|you)\b)[\w.-]+(?: [\w.-]+){0,4}) "
        r"(?P<be>is|are) (?P<y>(?:a|an|the) .{8,})$",
        cleaned,
        re.IGNORECASE,
    )
    if definition and rare_words(definition.group("x")):
        x = definition.group("x")
        x = x if x[:2].isupper() else x[0].lower() + x[1:]
        back = definition.group("y")
        return Draft(
            "basic",
            front=f"What {definition.group('be')} {x}?",
            back=back[0].upper() + back[1:],
            id_words=tuple(words),
        )
    rare = [w for w in _WORD.findall(cleaned[1:]) if rare_words(w) and len(w) >= 5]
    if rare:
        return _cloze(cleaned, [max(rare, key=len)], tuple(words))
    return None


def is_fragment(text: str) -> bool:
    """Words cut mid-phrase ("...rather than.") or pointing at what no card shows
    ("the latter")."""
    words = text.rstrip(" .!?").split()
    return bool(not words or words[-1].lower() in DANGLING or _OPEN_REFERENCE.search(text))


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


_SAYS = re.compile(r"\b(?:says?|said|tells?|told|asks?|asked|argues?|argued)\b")


def third_person_outside_quotes(text: str, speaker: str) -> str:
    """third_person, but not in the words the speaker reports someone else saying
    ("roboticists say I couldn't do that")."""
    reported = _SAYS.search(text)
    if reported and not re.match(
        r"^\W*I\b", text[: reported.start()].split(",")[-1].strip() or "x"
    ):
        head, tail = text[: reported.start()], text[reported.start() :]
        return third_person(head, speaker) + tail if head else text
    return third_person(text, speaker)


def _rules_topic(texts: list[str], exclude: str = "") -> str | None:
    """The latest acronym or name in ``texts`` that ``exclude`` does not already name."""
    named = exclude.lower()
    for text in reversed(texts):
        names = [m.group(0) for m in ACRONYM.finditer(text) if m.group(0).lower() not in named]
        if names:
            return names[-1]
    return None


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
    return third_person_verb(token.text)


def _hide_all(text: str, targets: list[str]) -> str:
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


def _cloze(text: str, targets: list[str], words: tuple[str, ...]) -> Draft | None:
    """A cloze of ``targets`` in ``text``; None when none of them is in it."""
    hidden = _hide_all(text, targets)
    return Draft("cloze", text=hidden, id_words=words) if "{{c1::" in hidden else None


def _is_first_person(token) -> bool:
    """ "I", "my", "me": a lowercase caption "i" only as a subject (not "LRs of i")."""
    if token.text == "i":
        return token.tag_ == "PRP" and token.dep_.startswith("nsubj")
    return token.lower_ in ("i", "my", "me", "myself") and token.tag_ in ("PRP", "PRP$")


# "I'd", "I'm", "I've", "I'll": retold, "Norman'd" reads wrong.
_CONTRACTIONS = frozenset(["'d", "'m", "'ve", "'ll", "’d", "’m", "’ve", "’ll"])


def _retells(token) -> bool:
    """Whether a claim's one "I", "my" or "me" reads right retold in the third person:
    "I" as the main clause's subject (not contracted), "my" of the main clause's subject
    or object, "me" as the main verb's object."""
    head = token.head
    if token.lower_ == "my":
        return head.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and head.head.dep_ == "ROOT"
    following = token.nbor() if token.i + 1 < len(token.doc) else None
    if following is not None and following.lower_ in _CONTRACTIONS:
        return False
    return head.dep_ == "ROOT" and token.dep_ in ("nsubj", "nsubjpass", "dobj", "dative")


def _reports_another(token) -> bool:
    """Whether ``token`` is a verb reporting someone else's words ("roboticists say")."""
    return token.lemma_ in _REPORTED and any(
        c.dep_ == "nsubj" and c.lower_ not in ("i", "we") for c in token.children
    )


class SpacyDrafter:
    """Drafting with the trained pipeline: entities, noun chunks and dependencies."""

    def __init__(
        self,
        nlp,
        speaker: str,
        counts: dict[str, int] | None = None,
        blanks: BlankModel | None = None,
    ) -> None:
        self.nlp = nlp
        self.speaker = speaker
        # How often the talk says each word (lowercase): a blank said once and rare in
        # English is likely a caption error.
        self.counts = counts
        # Which phrase a cloze hides (None: the model shipped in the package).
        self.blanks = blanks

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
        """A card for one claim, or None. ``context_docs`` are the parsed sentences
        before it (parsed only when the claim needs them, for a pronoun);
        ``context_texts`` the same sentences as text, for a cheap topic when they were
        not parsed; ``reasons`` why the claim scored.

        A question only when the claim's structure gives one its back answers
        (definition, naming, cause, comparison); else a cloze of what is worth
        recalling (a number with its unit, a contrasted pair, a list of names, the
        claim's own term); else no card."""
        cleaned = clean_claim(claim_text)
        doc = parsed[cleaned]
        cut = dangling_tail(doc)
        if cut is not None:
            # "... to a question we can also do.": the claim without its cut-off end.
            cleaned = without_tail(doc, cut)
            doc = parsed.get(cleaned) or self.nlp(cleaned)
        if len(doc) < 5 or is_fragment(cleaned) or not is_complete(doc):
            return None
        if not all(has_main_clause(s) for s in doc.sents if _word_count(s) >= 5):
            return None  # "The data that might be influenced by ...": no verb of its own
        if len(cleaned.split()) > MAX_CARD_WORDS:
            return None  # a paragraph to reread, not a card to recall
        if _LIVE_DEMO.search(cleaned):
            return None  # "let's log the loss", "let me reset this": the code on screen
        if asks(doc):
            return None  # a question the captions ended with a full stop: not a claim
        if context_docs:
            topic = topic_before(context_docs, doc)
        else:
            topic = _rules_topic(context_texts, exclude=doc.text)
        quoted = self._kept_in_first_person(doc)
        rewritten, resolved, pieces = self._rewrite(doc, context_docs, topic, quoted)
        framed = self._framing(rewritten)
        if framed is not None:
            return framed
        if not resolved and self._unresolved(doc):
            return None  # "It is ..." with nothing sure to say what "it" is: not a card
        if opens_with_reference(doc):
            return None
        words = id_words(doc, rewritten)
        number = number_blank(doc, rewritten)
        if number in (CAPTION_ERROR, NARRATION):
            return None
        question = None
        if quoted and self.speaker == DEFAULT_SPEAKER:
            return None  # "I ... I ..." retold would name the speaker over and over
        if number is None and not quoted:
            question = (
                definition_question(doc, pieces)
                or cause_question(doc, pieces)
                or comparison_question(doc, pieces)
            )
        if question is not None and self._askable(*question):
            front, back = question
            return Draft("basic", front=front, back=back, id_words=words)
        if quoted:
            # Kept in the speaker's own words, named once: "Howard: I feel ... I could",
            # "Norman: Airflow is what I'd call an AIOps tool".
            rewritten = f"{self.speaker}: {rewritten}"
        if number is not None:
            return _cloze(rewritten, [number], words)
        # A contrasted pair, else the phrase the blank model scores highest (a list of
        # names hidden one by one measured no better, and a reader found it beside
        # the point: "voice biometrics over {{c1::Google}} and {{c2::Alexa}}").
        blanks = contrast_blanks(doc, rewritten, self.counts) or [
            t for t in [term_blank(doc, rewritten, self.counts, self.blanks)] if t
        ]
        return _cloze(rewritten, blanks, words) if blanks else None

    def _askable(self, front: str, back: str) -> bool:
        """Whether a question is worth asking: its front is self-contained (no "again",
        no "this" pointing back: "Why were we able to do this?") and names terms the
        talk says more than once; its back is a phrase of 3+ words with a noun or verb,
        and no "always"/"never" left without a verb ("The numbers always as a vector")."""
        asked = _WORD.findall(front.lower())
        if "?" in back or len(back.split()) < 3 or _POINTS_BACK.intersection(asked[1:]):
            return False
        if self.counts is not None and any(
            self.counts.get(w, 0) < 2
            for w in asked
            if w not in _STOPWORDS
            and w not in _ASKING
            and len(w) > 2
            and w not in self.speaker.lower().split()
        ):
            return False
        parsed = self.nlp(back)
        verbs = any(t.pos_ in ("VERB", "AUX") for t in parsed)
        if not verbs and any(t.lower_ in _FREQUENCY for t in parsed):
            return False
        return verbs or any(t.pos_ in ("NOUN", "PROPN") for t in parsed)

    @staticmethod
    def _unresolved(doc) -> bool:
        """Whether the claim's subject is a pronoun standing for something said before
        ("It's used regularly in parole decisions"), not "they" of people."""
        if doc[0].lower_ in PRONOUN_SUBJECTS and doc[0].dep_.startswith("nsubj"):
            return True
        subject = leading_pronoun(doc)
        return subject is not None and not (
            subject.lower_ == "they" and subject.head.lemma_ in _PERSON_VERBS
        )

    def _framing(self, rewritten: str) -> Draft | None:
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
            front=f"What does {self.speaker} call {x}?",
            back=clean_claim(y),
            id_words=tuple(content_words(f"{x} {y}")),
        )

    def _kept_in_first_person(self, doc) -> bool:
        """Whether the claim stays in the speaker's words ("Norman: ... what I'd call
        ..."), not retold in the third person: when it says "I", "my" or "me" more than
        once, or once but not as the main clause's subject or its owner ("My brain is"
        retells as "Karpathy's brain is"; "as I just referred to" would not retell as
        "as Norman referred to", nor "I'd" as "Norman'd"). With no speaker named, only
        the first: "as the speaker referred to" still reads right."""
        count = self._first_person_count(doc)
        if count != 1:
            return count > 1
        if self.speaker == DEFAULT_SPEAKER:
            return False
        token = next(t for t in doc if _is_first_person(t))
        return not _retells(token)

    def _rewrite(
        self, doc, context_docs: list, topic: str | None, quoted: bool = False
    ) -> tuple[str, bool, list[str]]:
        """The sentence retold: a leading pronoun resolved, the speaker in third person
        (unless ``quoted``: kept in the first person); whether the pronoun was
        resolved; and the retold words, token by token."""
        pieces = [t.text_with_ws for t in doc]
        resolved = self._resolve_pronoun(doc, pieces, context_docs, topic)
        if not quoted:
            self._retell_first_person(doc, pieces)
        else:  # kept in the first person; captions often write "i"
            for token in doc:
                if token.text == "i" and _is_first_person(token):
                    pieces[token.i] = "I" + token.whitespace_
        text = "".join(pieces)
        text = re.sub(r"\s+n't", "n't", text).replace("doesn't", "doesn't")
        text = re.sub(r"\bdoes n't\b", "doesn't", text)
        return clean_claim(text), resolved, pieces

    def _resolve_pronoun(
        self, doc, pieces: list[str], context_docs: list, topic: str | None
    ) -> bool:
        """Put what a leading pronoun stands for in its place in ``pieces``; whether it could."""
        subject = leading_pronoun(doc)
        if subject is None or (subject.head.lemma_ in _PERSON_VERBS and subject.lower_ == "they"):
            return False  # "they figured out afterward": people, not the thing said before
        antecedent = find_antecedent(
            context_docs,
            plural=subject.lower_ in ("they", "these", "those"),
            demonstrative=subject.lower_ in ("this", "that"),
        )
        if not antecedent:
            return False
        asked = any(c.text.rstrip().endswith("?") and antecedent in c.text for c in context_docs)
        # "What is the reward model [of RLHF]? What I call it is a vibe check":
        # what a question asked about is the topic's thing.
        if asked and topic and topic.lower() not in antecedent.lower() and subject.lower_ == "it":
            antecedent = f"{topic}'s {re.sub(r'^(?:the|a|an) ', '', antecedent)}"
        pieces[subject.i] = antecedent + subject.whitespace_
        following = doc[subject.i + 1] if subject.i + 1 < len(doc) else None
        if following is not None and following.lower_ in ("'s", "'re"):
            pieces[following.i] = (
                " is" if following.lower_ == "'s" else " are"
            ) + following.whitespace_
        return True

    @staticmethod
    def _first_person_count(doc) -> int:
        """How often the claim says "I", "my" or "me": more than once, retold in the
        third person it would name the speaker again and again."""
        count = 0
        for token in doc:
            if _reports_another(token):
                break  # "the network says, I'm using ...": that "I" is not the speaker
            count += _is_first_person(token)
        return count

    def _retell_first_person(self, doc, pieces: list[str]) -> None:
        """In ``pieces``, "I", "my" and "me" become the speaker, and the verb after "I"
        agrees with them. Not after a verb reporting someone else's words ("roboticists
        say I couldn't"): that "I" is theirs."""
        for token in doc:
            if _reports_another(token):
                return
            lower = token.lower_
            if lower == "i" and _is_first_person(token):
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


# ------------------------------------------------------------------------- a document


class DocumentDrafter:
    """Drafts the shortlisted sentences of one document with rules alone.

    ``prepare`` is given each batch of the shortlist before its sentences are drafted
    (nothing to do without a model); ``draft`` words one sentence as a card.
    """

    def __init__(
        self, sentences: list[Sentence], speaker: str, person: str | None, interview: bool = False
    ) -> None:
        self.sentences = sentences
        self.speaker = speaker
        self.person = person
        # What the host says is never a card credited to the speaker.
        self.host = host_units(sentences) if interview else frozenset()

    def context(self, sentence: Sentence) -> list[str]:
        """The sentences just before ``sentence``, as text."""
        first = max(0, sentence.index - _CONTEXT_SENTENCES)
        return [self.sentences[j].text for j in range(first, sentence.index)]

    def prepare(self, batch: list[Sentence]) -> None:
        return None

    def draft(self, sentence: Sentence, reasons: tuple[str, ...]) -> Draft | None:
        """``sentence`` as a card, or None when it makes none; ``reasons`` why it scored."""
        if sentence.index in self.host:
            return None
        draft = self._draft(sentence, reasons)
        if draft is not None and self.person:
            draft = _name_the_person(draft, self.person)
        return draft

    def _draft(self, sentence: Sentence, reasons: tuple[str, ...]) -> Draft | None:
        return draft_with_rules(sentence.text, self.context(sentence), self.speaker)


class ParsedDocumentDrafter(DocumentDrafter):
    """Drafts with the trained pipeline, parsing each batch of the shortlist with
    ``nlp.pipe``, and the sentences before a claim only when it opens with a pronoun."""

    def __init__(
        self,
        nlp,
        sentences: list[Sentence],
        speaker: str,
        person: str | None,
        chosen: list[Sentence],
        interview: bool = False,
        blanks: BlankModel | None = None,
    ) -> None:
        super().__init__(sentences, speaker, person, interview)
        counts = TalkWords.of(s.text for s in sentences)
        self.drafter = SpacyDrafter(nlp, speaker, counts, blanks)
        # The parsed sentences, the latest _PARSED_KEPT of them: a long talk's are not
        # all held (a spaCy Doc is tens of kilobytes); a talk of a few hours never
        # parses that many, so none is parsed twice.
        self.parsed: dict[str, object] = {}
        self.context_of = {
            s.index: self.context(s) if _OPENS_WITH_PRONOUN.search(clean_claim(s.text)) else []
            for s in chosen
        }

    def prepare(self, batch: list[Sentence]) -> None:
        texts = [clean_claim(s.text) for s in batch]
        texts += [t for s in batch for t in self.context_of[s.index]]
        for text in texts:  # the batch's own, parsed before: the most recently used
            if text in self.parsed:
                self.parsed[text] = self.parsed.pop(text)
        self.parsed.update(self.drafter.parse_many([t for t in texts if t not in self.parsed]))
        while len(self.parsed) > max(_PARSED_KEPT, len(texts)):
            del self.parsed[next(iter(self.parsed))]  # the least recently used

    def _draft(self, sentence: Sentence, reasons: tuple[str, ...]) -> Draft | None:
        if sentence.cut_at_cue and not opens_a_clause(self.parsed[clean_claim(sentence.text)]):
            return None  # "recognize Hindu weddings versus ...": begun mid-phrase
        return self.drafter.draft(
            sentence.text,
            [self.parsed[t] for t in self.context_of[sentence.index]],
            self.parsed,
            self.context(sentence),
            reasons,
        )


def document_drafter(
    doc: Document,
    nlp,
    sentences: list[Sentence],
    speaker: str,
    chosen: list[Sentence],
    blanks: BlankModel | None = None,
) -> DocumentDrafter:
    """The drafter for the ``chosen`` sentences of ``doc``: parsed when there
    is a model (``nlp``), else rules only; ``blanks`` chooses what a cloze hides
    (None: the model shipped). A summary names the person it is about,
    in its questions (unless ``speaker`` is given) and for a leading "He" or "She"."""
    person = main_person(doc) if doc.kind == "summary" else None
    if doc.kind == "summary" and speaker == DEFAULT_SPEAKER:
        speaker = person or speaker
    interview = doc.kind != "summary" and bool(doc.segments)
    if nlp is None:
        return DocumentDrafter(sentences, speaker, person, interview)
    return ParsedDocumentDrafter(nlp, sentences, speaker, person, chosen, interview, blanks)


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
