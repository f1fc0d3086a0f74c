"""How a claim is worded as a card: a cloze or a question and answer, pronouns
resolved, the speaker in the third person. With the trained pipeline (SpacyDrafter)
or with rules alone (draft_with_rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from deckgen.document import Document
from deckgen.extract.cleanup import clean_claim, third_person, third_person_verb
from deckgen.extract.patterns import content_words
from deckgen.extract.phrases import (
    ACRONYM,
    PRONOUN_SUBJECTS,
    cloze_target,
    find_antecedent,
    id_words,
    key_term,
    leading_pronoun,
    named_list,
    reporting_verb,
    subject_of,
    topic_before,
)
from deckgen.extract.sentences import Sentence
from deckgen.words import STOPWORDS as _STOPWORDS
from deckgen.words import common_words

DEFAULT_SPEAKER = "the speaker"
# The sentences before a claim that may say what its pronoun stands for.
_CONTEXT_SENTENCES = 2
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


def _hide(text: str, target: str) -> str:
    """``text`` with its first ``target`` made cloze deletion c1."""
    index = text.find(target)
    return text[:index] + "{{c1::" + target + "}}" + text[index + len(target) :]


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
            topic = topic_before(context_docs, doc)
        else:
            topic = _rules_topic(context_texts, exclude=doc.text)
        rewritten, resolved = self._rewrite(doc, context_docs, topic)
        framed = self._framing(rewritten)
        if framed is not None:
            return framed
        if not resolved and doc[0].lower_ in PRONOUN_SUBJECTS and doc[0].dep_.startswith("nsubj"):
            return None  # "It is ..." with nothing to say what "it" is: not a card
        words = id_words(doc, rewritten)
        cloze = self._cloze(doc, rewritten, words)
        if cloze is not None:
            return cloze
        return self._question(doc, rewritten, topic, reasons, words)

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

    def _cloze(self, doc, rewritten: str, words: tuple[str, ...]) -> Draft | None:
        """A cloze hiding a number, a memorable complement or a list of names."""
        target = cloze_target(doc, rewritten)
        if target:
            return Draft("cloze", text=_hide(rewritten, target), id_words=words)
        names = named_list(doc, rewritten)
        if names:
            text = rewritten
            for number, name in enumerate(names, start=1):
                text = text.replace(name, f"{{{{c{number}::{name}}}}}", 1)
            return Draft("cloze", text=text, id_words=words)
        return None

    def _question(
        self,
        doc,
        rewritten: str,
        topic: str | None,
        reasons: tuple[str, ...],
        words: tuple[str, ...],
    ) -> Draft:
        """A question the claim answers, asked the way the claim was made; or, when
        there is nothing to ask about, a cloze of the claim's own term."""
        subject = subject_of(doc, exclude=self.speaker) or topic
        if subject and not re.fullmatch(r"[A-Za-z][\w'’ .-]*[\w.]", subject):
            subject = None
        about = f" about {subject}" if subject else ""
        reporting = reporting_verb(doc, self.speaker)
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
            term = None if about else key_term(doc, rewritten)
            if term:
                return Draft("cloze", text=_hide(rewritten, term), id_words=words)
            front = f"What does {self.speaker} say{about}?"
        return Draft("basic", front=front, back=rewritten, id_words=words)

    def _rewrite(self, doc, context_docs: list, topic: str | None) -> tuple[str, bool]:
        """The sentence retold: a leading pronoun resolved, the speaker in third person."""
        pieces = [t.text_with_ws for t in doc]
        resolved = self._resolve_pronoun(doc, pieces, context_docs, topic)
        self._retell_first_person(doc, pieces)
        text = "".join(pieces)
        text = re.sub(r"\s+n't", "n't", text).replace("doesn't", "doesn't")
        text = re.sub(r"\bdoes n't\b", "doesn't", text)
        return clean_claim(text), resolved

    def _resolve_pronoun(
        self, doc, pieces: list[str], context_docs: list, topic: str | None
    ) -> bool:
        """Put what a leading pronoun stands for in its place in ``pieces``; whether it could."""
        subject = leading_pronoun(doc)
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

    def _retell_first_person(self, doc, pieces: list[str]) -> None:
        """In ``pieces``, "I", "my" and "me" become the speaker, and the verb after "I"
        agrees with them."""
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


# ------------------------------------------------------------------------- a document


class DocumentDrafter:
    """Drafts the shortlisted sentences of one document with rules alone.

    ``prepare`` is given each batch of the shortlist before its sentences are drafted
    (nothing to do without a model); ``draft`` words one sentence as a card.
    """

    def __init__(self, sentences: list[Sentence], speaker: str, person: str | None) -> None:
        self.sentences = sentences
        self.speaker = speaker
        self.person = person

    def context(self, sentence: Sentence) -> list[str]:
        """The sentences just before ``sentence``, as text."""
        first = max(0, sentence.index - _CONTEXT_SENTENCES)
        return [self.sentences[j].text for j in range(first, sentence.index)]

    def prepare(self, batch: list[Sentence]) -> None:
        return None

    def draft(self, sentence: Sentence, reasons: tuple[str, ...]) -> Draft | None:
        """``sentence`` as a card, or None when it makes none; ``reasons`` why it scored."""
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
    ) -> None:
        super().__init__(sentences, speaker, person)
        self.drafter = SpacyDrafter(nlp, speaker)
        self.parsed: dict[str, object] = {}
        self.context_of = {
            s.index: self.context(s) if _OPENS_WITH_PRONOUN.search(clean_claim(s.text)) else []
            for s in chosen
        }

    def prepare(self, batch: list[Sentence]) -> None:
        texts = [clean_claim(s.text) for s in batch]
        texts += [t for s in batch for t in self.context_of[s.index]]
        self.parsed.update(self.drafter.parse_many([t for t in texts if t not in self.parsed]))

    def _draft(self, sentence: Sentence, reasons: tuple[str, ...]) -> Draft | None:
        return self.drafter.draft(
            sentence.text,
            [self.parsed[t] for t in self.context_of[sentence.index]],
            self.parsed,
            self.context(sentence),
            reasons,
        )


def document_drafter(
    doc: Document, nlp, sentences: list[Sentence], speaker: str, chosen: list[Sentence]
) -> DocumentDrafter:
    """The drafter for the ``chosen`` sentences of ``doc``: parsed when there
    is a model (``nlp``), else rules only. A summary names the person it is about,
    in its questions (unless ``speaker`` is given) and for a leading "He" or "She"."""
    person = main_person(doc) if doc.kind == "summary" else None
    if doc.kind == "summary" and speaker == DEFAULT_SPEAKER:
        speaker = person or speaker
    if nlp is None:
        return DocumentDrafter(sentences, speaker, person)
    return ParsedDocumentDrafter(nlp, sentences, speaker, person, chosen)


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
