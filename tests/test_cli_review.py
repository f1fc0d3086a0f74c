"""The ``deckgen review`` and ``deckgen list --unreviewed`` commands (deckgen/cli.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cards import load_cards
from deckgen.cards.editor import card_version
from deckgen.cli import cli
from deckgen.review.session import ReviewSession


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(
    "args", [["--help"], ["build", "--help"], ["build"], ["check"], ["list"], ["review", "--help"]]
)
def test_fast_commands_never_import_the_web_framework(project: Path, args: list[str]):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "deckgen", *args],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "deckgen.cards" in imported
    assert not {n for n in imported if n.split(".")[0] in ("flask", "werkzeug", "jinja2")}


def test_review_help_names_the_keys():
    result = run("review", "--help")
    assert result.exit_code == 0
    assert "k keep, s skip, e edit, u undo" in " ".join(result.output.split())
    assert "--no-open" in result.output and "--port" in result.output


def test_review_without_flask_says_how_to_install_it(project: Path, monkeypatch):
    monkeypatch.setitem(sys.modules, "flask", None)
    monkeypatch.delitem(sys.modules, "deckgen.review.server", raising=False)
    result = run("review", "--cards", str(project / "cards.yaml"), "--no-open")
    assert result.exit_code == 1
    assert result.output == (
        "error: deckgen review needs Flask, which is not installed "
        "(pip install 'deckgen[review]')\n"
    )


def test_review_of_an_unknown_source_is_one_line(project: Path):
    result = run("review", "--cards", str(project / "cards.yaml"), "--source", "nope", "--no-open")
    assert result.exit_code == 1
    assert result.output.startswith(f"{project / 'cards.yaml'}: no source 'nope' (sources in")


def test_review_prints_the_address_and_stops_cleanly_on_ctrl_c(project: Path, monkeypatch):
    from deckgen.review.server import ReviewServer

    def interrupted(self):
        self.server.server_close()
        raise KeyboardInterrupt

    monkeypatch.setattr(ReviewServer, "serve_forever", interrupted)
    result = run("review", "--cards", str(project / "cards.yaml"), "--no-open")
    assert result.exit_code == 0, result.output
    first, second, third = result.output.splitlines()
    assert first.startswith(f"Reviewing {project / 'cards.yaml'} at http://127.0.0.1:")
    assert "/?token=" in first
    assert second == "Every decision is saved at once. Press Ctrl-C to stop."
    assert third == "Stopped; every decision is saved."


def test_list_unreviewed(project: Path):
    cards = project / "cards.yaml"
    everything = run("list", "--cards", str(cards)).output.splitlines()
    assert run("list", "--cards", str(cards), "--unreviewed").output.splitlines() == everything
    card = load_cards(cards).cards[0]
    ReviewSession(cards).decide(card.id, "keep", card_version(card))
    result = run("list", "--cards", str(cards), "--unreviewed")
    assert result.exit_code == 0
    assert result.output.splitlines() == [line for line in everything if f" {card.id} " not in line]
