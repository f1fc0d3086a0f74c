"""Shared test helpers: paths, a tmp project, and a real Anki collection."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Tests never touch the user's ~/.cache/deckgen (results are deterministic, so
    sharing one cache across the session is safe, and faster)."""
    previous = os.environ.get("DECKGEN_CACHE_DIR")
    os.environ["DECKGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("deckgen-cache"))
    yield
    if previous is None:
        os.environ.pop("DECKGEN_CACHE_DIR", None)
    else:
        os.environ["DECKGEN_CACHE_DIR"] = previous


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's cards.yaml and seeds in a temporary folder (no state file)."""
    shutil.copy(ROOT / "cards.yaml", tmp_path / "cards.yaml")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    return tmp_path


@pytest.fixture
def collection(tmp_path: Path):
    """A fresh, real Anki collection; closed after the test."""
    from anki.collection import Collection

    folder = tmp_path / "anki"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    yield col
    col.close()


def import_apkg(col, apkg: Path):
    """Import an .apkg with Anki's default options (update notes if newer); return the log."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log
