"""deckgen.extract as a package: every name the rest of deckgen, bench/ and tests/
import from ``deckgen.extract`` itself is still offered there."""

from __future__ import annotations

import ast

import deckgen.extract
from tests.conftest import ROOT


def names_taken_from_the_package() -> set[str]:
    """Names imported ``from deckgen.extract import ...``, and attributes read from the
    package imported as a module (``from deckgen import extract as ex``: ``ex.NAME``)."""
    names: set[str] = set()
    for path in [
        p for folder in ("deckgen", "bench", "tests") for p in (ROOT / folder).rglob("*.py")
    ]:
        if ROOT / "deckgen" / "extract" in path.parents:
            continue  # the package's own modules import from its submodules
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "deckgen.extract":
                names.update(alias.name for alias in node.names)
            if isinstance(node, ast.ImportFrom) and node.module == "deckgen":
                aliases.update(a.asname or a.name for a in node.names if a.name == "extract")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
            ):
                names.add(node.attr)
    return names


def test_the_package_offers_every_name_imported_from_it():
    taken = names_taken_from_the_package()
    assert {"extract_claims", "load_pipeline", "model_identity", "ExtractOptions"} <= taken
    assert sorted(taken - set(deckgen.extract.__all__)) == []
    assert all(hasattr(deckgen.extract, name) for name in deckgen.extract.__all__)
