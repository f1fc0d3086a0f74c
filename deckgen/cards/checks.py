"""The checks beyond one card's keys: a cloze text's braces, and times against sources."""

from __future__ import annotations

from deckgen.cards.model import CLOZE_PATTERN, CardsFile
from deckgen.errors import DeckgenError, Problem
from deckgen.sources import load_document
from deckgen.timecode import format_clock


def check_cloze(text: str) -> tuple[str, str] | None:
    """What is wrong with a cloze text, as (problem, fix), or None when it is fine."""
    depth = 0
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair == "{{":
            depth += 1
            i += 2
            continue
        if pair == "}}":
            depth -= 1
            if depth < 0:
                return (
                    "cloze text has '}}' without a matching '{{'",
                    "write the hidden part as {{c1::...}}",
                )
            i += 2
            continue
        i += 1
    if depth != 0:
        return ("cloze text has unbalanced braces", "close every '{{c1::' with '}}'")
    if not CLOZE_PATTERN.search(text):
        return (
            "cloze text has no {{c1::...}} deletion",
            "wrap the part to hide, e.g. 'my brain is {{c1::20 watts}}'",
        )
    return None


def check_times_against_sources(cards_file: CardsFile) -> list[Problem]:
    """A card's time after the end of its source, where the source file is at hand."""
    # Lengths are read only for sources that timed cards point at.
    lengths: dict[str, float | None] = {}
    problems = []
    for card in cards_file.cards:
        if card.time is None or card.source is None:
            continue
        if card.source not in lengths:
            lengths[card.source] = _length(cards_file, card.source)
        length = lengths[card.source]
        if length is not None and card.time > length + 1:
            problems.append(
                Problem(
                    f"time {card.time_text} is after the end of '{card.source}' "
                    f"({format_clock(length)})",
                    str(cards_file.path),
                    card.line,
                    card.id,
                    hint="check the time against the transcript",
                )
            )
    return problems


def missing_recordings(cards_file: CardsFile) -> list[Problem]:
    """A source's recording (``media:``) that is not there, where a card would get a
    clip of it: what ``deckgen build`` refuses (unless --no-media)."""
    problems = []
    needed = {c.source for c in cards_file.active_cards if c.time is not None and c.source}
    for source_id in sorted(needed, key=lambda s: cards_file.source_by_id[s].line):
        source = cards_file.source_by_id[source_id]
        media = cards_file.media_path(source)
        if media is not None and not media.is_file():
            problems.append(
                Problem(
                    f"the recording '{source.media}' of source '{source.id}' is not there",
                    str(cards_file.path),
                    source.line,
                    hint="fix its 'media:' (a path relative to cards.yaml), or leave clips "
                    "out with --no-media",
                )
            )
    return problems


def _length(cards_file: CardsFile, source_id: str) -> float | None:
    source_path = cards_file.source_path(cards_file.source_by_id[source_id])
    if source_path is None or not source_path.is_file():
        return None
    try:
        return load_document(source_path).duration
    except DeckgenError:
        return None  # an unreadable source is reported by 'deckgen sources'
