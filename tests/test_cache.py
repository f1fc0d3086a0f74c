"""deckgen.cache: re-runs over unchanged sources reuse results and never load spaCy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from deckgen.cache import Cache, key_for
from tests.conftest import ROOT


def test_put_and_get(tmp_path: Path):
    cache = Cache(folder=tmp_path)
    assert cache.get("ab" * 32) is None
    cache.put("ab" * 32, {"claims": [1, 2]})
    assert cache.get("ab" * 32) == {"claims": [1, 2]}
    assert (cache.hits, cache.misses) == (1, 1)


def test_a_disabled_cache_reads_and_writes_nothing(tmp_path: Path):
    cache = Cache(enabled=False, folder=tmp_path)
    cache.put("cd" * 32, 1)
    assert cache.get("cd" * 32) is None
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_entry_is_a_miss(tmp_path: Path):
    cache = Cache(folder=tmp_path)
    cache.put("ef" * 32, 1)
    next(tmp_path.rglob("*.pickle")).write_bytes(b"not a pickle")
    assert cache.get("ef" * 32) is None


def test_keys_depend_on_everything_that_changes_the_result():
    base = {"file": "x", "model": "m==1", "options": "o"}
    assert key_for("claims", base) == key_for("claims", dict(base))
    for change in ({"file": "y"}, {"model": "m==2"}, {"options": "p"}):
        assert key_for("claims", {**base, **change}) != key_for("claims", base)
    assert key_for("alignments", base) != key_for("claims", base)


def test_a_retrained_model_is_a_new_key(monkeypatch):
    import deckgen.cache

    base = {"file": "x", "model": "m==1", "options": "o"}
    shipped = key_for("claims", base)
    monkeypatch.setattr(deckgen.cache, "models_digest", lambda: "another model")
    assert key_for("claims", base) != shipped


def _extract(folder: Path, cache_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DECKGEN_CACHE_DIR": str(cache_dir)}
    return subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "deckgen",
            "extract",
            "--cards",
            str(folder / "cards.yaml"),
            *extra,
            str(folder / "talk.txt"),
            str(folder / "notes.txt"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
    )


def _imports_spacy(result: subprocess.CompletedProcess) -> bool:
    return any(line.split("|")[-1].strip() == "spacy" for line in result.stderr.splitlines())


def test_a_rerun_over_unchanged_sources_uses_the_cache_and_not_spacy(tmp_path: Path):
    shutil.copy(ROOT / "seeds" / "sequoia-transcript.txt", tmp_path / "talk.txt")
    shutil.copy(ROOT / "seeds" / "no-priors-summary.txt", tmp_path / "notes.txt")
    cache_dir = tmp_path / "cache"

    first = _extract(tmp_path, cache_dir)
    assert first.returncode == 0, first.stderr[-2000:]
    assert _imports_spacy(first)
    written = (tmp_path / "cards.yaml").read_bytes()
    assert list(cache_dir.rglob("*.pickle"))

    for leftover in ("cards.yaml", "cards.state.json"):
        (tmp_path / leftover).unlink()
    again = _extract(tmp_path, cache_dir)
    assert again.returncode == 0, again.stderr[-2000:]
    assert not _imports_spacy(again)
    assert (tmp_path / "cards.yaml").read_bytes() == written

    for leftover in ("cards.yaml", "cards.state.json"):
        (tmp_path / leftover).unlink()
    bypassed = _extract(tmp_path, cache_dir, "--no-cache")
    assert bypassed.returncode == 0
    assert _imports_spacy(bypassed)
    assert (tmp_path / "cards.yaml").read_bytes() == written


def test_a_changed_source_is_extracted_again(tmp_path: Path):
    shutil.copy(ROOT / "seeds" / "no-priors-summary.txt", tmp_path / "notes.txt")
    (tmp_path / "talk.txt").write_text(
        "Scale is the first principal component of model quality, roughly.\n" * 3
    )
    cache_dir = tmp_path / "cache"
    assert _extract(tmp_path, cache_dir).returncode == 0
    entries = len(list(cache_dir.rglob("*.pickle")))
    with (tmp_path / "notes.txt").open("a") as notes:
        notes.write(
            "\nKarpathy argued that sparsity is a big lever for the efficiency of models.\n"
        )
    result = _extract(tmp_path, cache_dir)
    assert result.returncode == 0
    assert _imports_spacy(result)
    assert len(list(cache_dir.rglob("*.pickle"))) > entries
