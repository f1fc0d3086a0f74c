"""A per-source cache of extraction results, so re-runs over unchanged talks are instant.

An entry is keyed by everything its result depends on: the source file's bytes, the
spaCy pipeline's name and version, deckgen's extractor version, the shipped models
(deckgen/selector.json and deckgen/blanks.json, which bench/train.py rebuilds) and the
extraction options. Change any of them and the entry is simply not found. Entries live in
``$DECKGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/deckgen``, else ``~/.cache/deckgen``;
the folder is safe to delete at any time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
from importlib import resources
from pathlib import Path

from deckgen.fsutil import write_atomic
from deckgen.version import __version__

# Bump when a change to extraction or alignment changes what they produce, or how
# what they produce is pickled (14: Sentence, Segment and Word have __slots__; 20: sources
# lose their control characters, and JSON Lines is refused, so no older entry stands for them;
# 22: a lecture's claims carry the reason "lecture", which extract's note reads).
EXTRACTOR_VERSION = "22"


def cache_dir() -> Path:
    if folder := os.environ.get("DECKGEN_CACHE_DIR"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "deckgen"


@functools.cache
def models_digest() -> str:
    """The shipped models' bytes (the selector's and the blank chooser's), hashed: a
    retrained model is a new extractor."""
    digest = hashlib.sha256()
    for name in ("selector.json", "blanks.json"):
        digest.update(resources.files("deckgen").joinpath(name).read_bytes())
    return digest.hexdigest()


def key_for(kind: str, parts: dict) -> str:
    payload = json.dumps(
        {
            "kind": kind,
            "deckgen": __version__,
            "extractor": EXTRACTOR_VERSION,
            "models": models_digest(),
            **parts,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Cache:
    """Get and put pickled values by key. ``enabled=False`` reads and writes nothing."""

    def __init__(self, enabled: bool = True, folder: Path | None = None) -> None:
        self.enabled = enabled
        self.folder = folder or cache_dir()
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str):
        if not self.enabled:
            return None
        try:
            with self._path(key).open("rb") as handle:
                value = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: object) -> None:
        if not self.enabled:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a cache that cannot be written is only a slower run
