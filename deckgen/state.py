"""deckgen's memory of a cards.yaml, kept next to it as ``<name>.state.json``.

It records, per card id, a hash of the note deckgen last built for it and when that
content last changed; and every card id ``deckgen extract`` ever proposed or found in
the file, so that a card the person deleted is never proposed again. Anki's importer updates an existing note only when the incoming
note is *newer*, so a note's modification time must be the time its content last
changed: an edited card moves forward, an untouched one keeps its time, and a rebuild
of unchanged input is byte-identical. The same is kept for the note types, so a change
of CSS or template reaches Anki too.

The file is meant to be committed next to cards.yaml. Deleting it is safe: the next
build treats every card as changed now, so Anki rewrites each note with the same text
(review history is kept either way); but cards you deleted from cards.yaml may then be
proposed again by the next extract.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.errors import DeckgenError, Problem
from deckgen.fsutil import read_file, write_file

STATE_FORMAT = 1


def state_path_for(cards_path: Path) -> Path:
    """``cards.yaml`` → ``cards.state.json`` in the same folder (the real file's folder,
    when cards.yaml is a symbolic link: the state file belongs with what it describes)."""
    if cards_path.is_symlink():
        cards_path = Path(os.path.realpath(cards_path))
    return cards_path.with_name(cards_path.stem + ".state.json")


def now_seconds(changed_after: Path | None = None) -> int:
    """The time stamped on content first seen now.

    Honors SOURCE_DATE_EPOCH (the reproducible-builds convention: the time the sources
    last changed) so that a build from scratch can be made reproducible across machines
    too. One older than the file ``changed_after`` (cards.yaml) is out of date, since
    the file changed after it: then the file's modification time, rounded up, is used,
    so that an edit made after an earlier build still reaches Anki as newer.
    """
    fixed = os.environ.get("SOURCE_DATE_EPOCH")
    if fixed and fixed.strip().isdigit():
        return max(int(fixed), _modified(changed_after))
    return int(time.time())


def _modified(path: Path | None) -> int:
    if path is None:
        return 0
    try:
        return -(-path.stat().st_mtime_ns // 1_000_000_000)  # rounded up
    except OSError:
        return 0


@dataclass
class Stamp:
    content_hash: str
    modified: int


@dataclass
class State:
    """Mutable on purpose: a build reads it, advances it, and writes it back."""

    notes: dict[str, Stamp] = field(default_factory=dict)
    note_types: dict[str, Stamp] = field(default_factory=dict)
    proposed: set[str] = field(default_factory=set)
    deck: str | None = None  # the deck name of the last build
    # Cards ``deckgen review`` has seen: card id -> digest of the text reviewed
    # (deckgen.cards.editor.card_digest). A card whose text changed since is unreviewed.
    reviewed: dict[str, str] = field(default_factory=dict)
    changed: bool = False

    def remember_deck(self, name: str) -> None:
        if self.deck != name:
            self.deck = name
            self.changed = True

    def remember_proposed(self, card_ids: Iterable[str]) -> None:
        new = set(card_ids) - self.proposed
        if new:
            self.proposed |= new
            self.changed = True

    def remember_reviewed(self, card_id: str, digest: str | None) -> None:
        """Record that the card with this text was reviewed (None: it was not)."""
        if self.reviewed.get(card_id) == digest:
            return
        if digest is None:
            del self.reviewed[card_id]
        else:
            self.reviewed[card_id] = digest
        self.changed = True

    def stamp(self, table: dict[str, Stamp], key: str, content_hash: str, now: int) -> int:
        """The modification time for ``key`` with this content, recording any change.

        Unchanged content keeps its time. Changed content gets ``now``, but always at
        least one second later than before: a rebuild within the same second as the
        last one must still be newer, or Anki would skip the edit.
        """
        old = table.get(key)
        if old is not None and old.content_hash == content_hash:
            return old.modified
        modified = now if old is None else max(now, old.modified + 1)
        table[key] = Stamp(content_hash, modified)
        self.changed = True
        return modified


def deck_rename_problem(
    cards_path: Path,
    name: str,
    state: State,
    deck_id: int | None = None,
    packages: Iterable[Path] = (),
) -> Problem | None:
    """The deck's name differs from the one last built: Anki finds a package's deck by
    name, so importing would start a second deck for new cards and leave every card it
    has in the old one. The name last built is the state file's; without one (deleted,
    or a fresh clone), the one a deck file beside cards.yaml (or among ``packages``)
    holds for ``deck_id``. None when the name is unchanged or cannot be known."""
    built, package = last_built_name(cards_path, state, deck_id, packages)
    if built is None or built == name:
        return None
    seen = f" ({package.name} was built as '{built}')" if package is not None else ""
    return Problem(
        f"the deck was renamed from '{built}' to '{name}' since the last build{seen}; Anki "
        f"would keep every card you have in '{built}' and put new ones in a second deck",
        str(cards_path),
        hint=f"rename the deck in Anki to '{name}' too (in the deck list: gear > Rename), then "
        f"run 'deckgen build --deck-renamed'; or put back 'name: {built}'",
    )


def unknown_deck_note(
    cards_path: Path,
    name: str,
    state: State,
    deck_id: int | None = None,
    packages: Iterable[Path] = (),
) -> str | None:
    """When nothing tells the name the deck was last built under (no state file, no
    deck file beside cards.yaml: a fresh clone), what importing will do; else None."""
    if last_built_name(cards_path, state, deck_id, packages)[0] is not None:
        return None
    return (
        f"{cards_path}: no record of an earlier build of this deck (no deck name in "
        f"{state_path_for(cards_path).name}, no deck file beside it): Anki will put its cards "
        f"in the deck '{name}'; if you imported it before under another name, rename that "
        f"deck in Anki to '{name}' before importing"
    )


def last_built_name(
    cards_path: Path, state: State, deck_id: int | None, packages: Iterable[Path] = ()
) -> tuple[str | None, Path | None]:
    """The deck's name at its last build, and the deck file that told it (None: the
    state file did); (None, None) when nothing tells."""
    if state.deck is not None or deck_id is None:
        return state.deck, None
    candidates = {Path(p) for p in packages}
    with contextlib.suppress(OSError):
        candidates |= set(Path(cards_path).parent.glob("*.apkg"))
    found = []
    for package in candidates:
        built = _deck_name_in_package(package, deck_id)
        if built is not None:
            with contextlib.suppress(OSError):
                found.append((package.stat().st_mtime, str(package), built, package))
    if not found:
        return None, None
    _, _, built, package = max(found)  # the newest deck file
    return built, package


# A deck file's collection bigger than this is not looked into (deckgen's are small).
_MAX_COLLECTION_BYTES = 256 << 20


def _deck_name_in_package(package: Path, deck_id: int) -> str | None:
    """The name of the deck ``deck_id`` in an Anki package, or None (not a package, no
    such deck, unreadable)."""
    import sqlite3
    import zipfile

    from deckgen.fsutil import temporary_folder

    try:
        with zipfile.ZipFile(package) as archive:
            info = archive.getinfo("collection.anki2")
            if info.file_size > _MAX_COLLECTION_BYTES:
                return None
            data = archive.read(info)
        with temporary_folder("build") as tmp:
            db = Path(tmp) / "collection.anki2"
            db.write_bytes(data)
            conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
            try:
                (decks,) = conn.execute("select decks from col").fetchone()
            finally:
                conn.close()
        for deck in json.loads(decks).values():
            if int(deck.get("id")) == deck_id:
                return str(deck["name"])
    except (OSError, KeyError, ValueError, TypeError, AttributeError, zipfile.BadZipFile):
        return None
    except sqlite3.Error:
        return None
    return None


_DELETE_HINT = "delete it; the next build marks every card as changed, which is harmless"


def load_state(path: Path) -> State:
    if not path.exists():
        return State()
    raw = read_file(path, hint=f"make it readable, or {_DELETE_HINT}")
    try:
        data = json.loads(raw.decode("utf-8"))
        if data.get("format") != STATE_FORMAT:
            raise ValueError(f"unknown format {data.get('format')!r}")
        return State(
            notes={k: Stamp(v["hash"], int(v["modified"])) for k, v in data["notes"].items()},
            note_types={
                k: Stamp(v["hash"], int(v["modified"])) for k, v in data["note_types"].items()
            },
            proposed={str(x) for x in data.get("proposed", [])},
            deck=str(data["deck"]) if data.get("deck") is not None else None,
            reviewed={str(k): str(v) for k, v in data.get("reviewed", {}).items()},
        )
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise DeckgenError.at(
            f"deckgen's state file is damaged ({exc})",
            path,
            hint=_DELETE_HINT,
        ) from None


def save_state(path: Path, state: State) -> None:
    """Write the state if anything changed (atomically, in a stable, diff-friendly form)."""
    if not state.changed and path.exists():
        return
    data = {
        "format": STATE_FORMAT,
        "about": "deckgen's record of when each card last changed and which cards it "
        "proposed; commit it with cards.yaml",
        "note_types": {
            k: {"hash": v.content_hash, "modified": v.modified}
            for k, v in sorted(state.note_types.items())
        },
        "notes": {
            k: {"hash": v.content_hash, "modified": v.modified}
            for k, v in sorted(state.notes.items())
        },
        "proposed": sorted(state.proposed),
    }
    if state.deck is not None:
        data["deck"] = state.deck
    if state.reviewed:
        data["reviewed"] = dict(sorted(state.reviewed.items()))
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    write_file(path, text.encode("utf-8"), what="deckgen's state file")
    state.changed = False
