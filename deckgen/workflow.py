"""``deckgen extract``: sources in, new cards appended to cards.yaml.

The steps, in order: read cards.yaml (refusing one that has problems), register each
source, extract its claims (``deckgen.extract``, cached per source), sort out which
are new (``deckgen.reconcile``), append them (``deckgen.cards.writer``), remember
what was proposed (``deckgen.state``). cards.yaml is written once, atomically, after
everything has succeeded.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from deckgen.cache import Cache, file_digest, key_for
from deckgen.cards import (
    URL_PATTERN,
    Addition,
    CardsFile,
    Source,
    add_to_cards_text,
    copy_schema_beside,
    deck_id_for,
    new_cards_file_text,
    parse_cards,
    read_cards_text,
    slugify,
    unique_id,
    write_cards_text,
)
from deckgen.document import Document
from deckgen.errors import CardsFileError, DeckgenError, Problem
from deckgen.extract import (
    DEFAULT_MAX_PER_HOUR,
    DEFAULT_MIN_SCORE,
    Claim,
    ExtractOptions,
    extract_claims,
    load_pipeline,
    model_identity,
    rules_only_warning,
    sentence_splitter,
)
from deckgen.fsutil import locked
from deckgen.reconcile import Outcome, Reconciler, summary_moments
from deckgen.sources import load_document
from deckgen.state import State, load_state, save_state, state_path_for


@dataclass(frozen=True)
class SourceReport:
    source_id: str
    path: Path
    new_source: bool
    added: int
    already_there: int
    dismissed: int
    merged: int = 0
    warnings: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class _SourceFile:
    """A source file as far as registering it needs: no parsing when the cache knows it."""

    path: Path
    digest: str
    title: str
    kind: str
    source_id: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Planned:
    """One source of this run: its entry in cards.yaml and its file."""

    source: Source
    file: _SourceFile
    is_new: bool


@dataclass(frozen=True)
class _Done:
    """One source of this run, and what became of its claims."""

    planned: _Planned
    outcome: Outcome


def extract_to_cards(
    cards_path: Path,
    source_paths: Sequence[Path],
    *,
    model: str | None = None,
    max_per_hour: float | None = None,
    min_score: float | None = None,
    speaker: str | None = None,
    summary_of: str | None = None,
    media: Path | None = None,
    jobs: int = 1,
    use_cache: bool = True,
    progress: Callable[[Path], None] | None = None,
    title: str | None = None,
    url: str | None = None,
    step: Callable[[Path, str, int, int], None] | None = None,
) -> ExtractReport:
    """Extract claims from ``source_paths`` and append the new ones to ``cards_path``.

    Results are cached per source (see deckgen.cache), so unchanged sources cost
    almost nothing the second time; ``jobs`` > 1 extracts the others in that many
    processes. ``progress`` is called with each source's path as it is done.
    ``media`` is the recording of the one new source (its ``media:``).
    ``title`` and ``url`` name the one new source (default title: from its file name).
    ``step`` is told the stages of a source extracted in this process (path, what,
    done, out of), so that a long one can show progress.
    """
    cards_path = Path(cards_path)
    _check_title_and_url(title, url, source_paths)
    cache = _RunCache(enabled=use_cache)
    run = _Run(
        cards_path,
        tuple(Path(p) for p in source_paths),
        model=model,
        model_id=model_identity(model),
        options=extract_options(max_per_hour, min_score, speaker),
        summary_of=summary_of,
        media=media,
        title=title.strip() if title else None,
        url=url.strip() if url else None,
        jobs=jobs,
        cache=cache,
        documents=_Documents(cache),
        step=step,
    )
    # The slow part (reading and extracting the sources) runs without the lock; then,
    # holding it, cards.yaml and the state file are read again, since another run may
    # have written them meanwhile, and everything after the extraction is done again
    # (from memory) on what is there now.
    _propose(run, progress)
    with locked(cards_path, what="the cards file", error=CardsFileError):
        proposal = _propose(run, None)
        if proposal.new_text != proposal.text or proposal.created:
            write_cards_text(cards_path, proposal.new_text)
            copy_schema_beside(cards_path, proposal.new_text)
        proposal.state.remember_proposed(proposal.proposed_ids)
        save_state(state_path_for(cards_path), proposal.state)
    return ExtractReport(
        cards_path=cards_path,
        created=proposal.created,
        sources=tuple(_report(d, proposal.new_claims) for d in proposal.done),
        model=run.model_id,
        warning=rules_only_warning(model) if run.model_id.startswith("rules:") else None,
    )


class _RunCache(Cache):
    """The cache, kept in memory too: the pass under the lock reuses the first pass's
    work, even when the cache on disk is off (--no-cache)."""

    def __init__(self, enabled: bool = True) -> None:
        super().__init__(enabled)
        self.memory: dict[str, object] = {}

    def get(self, key: str):
        if key not in self.memory:
            self.memory[key] = super().get(key)
        return self.memory[key]

    def put(self, key: str, value: object) -> None:
        self.memory[key] = value
        super().put(key, value)


@dataclass(frozen=True)
class _Run:
    """What one extract run was asked to do."""

    cards_path: Path
    source_paths: tuple[Path, ...]
    model: str | None
    model_id: str
    options: ExtractOptions
    summary_of: str | None
    media: Path | None
    title: str | None
    url: str | None
    jobs: int
    cache: _RunCache
    documents: _Documents
    step: Callable[[Path, str, int, int], None] | None = None


@dataclass(frozen=True)
class _Proposal:
    """cards.yaml as read, and as it would be with this run's new cards."""

    text: str | None
    new_text: str
    created: bool
    state: State
    done: list[_Done]
    new_claims: list[Claim]
    proposed_ids: frozenset[str]


def _propose(run: _Run, progress: Callable[[Path], None] | None) -> _Proposal:
    """Read cards.yaml and its state file as they are now, and work out what to add."""
    cards_path = run.cards_path
    text, cards_file = _open_cards(cards_path)
    created = text is None
    _check_summary_of(run.summary_of, run.source_paths, cards_file, cards_path)
    _check_media(run.media, run.source_paths, cards_file, cards_path)
    state = load_state(state_path_for(cards_path))
    documents = run.documents
    planned = _plan(cards_path, cards_file, run.source_paths, run.summary_of, documents, run.media)
    planned = _named(planned, run.title, run.url, cards_path)
    claims_by_source = _extract_all(
        [(p.source.id, p.file.path, p.file.digest) for p in planned],
        model=run.model,
        model_id=run.model_id,
        options=run.options,
        cache=run.cache,
        jobs=run.jobs,
        progress=progress,
        step=run.step,
    )
    reconciler = Reconciler(cards_file, state.proposed)
    done = _reconcile(planned, claims_by_source, reconciler, cards_file, documents, run.cache)
    new_claims = reconciler.claims
    start = text if text is not None else _new_file_text(cards_path, done)
    # Group by the source each claim was first found in; merged twins carry both sources.
    additions = [
        Addition(d.planned.source.id, tuple(_cards_of(new_claims, d.planned.source.id)))
        for d in done
    ]
    new_sources = [p.source for p in planned if p.is_new]
    new_text = add_to_cards_text(start, cards_path, new_sources, additions)
    return _Proposal(
        text=text,
        new_text=new_text,
        created=created,
        state=state,
        done=done,
        new_claims=new_claims,
        proposed_ids=frozenset(reconciler.existing_ids | {c.card.id for c in new_claims}),
    )


def extract_options(
    max_per_hour: float | None, min_score: float | None, speaker: str | None
) -> ExtractOptions:
    """The extractor's options, defaults for what is not given."""
    return ExtractOptions(
        max_per_hour=max_per_hour if max_per_hour is not None else DEFAULT_MAX_PER_HOUR,
        min_score=min_score if min_score is not None else DEFAULT_MIN_SCORE,
        speaker=speaker or "the speaker",
    )


def _open_cards(cards_path: Path) -> tuple[str | None, CardsFile | None]:
    """The text of cards.yaml and what it holds; (None, None) when there is none yet.
    A file with problems is refused: extract never writes to one."""
    if not cards_path.exists():
        if not cards_path.parent.is_dir():
            raise DeckgenError.at("the folder does not exist", cards_path.parent)
        return None, None  # written once the first source's title is known
    try:
        text = read_cards_text(cards_path)
        return text, parse_cards(text, cards_path)
    except CardsFileError as error:
        raise CardsFileError(
            *error.problems,
            Problem(
                "cards.yaml has problems, so extract changed nothing",
                str(cards_path),
                hint="fix the lines above (deckgen check lists them), then run extract again",
            ),
        ) from None


def _check_summary_of(
    summary_of: str | None,
    source_paths: Sequence[Path],
    cards_file: CardsFile | None,
    cards_path: Path,
) -> None:
    if summary_of is None:
        return
    planned = {slugify(Path(p).stem) for p in source_paths}
    if summary_of in planned or (cards_file is not None and summary_of in cards_file.source_by_id):
        return
    raise DeckgenError.at(
        f"--summary-of names '{summary_of}', which is not a source in this file",
        cards_path,
        hint="extract the transcript first, or give the id of a declared transcript",
    )


def _check_media(
    media: Path | None,
    source_paths: Sequence[Path],
    cards_file: CardsFile | None,
    cards_path: Path,
) -> None:
    """--media names the recording of one source that cards.yaml does not declare yet."""
    if media is None:
        return
    if len(source_paths) != 1:
        raise DeckgenError.at(
            f"--media names the recording of one source, and {len(source_paths)} were given",
            media,
            hint="extract that source alone with --media, or write 'media:' under each source",
        )
    if not Path(media).is_file():
        raise DeckgenError.at(
            "the recording is not there", media, hint="give the path of an audio or video file"
        )
    declared = _declared(cards_file, Path(source_paths[0]))
    if declared is not None and (
        cards_file is None or cards_file.media_path(declared) != Path(media).resolve()
    ):
        raise DeckgenError.at(
            f"source '{declared.id}' is already in cards.yaml, so --media cannot set its recording",
            cards_path,
            declared.line,
            hint=f"write 'media: {_relative(Path(media), cards_path.parent)}' under it by hand",
        )


def _plan(
    cards_path: Path,
    cards_file: CardsFile | None,
    source_paths: Sequence[Path],
    summary_of: str | None,
    documents: _Documents,
    media: Path | None = None,
) -> list[_Planned]:
    """Each source's entry: declared already, or new (with its file relative to
    cards.yaml). Transcripts first, so that a summary's claims can find their moment."""
    taken = {s.id for s in cards_file.sources} if cards_file else set()
    listed = [documents.describe(Path(p)) for p in source_paths]
    listed.sort(key=lambda item: item.kind != "transcript")
    planned = []
    for item in listed:
        declared = _declared(cards_file, item.path)
        if declared is not None:
            planned.append(_Planned(declared, item, is_new=False))
            continue
        source = Source(
            id=unique_id(slugify(item.path.stem) or "source", taken),
            title=item.title,
            kind=item.kind,
            file=_relative(item.path, cards_path.parent),
            summary_of=summary_of if item.kind == "summary" else None,
            media=_relative(Path(media), cards_path.parent) if media is not None else None,
        )
        planned.append(_Planned(source, item, is_new=True))
    return planned


def _check_title_and_url(title: str | None, url: str | None, source_paths: Sequence) -> None:
    if title is None and url is None:
        return
    if len(source_paths) != 1:
        raise DeckgenError("--title and --url name one source: extract its file on its own")
    if url is not None and not URL_PATTERN.match(url.strip()):
        raise DeckgenError(
            f"--url '{url}' is not a web address (give an http:// or https:// address)"
        )
    if title is not None and not title.strip():
        raise DeckgenError("--title is empty (give the talk's name)")


def _named(
    planned: list[_Planned], title: str | None, url: str | None, cards_path: Path
) -> list[_Planned]:
    """The one new source with the title and url given on the command line."""
    if title is None and url is None:
        return planned
    (plan,) = planned
    if not plan.is_new:
        raise DeckgenError.at(
            f"'{plan.source.id}' is already a source here, so --title and --url change nothing",
            cards_path,
            plan.source.line,
            hint="edit its title and url in the file instead",
        )
    source = replace(plan.source, title=title or plan.source.title, url=url or plan.source.url)
    return [replace(plan, source=source)]


def _declared(cards_file: CardsFile | None, path: Path) -> Source | None:
    """The source cards.yaml already declares for the file at ``path``, if any."""
    if cards_file is None:
        return None
    for source in cards_file.sources:
        declared = cards_file.source_path(source)
        if declared is not None and declared == path.resolve():
            return source
    return None


def _relative(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()
    except ValueError:
        return str(path.resolve())


def _reconcile(
    planned: list[_Planned],
    claims_by_source: dict[str, list[Claim]],
    reconciler: Reconciler,
    cards_file: CardsFile | None,
    documents: _Documents,
    cache: Cache,
) -> list[_Done]:
    """Sort each source's claims into new and known, in order; a summary's claims
    first get their moment in the transcript they summarise."""
    files_by_source: dict[str, _SourceFile] = {}
    done = []
    for plan in planned:
        files_by_source[plan.source.id] = plan.file
        claims = claims_by_source[plan.source.id]
        if plan.file.kind == "summary":
            transcript = _transcript_of(plan.source, cards_file, files_by_source, documents)
            alignments = _alignments(claims, plan.file, transcript, documents, cache)
            transcript_id = transcript.source_id if transcript is not None else None
            outcome = reconciler.add(claims, alignments, transcript_id)
        else:
            outcome = reconciler.add(claims)
        done.append(_Done(plan, outcome))
    return done


def _new_file_text(cards_path: Path, done: list[_Done]) -> str:
    """A new deck is named after its first source; the person may rename it freely."""
    first = done[0].planned.source if done else None
    name = first.title if first is not None else "deckgen deck"
    if len(name) > 60:  # cut at a word, not inside one
        name = name[:60].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"
    return new_cards_file_text(cards_path, name, deck_id_for(first.id if first else "deck"))


def _cards_of(claims: list[Claim], source_id: str) -> list:
    return [c.card for c in claims if c.source_id == source_id]


def _report(done: _Done, new_claims: list[Claim]) -> SourceReport:
    plan = done.planned
    return SourceReport(
        plan.source.id,
        plan.file.path,
        plan.is_new,
        len(_cards_of(new_claims, plan.source.id)),
        done.outcome.already,
        done.outcome.dismissed,
        done.outcome.merged,
        plan.file.warnings,
    )


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
        # The parse warnings name the file as it was given, so the key holds the path.
        key = key_for("document", {"file": digest, "path": str(path)})
        known = self.cache.get(key)
        if known is None:
            # Read, not kept: extraction reads the file again (in a worker, or here),
            # and a long transcript held twice is twice its memory.
            doc = self.loaded.get(path) or load_document(path)
            known = (doc.title, doc.kind, doc.warnings)
            self.cache.put(key, known)
        title, kind, warnings = known
        return _SourceFile(path, digest, title, kind, warnings=warnings)

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


def _alignments(
    claims: list[Claim],
    summary: _SourceFile,
    transcript: _SourceFile | None,
    documents: _Documents,
    cache: Cache,
) -> list:
    """Where each summary claim is said (cached): a transcript passage, a chapter, or nothing."""
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
    transcript_doc = documents.load(transcript.path) if transcript is not None else None
    found = summary_moments(
        claims, documents.load(summary.path), transcript_doc, sentence_splitter()
    )
    cache.put(key, found)
    return found


def _extract_one(
    job: tuple[str, Path, str | None, ExtractOptions],
    step: Callable[[Path, str, int, int], None] | None = None,
) -> list[Claim]:
    """Extract one source (in this process or a worker): parse it, run the pipeline."""
    source_id, path, model, options = job
    if step is not None:
        step(path, "reading", 0, 0)
    progress = (lambda what, done, total: step(path, what, done, total)) if step else None
    doc = load_document(path)
    return extract_claims(doc, source_id, load_pipeline(model), options, progress=progress)


def _extract_all(
    sources: list[tuple[str, Path, str]],
    *,
    model: str | None,
    model_id: str,
    options: ExtractOptions,
    cache: Cache,
    jobs: int,
    progress: Callable[[Path], None] | None,
    step: Callable[[Path, str, int, int], None] | None = None,
) -> dict[str, list[Claim]]:
    """Claims per source id: from the cache where it has them, else extracted, in
    ``jobs`` processes when there are several sources to do."""
    results: dict[str, list[Claim]] = {}
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
    for job, claims in zip(todo, _run(todo, jobs, step), strict=True):
        results[job[0]] = claims
        cache.put(keys[job[0]], claims)
        if progress is not None:
            progress(job[1])
    return results


def _run(todo: list, jobs: int, step: Callable[[Path, str, int, int], None] | None = None):
    """The claims of each job, in order, as they are done: in ``jobs`` processes when
    there are several jobs (whose stages are not reported), else here."""
    if jobs > 1 and len(todo) > 1:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            yield from pool.map(_extract_one, todo)
    else:
        for job in todo:
            yield _extract_one(job, step)
