"""``deckgen extract``: sources in, new cards appended to cards.yaml.

The steps, in order: read cards.yaml (refusing one that has problems), register each
source (``deckgen.planning``), extract its claims (``deckgen.extract``, cached per
source), sort out which are new (``deckgen.reconcile``), append them
(``deckgen.cards.writer``), remember what was proposed (``deckgen.state``). cards.yaml
is written once, atomically, after everything has succeeded.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from deckgen import planning
from deckgen.cache import Cache, key_for
from deckgen.cards import (
    Addition,
    CardsFile,
    add_to_cards_text,
    copy_schema_beside,
    deck_id_for,
    new_cards_file_text,
    parse_cards,
    read_cards_raw,
    write_cards_text,
)
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
from deckgen.extract.lecture import LECTURE_REASON
from deckgen.extract.llm import DraftReport, Endpoint, LLMDrafter
from deckgen.fsutil import FileChanged, locked
from deckgen.reconcile import Outcome, Reconciler, summary_moments
from deckgen.sources import load_document, ytdlp
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
    # What was taken from yt-dlp's files beside a new source's captions (one line).
    taken: str | None = None
    # Its new cards were chosen as a lecture's (deckgen.extract.lecture), offline.
    lecture: bool = False


@dataclass(frozen=True)
class ExtractReport:
    cards_path: Path
    created: bool
    sources: tuple[SourceReport, ...]
    model: str
    warning: str | None
    # What drafting with a language model did (--llm), all sources together.
    llm: DraftReport | None = None
    # Caption files left out for better ones of the same video (one line each).
    notes: tuple[str, ...] = ()

    @property
    def added(self) -> int:
        return sum(s.added for s in self.sources)


@dataclass(frozen=True)
class _Done:
    """One source of this run, and what became of its claims."""

    planned: planning.Planned
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
    llm: Endpoint | None = None,
    llm_jobs: int = 4,
) -> ExtractReport:
    """Extract claims from ``source_paths`` and append the new ones to ``cards_path``.

    Results are cached per source (see deckgen.cache), so unchanged sources cost
    almost nothing the second time; ``jobs`` > 1 extracts the others in that many
    processes. ``progress`` is called with each source's path as it is done.
    ``media`` is the recording of the one new source (its ``media:``).
    ``title`` and ``url`` name the one new source (default title: from its file name).
    ``step`` is told the stages of a source extracted in this process (path, what,
    done, out of), so that a long one can show progress. ``llm`` drafts the cards with
    that language model instead of the offline drafter, ``llm_jobs`` requests at a time
    (see deckgen.extract.llm).
    """
    cards_path = Path(cards_path)
    # Captions people made win over auto-generated ones of the same video.
    choice = ytdlp.prefer_manual([Path(p) for p in source_paths])
    source_paths = choice.paths
    planning.check_title_and_url(title, url, source_paths)
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
        documents=planning.Documents(cache),
        step=step,
        drafter=_llm_drafter(llm, llm_jobs, use_cache),
    )
    # The slow part (reading and extracting the sources) runs without the lock; then,
    # holding it, cards.yaml and the state file are read again, since another run may
    # have written them meanwhile, and everything after the extraction is done again
    # (from memory) on what is there now.
    try:
        _propose(run, progress)
        with locked(cards_path, what="the cards file", error=CardsFileError):
            proposal = _write_proposal(run)
            if proposal.new_text != proposal.text or proposal.created:
                copy_schema_beside(cards_path, proposal.new_text)
            proposal.state.remember_proposed(proposal.proposed_ids)
            save_state(state_path_for(cards_path), proposal.state)
    finally:
        if run.drafter is not None:
            run.drafter.client.close()
    return ExtractReport(
        cards_path=cards_path,
        created=proposal.created,
        sources=tuple(_report(d, proposal.new_claims, run) for d in proposal.done),
        model=run.drafter.identity if run.drafter else run.model_id,
        warning=(
            rules_only_warning(model)
            if run.model_id.startswith("rules:") and run.drafter is None
            else None
        ),
        llm=_llm_report(run),
        notes=choice.notes,
    )


# How often cards.yaml may change under a run (a person saving it) before it gives up.
WRITE_ATTEMPTS = 20


def _write_proposal(run: _Run) -> _Proposal:
    """Read cards.yaml again, work out what to add, and replace the file only if it is
    still exactly the bytes read: when a person saved it meanwhile, start over from
    what they saved, so their edit is never lost."""
    for _attempt in range(WRITE_ATTEMPTS):
        proposal = _propose(run, None)
        if proposal.new_text == proposal.text and not proposal.created:
            return proposal
        try:
            write_cards_text(run.cards_path, proposal.new_text, expected=proposal.raw)
        except FileChanged:
            continue
        return proposal
    raise CardsFileError(
        Problem(
            "the file kept changing while deckgen added to it, so this run changed nothing",
            str(run.cards_path),
            hint="run again when it is saved",
        )
    )


def _llm_drafter(llm: Endpoint | None, jobs: int, use_cache: bool) -> LLMDrafter | None:
    """The language-model drafter for --llm (its answers cached unless --no-cache)."""
    if llm is None:
        return None
    from deckgen.cache import cache_dir
    from deckgen.extract.llm import ChatClient, LLMDrafter, ModeMemory

    client = ChatClient(llm, memory=ModeMemory(cache_dir() / "llm-modes.json"))
    return LLMDrafter(client, jobs=jobs, cache=Cache(use_cache))


def _llm_report(run: _Run) -> DraftReport | None:
    if run.drafter is None:
        return None
    total = DraftReport()
    for _claims, report in run.drafted.values():
        total.add(report)
    return total


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
    documents: planning.Documents
    step: Callable[[Path, str, int, int], None] | None = None
    drafter: LLMDrafter | None = None
    # Per source id: what the language model drafted this run (asked once, reused by
    # the pass under the lock).
    drafted: dict[str, tuple[list[Claim], DraftReport]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Proposal:
    """cards.yaml as read, and as it would be with this run's new cards."""

    text: str | None
    raw: bytes | None  # the bytes of cards.yaml as read; None when there was none
    new_text: str
    created: bool
    state: State
    done: list[_Done]
    new_claims: list[Claim]
    proposed_ids: frozenset[str]


def _propose(run: _Run, progress: Callable[[Path], None] | None) -> _Proposal:
    """Read cards.yaml and its state file as they are now, and work out what to add."""
    cards_path = run.cards_path
    raw, text, cards_file = _open_cards(cards_path)
    created = text is None
    planning.check_summary_of(run.summary_of, run.source_paths, cards_file, cards_path)
    planning.check_media(run.media, run.source_paths, cards_file, cards_path)
    state = load_state(state_path_for(cards_path))
    documents = run.documents
    planned = planning.plan(
        cards_path, cards_file, run.source_paths, run.summary_of, documents, run.media
    )
    planned = planning.named(planned, run.title, run.url, cards_path)
    if run.drafter is not None:
        claims_by_source = _draft_all(run, planned, progress)
    else:
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
    by = f"--llm {run.drafter.client.endpoint.model}" if run.drafter is not None else ""
    additions = [
        Addition(d.planned.source.id, tuple(_cards_of(new_claims, d.planned.source.id)), by)
        for d in done
    ]
    new_sources = [p.source for p in planned if p.is_new]
    new_text = add_to_cards_text(start, cards_path, new_sources, additions)
    return _Proposal(
        text=text,
        raw=raw,
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


def _open_cards(cards_path: Path) -> tuple[bytes | None, str | None, CardsFile | None]:
    """The bytes and text of cards.yaml and what it holds; (None, None, None) when there
    is none yet. A file with problems is refused: extract never writes to one."""
    if not cards_path.exists():
        if not cards_path.parent.is_dir():
            raise DeckgenError.at("the folder does not exist", cards_path.parent)
        return None, None, None  # written once the first source's title is known
    try:
        raw, text = read_cards_raw(cards_path)
        return raw, text, parse_cards(text, cards_path)
    except CardsFileError as error:
        raise CardsFileError(
            *error.problems,
            Problem(
                "cards.yaml has problems, so extract changed nothing",
                str(cards_path),
                hint="fix the lines above (deckgen check lists them), then run extract again",
            ),
        ) from None


def _reconcile(
    planned: list[planning.Planned],
    claims_by_source: dict[str, list[Claim]],
    reconciler: Reconciler,
    cards_file: CardsFile | None,
    documents: planning.Documents,
    cache: Cache,
) -> list[_Done]:
    """Sort each source's claims into new and known, in order; a summary's claims
    first get their moment in the transcript they summarise."""
    files_by_source: dict[str, planning.SourceFile] = {}
    done = []
    for plan in planned:
        files_by_source[plan.source.id] = plan.file
        claims = claims_by_source[plan.source.id]
        if plan.file.kind == "summary":
            transcript = planning.transcript_of(plan.source, cards_file, files_by_source, documents)
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


def _report(done: _Done, new_claims: list[Claim], run: _Run) -> SourceReport:
    plan = done.planned
    companions = run.documents.companions(plan.file.path) if plan.is_new else None
    taken = None
    warnings = plan.file.warnings
    if companions is not None:
        taken = companions.taken(
            title=run.title is None, url=run.url is None, media=run.media is None
        )
        warnings = (*warnings, *companions.warnings)
    return SourceReport(
        plan.source.id,
        plan.file.path,
        plan.is_new,
        len(_cards_of(new_claims, plan.source.id)),
        done.outcome.already,
        done.outcome.dismissed,
        done.outcome.merged,
        warnings,
        taken,
        lecture=any(
            LECTURE_REASON in c.score.reasons for c in new_claims if c.source_id == plan.source.id
        ),
    )


def _alignments(
    claims: list[Claim],
    summary: planning.SourceFile,
    transcript: planning.SourceFile | None,
    documents: planning.Documents,
    cache: Cache,
) -> list:
    """Where each summary claim is said (cached): a transcript passage, a chapter, or nothing."""
    companions = documents.companions(transcript.path) if transcript is not None else None
    talk_chapters = companions.chapters if companions is not None else ()
    what = {
        "summary": summary.digest,
        "transcript": transcript.digest if transcript is not None else None,
        "claims": [c.sentence.index for c in claims],
    }
    if talk_chapters:  # the video's chapters, from yt-dlp's info.json
        what["chapters"] = [(c.start, c.title) for c in talk_chapters]
    key = key_for("alignments", what)
    cached = cache.get(key)
    if cached is not None:
        return cached
    transcript_doc = None
    if transcript is not None:
        transcript_doc = ytdlp.with_chapters(documents.load(transcript.path), companions)
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


def _draft_all(
    run: _Run, planned: list[planning.Planned], progress: Callable[[Path], None] | None
) -> dict[str, list[Claim]]:
    """Claims per source id, drafted by the language model (once per run: its answers
    are cached per passage, so a later run sends nothing for unchanged sources)."""
    results: dict[str, list[Claim]] = {}
    for plan in planned:
        source_id, path = plan.source.id, plan.file.path
        if source_id not in run.drafted:
            step = functools.partial(run.step, path) if run.step is not None else None
            if step is not None:
                step("reading", 0, 0)
            run.drafted[source_id] = run.drafter.draft(
                run.documents.load(path), source_id, run.options, progress=step
            )
        results[source_id] = run.drafted[source_id][0]
        if progress is not None:
            progress(path)
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
