"""What a parsed sentence offers a card: the phrases drafting picks from spaCy's
entities, noun chunks and dependencies (what a pronoun stands for, the sentence's
subject and topic, a term or number worth hiding, the words to name the card by)."""

from __future__ import annotations

import re

from deckgen.extract.patterns import REPORTING, content_words
from deckgen.words import STOPWORDS as _STOPWORDS
from deckgen.words import rare_words

ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z0-9][A-Za-z0-9]*\b")
WEAK_HEADS = frozenset(
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
PRONOUN_SUBJECTS = frozenset({"it", "this", "that", "they", "these", "those"})
# "It's safe to say", "it turns out": an "it" that stands for nothing.
_EXPLETIVE = re.compile(
    r"^it(?:'s| is| was)? (?:\w+ )?(?:to|that)\b|"
    r"^it (?:also )?(?:seems|turns out|looks like|depends|means|makes sense)\b",
    re.IGNORECASE,
)


def hideable(chunk, phrase: str, rewritten: str) -> bool:
    """Whether a noun phrase is worth a cloze: a real noun, short, in the card's text,
    and not its opening words (hiding the subject leaves nothing to cue it)."""
    return (
        chunk.root.pos_ in ("NOUN", "PROPN")
        and chunk.root.lower_ not in WEAK_HEADS
        and 1 <= len(phrase.split()) <= 6
        and phrase in rewritten
        and not rewritten.startswith(phrase)
    )


def leading_pronoun(doc):
    """The pronoun a sentence opens its subject with ("It", "These", within its first
    five words), when it stands for something said before: not an expletive "it"
    ("it turns out") nor a determiner ("this paper")."""
    subject = next(
        (
            t
            for t in doc
            if t.dep_ in ("nsubj", "nsubjpass") and t.i <= 4 and t.lower_ in PRONOUN_SUBJECTS
        ),
        None,
    )
    if (
        subject is not None
        and not _EXPLETIVE.match(doc[subject.i :].text)
        and (subject.i + 1 >= len(doc) or doc[subject.i + 1].pos_ not in ("NOUN", "PROPN"))
    ):
        return subject
    return None


def chunk_phrase(chunk) -> str:
    """A noun chunk with its 'of ...' / 'from ...' tail: 'reinforcement learning from human feedback'."""
    end = chunk.end
    doc = chunk.doc
    if end < len(doc) and doc[end].lower_ in ("of", "from", "for") and doc[end].head == chunk.root:
        tail = [
            c for c in doc.noun_chunks if c.start == end + 1 and c.root.lower_ not in WEAK_HEADS
        ]
        if tail and tail[0].end - chunk.start <= 8:
            end = tail[0].end
    return doc[chunk.start : end].text


def find_antecedent(context_docs: list, *, plural: bool, demonstrative: bool) -> str | None:
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
            and c.root.lower_ not in WEAK_HEADS
            and c.root.lower_ not in PRONOUN_SUBJECTS
            and (not plural or c.root.tag_ in ("NNS", "NNPS"))
            and not any(t.like_num for t in c)
            and c[0].lower_ not in ("my", "our", "your")
        ]
        if demonstrative:
            named = [chunk_phrase(c) for c in chunks if c.root.dep_ == "attr"]
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
            return chunk_phrase(order[0])
    return None


def topic_before(context_docs: list, doc) -> str | None:
    """The latest name or acronym just before the sentence that it does not name itself."""
    in_sentence = doc.text.lower()
    for context in reversed(context_docs):
        names = [
            t.text
            for t in context
            if (t.pos_ == "PROPN" or ACRONYM.fullmatch(t.text))
            and t.text.lower() not in in_sentence
            and len(t.text) > 1
            and t.text.lower() not in ("i", "ok", "yeah")
        ]
        if names:
            return names[-1]
    return None


def subject_of(doc, exclude: str = "") -> str | None:
    """What the sentence is about: its subject's noun phrase (not ``exclude``, the
    speaker), else the first name it mentions."""
    for chunk in doc.noun_chunks:
        if (
            chunk.root.dep_ in ("nsubj", "nsubjpass")
            and chunk.root.pos_ in ("NOUN", "PROPN")
            and chunk.root.lower_ not in WEAK_HEADS
            and chunk.text.lower() != exclude.lower()
            and not chunk.text.lower().startswith(("my ", f"{exclude.lower()}'s"))
        ):
            phrase = chunk_phrase(chunk)
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


def key_term(doc, rewritten: str) -> str | None:
    """The noun phrase a claim is about, after its opening: the one with the most
    words of the field ("adapting {{the computer architecture}} to...")."""
    best, most = None, 0
    for chunk in doc.noun_chunks:
        if chunk.start == 0 or chunk.root.dep_ not in ("dobj", "pobj", "attr", "conj", "appos"):
            continue
        phrase = chunk_phrase(chunk)
        rare = len(rare_words(phrase))
        if rare > most and hideable(chunk, phrase, rewritten):
            best, most = phrase, rare
    return best


def cloze_target(doc, rewritten: str) -> str | None:
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
            phrase = chunk_phrase(chunk)
            if rare_words(phrase) and hideable(chunk, phrase, rewritten):
                return phrase
    return None


def named_list(doc, rewritten: str) -> list[str]:
    """Two to four names listed together ("OpenAI, Anthropic, Mistral"), to hide one by one."""
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


def reporting_verb(doc, speaker: str) -> tuple[str, str, str | None] | None:
    """'Karpathy suggests that X': who, the verb (as 'suggest'), and what X is about."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or not REPORTING.fullmatch(root.text):
        return None
    subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
    if subject is None or not (
        subject.text.lower() in (speaker.lower(), "he", "she") or subject.pos_ == "PROPN"
    ):
        return None
    who = speaker if subject.pos_ != "PROPN" else subject.text
    after = [
        c
        for c in doc.noun_chunks
        if c.start > root.i and c.root.pos_ in ("NOUN", "PROPN") and c.root.lower_ not in WEAK_HEADS
    ]
    return who, root.lemma_.lower(), (after[0].text if after else None)


def id_words(doc, rewritten: str) -> tuple[str, ...]:
    """The words to name the card by: its nouns, names, numbers and adjectives."""
    words = []
    for token in doc:
        if (
            token.pos_ in ("NOUN", "PROPN", "NUM", "ADJ")
            and token.lower_ not in _STOPWORDS
            and token.lower_ not in WEAK_HEADS
        ):
            words.append(token.lemma_.lower() if token.pos_ == "NOUN" else token.lower_)
    return tuple(words) or tuple(content_words(rewritten))
