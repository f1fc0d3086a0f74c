"""How a claim is worded as a card: a cloze or a question and answer, pronouns
resolved, the speaker in the third person. With the trained pipeline (SpacyDrafter)
or with rules alone (draft_with_rules); a document's drafter (document_drafter) drafts
the sentences selection chose.

This module retells the claim (what a pronoun stands for, "I" as the speaker) and runs
the steps: the gates that refuse a draft are in gates.py, the choice of the card's form
(question or cloze, and what it hides) in forms.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from deckgen.document import Document
from deckgen.extract.blanks import BlankModel
from deckgen.extract.cleanup import clean_claim, third_person, third_person_verb
from deckgen.extract.forms import Draft, card_form, cloze, framed
from deckgen.extract.gates import (
    dangling_tail,
    ends_cut_off,
    is_fragment,
    opens_a_clause,
    opens_with_reference,
    refuses,
    unresolved,
    without_tail,
)
from deckgen.extract.lexicon import ACRONYM, PERSON_VERBS, TalkWords
from deckgen.extract.patterns import content_words
from deckgen.extract.phrases import find_antecedent, leading_pronoun, topic_before
from deckgen.extract.sentences import Sentence, host_units
from deckgen.words import STOPWORDS as _STOPWORDS
from deckgen.words import WORD as _WORD
from deckgen.words import common_words, rare_words

DEFAULT_SPEAKER = "the speaker"
# At most this many parsed sentences are kept for reuse (see ParsedDocumentDrafter).
_PARSED_KEPT = 2000
# The model parses this many texts at a time: on the shortlist's sentences, 8-128 all
# ran within a few percent of each other, one at a time 1.7x slower (bench/README.md).
_PIPE_BATCH = 64
# The components drafting reads only once a claim passes its gates (SpacyDrafter.late).
_LATE = ("ner",)
# The sentences before a claim that may say what its pronoun stands for.
_CONTEXT_SENTENCES = 2
# A verb that reports someone else's words: "I" after it is not the speaker.
_REPORTED = frozenset(["say", "tell", "ask", "argue", "claim", "write", "joke"])
_OPENS_WITH_PRONOUN = re.compile(
    r"^(?:\W*\w+\W+){0,4}?(?:it|its|this|that|they|these|those)\b", re.IGNORECASE
)


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
        return cloze(cleaned, [max(rare, key=len)], tuple(words))
    return None


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


def pronoun_to_resolve(doc):
    """The leading pronoun of a parsed claim that the sentences before it may say what it
    stands for; None when there is none (then those sentences are never read)."""
    subject = leading_pronoun(doc)
    if subject is None or (subject.head.lemma_ in PERSON_VERBS and subject.lower_ == "they"):
        return None  # "they figured out afterward": people, not the thing said before
    return subject


def _reports_another(token) -> bool:
    """Whether ``token`` is a verb reporting someone else's words ("roboticists say")."""
    return token.lemma_ in _REPORTED and any(
        c.dep_ == "nsubj" and c.lower_ not in ("i", "we") for c in token.children
    )


@dataclass(frozen=True)
class Retold:
    """A claim that passed the gates, retold, before its card's form is chosen: its
    parse, its words as the card says them, token by token, and whether it stays in
    the speaker's first person."""

    doc: object
    rewritten: str
    pieces: list[str]
    quoted: bool


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
        # The entities are read only by the card's form (card_form), which a claim
        # reaches once it passes the gates: they are found then (entities()), not for
        # every sentence parsed. The recognizer runs last in the pipeline, on its own
        # token vectors, so finding them later gives the same entities.
        self.late = [n for n in _LATE if n in getattr(nlp, "pipe_names", ())]

    def parse_many(self, texts: list[str], batch_size: int = _PIPE_BATCH) -> dict[str, object]:
        """Each of ``texts`` parsed, without its entities (see entities())."""
        unique = list(dict.fromkeys(texts))
        parsed = self.nlp.pipe(unique, batch_size=batch_size, disable=self.late)
        return dict(zip(unique, parsed, strict=True))

    def entities(self, docs: list) -> None:
        """Find the entities of those of ``docs`` parsed without them, in place."""
        missing = [d for d in docs if len(d) and not d.has_annotation("ENT_IOB")]
        for name in self.late if missing else ():
            for _ in self.nlp.get_pipe(name).pipe(missing, batch_size=_PIPE_BATCH):
                pass

    def gate(self, claim_text: str, parsed: dict):
        """The parse of a claim (``parsed`` holds it, by its cleaned words) as drafted:
        without a last clause cut off after its verb; None when the gates run before
        retelling it refuse it."""
        cleaned = clean_claim(claim_text)
        doc = parsed[cleaned]
        cut = dangling_tail(doc)
        if cut is not None:
            # "... to a question we can also do.": the claim without its cut-off end.
            cleaned = without_tail(doc, cut)
            doc = parsed.get(cleaned) or self.nlp(cleaned, disable=self.late)
        return None if refuses(doc, cleaned) else doc

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
        doc = self.gate(claim_text, parsed)
        if doc is None:
            return None
        return self.finish(doc, context_docs, context_texts)

    def finish(self, doc, context_docs: list, context_texts: list[str] = ()) -> Draft | None:
        """draft() of a claim that passed gate(): ``doc``, its parse as gate() gave it.
        ``context_docs`` are read only when the claim opens with a pronoun to resolve
        (pronoun_to_resolve())."""
        retold = self.retell(doc, context_docs, context_texts)
        if not isinstance(retold, Retold):
            return retold
        self.entities([doc])
        return self.form(retold)

    def retell(
        self, doc, context_docs: list, context_texts: list[str] = ()
    ) -> Draft | Retold | None:
        """finish() up to the card's form: the claim retold, for form(); or its card
        already (a claim framed as "what X calls Y"), or None (no card)."""
        if context_docs:
            topic = topic_before(context_docs, doc)
        else:
            topic = _rules_topic(context_texts, exclude=doc.text)
        quoted = self._kept_in_first_person(doc)
        rewritten, resolved, pieces = self._rewrite(doc, context_docs, topic, quoted)
        asked = framed(rewritten, self.speaker)
        if asked is not None:
            return asked
        if not resolved and unresolved(doc):
            return None  # "It is ..." with nothing sure to say what "it" is: not a card
        if opens_with_reference(doc):
            return None
        if quoted and self.speaker == DEFAULT_SPEAKER:
            return None  # "I ... I ..." retold would name the speaker over and over
        return Retold(doc, rewritten, pieces, quoted)

    def form(self, retold: Retold) -> Draft | None:
        """The card of a claim retold (retell()), its entities found (entities())."""
        return card_form(
            retold.doc,
            retold.rewritten,
            retold.pieces,
            quoted=retold.quoted,
            speaker=self.speaker,
            nlp=self.nlp,
            counts=self.counts,
            blanks=self.blanks,
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
        subject = pronoun_to_resolve(doc)
        if subject is None:
            return False
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
    """Drafts with the trained pipeline. Each batch of the shortlist is prepared before
    it is drafted, the cheap tests first: the host's words, and claims ending on a word
    that opens a phrase, are never parsed; the claims
    are parsed together (``nlp.pipe``) without their entities; the gates run; then the
    sentences before a claim are parsed only for a claim they can change (one that
    passed the gates and opens with a pronoun to resolve), and only those it reads; the
    claims are retold, and the entities found only for those whose card's form is still
    to choose."""

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
        # Per claim of the batch prepared last (by index): the claim retold (its card's
        # form is chosen when it is drafted), or its card already, or None (no card).
        self.ready: dict[int, Retold | Draft | None] = {}

    def _context_texts(self, sentence: Sentence) -> list[str]:
        """The sentences before a claim that may say what its pronoun stands for."""
        if _OPENS_WITH_PRONOUN.search(clean_claim(sentence.text)):
            return self.context(sentence)
        return []

    def _contexts_read(self, claims: list[Sentence], gated: dict) -> dict[int, list[str]]:
        """The sentences before each claim that its retelling reads, parsed (into
        self.parsed): none without a pronoun to resolve; both for "this"/"that"; for
        "it"/"they" the last, and the one before only when "it" stands for what one of
        them asked about (then the topic named before is read too)."""
        wanted: dict[int, list[str]] = {}
        for s in claims:
            subject = None if gated[s.index] is None else pronoun_to_resolve(gated[s.index])
            texts = self._context_texts(s) if subject is not None else []
            if texts:
                wanted[s.index] = texts if subject.lower_ in ("this", "that") else texts[-1:]
        self._parse([t for texts in wanted.values() for t in texts])
        for s in claims:
            subject = pronoun_to_resolve(gated[s.index]) if s.index in wanted else None
            if subject is None or subject.lower_ != "it":
                continue
            texts = self._context_texts(s)
            if len(wanted[s.index]) == len(texts):
                continue
            antecedent = find_antecedent(
                [self.parsed[t] for t in wanted[s.index]], plural=False, demonstrative=False
            )
            if antecedent and any(t.rstrip().endswith("?") and antecedent in t for t in texts):
                wanted[s.index] = texts  # see _resolve_pronoun: the topic is read
        self._parse([t for texts in wanted.values() for t in texts])
        return wanted

    def _parse(self, texts: list[str]) -> None:
        """``texts`` into self.parsed, those parsed before moved to its recent end."""
        for text in texts:  # the batch's own, parsed before: the most recently used
            if text in self.parsed:
                self.parsed[text] = self.parsed.pop(text)
        self.parsed.update(self.drafter.parse_many([t for t in texts if t not in self.parsed]))
        while len(self.parsed) > max(_PARSED_KEPT, len(texts)):
            del self.parsed[next(iter(self.parsed))]  # the least recently used

    def prepare(self, batch: list[Sentence]) -> None:
        claims = [s for s in batch if s.index not in self.host]
        said = {s.index: s for s in claims}
        gated = {s.index: None for s in claims if ends_cut_off(clean_claim(s.text))}
        claims = [s for s in claims if s.index not in gated]
        self._parse([clean_claim(s.text) for s in claims])
        for s in claims:
            if s.cut_at_cue and not opens_a_clause(self.parsed[clean_claim(s.text)]):
                gated[s.index] = None  # "recognize Hindu weddings versus ...": begun mid-phrase
            else:
                gated[s.index] = self.drafter.gate(s.text, self.parsed)
        wanted = self._contexts_read(claims, gated)
        self.ready = {
            index: self.drafter.retell(
                doc,
                [self.parsed[t] for t in wanted.get(index, ())],
                self.context(said[index]),
            )
            if doc is not None
            else None
            for index, doc in gated.items()
        }
        self.drafter.entities([r.doc for r in self.ready.values() if isinstance(r, Retold)])

    def _draft(self, sentence: Sentence, reasons: tuple[str, ...]) -> Draft | None:
        if sentence.index not in self.ready:
            self.prepare([sentence])
        retold = self.ready[sentence.index]
        return self.drafter.form(retold) if isinstance(retold, Retold) else retold


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
