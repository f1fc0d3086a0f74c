"""The sources of one ``deckgen extract`` run, planned before anything is extracted:
each file's entry in cards.yaml (declared already, or new with its id, title, kind and
path relative to cards.yaml), the checks on what the command line says of them
(--summary-of, --media, --title, --url), and ``Documents``, which reads each source
file at most once (its title and kind cached by its bytes)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from deckgen.cache import Cache, file_digest, key_for
from deckgen.cards import URL_PATTERN, CardsFile, Source, slugify, unique_id
from deckgen.document import Document
from deckgen.errors import DeckgenError
from deckgen.sources import load_document
from deckgen.sources.ytdlp import Companions, find_companions


@dataclass(frozen=True)
class SourceFile:
    """A source file as far as registering it needs: no parsing when the cache knows it."""

    path: Path
    digest: str
    title: str
    kind: str
    source_id: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Planned:
    """One source of this run: its entry in cards.yaml and its file."""

    source: Source
    file: SourceFile
    is_new: bool


def check_summary_of(
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


def check_media(
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


def plan(
    cards_path: Path,
    cards_file: CardsFile | None,
    source_paths: Sequence[Path],
    summary_of: str | None,
    documents: Documents,
    media: Path | None = None,
) -> list[Planned]:
    """Each source's entry: declared already, or new (with its file relative to
    cards.yaml). Transcripts first, so that a summary's claims can find their moment."""
    taken = {s.id for s in cards_file.sources} if cards_file else set()
    listed = [documents.describe(Path(p)) for p in source_paths]
    listed.sort(key=lambda item: item.kind != "transcript")
    planned = []
    for item in listed:
        declared = _declared(cards_file, item.path)
        if declared is not None:
            planned.append(Planned(declared, item, is_new=False))
            continue
        # yt-dlp's files beside the captions give the title, url and recording; what
        # the command line says wins (--title and --url in ``named``).
        companions = documents.companions(item.path)
        info = companions.info if companions is not None else None
        recording = media if media is not None else (companions and companions.media)
        source = Source(
            id=unique_id(slugify(item.path.stem) or "source", taken),
            title=(info and info.title) or item.title,
            kind=item.kind,
            file=_relative(item.path, cards_path.parent),
            url=info.url if info is not None else None,
            summary_of=summary_of if item.kind == "summary" else None,
            media=_relative(Path(recording), cards_path.parent) if recording else None,
        )
        planned.append(Planned(source, item, is_new=True))
    return planned


def check_title_and_url(title: str | None, url: str | None, source_paths: Sequence) -> None:
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


def named(
    planned: list[Planned], title: str | None, url: str | None, cards_path: Path
) -> list[Planned]:
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


class Documents:
    """Reads source files at most once, and only when their Document is needed."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.loaded: dict[Path, Document] = {}
        self.found: dict[Path, Companions | None] = {}

    def describe(self, path: Path) -> SourceFile:
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
        return SourceFile(path, digest, title, kind, warnings=warnings)

    def companions(self, path: Path) -> Companions | None:
        """yt-dlp's info.json and recording beside a caption file it named, if any."""
        if path not in self.found:
            self.found[path] = find_companions(path)
        return self.found[path]

    def load(self, path: Path) -> Document:
        if path not in self.loaded:
            self.loaded[path] = load_document(path)
        return self.loaded[path]


def transcript_of(
    source: Source,
    cards_file: CardsFile | None,
    files_by_source: dict[str, SourceFile],
    documents: Documents,
) -> SourceFile | None:
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
