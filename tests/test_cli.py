"""The deckgen command, through click's CliRunner, with exact exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli

GOOD = """\
deck:
  name: Test deck
  id: 1234
sources:
  talk:
    title: A talk
    kind: transcript
cards:
  - id: first
    front: Question?
    back: Answer.
    source: talk
    time: 00:01:00
  - id: second
    type: cloze
    text: The brain is {{c1::20 watts}}.
"""


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args))
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(cli, list(args))


def write_cards(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cards.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_build_prints_what_it_wrote(tmp_path: Path):
    cards = write_cards(tmp_path, GOOD)
    result = run("build", "--cards", str(cards), "--output", str(tmp_path / "out.apkg"))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Wrote 2 cards (1 cloze, 1 basic) from 1 source to {tmp_path / 'out.apkg'}\n"
    )
    assert (tmp_path / "out.apkg").stat().st_size > 0


def test_build_default_output_is_named_after_the_deck(tmp_path: Path):
    cards = write_cards(tmp_path, GOOD)
    result = run("build", "--cards", str(cards))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "test-deck.apkg").exists()


@pytest.mark.parametrize(
    ("broken", "line", "message"),
    [
        (GOOD.replace("    back: Answer.", "    back: Answer: yes"), 11, "YAML syntax error"),
        (
            GOOD.replace("    back: Answer.", "    bak: Answer."),
            11,
            "unknown key 'bak' (did you mean 'back'?)",
        ),
        (GOOD.replace("  - id: second", "  - id: first"), 14, "card 'first': duplicate id"),
        (
            GOOD.replace("{{c1::20 watts}}", "20 watts"),
            16,
            "card 'second': cloze text has no {{c1::...}} deletion",
        ),
        (
            GOOD.replace("    source: talk", "    source: tlak"),
            12,
            "unknown source 'tlak' (did you mean 'talk'?)",
        ),
        (GOOD.replace("    time: 00:01:00", "    time: 1 minute"), 13, "bad time"),
    ],
    ids=[
        "yaml-syntax",
        "unknown-key",
        "duplicate-id",
        "cloze-without-cloze",
        "unknown-source",
        "bad-time",
    ],
)
def test_build_reports_a_broken_cards_file_with_its_line(
    tmp_path: Path, broken: str, line: int, message: str
):
    cards = write_cards(tmp_path, broken)
    result = run("build", "--cards", str(cards), "--output", str(tmp_path / "out.apkg"))
    assert result.exit_code == 1
    assert result.output.startswith(f"{cards}:{line}: ")
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out.apkg").exists()


def test_build_without_a_cards_file_says_how_to_start(tmp_path: Path):
    result = run("build", "--cards", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert result.output == (
        f"{tmp_path / 'nope.yaml'}: file not found (run 'deckgen extract SOURCE...' to start one)\n"
    )


def test_help_lists_commands():
    result = run("--help")
    assert result.exit_code == 0
    assert "build" in result.output


def test_python_m_deckgen_works():
    result = subprocess.run(
        [sys.executable, "-m", "deckgen", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("deckgen, version ")


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["build"]])
def test_fast_commands_never_import_spacy(tmp_path: Path, args: list[str]):
    write_cards(tmp_path, GOOD)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "deckgen", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "genanki" in imported or args != ["build"]
    assert not {name for name in imported if name.split(".")[0] == "spacy"}


SOURCES = Path(__file__).parent / "fixtures" / "sources"


def test_sources_shows_what_deckgen_reads():
    result = run("sources", str(SOURCES / "quirks.srt"), str(SOURCES / "summary.md"))
    assert result.exit_code == 0, result.output
    header, srt_row, summary_row = result.output.splitlines()
    assert header.split() == ["file", "format", "kind", "duration", "segments", "words", "chapters"]
    assert srt_row.split() == [
        str(SOURCES / "quirks.srt"),
        "srt",
        "transcript",
        "01:02:05",
        "4",
        "20",
        "0",
    ]
    assert summary_row.split()[1:] == ["summary", "summary", "-", "0", "45", "6"]


def test_sources_reports_each_bad_file_and_exits_1():
    result = run(
        "sources",
        str(SOURCES / "quirks.srt"),
        str(SOURCES / "empty.txt"),
        str(SOURCES / "backwards.srt"),
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-2:] == [
        f"{SOURCES / 'empty.txt'}: the file is empty",
        f"{SOURCES / 'backwards.srt'}:6: time goes backwards (from 600.0s to 60.0s) "
        "(segments must be in the order they are spoken)",
    ]
    assert "Traceback" not in result.output


def test_sources_forced_format_that_does_not_fit():
    result = run("sources", "--format", "vtt", str(SOURCES / "quirks.srt"))
    assert result.exit_code == 1
    assert result.output == (
        f"{SOURCES / 'quirks.srt'}:1: a WebVTT file must start with 'WEBVTT' "
        "(leave out --format to let deckgen detect the format)\n"
    )


def test_sources_missing_file():
    result = run("sources", "nope.srt")
    assert result.exit_code == 1
    assert result.output == "nope.srt: file not found\n"
