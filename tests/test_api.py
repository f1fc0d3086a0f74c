"""deckgen's library API (deckgen/__init__.py, deckgen/api.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import deckgen
from deckgen.cards import load_cards as read_cards
from deckgen.extract import ExtractOptions, load_pipeline
from deckgen.extract import extract_claims as extract_internal
from tests.conftest import ROOT


def readme_python() -> str:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = text[text.index("# Use from Python") :]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def test_every_declared_name_exists():
    assert deckgen.__all__ == sorted(deckgen.__all__, key=lambda n: (n[0].islower(), n))
    for name in deckgen.__all__:
        assert hasattr(deckgen, name), name


def test_import_deckgen_loads_neither_spacy_nor_genanki():
    code = "import sys, deckgen; print(sorted({m.split('.')[0] for m in sys.modules}))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    loaded = set(eval(result.stdout))  # a printed list of module names
    assert "deckgen" in loaded
    assert not loaded & {"spacy", "genanki", "thinc", "click"}


def test_the_readme_example_runs(project: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.chdir(project)
    exec(compile(readme_python(), "docs/api.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1] == (
        "no-such-cards.yaml: file not found (run 'deckgen extract SOURCE...' to start one)"
    )
    assert re.match(r"\d\d:\d\d:\d\d \S", printed[0])
    # The library wrote what the commands write.
    written = read_cards(project / "my-cards.yaml")
    assert [s.id for s in written.sources] == ["sequoia-transcript"]
    assert len(written.cards) >= 20
    assert (project / "my-talks.apkg").stat().st_size > 0
    assert "deckgen preview" in (project / "my-talks.html").read_text(encoding="utf-8")


def test_extract_claims_defaults_are_what_extract_uses(project: Path):
    path = project / "seeds" / "no-priors-summary.txt"
    claims = deckgen.extract_claims(path)
    expected = extract_internal(
        deckgen.load_document(path), "no-priors-summary", load_pipeline(), ExtractOptions()
    )
    assert claims == expected and claims
    assert {c.source_id for c in claims} == {"no-priors-summary"}
    named = deckgen.extract_claims(path, source_id="np", pipeline=load_pipeline())
    assert [c.card.sources for c in named] == [("np",)] * len(claims)


def test_add_to_cards_passes_title_url_and_progress_through(project: Path):
    cards = project / "new-cards.yaml"
    done, stages = [], []
    source = project / "seeds" / "no-priors-summary.txt"
    report = deckgen.add_to_cards(
        cards,
        [source],
        title="No Priors, the summary",
        url="https://example.com/no-priors",
        progress=done.append,
        step=lambda path, what, _done, _total: stages.append((path, what)),
        use_cache=False,  # extracted here, whatever an earlier test cached
    )
    assert report.added > 0
    (added,) = read_cards(cards).sources
    assert (added.title, added.url) == ("No Priors, the summary", "https://example.com/no-priors")
    assert done == [source]
    assert (source, "drafting cards") in stages
    told = []
    deckgen.extract_claims(source, progress=lambda what, *_: told.append(what))
    assert told[0] == "splitting into sentences" and "drafting cards" in told


def test_align_claims_gives_summary_claims_the_talk_moment(project: Path):
    seeds = project / "seeds"
    summary = deckgen.load_document(seeds / "sequoia-summary.txt")
    claims = deckgen.extract_claims(summary)
    untimed = [c for c in claims if c.card.time is None]
    timed = deckgen.align_claims(claims, summary, seeds / "sequoia-transcript.txt")
    assert len(timed) == len(claims) and untimed
    moved = [c for c in timed if c.card.time is not None]
    assert moved, "some summary claims are found in the talk"
    for claim in moved:
        assert claim.card.sources == ("sequoia-transcript", "sequoia-summary")
        assert claim.card.quote in deckgen.load_document(seeds / "sequoia-transcript.txt").text
    # Without a transcript (and no chapters), nothing gets a time.
    alone = deckgen.align_claims(claims, summary)
    assert all(c.card.time is None for c in alone)


def test_align_summary_matches_each_sentence(project: Path):
    seeds = project / "seeds"
    aligned = deckgen.align_summary(seeds / "sequoia-summary.txt", seeds / "sequoia-transcript.txt")
    # From bench/gold-alignment.yaml: said between 00:26:50 and 00:27:20.
    rl = next(s for s in aligned if s.text.startswith("Today’s reinforcement learning methods"))
    assert rl.alignment.kind == "transcript" and 1610 <= rl.alignment.time <= 1640
    assert "reinforcement learning" in rl.alignment.quote
    # The talk never says this one: no time.
    vaunts = next(s for s in aligned if s.text.startswith("While the industry vaunts"))
    assert vaunts.alignment.time is None
    # Chapters, when the summary has them and no transcript is given.
    lex = deckgen.align_summary(seeds / "lex-fridman-333-summary.txt")
    vscode = next(s for s in lex if s.text.startswith("Visual Studio Code is his editor"))
    assert (vscode.alignment.kind, vscode.alignment.time) == ("chapter", 2 * 3600 + 24 * 60 + 50)


def test_build_deck_from_a_path_is_the_command_line_deck(project: Path):
    from click.testing import CliRunner

    from deckgen.cli import cli

    cards = project / "cards.yaml"
    report = deckgen.build_deck(cards, project / "api.apkg")
    assert report.output == project / "api.apkg"
    result = CliRunner().invoke(
        cli, ["build", "--cards", str(cards), "-o", str(project / "c.apkg")]
    )
    assert result.exit_code == 0, result.output
    assert (project / "api.apkg").read_bytes() == (project / "c.apkg").read_bytes()
    page = deckgen.write_preview(cards)
    assert page == project / "karpathy-talks-preview.html" and page.is_file()


def test_errors_are_deckgen_errors(tmp_path: Path):
    with pytest.raises(deckgen.DeckgenError) as info:
        deckgen.build_deck(tmp_path / "cards.yaml")
    assert str(info.value).startswith(f"{tmp_path / 'cards.yaml'}: file not found")
