"""What a parsed sentence offers a card: the phrases drafting picks from spaCy's
entities, noun chunks and dependencies (what a pronoun stands for, the sentence's
subject and topic, a term or number worth hiding, the questions its structure asks,
the words to name the card by). The word lists it compares words with, and a talk's
word counts, are in lexicon.py."""

from __future__ import annotations

import re

from deckgen.extract.lexicon import (
    ACRONYM,
    APPROXIMATE,
    AUX_FORMS,
    BE_FORMS,
    BLANK_LEAD,
    EVALUATIVE,
    EVERYDAY_SHARE,
    FILLER_BLANK,
    PLAIN_ADJECTIVES,
    PRONOUN_SUBJECTS,
    TERM_PREFIXES,
    UNITS,
    WEAK_HEADS,
    agrees,
    everyday_content,
)
from deckgen.extract.patterns import content_words
from deckgen.words import STOPWORDS as _STOPWORDS
from deckgen.words import rare_words

# "It's safe to say", "it turns out": an "it" that stands for nothing.
_EXPLETIVE = re.compile(
    r"^it(?:'s| is| was)? (?:\w+ ){0,3}?(?:to|that)\b|"
    r"^it (?:also )?(?:seems|turns out|looks like|depends|means|makes sense)\b",
    re.IGNORECASE,
)


def leading_pronoun(doc):
    """The pronoun a sentence opens its subject with ("It", "These", within its first
    five words), when it stands for something said before: not an expletive "it"
    ("it turns out") nor a determiner ("this paper")."""
    subject = next(
        (
            t
            for t in doc
            if t.dep_ in ("nsubj", "nsubjpass")
            and t.i <= 4
            and t.lower_ in PRONOUN_SUBJECTS
            and t.tag_ != "WDT"  # "a model that is used": relative, not pointing back
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

    "It"/"they": the subject of the sentence just before, when it is sure (see
    _sure_antecedent). "This"/
    "that" point at what was just said, so only at a thing it has just named ("...
    and that is tokenization. This is a translation of text into integers"). Never a
    number, nor the speaker's own things ("my brain").
    """
    for context in reversed(context_docs[-2:] if demonstrative else context_docs[-1:]):
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
        return _sure_antecedent(context, chunks)
    return None


def _sure_antecedent(context, chunks: list) -> str | None:
    """The thing an "it"/"they" surely stands for in the sentence just before: the
    subject of its main verb when that names a thing and no other clause names another
    ("torch comes to rescue because there is a function called unbind. It removes ..."
    could be either); with no subject, its only object. None when unsure: a card
    guessing the wrong thing is worse than none."""
    root = next((t for t in context if t.dep_ == "ROOT"), None)
    main = next((t for t in (root.children if root is not None else ()) if t.dep_ in _NSUBJ), None)
    if main is not None and main.lower_ in ("i", "we", "you"):
        # "I think scale will be ...": the subject of what the speaker thinks.
        said = next((t for t in root.children if t.dep_ == "ccomp"), None)
        main = next((t for t in (said.children if said else ()) if t.dep_ in _NSUBJ), None)
        if main is None:
            return None
    if main is not None and main.pos_ not in ("NOUN", "PROPN"):
        return None  # "It's used by a company that licenses software": "it" again
    subjects = [c for c in chunks if c.root.dep_ in _NSUBJ]
    # What a clause with no subject naming a thing says there is ("there is a function").
    subjects += [
        c
        for c in chunks
        if c.root.dep_ == "attr"
        and not any(s.dep_ in _NSUBJ and s.pos_ in ("NOUN", "PROPN") for s in c.root.head.children)
    ]
    if subjects:
        named = {chunk_phrase(c).lower() for c in subjects}
        return chunk_phrase(subjects[0]) if len(named) == 1 else None
    objects = {chunk_phrase(c) for c in chunks if c.root.dep_ in ("dobj", "pobj", "attr")}
    return objects.pop() if len(objects) == 1 else None


_NSUBJ = ("nsubj", "nsubjpass")


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


# ------------------------------------------------------------------ blanks and questions


CAPTION_ERROR = "caption-error"


def span_text(pieces: list[str], start: int, end: int) -> str:
    """The retold words of tokens ``start:end``."""
    return "".join(pieces[start:end]).strip()


def trimmed(span):
    """``span`` without its leading article, possessive or intensifier, and trailing
    punctuation: what a blank hides."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].lower_ in BLANK_LEAD
        or doc[start].tag_ in ("DT", "PRP$")
        or (
            doc[start].lower_ in PLAIN_ADJECTIVES
            and start + 1 < end
            and doc[start].head.i == span.root.i  # not "real" of "real estate agent"
        )
    ):
        start += 1
    while end > start and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end]


def splits_a_name(span) -> bool:
    """Whether ``span`` is half of a multi-word name ("Mac" of "Mac OS")."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    return bool(
        (
            before is not None
            and before.dep_ == "compound"
            and span.start <= before.head.i < span.end
        )
        or (after is not None and span[-1].dep_ == "compound" and span[-1].head.i >= span.end)
        or (after is not None and after.pos_ == "PROPN" and span[-1].pos_ == "PROPN")
    )


def is_theme(span, counts) -> bool:
    """Whether every word of content in a blank is one of the talk's theme words."""
    theme = getattr(counts, "theme", None)
    if not theme:
        return False
    # Everyday words are neither: "reinforcement learning" in a talk on reinforcement
    # learning is a theme blank ("learning" is said in every talk).
    words = [
        t
        for t in span
        if t.is_alpha and t.lower_ not in _STOPWORDS and t.lower_ not in everyday_content()
    ]
    return bool(words) and all(t.lower_ in theme or t.lemma_.lower() in theme for t in words)


def splits_a_word(span) -> bool:
    """Whether a blank begins inside a hyphenated or prefixed term: "model-{{based
    methods}}", "Off {{policy methods}}"."""
    doc = span.doc
    if span.start == 0:
        return False
    before = doc[span.start - 1]
    hyphenated = before.text.endswith(("-", "–")) and not before.whitespace_
    return hyphenated or before.lower_ in TERM_PREFIXES


def worth_hiding(span, rewritten: str, counts=None) -> bool:
    """Whether a phrase is a blank a learner can recall: a term of the field or a name
    (not a determiner-led filler like "a ton" or "a serious play"), whole (not half a
    name), short, in the card's text but not its opening, and said right (not a word
    the talk never says again and English rarely uses: a caption error)."""
    text = span.text
    if not span or not 1 <= len(span) <= 5 or text not in rewritten:
        return False
    if rewritten.startswith(text) or splits_a_name(span) or splits_a_word(span):
        return False
    if len(span) == 1 and is_theme(span, counts):
        return False
    if span.root.lower_ in WEAK_HEADS or span.root.lower_ in FILLER_BLANK:
        return False
    if span.root.pos_ not in ("NOUN", "PROPN") and not ACRONYM.fullmatch(span.root.text):
        return False
    named = any(t.pos_ == "PROPN" or ACRONYM.fullmatch(t.text) for t in span)
    if not (rare_words(text) or named):
        return False
    if len(span) == 1 and not named and counts is not None and not is_own_term(span[0], counts):
        return False
    return not (counts is not None and miscaptioned(span, counts))


def is_own_term(token, counts: dict[str, int]) -> bool:
    """Whether one word is a term of the talk worth a blank on its own: not a word
    everyday talk uses ("basis", "history"), and one the talk says again ("dropout"),
    not once in passing ("trouble"). ``counts``: how often the talk says each word."""
    from deckgen.words import common_words

    everyday = common_words(EVERYDAY_SHARE)
    lower, lemma = token.lower_, token.lemma_.lower()
    if lower in everyday or lemma in everyday:
        return False
    said = counts.get(lower, 0) + (counts.get(lemma, 0) if lemma != lower else 0)
    return said >= 2


def miscaptioned(span, counts) -> bool:
    """Every word of the blank is one the talk says only here and everyday English does
    not use (lowercase, so not a name): likely a caption error ("Lexis nexus corbos")."""
    from deckgen.words import common_words

    known = common_words(0.0)
    words = [t for t in span if t.is_alpha and t.lower_ not in _STOPWORDS]
    return bool(words) and all(
        t.is_lower and counts.get(t.lower_, 0) <= 1 and t.lower_ not in known for t in words
    )


def number_blank(doc, rewritten: str) -> str | None:
    """A number with its unit ("20 watts", "February 2019", "95%"), without "about";
    CAPTION_ERROR when the number is followed by a word that is no unit and reads as a
    verb ("200 gives of RAM": 200 GB)."""
    from deckgen.words import common_words

    common = common_words()
    for ent in doc.ents:
        if ent.label_ not in ("CARDINAL", "QUANTITY", "PERCENT", "MONEY", "DATE"):
            continue
        if not any(ch.isdigit() for ch in ent.text):
            continue
        if ent.label_ == "DATE" and not re.search(r"\b(?:1[5-9]|20)\d\d\b", ent.text):
            continue
        tokens = list(ent)
        while tokens and tokens[0].lower_ in APPROXIMATE:
            tokens.pop(0)
        while tokens and tokens[-1].is_punct:
            tokens.pop()
        if not tokens:
            continue
        start, end = tokens[0].i, tokens[-1].i + 1
        following = doc[end] if end < len(doc) else None
        if following is not None and following.lower_ in UNITS:
            end += 1
        elif (
            following is not None
            and end + 1 < len(doc)
            and doc[end + 1].lower_ == "of"
            and following.lower_.endswith("s")
            and following.lower_[:-1] in common
            and (following.lower_[:-1] + "ing" in common or following.lower_[:-1] + "n" in common)
        ):
            return CAPTION_ERROR
        if ent.label_ != "DATE" and not _counts_something(doc, start, end):
            # "The loss here is 17", "at 64 by 64": a value with nothing it counts.
            if "." in doc[start:end].text or _NARRATION.search(doc.text):
                return NARRATION
            continue
        if ent.label_ != "DATE" and _NARRATES_EXAMPLE.search(doc.text):
            # "We have 27 possible characters", "here the input layer of 30 neurons":
            # the example on screen, even with the thing it counts.
            return NARRATION
        span = doc[start:end].text
        if span in rewritten and not rewritten.startswith(span):
            return span
    return None


# A worked example's values read out: "the loss here is", "we get", "now it's".
_NARRATION = re.compile(
    r"\b(?:here|now|we get|we got|you get|i get|this is|that is|we have|we've achieved|"
    r"comes out|gives us|we're at|down to|instead of|let's|in this (?:\w+ ){0,2}example)\b",
    re.IGNORECASE,
)
NARRATION = "narration"
# A sentence telling the current code or example: a number in it, even one that counts
# something, is that example's value, not a fact of the subject.
_NARRATES_EXAMPLE = re.compile(
    r"\b(?:here|we(?: now| only| still)? have|we've got|we get|we got|we said|this is|"
    r"right now|in this case|in this (?:\w+ ){0,2}example|"
    r"in our case|we're (?:\w+ )?(?:taking|getting|going to have|using)|let's)\b",
    re.IGNORECASE,
)


def _counts_something(doc, start: int, end: int) -> bool:
    """Whether the number ``doc[start:end]`` is said with a unit or a thing it counts
    ("20 watts", "137 factors", "a 64-bit integer", "95%"), not bare ("is 17", "64 by
    64", "27 times 27")."""
    last = doc[end - 1]
    if last.lower_ in UNITS or "%" in last.text:
        following = doc[end] if end < len(doc) else None
        return not (following is not None and following.like_num)
    if any(not t.like_num and t.is_alpha for t in doc[start:end]):
        return True  # "ten characters", "two to three prior offenses"
    following = doc[end] if end < len(doc) else None
    if following is None:
        return False
    if following.text == "-" and end + 1 < len(doc):
        following = doc[end + 1]
    return following.pos_ in ("NOUN", "PROPN", "ADJ") and not following.like_num


def subject_phrase(root, pieces: list[str], named: bool = True):
    """The subject of ``root`` when it opens the sentence and names a thing (not a
    pronoun left unresolved, not "this X", not the speaker's own): (start, end, text)."""
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")), None)
    if subject is None:
        return None
    doc = root.doc
    start, end = subject.left_edge.i, subject.right_edge.i + 1
    if any(not (t.is_punct or t.dep_ in ("cc", "advmod", "intj")) for t in doc[:start]):
        return None
    first = doc[start]
    person = not named and subject.lower_ in ("you", "we", "people", "i")
    if (
        subject.dep_ != "csubj"
        and not person
        and (subject.pos_ not in ("NOUN", "PROPN") or subject.lower_ in WEAK_HEADS)
        and not (
            subject.lower_ in PRONOUN_SUBJECTS
            and pieces[subject.i].strip().lower() != subject.lower_
        )
    ):
        return None
    if (
        first.lower_ in ("this", "that", "these", "those", "my", "our", "your")
        and pieces[first.i].strip().lower() == first.lower_
    ):
        return None
    if end - start > 7:
        return None
    text = span_text(pieces, start, end)
    if named and not (rare_words(text) or any(t.pos_ == "PROPN" for t in doc[start:end])):
        return None
    if not (first.pos_ == "PROPN" or first.text.isupper() or pieces[first.i] != first.text_with_ws):
        text = text[0].lower() + text[1:]
    return start, end, text


def _tail(pieces: list[str], start: int, end: int) -> str:
    text = span_text(pieces, start, end).rstrip(" ,;:.")
    return text[:1].upper() + text[1:] + "." if text else ""


def _names_a_term(span, text: str) -> bool:
    """Whether a subject (its tokens, and ``text`` as the card words it, a pronoun
    resolved) names something a question can ask about on its own: a name, a term of
    two or more words ("reward model"), or one word everyday talk does not use
    ("tokenization"); not "the trend", "the model"."""
    from deckgen.words import common_words

    if any(t.pos_ == "PROPN" for t in span) or ACRONYM.search(text):
        return True
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", text) if w.lower() not in _STOPWORDS]
    if any(w[0].isupper() for w in words[1:]):
        return True
    everyday = common_words(EVERYDAY_SHARE)
    return len(words) >= 2 or any(
        w.lower() not in everyday and w.lower().removesuffix("s") not in everyday for w in words
    )


def definition_question(doc, pieces: list[str]) -> tuple[str, str] | None:
    """ "X is a Y ..." asked "What is X?"; "X means Y", "What does X mean?"; "X is
    called Y", "What is X called?"."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or any(c.dep_ == "neg" for c in root.children):
        return None
    subject = subject_phrase(root, pieces)
    if subject is None:
        return None
    start, end, x = subject
    if not _names_a_term(doc[start:end], x):
        return None  # "What is the trend?": which trend was said before, not on the card
    last = len(doc)
    if root.lemma_ == "be" and root.i == end:
        attr = next((c for c in root.children if c.dep_ == "attr" and c.i > root.i), None)
        if attr is None or attr.pos_ not in ("NOUN", "PROPN") or attr.lower_ in WEAK_HEADS:
            return None
        if any(t.lower_ in EVALUATIVE for t in attr.subtree if t.i <= attr.i):
            return None
        be = BE_FORMS.get(root.lower_, root.lower_)
        if not agrees(be, x):
            return None
        return f"What {be} {x}?", _tail(pieces, root.i + 1, last)
    if root.lemma_ in ("mean", "refer") and root.i == end and root.tag_ in ("VBZ", "VBP"):
        does = "does" if root.tag_ == "VBZ" else "do"
        verb = "mean" if root.lemma_ == "mean" else "refer to"
        skip = 2 if root.lemma_ == "refer" and root.i + 1 < last else 1
        return f"What {does} {x} {verb}?", _tail(pieces, root.i + skip, last)
    if root.lemma_ == "call" and any(c.dep_ == "auxpass" for c in root.children):
        named = next((c for c in root.children if c.dep_ in ("oprd", "attr", "dobj")), None)
        aux = next(c for c in root.children if c.dep_ == "auxpass")
        if named is not None and aux.i == end:
            be = BE_FORMS.get(aux.lower_, aux.lower_)
            return f"What {be} {x} called?", _tail(
                pieces, named.left_edge.i, named.right_edge.i + 1
            )
    return None


def cause_question(doc, pieces: list[str]) -> tuple[str, str] | None:
    """ "X is Y because Z" asked "Why is X Y?", answered Z."""
    because = next((t for t in doc if t.lower_ == "because" and t.dep_ == "mark"), None)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if because is None or root is None or because.head.head != root or root.i > because.i:
        return None
    subject = subject_phrase(root, pieces, named=False)
    if subject is None:
        return None
    _start, end, x = subject
    auxes = [c for c in root.children if c.dep_ in ("aux", "auxpass") and end <= c.i < root.i]
    moved: list[int] = []
    if auxes:
        aux = auxes[0]
        moved = [aux.i] + [aux.i + 1 for n in [doc[aux.i + 1]] if n.lower_ in ("n't", "not")]
        lead = AUX_FORMS.get(aux.lower_, aux.lower_) + ("n't" if len(moved) > 1 else "")
    elif root.lemma_ == "be":
        moved = [root.i] + [c.i for c in root.children if c.dep_ == "neg" and c.i == root.i + 1]
        lead = BE_FORMS.get(root.lower_, root.lower_) + ("n't" if len(moved) > 1 else "")
    else:
        if root.tag_ not in ("VBZ", "VBP", "VBD"):
            return None
        lead = {"VBD": "did", "VBZ": "does", "VBP": "do"}[root.tag_]
        if pieces[root.i].strip().lower() != root.lower_ and root.tag_ == "VBP":
            lead = "does"  # "I think" retold as "Karpathy thinks"
    lead = {"cann't": "can't", "willn't": "won't", "amn't": "am not"}.get(lead, lead)
    words = []
    for t in doc[end : because.i]:
        if t.i in moved:
            continue
        words.append(
            root.lemma_ + t.whitespace_
            if (t.i == root.i and not auxes and root.lemma_ != "be")
            else pieces[t.i]
        )
    rest = "".join(words).strip().rstrip(" ,;")
    answer = _tail(pieces, because.i + 1, len(doc))
    if len(rest.split()) < 2 or len(answer.split()) < 3 or not agrees(lead, x):
        return None
    return f"Why {lead} {x} {rest}?", answer


def comparison_question(doc, pieces: list[str]) -> tuple[str, str] | None:
    """ "X is faster than Y" asked "Which is faster: X or Y?"."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.lemma_ != "be":
        return None
    acomp = next((c for c in root.children if c.dep_ == "acomp"), None)
    if acomp is None:
        return None
    than = next((c for c in acomp.children if c.lower_ == "than"), None)
    more = [c for c in acomp.children if c.dep_ == "advmod" and c.lower_ in ("more", "less")]
    if than is None or not (acomp.tag_ == "JJR" or more):
        return None
    other = next((c for c in than.children if c.dep_ == "pobj"), None)
    subject = subject_phrase(root, pieces)
    if other is None or subject is None or other.pos_ not in ("NOUN", "PROPN"):
        return None
    x = subject[2]
    y = span_text(pieces, other.left_edge.i, other.right_edge.i + 1)
    if len(y.split()) > 6:
        return None
    comparative = " ".join([*(m.lower_ for m in more), acomp.lower_])
    first, second = sorted([x, y], key=str.lower)
    return f"Which is {comparative}: {first} or {second}?", x[:1].upper() + x[1:] + "."


def contrast_blanks(doc, rewritten: str, counts=None) -> list[str]:
    """The contrasted pair of "X rather than Y", "X instead of Y", "not X but Y": the
    asserted side first."""
    marker, side = None, None
    for t in doc:
        following = doc[t.i + 1].lower_ if t.i + 1 < len(doc) else ""
        if (t.lower_, following) in (("rather", "than"), ("instead", "of"), ("as", "opposed")):
            marker, side = t.i, "before"
            break
        if t.lower_ == "but" and any(u.lower_ in ("not", "n't") for u in doc[: t.i]):
            marker, side = t.i, "after"
            break
    if marker is None:
        return []
    chunks = [trimmed(c) for c in doc.noun_chunks]
    chunks = [c for c in chunks if worth_hiding(c, rewritten, counts)]
    before = [c for c in chunks if c.end <= marker]
    after = [c for c in chunks if c.start > marker + 1]
    near_before = before[-1:] if before else []
    near_after = after[:1] if after else []
    pair = near_before + near_after if side == "before" else near_after + near_before
    return list(dict.fromkeys(c.text for c in pair))
