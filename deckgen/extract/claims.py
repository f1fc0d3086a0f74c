"""A document's claims: the sentences selection keeps, drafted as cards, one card per
claim said twice, within the document's card budget."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from deckgen.cards import Card, slugify
from deckgen.document import Document
from deckgen.extract.cleanup import clean_claim
from deckgen.extract.drafting import Draft, SpacyDrafter, draft_with_rules
from deckgen.extract.patterns import content_words
from deckgen.extract.pipeline import Pipeline
from deckgen.extract.selection import (
    DEFAULT_MAX_PER_HOUR,
    DEFAULT_MIN_SCORE,
    SUMMARY_CARDS_PER_100_WORDS,
    Score,
    score_in_context,
    score_summary_sentence,
)
from deckgen.extract.sentences import Sentence, claim_units, split_sentences
from deckgen.words import STOPWORDS as _STOPWORDS
from deckgen.words import common_words

_CONTEXT_SENTENCES = 2
_PARSE_BATCH = 48
_OPENS_WITH_PRONOUN = re.compile(
    r"^(?:\W*\w+\W+){0,4}?(?:it|its|this|that|they|these|those)\b", re.IGNORECASE
)


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
    base = "-".join(picked) or "claim"
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


@dataclass(frozen=True)
class ExtractOptions:
    max_per_hour: float = DEFAULT_MAX_PER_HOUR
    min_score: float = DEFAULT_MIN_SCORE
    speaker: str = "the speaker"


def card_budget(doc: Document, options: ExtractOptions) -> int:
    if doc.duration:
        return max(1, math.ceil(options.max_per_hour * doc.duration / 3600))
    if doc.kind == "transcript":  # untimed speech: about 150 words a minute
        return max(1, math.ceil(options.max_per_hour * doc.word_count / 9000))
    return max(3, math.ceil(doc.word_count / 100 * SUMMARY_CARDS_PER_100_WORDS))


def extract_claims(
    doc: Document,
    source_id: str,
    pipeline: Pipeline,
    options: ExtractOptions = ExtractOptions(),
    taken_ids: set[str] | None = None,
) -> list[Claim]:
    """The best claims of one document, drafted as cards, in the order they are said."""
    sentences = split_sentences(doc, pipeline.splitter)
    if doc.kind != "summary":
        sentences = claim_units(sentences)
    if doc.kind == "summary":
        scored = [(score_summary_sentence(s.text), s) for s in sentences]
    else:
        scored = score_in_context(sentences, doc.title)
    candidates = [(sc, s) for sc, s in scored if sc.value >= options.min_score]
    budget = card_budget(doc, options)
    # Best first; ties go to the earlier sentence, so the result is deterministic.
    candidates.sort(key=lambda pair: (-pair[0].value, pair[1].index))
    # More than the budget: drafting and de-duplication drop some. Batches are parsed
    # only until the deck is full, so spares cost nothing unless they are needed.
    shortlist = candidates[: budget * 2 + 5]

    def context(sentence: Sentence) -> list[str]:
        first = max(0, sentence.index - _CONTEXT_SENTENCES)
        return [sentences[j].text for j in range(first, sentence.index)]

    speaker = options.speaker
    if doc.kind == "summary" and speaker == ExtractOptions.speaker:
        # A summary names the person it is about; questions should too.
        speaker = main_person(doc) or speaker
    drafter: Callable[[Sentence, tuple[str, ...]], Draft | None]
    if pipeline.nlp is not None:
        spacy_drafter = SpacyDrafter(pipeline.nlp, speaker)
        parsed: dict[str, object] = {}
        # Only a claim that opens with a pronoun needs the sentences before it parsed.
        context_of = {
            s.index: context(s) if _OPENS_WITH_PRONOUN.search(clean_claim(s.text)) else []
            for _, s in shortlist
        }

        def parse_batch(batch: list[tuple[Score, Sentence]]) -> None:
            texts = [clean_claim(s.text) for _, s in batch]
            texts += [t for _, s in batch for t in context_of[s.index]]
            parsed.update(spacy_drafter.parse_many([t for t in texts if t not in parsed]))

        def drafter(sentence: Sentence, reasons: tuple[str, ...]) -> Draft | None:
            return spacy_drafter.draft(
                sentence.text,
                [parsed[t] for t in context_of[sentence.index]],
                parsed,
                context(sentence),
                reasons,
            )
    else:

        def parse_batch(batch: list[tuple[Score, Sentence]]) -> None:
            return None

        def drafter(sentence: Sentence, reasons: tuple[str, ...]) -> Draft | None:
            return draft_with_rules(sentence.text, context(sentence), speaker)

    def in_batches():
        # The model runs batch by batch, and stops when the deck is full.
        for start in range(0, len(shortlist), _PARSE_BATCH):
            batch = shortlist[start : start + _PARSE_BATCH]
            parse_batch(batch)
            yield from batch

    person = main_person(doc) if doc.kind == "summary" else None
    taken = set(taken_ids or ())
    claims: list[Claim] = []
    for score, sentence in in_batches():
        draft = drafter(sentence, score.reasons)
        if draft is None:
            continue
        if person:
            draft = _name_the_person(draft, person)
        card = Card(
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
        claim = Claim(source_id, sentence, score, card, frozenset(content_words(sentence.text)))
        twin = next((n for n, kept in enumerate(claims) if is_near_duplicate(claim, kept)), None)
        if twin is not None:
            # The same claim said twice is one card, at the moment it was first said.
            if sentence.index < claims[twin].sentence.index:
                taken.discard(claims[twin].card.id)
                claims[twin] = claim
            else:
                taken.discard(card.id)
            continue
        claims.append(claim)
        if len(claims) >= budget:
            break
    claims.sort(key=lambda c: c.sentence.index)
    return claims


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


def is_near_duplicate(a: Claim, b: Claim) -> bool:
    """The same claim said twice: most of the content words of one are in the other."""
    return near_duplicate_counts(len(a.key_terms & b.key_terms), len(a.key_terms), len(b.key_terms))


def near_duplicate_counts(shared: int, size_a: int, size_b: int) -> bool:
    """is_near_duplicate from counts alone: ``shared`` words of ``size_a`` and ``size_b``."""
    if not size_a or not size_b:
        return False
    smaller = min(size_a, size_b)
    union = size_a + size_b - shared
    return shared / union >= 0.6 or (smaller >= 4 and shared / smaller >= 0.85)
