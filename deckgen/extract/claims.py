"""A document's claims: the sentences selection keeps, drafted as cards, one card per
claim said twice, within the document's card budget."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from deckgen.ankitext import inert as inert_text
from deckgen.cards import Card, slugify, unique_id
from deckgen.document import Document
from deckgen.extract.blanks import BlankModel
from deckgen.extract.drafting import DEFAULT_SPEAKER, DocumentDrafter, document_drafter
from deckgen.extract.forms import Draft
from deckgen.extract.learned import Selector, choose
from deckgen.extract.patterns import content_words
from deckgen.extract.pipeline import Pipeline
from deckgen.extract.selection import (
    DEFAULT_MAX_PER_HOUR,
    DEFAULT_MIN_SCORE,
    Score,
    card_budget,
    score_document,
    shortlist,
)
from deckgen.extract.sentences import Sentence, claim_units, iter_sentences, split_sentences
from deckgen.words import STOPWORDS as _STOPWORDS

# The model parses at most this many shortlisted sentences at a time, and stops when
# the deck is full; never fewer than _FEWEST_PARSED (nlp.pipe gains little beyond 8).
_PARSE_BATCH = 48
_FEWEST_PARSED = 8


@dataclass(frozen=True)
class Claim:
    """A candidate card: where it was said, why it scored, and the drafted card."""

    source_id: str
    sentence: Sentence
    score: Score
    card: Card
    key_terms: frozenset[str] = field(default=frozenset(), compare=False)


def claim_id(words: Iterable[str], taken: set[str]) -> str:
    """A short, readable, unique id from the claim's key words."""
    picked: list[str] = []
    for word in words:
        slug = slugify(word)
        if slug and slug not in picked and slug not in _STOPWORDS:
            picked.append(slug)
        if len(picked) == 5 or sum(len(p) + 1 for p in picked) > 36:
            break
    return unique_id("-".join(picked) or "claim", taken)


@dataclass(frozen=True)
class ExtractOptions:
    max_per_hour: float = DEFAULT_MAX_PER_HOUR
    min_score: float = DEFAULT_MIN_SCORE  # summaries only: speech is chosen by the selector
    speaker: str = DEFAULT_SPEAKER
    # The model that chooses speech's claims; None: the one shipped in the package.
    # (bench/quality.py passes one trained without the talk it measures.)
    selector: Selector | None = None
    # The model that chooses what a cloze hides; None: the one shipped.
    blanks: BlankModel | None = None


def extract_claims(
    doc: Document,
    source_id: str,
    pipeline: Pipeline,
    options: ExtractOptions = ExtractOptions(),
    taken_ids: set[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[Claim]:
    """The best claims of one document, drafted as cards, in the order they are said.
    ``progress`` is told each stage as (what, done, out of), for a long document."""
    step = progress or (lambda _what, _done, _total: None)
    step("splitting into sentences", 0, 0)
    if doc.kind == "summary":
        sentences = [inert(s) for s in split_sentences(doc, pipeline.splitter, pipeline.nlp)]
        step("scoring sentences", 0, len(sentences))
        budget = card_budget(doc, options.max_per_hour)
        chosen = shortlist(score_document(doc, sentences), options.min_score, budget)
    else:
        # Speech, however long, streams: its sentences are grouped into claim units as
        # they are split (the plain sentences are never all held), and each unit's
        # features live only while the selector learned from curators' labels scores
        # it (learned.py); what stays is each unit's text and a few numbers.
        split = iter_sentences(doc, pipeline.splitter, pipeline.nlp)
        sentences = claim_units(inert(s) for s in _told(split, step, "splitting into sentences"))
        budget, chosen = choose(
            doc,
            sentences,
            options.max_per_hour,
            options.selector,
            progress=lambda done, total: step("scoring sentences", done, total),
        )
    drafter = document_drafter(
        doc, pipeline.nlp, sentences, options.speaker, [s for _, s in chosen], options.blanks
    )
    kept = _Kept(taken_ids)
    batches = _in_batches(chosen, drafter, lambda: budget - len(kept.claims))
    for number, (score, sentence) in enumerate(batches):
        if number % _PARSE_BATCH == 0:
            step("drafting cards", number, len(chosen))
        draft = drafter.draft(sentence, score.reasons)
        if draft is None:
            continue
        card = _card(draft, sentence, source_id, kept.taken)
        kept.add(Claim(source_id, sentence, score, card, frozenset(content_words(sentence.text))))
        if len(kept.claims) >= budget:
            break
    return sorted(kept.claims, key=lambda c: c.sentence.index)


def _told(
    items: Iterable[Sentence], step: Callable[[str, int, int], None], what: str
) -> Iterator[Sentence]:
    """``items``, telling ``step`` how many so far every few thousand."""
    for number, item in enumerate(items):
        if number % 5000 == 0:
            step(what, number, 0)
        yield item


def inert(sentence: Sentence) -> Sentence:
    """``sentence`` with no card syntax in it (``deckgen.ankitext.inert``): "{{c1::x}}"
    or "[sound:x.mp3]" said in a transcript would be a real gap or a player on the card;
    deckgen's own gaps are added after this."""
    text = inert_text(sentence.text)
    return sentence if text == sentence.text else replace(sentence, text=text)


def _in_batches(
    chosen: list[tuple[Score, Sentence]], drafter: DocumentDrafter, wanted: Callable[[], int]
) -> Iterator[tuple[Score, Sentence]]:
    """The shortlist in order, each batch prepared (parsed) just before it is drafted,
    so the model stops when the caller stops asking: when the deck is full. A batch is
    twice the cards still ``wanted`` (about half the claims drafted make a card), at
    least _FEWEST_PARSED, at most _PARSE_BATCH: little is parsed past a full deck."""
    start = 0
    while start < len(chosen):
        size = min(_PARSE_BATCH, max(_FEWEST_PARSED, 2 * wanted()))
        batch = chosen[start : start + size]
        start += size
        drafter.prepare([sentence for _, sentence in batch])
        yield from batch


def _card(draft: Draft, sentence: Sentence, source_id: str, taken: set[str]) -> Card:
    """The card of a drafted claim, under an id not in ``taken`` (and now added to it)."""
    return Card(
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


class _Kept:
    """The claims kept so far, one for each claim however often it is said, and the
    card ids they (and the cards already in the file) take."""

    def __init__(self, taken_ids: set[str] | None) -> None:
        self.taken = set(taken_ids or ())
        self.claims: list[Claim] = []
        # Where each key term is (or was) among the claims: a twin shares a key term, so
        # only those claims are compared, not every claim of a long talk.
        self.having: dict[str, set[int]] = {}

    def add(self, claim: Claim) -> None:
        twin = self._twin(claim)
        if twin is None:
            self._index(claim, len(self.claims))
            self.claims.append(claim)
            return
        # The same claim said twice is one card, at the moment it was first said.
        if claim.sentence.index < self.claims[twin].sentence.index:
            self.taken.discard(self.claims[twin].card.id)
            self.claims[twin] = claim
            self._index(claim, twin)
        else:
            self.taken.discard(claim.card.id)

    def _twin(self, claim: Claim) -> int | None:
        """The first kept claim ``claim`` is a near-duplicate of, if any."""
        near = set().union(*(self.having.get(term, ()) for term in claim.key_terms))
        return next((n for n in sorted(near) if is_near_duplicate(claim, self.claims[n])), None)

    def _index(self, claim: Claim, number: int) -> None:
        for term in claim.key_terms:
            self.having.setdefault(term, set()).add(number)


def is_near_duplicate(a: Claim, b: Claim) -> bool:
    """The same claim said twice: most of the content words of one are in the other, or
    two cards said within a minute hide the same words ("{{c1::20 centimeters}}" twice
    as a speaker goes back over a point)."""
    shared = len(a.key_terms & b.key_terms)
    if near_duplicate_counts(shared, len(a.key_terms), len(b.key_terms)):
        return True
    starts = a.sentence.start, b.sentence.start
    if not shared or None in starts or abs(starts[0] - starts[1]) > _SAME_POINT_SECONDS:
        return False  # (hidden words the two share are key terms of both)
    answer = _answer(a.card)
    return answer is not None and answer == _answer(b.card)


# Two cards this close that hide the same words make one point.
_SAME_POINT_SECONDS = 60.0
_BLANK = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}")


def _answer(card: Card) -> str | None:
    """What a card asks to recall, lowercase: its blanks, or its back."""
    if card.type == "cloze":
        blanks = _BLANK.findall(card.text or "")
        return " | ".join(b.lower() for b in blanks) or None
    return (card.back or "").lower().strip(" .") or None


def near_duplicate_counts(shared: int, size_a: int, size_b: int) -> bool:
    """is_near_duplicate from counts alone: ``shared`` words of ``size_a`` and ``size_b``."""
    if not size_a or not size_b:
        return False
    smaller = min(size_a, size_b)
    union = size_a + size_b - shared
    return shared / union >= 0.6 or (smaller >= 4 and shared / smaller >= 0.85)
