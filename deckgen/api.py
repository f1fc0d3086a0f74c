"""deckgen from Python: the functions ``deckgen/__init__.py`` exports.

Each step of the command line is one call, and each takes what a person has at hand
(a path or an object already loaded). Errors are ``DeckgenError``, one located
problem per line, as on the command line. The heavy steps (spaCy in extraction,
genanki in building) are imported when first called, so ``import deckgen`` stays fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.cards import CardsFile, check_cards, slugify
from deckgen.document import Document
from deckgen.sources import load_document

if TYPE_CHECKING:
    from deckgen.align import Alignment
    from deckgen.build import BuildReport
    from deckgen.extract import Claim, Pipeline
    from deckgen.extract.blanks import BlankModel
    from deckgen.extract.learned import Selector
    from deckgen.workflow import ExtractReport

PathLike = str | os.PathLike


@dataclass(frozen=True)
class AlignedSentence:
    """A sentence of a summary and the moment the talk says it (``alignment.time``)."""

    text: str
    paragraph: int | None
    alignment: Alignment


def _document(document: Document | PathLike) -> Document:
    return document if isinstance(document, Document) else load_document(document)


def _talk(transcript: Document | PathLike | None) -> Document | None:
    """A transcript, with its video's chapters when yt-dlp's info.json is beside it."""
    if transcript is None:
        return None
    from deckgen.sources.ytdlp import find_companions, with_chapters

    document = _document(transcript)
    return with_chapters(document, find_companions(Path(document.path)))


def source_id_for(document: Document | PathLike) -> str:
    """The id ``deckgen extract`` gives a new source: the slug of its file name."""
    path = document.path if isinstance(document, Document) else Path(document)
    return slugify(Path(path).stem) or "source"


def load_pipeline(model: str | None = None) -> Pipeline:
    """The spaCy pipeline ``deckgen extract`` uses: ``model``, else the default one;
    rules only (``pipeline.warning`` says why) when none is installed. Loaded once."""
    from deckgen import extract

    return extract.load_pipeline(model)


def extract_claims(
    document: Document | PathLike,
    *,
    source_id: str | None = None,
    pipeline: Pipeline | str | None = None,
    speaker: str | None = None,
    max_per_hour: float | None = None,
    min_score: float | None = None,
    selector: Selector | None = None,
    blanks: BlankModel | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[Claim]:
    """The claims worth a card in a transcript or summary, each drafted as ``claim.card``.

    ``pipeline`` is a loaded ``Pipeline`` or the name of a spaCy pipeline (default: the
    one ``deckgen extract`` uses); ``source_id`` defaults to the file name's slug;
    ``selector`` is the model that chooses speech's claims (default: the one shipped,
    see bench/train.py); ``blanks`` the model that chooses what a cloze hides (default:
    the one shipped, deckgen/blanks.json); ``progress`` is told each stage of a long document as (what,
    done, out of).
    """
    from deckgen import extract
    from deckgen.workflow import extract_options

    document = _document(document)
    if not isinstance(pipeline, extract.Pipeline):
        pipeline = extract.load_pipeline(pipeline)
    options = replace(
        extract_options(max_per_hour, min_score, speaker), selector=selector, blanks=blanks
    )
    return extract.extract_claims(
        document, source_id or source_id_for(document), pipeline, options, progress=progress
    )


def align_summary(
    summary: Document | PathLike, transcript: Document | PathLike | None = None
) -> list[AlignedSentence]:
    """Every sentence of a summary with the moment the talk says it: the transcript
    passage when one clearly matches, else the summary's own chapter (or the video's,
    from yt-dlp's info.json beside the transcript), else none."""
    from deckgen.extract import sentence_splitter, split_sentences
    from deckgen.reconcile import talk_alignments, with_chapter

    summary = _document(summary)
    transcript = _talk(transcript)
    splitter = sentence_splitter()
    in_talk = talk_alignments(summary, transcript, splitter)
    return [
        AlignedSentence(s.text, s.paragraph, with_chapter(found, s.text, summary, transcript))
        for s, found in zip(split_sentences(summary, splitter), in_talk, strict=True)
    ]


def align_claims(
    claims: Sequence[Claim],
    summary: Document | PathLike,
    transcript: Document | PathLike | None = None,
    *,
    transcript_id: str | None = None,
) -> list[Claim]:
    """Claims extracted from ``summary``, each with the moment ``transcript`` says it:
    its time and verbatim quote (the card then names the transcript first), else its
    chapter's time, else none, as ``deckgen extract`` does."""
    from deckgen.extract import sentence_splitter
    from deckgen.reconcile import apply_alignments, summary_moments

    summary = _document(summary)
    transcript = _talk(transcript)
    moments = summary_moments(claims, summary, transcript, sentence_splitter())
    if transcript is not None and transcript_id is None:
        transcript_id = source_id_for(transcript)
    return apply_alignments(claims, moments, transcript_id, [], ())


def load_cards(path: PathLike) -> CardsFile:
    """A cards.yaml, checked as ``deckgen check`` does (every problem in one error)."""
    return check_cards(path)


def add_to_cards(
    cards_path: PathLike,
    sources: Sequence[PathLike],
    *,
    model: str | None = None,
    speaker: str | None = None,
    max_per_hour: float | None = None,
    min_score: float | None = None,
    summary_of: str | None = None,
    title: str | None = None,
    url: str | None = None,
    media: PathLike | None = None,
    jobs: int = 1,
    use_cache: bool = True,
    progress: Callable[[Path], None] | None = None,
    step: Callable[[Path, str, int, int], None] | None = None,
    llm: str | None = None,
    llm_url: str | None = None,
    llm_jobs: int = 4,
) -> ExtractReport:
    """``deckgen extract``: the new claims of ``sources`` appended to ``cards_path``
    (created if missing), never touching what is there. The options are those of the
    command: ``title`` and ``url`` name the one new source (``--title``, ``--url``),
    ``media`` is its recording, ``use_cache=False`` is ``--no-cache``. ``progress`` is
    called with each source's path as it is done; ``step`` is told the stages of a
    source extracted in this process (path, what, done, out of). ``llm`` names a
    language model to draft with (``--llm``), at ``llm_url`` (else $OPENAI_BASE_URL)."""
    from deckgen.workflow import extract_to_cards

    endpoint = None
    if llm is not None:
        from deckgen.extract.llm import resolve_endpoint

        endpoint = resolve_endpoint(llm, llm_url)

    return extract_to_cards(
        Path(cards_path),
        [Path(p) for p in sources],
        model=model,
        speaker=speaker,
        max_per_hour=max_per_hour,
        min_score=min_score,
        summary_of=summary_of,
        title=title,
        url=url,
        media=Path(media) if media is not None else None,
        jobs=jobs,
        use_cache=use_cache,
        progress=progress,
        step=step,
        llm=endpoint,
        llm_jobs=llm_jobs,
    )


def build_deck(
    cards: CardsFile | PathLike,
    output: PathLike | None = None,
    *,
    media: bool = True,
    deck_renamed: bool = False,
) -> BuildReport:
    """``deckgen build``: write the .apkg (default: ``<deck name>.apkg`` next to the
    cards file) and advance the state file beside it; ``media=False`` is ``--no-media``.
    A deck renamed since the last build is refused unless ``deck_renamed``
    (``--deck-renamed``)."""
    from deckgen import build

    cards_file = cards if isinstance(cards, CardsFile) else check_cards(cards)
    output_path = Path(output) if output is not None else None
    return build.build_deck(cards_file, output_path, media=media, deck_renamed=deck_renamed)


def write_preview(
    cards: CardsFile | PathLike, output: PathLike | None = None, *, media: bool = True
) -> Path:
    """``deckgen preview``: write the HTML page of every card; return its path.
    ``media=False`` is ``--no-media``."""
    from deckgen import build, preview

    cards_file = cards if isinstance(cards, CardsFile) else check_cards(cards)
    if output is None:
        stem = build.default_output(cards_file).with_suffix("")
        output = stem.with_name(stem.name + "-preview.html")
    preview.write_preview(cards_file, Path(output), media=media)
    return Path(output)
