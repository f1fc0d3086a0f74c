"""What ``deckgen review`` does to the files: decisions on cards, and what the page shows.

No web framework here (``deckgen.review.server`` is the HTTP side). Each decision is
written at once: holding cards.yaml's lock, the file is read again, the card is
compared with the version the page showed (a card changed on disk since, by a hand
edit, is a conflict: nothing is written and the new version is returned), the card is
changed in place by ``deckgen.cards.editor``, and the file is replaced atomically.

Whether a card was reviewed is kept in the state file (``cards.state.json``, key
``reviewed``: card id -> digest of the text reviewed), not in cards.yaml: it survives
a restart and a rebuild, and the person's file stays theirs. A reviewed card whose
text is later changed by hand counts as not reviewed again, since the review vouched
for the earlier text.
"""

from __future__ import annotations

import dataclasses
import html
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from deckgen.cards import Card, CardsFile, read_cards_raw, read_cards_text, write_cards_text
from deckgen.cards.editor import (
    TEXT_KEYS,
    card_digest,
    card_version,
    edit_card,
    find_card_text,
    keep_card,
    parsed,
    replace_card_text,
    skip_card,
)
from deckgen.errors import CardsFileError, DeckgenError, Problem
from deckgen.fsutil import FileChanged, locked
from deckgen.state import State, load_state, save_state, state_path_for

CONTEXT_SECONDS = 30.0
# How often cards.yaml may be saved by hand during one decision before it gives up.
WRITE_ATTEMPTS = 20


def _kept_changing(path: Path) -> CardsFileError:
    return CardsFileError(
        Problem(
            "the file kept changing while deckgen wrote this decision; nothing was written",
            str(path),
            hint="try again once it is saved",
        )
    )


ACTIONS = ("keep", "skip", "edit")


class ReviewConflict(DeckgenError):
    """The card changed in cards.yaml since the page showed it; ``card`` is the new one
    (None when it is gone)."""

    def __init__(self, problem: Problem, card: Card | None) -> None:
        super().__init__(problem)
        self.card = card


def is_reviewed(card: Card, state: State) -> bool:
    return state.reviewed.get(card.id) == card_digest(card)


def unreviewed_cards(cards_file: CardsFile, state: State) -> list[Card]:
    """The cards ``deckgen review`` has not seen with their present text."""
    return [c for c in cards_file.cards if not is_reviewed(c, state)]


@dataclass(frozen=True)
class Decision:
    """What a decision did: the card as it now reads, and whether it is reviewed; the
    file and the state as they now are."""

    card: Card
    reviewed: bool
    action: str
    cards_file: CardsFile = dataclasses.field(repr=False, compare=False)
    state: State = dataclasses.field(repr=False, compare=False)


@dataclass(frozen=True)
class _Step:
    """How to undo one decision."""

    card_id: str
    body_before: str | None  # the card's text before, when the file changed
    version_after: str
    reviewed_before: str | None
    action: str


class ReviewSession:
    """Decisions on the cards of one cards.yaml; safe to call from several threads."""

    def __init__(self, cards_path: Path, source: str | None = None) -> None:
        self.path = Path(cards_path)
        self.source = source  # only the cards of this source may be decided on
        self.state_path = state_path_for(self.path)
        self._undo: list[_Step] = []
        self._mutex = threading.Lock()

    # -- reading

    def load(self) -> tuple[CardsFile, State]:
        return parsed(read_cards_text(self.path), self.path), load_state(self.state_path)

    def file_version(self) -> str:
        """Changes whenever cards.yaml or its state file is replaced or written."""
        parts = []
        for path in (self.path, self.state_path):
            try:
                stat = path.stat()
                parts.append(f"{stat.st_mtime_ns}-{stat.st_size}-{stat.st_ino}")
            except OSError:
                parts.append("-")
        return "/".join(parts)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    # -- deciding

    def decide(
        self,
        card_id: str,
        action: str,
        version: str,
        values: Mapping[str, str] | None = None,
    ) -> Decision:
        """Keep, skip or edit (``values``: the card's text fields) the card the page
        showed at ``version``; raise ReviewConflict when it changed on disk since."""
        if action not in ACTIONS:
            raise DeckgenError(Problem(f"unknown action '{action}'", hint="keep, skip or edit"))
        with self._mutex, locked(self.path, what="the cards file", error=CardsFileError):
            for _attempt in range(WRITE_ATTEMPTS):
                try:
                    return self._decide(card_id, action, version, values)
                except FileChanged:
                    continue  # saved by hand meanwhile: decide again on what is there now
            raise _kept_changing(self.path)

    def _decide(
        self, card_id: str, action: str, version: str, values: Mapping[str, str] | None
    ) -> Decision:
        raw, text = read_cards_raw(self.path)
        before = parsed(text, self.path)
        self._current(before, card_id, version)
        body_before = find_card_text(text, self.path, card_id).body
        if action == "keep":
            new_text, new_card = keep_card(text, self.path, card_id, before)
        elif action == "skip":
            new_text, new_card = skip_card(text, self.path, card_id, before)
        else:
            new_text, new_card = edit_card(text, self.path, card_id, values or {}, before)
        after = before
        if new_text != text:
            write_cards_text(self.path, new_text, expected=raw)
            after = parsed(new_text, self.path)
        state = load_state(self.state_path)
        reviewed_before = state.reviewed.get(card_id)
        state.remember_reviewed(card_id, card_digest(new_card))
        save_state(self.state_path, state)
        self._undo.append(
            _Step(
                card_id,
                body_before if new_text != text else None,
                card_version(new_card),
                reviewed_before,
                action,
            )
        )
        return Decision(new_card, True, action, after, state)

    def undo(self) -> Decision | None:
        """Undo the last decision of this run: the card's text back byte for byte and
        its reviewed mark as it was. None when there is nothing to undo."""
        with self._mutex, locked(self.path, what="the cards file", error=CardsFileError):
            for _attempt in range(WRITE_ATTEMPTS):
                try:
                    return self._undo_last()
                except FileChanged:
                    continue
            raise _kept_changing(self.path)

    def _undo_last(self) -> Decision | None:
        if not self._undo:
            return None
        step = self._undo[-1]
        raw, text = read_cards_raw(self.path)
        cards_file = parsed(text, self.path)
        card = self._current(cards_file, step.card_id, step.version_after)
        if step.body_before is not None:
            text = replace_card_text(text, self.path, step.card_id, step.body_before)
            write_cards_text(self.path, text, expected=raw)
            cards_file = parsed(text, self.path)
            card = next(c for c in cards_file.cards if c.id == step.card_id)
        state = load_state(self.state_path)
        state.remember_reviewed(step.card_id, step.reviewed_before)
        save_state(self.state_path, state)
        self._undo.pop()
        return Decision(card, is_reviewed(card, state), "undo " + step.action, cards_file, state)

    def _current(self, cards_file: CardsFile, card_id: str, version: str) -> Card:
        card = next((c for c in cards_file.cards if c.id == card_id), None)
        if card is not None and self.source is not None and self.source not in card.sources:
            raise DeckgenError(
                Problem(
                    f"this review is of the cards of '{self.source}' only",
                    str(self.path),
                    card.line,
                    card_id,
                )
            )
        if card is None or card_version(card) != version:
            what = "was deleted or renamed" if card is None else "was changed"
            raise ReviewConflict(
                Problem(
                    f"this card {what} in {self.path.name} since the page showed it; "
                    "nothing was written",
                    str(self.path),
                    card.line if card is not None else None,
                    card_id,
                    hint="look at the version now in the file, then decide again",
                ),
                card,
            )
        return card


# ----------------------------------------------------------------------- the page's data


def card_data(cards_file: CardsFile, card: Card, state: State) -> dict:
    """One card as the page shows it: rendered as Anki shows it, with its fields, its
    source and where it is in the talk, and whether it is reviewed."""
    from deckgen.build import note_specs
    from deckgen.preview import _sides

    alone = CardsFile(
        cards_file.path,
        cards_file.deck,
        cards_file.sources,
        (dataclasses.replace(card, skip=False),),
    )
    spec = note_specs(alone)[0]
    source = cards_file.source_by_id.get(card.source) if card.source else None
    digest = state.reviewed.get(card.id)
    return {
        "id": card.id,
        "line": card.line,
        "type": card.type,
        "version": card_version(card),
        "skip": card.skip,
        "reviewed": digest == card_digest(card),
        "changed_since_review": digest is not None and digest != card_digest(card),
        "fields": {key: getattr(card, key) or "" for key in TEXT_KEYS[card.type]},
        "source": card.source or "",
        "source_title": source.title if source else "",
        "time": card.time,
        "time_text": card.time_text,
        "link": html.unescape(spec.fields[5]) if spec.fields[5] else "",
        "quote": card.quote or "",
        "clip": bool(source and source.media and card.time is not None),
        "tags": list(card.tags),
        "faces": _sides(spec),
    }


class Transcripts:
    """The sources' segments, read once per file version, for the lines around a card."""

    def __init__(self) -> None:
        self._docs: dict[tuple[Path, int], object] = {}
        self._mutex = threading.Lock()

    def context(self, cards_file: CardsFile, card: Card) -> list[dict]:
        """The transcript lines from CONTEXT_SECONDS before the card's time to as long
        after, each marked ``said`` when it holds the card's quote."""
        if card.time is None or not card.source:
            return []
        source = cards_file.source_by_id.get(card.source)
        path = cards_file.source_path(source) if source else None
        doc = self._document(path) if path is not None else None
        if doc is None:
            return []
        from deckgen.media import quote_span

        segments = doc.segments
        start, end = quote_span(card.time, card.quote, segments)
        lines = []
        for segment in segments:
            if segment.end < card.time - CONTEXT_SECONDS or not segment.text.strip():
                continue
            if segment.start > card.time + CONTEXT_SECONDS:
                break
            said = segment.start < end and segment.end > start - 0.01
            lines.append({"start": segment.start, "text": segment.text, "said": said})
        return lines

    def _document(self, path: Path):
        from deckgen.sources import load_document

        try:
            key = (path, path.stat().st_mtime_ns)
        except OSError:
            return None
        with self._mutex:
            if key not in self._docs:
                try:
                    self._docs[key] = load_document(path)
                except DeckgenError:
                    self._docs[key] = None
            return self._docs[key]
