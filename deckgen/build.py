"""cards.yaml → Anki .apkg. The only module that imports genanki.

What makes a rebuilt deck re-import cleanly into Anki:
- a note's GUID comes from the deck id and the card's id, never from its text;
- the note types never change their names, fields or template names (notetypes.py);
- a note's modification time is when its content last changed (state.py), because
  Anki updates an existing note only when the incoming one is newer;
- the same input gives the same bytes: ids, times and zip entry dates are all derived
  from the input and the state file, never from the clock at build time.

A card whose source names its recording gets an audio clip (deckgen.media): the clip
is bundled in the package's media and played from the Quote field (``[sound:...]``),
so the note types stay as they are.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import sqlite3
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import genanki

from deckgen.ankitext import inert
from deckgen.cards import URL_PATTERN, Card, CardsFile, slugify
from deckgen.errors import BuildError
from deckgen.fsutil import locked, remove_killed_runs_folders, temporary_folder, write_file
from deckgen.media import make_clips
from deckgen.notetypes import BASIC, CLOZE, CSS, NOTE_TYPES, NoteType
from deckgen.state import (
    State,
    deck_rename_problem,
    load_state,
    now_seconds,
    save_state,
    state_path_for,
    unknown_deck_note,
)

# Zip entry dates are fixed so that identical input gives identical bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class NoteSpec:
    """One note as it will be written: everything but its modification time."""

    card_id: str
    guid: str
    note_type: NoteType
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    due: int

    def content_hash(self) -> str:
        payload = json.dumps([self.note_type.id, self.fields, self.tags], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class BuildReport:
    output: Path
    notes: int
    cloze: int
    basic: int
    skipped: int
    sources: int
    clips: int = 0
    # Said before the summary: the deck's name at its last build could not be known.
    note: str | None = None

    def summary(self) -> str:
        text = (
            f"Wrote {self.notes} card{'s' if self.notes != 1 else ''} ({self.cloze} cloze, {self.basic} basic) "
            f"from {self.sources} source{'s' if self.sources != 1 else ''} to {self.output}"
        )
        if self.clips:
            text += f", with {self.clips} audio clip{'s' if self.clips != 1 else ''}"
        if self.skipped:
            text += f"; {self.skipped} skipped"
        return text


def default_output(cards_file: CardsFile) -> Path:
    """``<deck name slug>.apkg`` next to cards.yaml."""
    return cards_file.base_dir() / f"{slugify(cards_file.deck.name) or 'deck'}.apkg"


def video_link(url: str, seconds: float) -> str:
    """``url`` pointing at ``seconds`` into the video: YouTube takes ``t=``, other
    players the media-fragment ``#t=``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    second = int(seconds)
    if host == "youtu.be" or host.endswith(("youtube.com", "youtube-nocookie.com")):
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
        query.append(("t", str(second)))
        return urlunsplit(parts._replace(query=urlencode(query)))
    return urlunsplit(parts._replace(fragment=f"t={second}"))


def field_html(text: str | None) -> str:
    """Card text as Anki field HTML: escaped, with line breaks kept."""
    if not text:
        return ""
    return html.escape(text, quote=False).replace("\n", "<br>")


def note_specs(cards_file: CardsFile, sounds: Mapping[str, str] | None = None) -> list[NoteSpec]:
    """The notes of every card that is not skipped, due in source order. ``sounds``
    maps a card id to the file name of its audio clip."""
    source_order = {s.id: i for i, s in enumerate(cards_file.sources)}

    def order(card: Card) -> tuple:
        source_index = (
            source_order.get(card.source, len(source_order)) if card.source else len(source_order)
        )
        return (source_index, card.time is None, card.time or 0.0, card.line)

    specs = []
    for due, card in enumerate(sorted(cards_file.active_cards, key=order)):
        specs.append(_note_spec(cards_file, card, due, (sounds or {}).get(card.id)))
    return specs


def _note_spec(cards_file: CardsFile, card: Card, due: int, sound: str | None) -> NoteSpec:
    sources = [cards_file.source_by_id[s] for s in card.sources]
    main = sources[0] if sources else None
    link = ""
    if main is not None and main.url and URL_PATTERN.match(main.url) and card.time is not None:
        link = html.escape(video_link(main.url, card.time))
    # A title comes from a source (a file name, a heading): never a player in Anki.
    source_text = "; ".join(html.escape(inert(s.title), quote=False) for s in sources)
    if card.paragraph is not None and card.time is None and source_text:
        source_text += f" · ¶{card.paragraph}"
    quote = field_html(card.quote)
    if sound:  # Anki plays it on the back, where the quote is shown
        quote = f"{quote} [sound:{sound}]" if quote else f"[sound:{sound}]"
    common = (quote, source_text, card.time_text, link, card.id)
    if card.type == "cloze":
        note_type = CLOZE
        fields = (field_html(card.text), field_html(card.extra), *common)
    else:
        note_type = BASIC
        fields = (field_html(card.front), field_html(card.back), *common)
    tags = tuple(f"source::{s}" for s in card.sources) + tuple(
        t for t in card.tags if t not in {f"source::{s}" for s in card.sources}
    )
    return NoteSpec(
        card_id=card.id,
        guid=genanki.guid_for(cards_file.deck.id, card.id),
        note_type=note_type,
        fields=fields,
        tags=tags,
        due=due,
    )


def _note_type_hash(note_type: NoteType) -> str:
    payload = json.dumps(
        [note_type.name, note_type.fields, note_type.question, note_type.answer, CSS]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


class _Model(genanki.Model):
    """A genanki model that carries its own modification time."""

    def __init__(self, note_type: NoteType, modified: int) -> None:
        super().__init__(
            model_id=note_type.id,
            name=note_type.name,
            fields=[{"name": name} for name in note_type.fields],
            templates=[
                {
                    "name": note_type.template_name,
                    "qfmt": note_type.question,
                    "afmt": note_type.answer,
                }
            ],
            css=CSS,
            model_type=genanki.Model.CLOZE if note_type.is_cloze else genanki.Model.FRONT_BACK,
            sort_field_index=0,
        )
        self.modified = modified

    def to_json(self, timestamp: float, deck_id):
        return super().to_json(self.modified, deck_id)


class _Note(genanki.Note):
    """A genanki note written with its own modification time, not the package's."""

    def __init__(self, modified: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.modified = modified

    def write_to_db(self, cursor, timestamp: float, deck_id, id_gen) -> None:
        super().write_to_db(cursor, self.modified, deck_id, id_gen)


def build_deck(
    cards_file: CardsFile,
    output: Path | None = None,
    *,
    media: bool = True,
    deck_renamed: bool = False,
) -> BuildReport:
    """Write the deck of a validated cards file; advance and save its state file.
    ``media=False`` leaves out the audio clips of sources that name a recording.

    A deck renamed since the last build is refused (see ``deck_rename_problem``) unless
    ``deck_renamed`` says the deck was renamed in Anki too."""
    output = Path(output) if output is not None else default_output(cards_file)
    state_path = state_path_for(cards_file.path)
    state = load_state(state_path)
    deck = cards_file.deck
    renamed = deck_rename_problem(cards_file.path, deck.name, state, deck.id, [output])
    if renamed is not None and not deck_renamed:
        raise BuildError(renamed)
    unknown = unknown_deck_note(cards_file.path, deck.name, state, deck.id, [output])
    state.remember_deck(cards_file.deck.name)
    remove_killed_runs_folders()
    clips = make_clips(cards_file, cards_file.active_cards) if media else {}
    specs = note_specs(cards_file, {card_id: clip.name for card_id, clip in clips.items()})
    media_files = {clip.name: clip.data for clip in clips.values()}
    _write_apkg(cards_file, specs, state, output, media_files)
    if state.changed or not state_path.exists():
        # Keep what an extract or a review running meanwhile recorded in the state file.
        with locked(cards_file.path, what="deckgen's state file", blame=state_path):
            current = load_state(state_path)
            state.remember_proposed(current.proposed)
            state.reviewed = current.reviewed
            save_state(state_path, state)
    active = cards_file.active_cards
    cloze = sum(1 for c in active if c.type == "cloze")
    return BuildReport(
        output=output,
        notes=len(active),
        cloze=cloze,
        basic=len(active) - cloze,
        skipped=len(cards_file.cards) - len(active),
        sources=len({s for c in active for s in c.sources}),
        clips=len(clips),
        note=unknown,
    )


def _write_apkg(
    cards_file: CardsFile,
    specs: list[NoteSpec],
    state: State,
    output: Path,
    media_files: Mapping[str, bytes],
) -> None:
    now = now_seconds(changed_after=cards_file.path)
    models = {
        nt.id: _Model(nt, state.stamp(state.note_types, nt.name, _note_type_hash(nt), now))
        for nt in NOTE_TYPES
    }
    deck = genanki.Deck(cards_file.deck.id, cards_file.deck.name, cards_file.deck.description)
    for model in models.values():
        deck.add_model(model)
    for spec in specs:
        modified = state.stamp(state.notes, spec.card_id, spec.content_hash(), now)
        deck.add_note(
            _Note(
                modified,
                model=models[spec.note_type.id],
                fields=list(spec.fields),
                tags=list(spec.tags),
                guid=spec.guid,
                due=spec.due,
                sort_field=spec.fields[0],
            )
        )
    stamps = [m.modified for m in models.values()] + [
        state.notes[s.card_id].modified for s in specs
    ]
    package_time = max(stamps)
    with temporary_folder("build") as tmp:
        db_path = Path(tmp) / "collection.anki2"
        conn = sqlite3.connect(db_path)
        try:
            # Ids of notes and cards only need to be unique; deriving them from the
            # newest content time keeps the output reproducible.
            genanki.Package(deck).write_to_db(
                conn.cursor(), package_time, itertools.count(package_time * 1000)
            )
            conn.commit()
        except (sqlite3.Error, ValueError, TypeError) as exc:
            raise BuildError.at(f"could not write the deck: {exc}", output) from exc
        finally:
            conn.close()
        database = db_path.read_bytes()

    # Anki's package format: media files are zip entries "0", "1"..., and the entry
    # "media" maps those numbers to file names. Sorted by name, so the bytes are stable.
    names = sorted(media_files)
    media_map = json.dumps({str(i): name for i, name in enumerate(names)}).encode("utf-8")
    entries = [("collection.anki2", database, zipfile.ZIP_DEFLATED)]
    entries += [(str(i), media_files[name], zipfile.ZIP_STORED) for i, name in enumerate(names)]
    entries.append(("media", media_map, zipfile.ZIP_DEFLATED))

    def write_zip(stream) -> None:
        with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data, compression in entries:
                info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
                info.compress_type = compression
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)

    write_file(output, write_zip, what="the deck", error=BuildError)
