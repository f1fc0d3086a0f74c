"""How a claim is worded as a card: a cloze or a question and answer, pronouns
resolved, the speaker in the third person. With the trained pipeline (SpacyDrafter)
or with rules alone (draft_with_rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from deckgen.document import Document
from deckgen.extract.cleanup import clean_claim, third_person, third_person_verb
from deckgen.extract.patterns import REPORTING, content_words
from deckgen.extract.sentences import Sentence
from deckgen.words import STOPWORDS as _STOPWORDS
from deckgen.words import common_words, rare_words

DEFAULT_SPEAKER = "the speaker"
# The sentences before a claim that may say what its pronoun stands for.
_CONTEXT_SENTENCES = 2
_OPENS_WITH_PRONOUN = re.compile(
    r"^(?:\W*\w+\W+){0,4}?(?:it|its|this|that|they|these|those)\b", re.IGNORECASE
)
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z0-9][A-Za-z0-9]*\b")


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
    return third_person_verb(token.text)


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
        if root is None or not REPORTING.fullmatch(root.text):
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
