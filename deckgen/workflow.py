"""``deckgen extract``: sources in, new cards appended to cards.yaml.

The steps: read cards.yaml (refusing one that has problems), register each source,
extract its claims, keep only claims that are new (not in the file, not proposed
before, not a near-duplicate of a card already there), append them, remember what was
proposed. cards.yaml is written once, atomically, after everything has succeeded.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from deckgen.cache import Cache, file_digest, key_for, model_identity
from deckgen.cards import Card, CardsFile, Source, parse_cards, slugify
from deckgen.document import Document
from deckgen.errors import CardsFileError, DeckgenError, Problem
from deckgen.merge import (
    Addition,
    add_to_cards_text,
    deck_id_for,
    new_cards_file_text,
    write_cards_text,
)
from deckgen.sources import load_document
from deckgen.state import load_state, save_state, state_path_for


@dataclass(frozen=True)
class SourceReport:
    source_id: str
    path: Path
    new_source: bool
    added: int
    already_there: int
    dismissed: int


@dataclass(frozen=True)
class ExtractReport:
    cards_path: Path
    created: bool
    sources: tuple[SourceReport, ...]
    model: str
    warning: str | None

    @property
    def added(self) -> int:
        return sum(s.added for s in self.sources)


def _relative(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
    except ValueError:
        return str(path.resolve())


def _register(
    cards_file: CardsFile | None,
    path: Path,
    title: str,
    kind: str,
    taken: set[str],
    summary_of: str | None,
) -> tuple[Source, bool]:
    """The source entry for ``path``: the declared one if the file is already there,
    else a new one whose id is the slug of the file name, made unique."""
    if cards_file is not None:
        for source in cards_file.sources:
            declared = cards_file.source_path(source)
            if declared is not None and declared == path.resolve():
                return source, False
    base = slugify(path.stem) or "source"
    source_id, number = base, 2
    while source_id in taken:
        source_id = f"{base}-{number}"
        number += 1
    taken.add(source_id)
    return (
        Source(
            id=source_id,
            title=title,
            kind=kind,
            file=None,  # filled by the caller, relative to cards.yaml
            summary_of=summary_of if kind == "summary" else None,
        ),
        True,
    )


def _existing_terms(cards_file: CardsFile | None) -> list[frozenset[str]]:
    from deckgen.extract import content_words

    if cards_file is None:
        return []
    out = []
    for card in cards_file.cards:
        text = " ".join(x for x in (card.front, card.back, card.text, card.quote) if x)
        out.append(frozenset(content_words(text)))
    return out


def extract_to_cards(
    cards_path: Path,
    source_paths: Sequence[Path],
    *,
    model: str | None = None,
    max_per_hour: float | None = None,
    min_score: float | None = None,
    speaker: str | None = None,
    summary_of: str | None = None,
    jobs: int = 1,
    use_cache: bool = True,
    progress: Callable[[Path], None] | None = None,
) -> ExtractReport:
    """Extract claims from ``source_paths`` and append the new ones to ``cards_path``.

    Results are cached per source (see deckgen.cache), so unchanged sources cost
    almost nothing the second time; ``jobs`` > 1 extracts the others in that many
    processes. ``progress`` is called with each source's path as it is done.
    """
    from deckgen import extract as ex

    cards_path = Path(cards_path)
    created = not cards_path.exists()
    if created:
        if not cards_path.parent.is_dir():
            raise DeckgenError.at("the folder does not exist", cards_path.parent)
        text = ""  # written once the first source's title is known
        cards_file = None
    else:
        try:
            text = cards_path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CardsFileError.at(
                "not UTF-8 text; nothing was changed", cards_path, hint="save it as UTF-8"
            ) from None
        try:
            cards_file = parse_cards(text, cards_path)
        except CardsFileError as error:
            raise CardsFileError(
                *error.problems,
                Problem(
                    "cards.yaml has problems, so extract changed nothing",
                    str(cards_path),
                    hint="fix the lines above (deckgen check lists them), then run extract again",
                ),
            ) from None
    planned = {slugify(Path(p).stem) for p in source_paths}
    if (
        summary_of is not None
        and summary_of not in planned
        and (cards_file is None or summary_of not in cards_file.source_by_id)
    ):
        raise DeckgenError.at(
            f"--summary-of names '{summary_of}', which is not a source in this file",
            cards_path,
            hint="extract the transcript first, or give the id of a declared transcript",
        )

    state_path = state_path_for(cards_path)
    state = load_state(state_path)
    existing_ids = {c.id for c in cards_file.cards} if cards_file else set()
    source_ids = {s.id for s in cards_file.sources} if cards_file else set()
    known_terms = _existing_terms(cards_file)

    options = ex.ExtractOptions(
        max_per_hour=max_per_hour if max_per_hour is not None else ex.DEFAULT_MAX_PER_HOUR,
        min_score=min_score if min_score is not None else ex.DEFAULT_MIN_SCORE,
        speaker=speaker or "the speaker",
    )
    cache = Cache(enabled=use_cache)
    model_id = model_identity(model)

    new_sources: list[Source] = []
    per_source: list[tuple[Source, Path, bool, list, list, int, int]] = []
    all_claims: list[ex.Claim] = []
    documents = _Documents(cache)
    listed = [documents.describe(Path(p)) for p in source_paths]
    # Transcripts first, so that a summary's claims can find their moment in them.
    listed.sort(key=lambda item: item.kind != "transcript")
    registered = []
    for item in listed:
        source, is_new = _register(
            cards_file, item.path, item.title, item.kind, source_ids, summary_of
        )
        if is_new:
            source = replace(source, file=_relative(item.path, cards_path.parent))
            new_sources.append(source)
        registered.append((source, item, is_new))

    claims_by_source = _extract_all(
        [(source.id, item.path, item.digest) for source, item, _ in registered],
        model=model,
        model_id=model_id,
        options=options,
        cache=cache,
        jobs=jobs,
        progress=progress,
    )
    files_by_source: dict[str, _SourceFile] = {}
    ids_this_run: set[str] = set()
    for source, item, is_new in registered:
        path = item.path
        files_by_source[source.id] = item
        claims = claims_by_source[source.id]
        if item.kind == "summary":
            transcript = _transcript_of(source, cards_file, files_by_source, documents)
            alignments = _alignments(claims, item, transcript, documents, cache)
            in_file = list(cards_file.cards) if cards_file else []
            transcript_id = transcript.source_id if transcript is not None else None
            claims = _apply_alignments(claims, alignments, transcript_id, all_claims, in_file)
        fresh, already, dismissed = [], 0, 0
        for claim in claims:
            if claim.card.id in existing_ids or any(
                ex.near_duplicate_counts(
                    len(claim.key_terms & terms), len(claim.key_terms), len(terms)
                )
                for terms in known_terms
            ):
                already += 1
            elif claim.card.id in state.proposed:
                dismissed += 1  # proposed before, then deleted or renamed by the person
            elif claim.card.id in ids_this_run:
                already += 1
            else:
                fresh.append(claim)
        kept = _merge_across_sources(fresh, all_claims)
        all_claims.extend(kept)
        ids_this_run.update(c.card.id for c in kept)
        per_source.append((source, path, is_new, fresh, kept, already, dismissed))

    if created:
        # A new deck is named after its first source; the person may rename it freely.
        first = per_source[0][0] if per_source else None
        name = first.title if first is not None else "deckgen deck"
        name = name if len(name) <= 60 else name[:59].rstrip() + "…"
        text = new_cards_file_text(cards_path, name, deck_id_for(first.id if first else "deck"))
    # Group by the source each claim was first found in; merged twins carry both sources.
    additions = [
        Addition(source.id, tuple(c.card for c in all_claims if c.source_id == source.id))
        for source, *_ in per_source
    ]
    new_text = add_to_cards_text(text, cards_path, new_sources, additions)
    if new_text != text or created:
        write_cards_text(cards_path, new_text)
    state.remember_proposed(existing_ids | {c.card.id for c in all_claims})
    save_state(state_path, state)
    return ExtractReport(
        cards_path=cards_path,
        created=created,
        sources=tuple(
            SourceReport(
                source.id,
                path,
                is_new,
                sum(1 for c in all_claims if c.source_id == source.id),
                already + (len(claims) - len(fresh)),
                dismissed,
            )
            for source, path, is_new, claims, fresh, already, dismissed in per_source
        ),
        model=model_id,
        warning=ex.rules_only_warning(model) if model_id.startswith("rules:") else None,
    )


@dataclass(frozen=True)
class _SourceFile:
    """A source file as far as registering it needs: no parsing when the cache knows it."""

    path: Path
    digest: str
    title: str
    kind: str
    source_id: str = ""


class _Documents:
    """Reads source files at most once, and only when their Document is needed."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.loaded: dict[Path, Document] = {}

    def describe(self, path: Path) -> _SourceFile:
        try:
            digest = file_digest(path)
        except OSError:
            load_document(path)  # raises the located SourceError
            raise
        key = key_for("document", {"file": digest, "name": path.name})
        known = self.cache.get(key)
        if known is None:
            doc = self.load(path)
            known = (doc.title, doc.kind)
            self.cache.put(key, known)
        return _SourceFile(path, digest, known[0], known[1])

    def load(self, path: Path) -> Document:
        if path not in self.loaded:
            self.loaded[path] = load_document(path)
        return self.loaded[path]


def _transcript_of(
    source: Source,
    cards_file: CardsFile | None,
    files_by_source: dict[str, _SourceFile],
    documents: _Documents,
) -> _SourceFile | None:
    """The transcript a summary source summarises, if it declares one."""
    if not source.summary_of:
        return None
    if source.summary_of in files_by_source:
        return replace(files_by_source[source.summary_of], source_id=source.summary_of)
    if cards_file is None or source.summary_of not in cards_file.source_by_id:
        return None
    path = cards_file.source_path(cards_file.source_by_id[source.summary_of])
    if path is None or not path.is_file():
        raise DeckgenError.at(
            f"'{source.id}' is a summary of '{source.summary_of}', whose file is not at hand",
            cards_file.path,
            source.line,
            hint="restore the transcript's file, or remove summary_of",
        )
    return replace(documents.describe(path), source_id=source.summary_of)


def _extract_one(job: tuple[str, Path, str | None, object]) -> list:
    """Extract one source (in this process or a worker): parse it, run the pipeline."""
    from deckgen import extract as ex

    source_id, path, model, options = job
    return ex.extract_claims(load_document(path), source_id, ex.load_pipeline(model), options)


def _extract_all(
    sources: list[tuple[str, Path, str]],
    *,
    model: str | None,
    model_id: str,
    options,
    cache: Cache,
    jobs: int,
    progress: Callable[[Path], None] | None,
) -> dict[str, list]:
    """Claims per source id: from the cache where it has them, else extracted, in
    ``jobs`` processes when there are several sources to do."""
    results: dict[str, list] = {}
    keys: dict[str, str] = {}
    todo = []
    for source_id, path, digest in sources:
        keys[source_id] = key_for(
            "claims",
            {"file": digest, "source": source_id, "model": model_id, "options": repr(options)},
        )
        cached = cache.get(keys[source_id])
        if cached is not None:
            results[source_id] = cached
            if progress is not None:
                progress(path)
        else:
            todo.append((source_id, path, model, options))
    if jobs > 1 and len(todo) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            for job, claims in zip(todo, pool.map(_extract_one, todo), strict=True):
                results[job[0]] = claims
                cache.put(keys[job[0]], claims)
                if progress is not None:
                    progress(job[1])
    else:
        for job in todo:
            results[job[0]] = _extract_one(job)
            cache.put(keys[job[0]], results[job[0]])
            if progress is not None:
                progress(job[1])
    return results


def _alignments(
    claims: list,
    summary: _SourceFile,
    transcript: _SourceFile | None,
    documents: _Documents,
    cache: Cache,
) -> list:
    """Where each summary claim is said: a transcript passage, a chapter, or nothing."""
    from deckgen.align import Alignment, TimedSentence, TranscriptIndex, align_to_chapter

    key = key_for(
        "alignments",
        {
            "summary": summary.digest,
            "transcript": transcript.digest if transcript is not None else None,
            "claims": [c.sentence.index for c in claims],
        },
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    from deckgen.extract import sentence_splitter, split_sentences

    splitter = sentence_splitter()
    summary_doc = documents.load(summary.path)
    index = None
    if transcript is not None:
        transcript_doc = documents.load(transcript.path)
        if transcript_doc.segments:
            sentences = split_sentences(transcript_doc, splitter)
            index = TranscriptIndex([TimedSentence(s.start, s.text) for s in sentences])
    summary_sentences = split_sentences(summary_doc, splitter)
    in_talk = (
        index.align_summary([(s.text, s.paragraph) for s in summary_sentences])
        if index is not None
        else [Alignment("none")] * len(summary_sentences)
    )
    found = []
    for claim in claims:
        aligned = in_talk[claim.sentence.index]
        if aligned.time is None and summary_doc.chapters:
            aligned = align_to_chapter(claim.sentence.text, summary_doc.chapters, summary_doc.text)
        found.append(aligned)
    cache.put(key, found)
    return found


def _apply_alignments(
    claims: list,
    alignments: list,
    transcript_id: str | None,
    earlier: list,
    in_file: list[Card],
) -> list:
    """Give each summary claim the moment the talk says it.

    In order of preference: the transcript passage that says the same thing (its
    time and verbatim quote, and the card names both sources); or, when a transcript
    card of this run already holds that passage, that card gains this source instead;
    the start of the summary's chapter the claim belongs to; else no time, and the
    card keeps the paragraph it comes from. A claim whose passage is already a card in
    cards.yaml is left out: that card is the person's, and stays as they wrote it.
    """
    kept = []
    for claim, found in zip(claims, alignments, strict=True):
        card = claim.card
        if found.kind == "transcript":
            when = float(math.floor(found.time))

            def holds_passage(other: Card, when: float = when, card: Card = card) -> bool:
                return (
                    other.source == transcript_id
                    and other.time is not None
                    and -20 <= other.time - when <= 40
                    and _shares_rare_words(other, card)
                )

            if any(holds_passage(c) for c in in_file):
                continue
            twin = next((e for e in earlier if holds_passage(e.card)), None)
            if twin is not None:
                position = earlier.index(twin)
                extra = [s for s in card.sources if s not in twin.card.sources]
                earlier[position] = replace(
                    twin, card=replace(twin.card, sources=(*twin.card.sources, *extra))
                )
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


def _shares_rare_words(a: Card, b: Card) -> bool:
    """Do two cards' quotes share a word that is not everyday speech ("vibe" in
    "vibe-check")? Quotes only: the rest of a card is deckgen's wording, and names the
    speaker on every card."""
    from deckgen.align import everyday_stems, tokens

    def words(card: Card) -> set[str]:
        return {t for t in tokens(card.quote or "") if t not in everyday_stems()}

    return bool(words(a) & words(b))


def _merge_across_sources(fresh: list, earlier: list) -> list:
    """A claim already extracted from another source this run is one card: the earlier
    card keeps its text and gains this source too. Candidates are found through the
    words they share (an index), not by comparing every pair."""
    from deckgen.extract import near_duplicate_counts

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
        twin_position = next(
            (
                position
                for position, count in sorted(shared.items())
                if near_duplicate_counts(
                    count, len(claim.key_terms), len(earlier[position].key_terms)
                )
            ),
            None,
        )
        if twin_position is None:
            kept.append(claim)
            continue
        twin = earlier[twin_position]
        sources = (
            *twin.card.sources,
            *[s for s in claim.card.sources if s not in twin.card.sources],
        )
        earlier[twin_position] = replace(twin, card=replace(twin.card, sources=sources))
    return kept
