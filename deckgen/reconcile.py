"""Which extracted claims are new cards, and where a summary's claims are said.

Extraction proposes claims source by source; this decides what becomes a card:

- a summary claim gets the moment the talk says it (``summary_moments``): the
  transcript passage (its time and verbatim quote), else its chapter, else none;
  and when a transcript card already holds that passage, that card gains the
  summary as a source instead of a second card being made (``apply_alignments``);
- a claim already in cards.yaml (same id, or nearly the same words) is not proposed
  again, nor one the person deleted after an earlier extract (the state file);
- the same claim found in two sources of one run is one card naming both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from deckgen.align import (
    Alignment,
    TimedSentence,
    TranscriptIndex,
    align_to_chapter,
    everyday_stems,
    tokens,
)
from deckgen.cards import Card, CardsFile
from deckgen.document import Document
from deckgen.extract import Claim, content_words, near_duplicate_counts, split_sentences

# A transcript card "holds" a summary claim's passage when it is said this close to
# it, in seconds (before, after), and their quotes share a rare word.
_PASSAGE_BEFORE, _PASSAGE_AFTER = 20, 40


# ----------------------------------------------------------------------- moments


def talk_alignments(summary: Document, transcript: Document | None, splitter) -> list[Alignment]:
    """For each sentence of ``summary``, the transcript passage that says it, if any."""
    sentences = split_sentences(summary, splitter)
    index = None
    if transcript is not None and transcript.segments:
        talk = split_sentences(transcript, splitter)
        index = TranscriptIndex([TimedSentence(s.start, s.text) for s in talk])
    if index is None:
        return [Alignment("none")] * len(sentences)
    return index.align_summary([(s.text, s.paragraph) for s in sentences])


def with_chapter(
    aligned: Alignment, text: str, summary: Document, talk: Document | None = None
) -> Alignment:
    """``aligned``, or the chapter of ``text`` when the talk gave no time: the summary's
    own chapters, else the talk's (a video's chapters, from yt-dlp's info.json)."""
    chapters = summary.chapters or (talk.chapters if talk is not None else ())
    if aligned.time is None and chapters:
        return align_to_chapter(text, chapters, summary.text)
    return aligned


def summary_moments(
    claims: Sequence[Claim], summary: Document, transcript: Document | None, splitter
) -> list[Alignment]:
    """Where each claim of ``summary`` is said: a transcript passage, a chapter, or nothing."""
    in_talk = talk_alignments(summary, transcript, splitter)
    return [
        with_chapter(in_talk[claim.sentence.index], claim.sentence.text, summary, transcript)
        for claim in claims
    ]


def apply_alignments(
    claims: Sequence[Claim],
    alignments: Sequence[Alignment],
    transcript_id: str | None,
    earlier: list[Claim],
    in_file: Sequence[Card],
) -> list[Claim]:
    """Give each summary claim the moment the talk says it.

    In order of preference: the transcript passage that says the same thing (its
    time and verbatim quote, and the card names both sources); or, when a transcript
    card of this run already holds that passage, that card (in ``earlier``) gains
    this source instead; the start of the summary's chapter the claim belongs to;
    else no time, and the card keeps the paragraph it comes from. A claim whose
    passage is already a card in cards.yaml is left out: that card is the person's,
    and stays as they wrote it.
    """
    kept = []
    for claim, found in zip(claims, alignments, strict=True):
        card = claim.card
        if found.kind == "transcript":
            when = float(math.floor(found.time))
            if any(_holds_passage(c, card, transcript_id, when) for c in in_file):
                continue
            twin = next(
                (
                    n
                    for n, e in enumerate(earlier)
                    if _holds_passage(e.card, card, transcript_id, when)
                ),
                None,
            )
            if twin is not None:
                earlier[twin] = _with_sources(earlier[twin], card.sources)
                continue
            card = replace(
                card,
                sources=(transcript_id, *card.sources),
                time=when,
                quote=found.quote,
                paragraph=None,
            )
        elif found.kind == "chapter":
            card = replace(card, time=float(found.time), paragraph=None)
        kept.append(replace(claim, card=card))
    return kept


def _holds_passage(other: Card, card: Card, transcript_id: str | None, when: float) -> bool:
    return (
        other.source == transcript_id
        and other.time is not None
        and -_PASSAGE_BEFORE <= other.time - when <= _PASSAGE_AFTER
        and _shares_rare_words(other, card)
    )


def _shares_rare_words(a: Card, b: Card) -> bool:
    """Do two cards' quotes share a word that is not everyday speech ("vibe" in
    "vibe-check")? Quotes only: the rest of a card is deckgen's wording, and names the
    speaker on every card."""

    def words(card: Card) -> set[str]:
        return {t for t in tokens(card.quote or "") if t not in everyday_stems()}

    return bool(words(a) & words(b))


def _with_sources(claim: Claim, sources: Sequence[str]) -> Claim:
    """``claim`` also naming ``sources`` (after its own, without repeats)."""
    extra = [s for s in sources if s not in claim.card.sources]
    return replace(claim, card=replace(claim.card, sources=(*claim.card.sources, *extra)))


# ----------------------------------------------------------------------- new or known


@dataclass(frozen=True)
class Outcome:
    """What became of one source's claims."""

    kept: tuple[Claim, ...]  # its new cards
    already: int  # in the file already
    dismissed: int  # proposed by an earlier extract, then deleted by the person
    merged: int = 0  # found earlier in this run: a card of another source names this one too


@dataclass
class Reconciler:
    """Sorts each source's claims into new cards and known ones, source by source.

    ``claims`` gathers every new claim of the run, in order; a later source's twin of
    one of them is merged into it (the earlier card gains the later source)."""

    cards_file: CardsFile | None
    proposed: set[str]
    claims: list[Claim] = field(default_factory=list)

    def __post_init__(self) -> None:
        cards = self.cards_file.cards if self.cards_file is not None else ()
        self.in_file: tuple[Card, ...] = tuple(cards)
        self.existing_ids = {c.id for c in cards}
        self.known_terms = [frozenset(content_words(_card_words(c))) for c in cards]
        self.ids_this_run: set[str] = set()

    def add(
        self,
        claims: Sequence[Claim],
        alignments: Sequence[Alignment] | None = None,
        transcript_id: str | None = None,
    ) -> Outcome:
        """Sort one source's claims (a summary's with their ``alignments``)."""
        if alignments is not None:
            claims = apply_alignments(claims, alignments, transcript_id, self.claims, self.in_file)
        fresh, already, dismissed, merged = [], 0, 0, 0
        for claim in claims:
            if self._in_file(claim):
                already += 1
            elif claim.card.id in self.proposed:
                dismissed += 1  # proposed before, then deleted or renamed by the person
            elif claim.card.id in self.ids_this_run:
                merged += 1
            else:
                fresh.append(claim)
        kept = merge_across_sources(fresh, self.claims)
        self.claims.extend(kept)
        self.ids_this_run.update(c.card.id for c in kept)
        return Outcome(tuple(kept), already, dismissed, merged + len(fresh) - len(kept))

    def _in_file(self, claim: Claim) -> bool:
        if claim.card.id in self.existing_ids:
            return True
        size = len(claim.key_terms)
        return any(
            near_duplicate_counts(len(claim.key_terms & terms), size, len(terms))
            for terms in self.known_terms
        )


def _card_words(card: Card) -> str:
    return " ".join(x for x in (card.front, card.back, card.text, card.quote) if x)


def merge_across_sources(fresh: Sequence[Claim], earlier: list[Claim]) -> list[Claim]:
    """A claim already extracted from another source this run is one card: the earlier
    card keeps its text and gains this source too. Candidates are found through the
    words they share (an index), not by comparing every pair."""
    postings: dict[str, list[int]] = {}
    for position, claim in enumerate(earlier):
        for term in claim.key_terms:
            postings.setdefault(term, []).append(position)
    kept = []
    for claim in fresh:
        shared: dict[int, int] = {}
        for term in claim.key_terms:
            for position in postings.get(term, ()):
                shared[position] = shared.get(position, 0) + 1
        twin = next(
            (
                position
                for position, count in sorted(shared.items())
                if near_duplicate_counts(
                    count, len(claim.key_terms), len(earlier[position].key_terms)
                )
            ),
            None,
        )
        if twin is None:
            kept.append(claim)
        else:
            earlier[twin] = _with_sources(earlier[twin], claim.card.sources)
    return kept
