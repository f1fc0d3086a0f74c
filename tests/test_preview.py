"""deckgen.preview: the deck as one HTML page, checked in a real headless browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cards import load_cards
from deckgen.cli import cli
from deckgen.media import make_clips
from deckgen.notetypes import BASIC, CLOZE
from deckgen.preview import preview_data, render_cloze, render_template, write_preview
from tests.conftest import ROOT
from tests.test_media import make_talk, needs_ffmpeg


def test_cloze_rendering_hides_the_active_deletion_only():
    text = "Pythia, {{c1::LLM360}} and {{c2::OLMo::a name}}"
    assert (
        render_cloze(text, 1, reveal=False) == 'Pythia, <span class="cloze">[...]</span> and OLMo'
    )
    assert (
        render_cloze(text, 2, reveal=False)
        == 'Pythia, LLM360 and <span class="cloze">[a name]</span>'
    )
    assert (
        render_cloze(text, 2, reveal=True) == 'Pythia, LLM360 and <span class="cloze">OLMo</span>'
    )


def test_templates_render_like_anki():
    fields = dict(
        zip(
            BASIC.fields, ["Q?", "A.", "", "Talk", "00:13:10", "https://v/?t=790", "x"], strict=True
        )
    )
    front = render_template(BASIC.question, fields)
    back = render_template(BASIC.answer, fields, front_side=front)
    assert "Q?" in front and "A." not in front
    assert back.count("Q?") == 1 and "A." in back
    assert "dg-quote" not in back  # {{#Quote}} section with an empty Quote
    assert '<a class="dg-time" href="https://v/?t=790">00:13:10</a>' in back
    fields["Link"] = ""
    assert '<span class="dg-time">00:13:10</span>' in render_template(BASIC.answer, fields)
    cloze = dict(zip(CLOZE.fields, ["a {{c1::b}}", "", "", "", "", "", "y"], strict=True))
    assert "[...]" in render_template(CLOZE.question, cloze, cloze=1)
    assert '<span class="cloze">b</span>' in render_template(
        CLOZE.answer, cloze, cloze=1, reveal=True
    )


def test_preview_data_of_the_project_deck():
    cards_file = load_cards(ROOT / "cards.yaml")
    data = preview_data(cards_file)
    assert len(data["cards"]) == len(cards_file.cards)
    assert [s["id"] for s in data["sources"]] == [s.id for s in cards_file.sources]
    brain = next(c for c in data["cards"] if c["id"] == "brain-20-watts")
    assert brain["link"] == "https://www.youtube.com/watch?v=c3b-JASoPi0&t=790"
    assert brain["line"] == next(c.line for c in cards_file.cards if c.id == "brain-20-watts")
    assert "[...]" in brain["faces"][0]["front"] and "20 watts" in brain["faces"][0]["back"]
    skipped = [c for c in data["cards"] if c["skip"]]
    assert [c["id"] for c in skipped] == ["architectures-follow-hardware"]
    # Each source's cards in time order.
    transcript = [c["time"] for c in data["cards"] if c["source"] == "sequoia-transcript"]
    assert transcript == sorted(transcript)


def test_a_media_tag_in_a_card_shows_as_the_player_anki_shows(tmp_path: Path):
    from deckgen.cards import parse_cards

    text = (
        "deck: {name: d, id: 1234567890}\n"
        "sources:\n  talk:\n    title: '[sound:title.mp3] Talk'\n    kind: transcript\n"
        "cards:\n  - id: mine\n    front: 'Hear [sound:evil.mp3] this'\n    back: b\n"
        "    source: talk\n"
    )
    data = preview_data(parse_cards(text, tmp_path / "cards.yaml"))
    face = data["cards"][0]["faces"][0]
    assert "[sound:evil.mp3]" not in face["front"]
    assert 'title="Anki plays evil.mp3 here"' in face["front"]
    # A source's title is no player in Anki: the deck writes it inert.
    assert "[ sound:title.mp3] Talk" in face["back"]


def test_the_page_is_self_contained(tmp_path: Path):
    page = tmp_path / "p.html"
    write_preview(load_cards(ROOT / "cards.yaml"), page)
    text = page.read_text()
    assert "<link" not in text
    assert not re.search(r"<(?:script|img|iframe)[^>]+src=", text)
    assert "@import" not in text and "url(" not in text
    payload = text.split('<script id="deck-data" type="application/json">')[1].split("</script>")[0]
    assert len(json.loads(payload)["cards"]) == 62


def test_cli_preview(tmp_path: Path):
    shutil.copy(ROOT / "cards.yaml", tmp_path / "cards.yaml")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    result = CliRunner().invoke(cli, ["preview", "--cards", str(tmp_path / "cards.yaml")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "karpathy-talks-preview.html"
    assert result.output == f"Wrote a preview of 61 cards and 1 skipped from 4 sources to {out}\n"
    assert out.stat().st_size > 10_000


def test_cli_preview_of_a_broken_file(tmp_path: Path):
    (tmp_path / "cards.yaml").write_text(
        "deck: {name: D, id: 1}\ncards:\n  - id: a\n    front: f\n"
    )
    result = CliRunner().invoke(cli, ["preview", "--cards", str(tmp_path / "cards.yaml")])
    assert result.exit_code == 1
    assert ":3: card 'a': missing 'back'" in result.output


# -- in a real browser

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


needs_browser = pytest.mark.skipif(
    find_browser() is None,
    reason="no Chromium or Chrome found on PATH (.ci/run installs Debian's chromium)",
)


def headless(page: Path, tmp_path: Path, *args: str, hash_: str = "") -> str:
    """Run the page in headless Chromium with JavaScript; return the DOM or output."""
    command = [
        find_browser(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--virtual-time-budget=10000",
        *args,
        page.as_uri() + hash_,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@needs_browser
def test_the_project_preview_in_a_headless_browser(tmp_path: Path):
    cards_file = load_cards(ROOT / "cards.yaml")
    page = tmp_path / "preview.html"
    write_preview(cards_file, page)

    dom = headless(page, tmp_path, "--dump-dom")
    active = [c for c in cards_file.cards if not c.skip]
    assert len(re.findall(r'<article class="item card-item', dom)) == len(active)
    marks = re.findall(r'<a class="mark[^"]*" href="#card-([a-z0-9-]+)"', dom)
    assert sorted(marks) == sorted(c.id for c in cards_file.cards if c.time is not None)
    assert f'<span id="count">{len(active)} cards</span>' in dom
    assert 'href="https://www.youtube.com/watch?v=c3b-JASoPi0&amp;t=790"' in dom

    screenshot = tmp_path / "preview.png"
    headless(
        page, tmp_path, f"--screenshot={screenshot}", "--window-size=1280,1600", "--hide-scrollbars"
    )
    assert screenshot.stat().st_size > 20_000


@needs_browser
def test_a_5000_card_deck_renders_lazily_and_jumps_to_a_late_card(tmp_path: Path):
    lines = [
        "deck: {name: Big, id: 7}",
        "sources:",
        "  talk: {title: Long talk, kind: transcript}",
        "cards:",
    ]
    for n in range(5000):
        lines.append(
            f"  - {{id: card-{n}, front: 'Question {n}?', back: 'Answer {n}.', source: talk, "
            f"time: '{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}', tags: [t{n % 7}]}}"
        )
    cards = tmp_path / "cards.yaml"
    cards.write_text("\n".join(lines) + "\n")
    page = tmp_path / "big.html"
    write_preview(load_cards(cards), page)

    dom = headless(page, tmp_path, "--dump-dom")
    rendered = len(re.findall(r'<article class="item card-item', dom))
    assert 0 < rendered <= 600  # batches, not 5,000 at once
    assert '<span id="count">5000 cards</span>' in dom
    assert len(re.findall(r'class="mark', dom)) == 5000

    # A page opened at a late card renders up to it (the anchor of card 'card-4321').
    jumped = headless(page, tmp_path, "--dump-dom", hash_="#card-card-4321")
    assert 'id="card-card-4321"' in jumped
    assert len(re.findall(r'<article class="item card-item', jumped)) < 5000


@needs_ffmpeg
def test_each_clip_plays_on_its_cards_back(tmp_path: Path):
    import base64

    talk = make_talk(tmp_path / "talk")
    cards_file = load_cards(talk / "cards.yaml")
    clips = make_clips(cards_file, cards_file.active_cards)
    data = preview_data(cards_file, clips)
    assert sorted(data["clips"]) == sorted(c.name for c in clips.values())
    for card in data["cards"]:
        player = '<audio class="dg-clip" controls preload="none" data-clip="'
        face = card["faces"][0]
        assert player not in face["front"]
        if card["id"] in clips:
            name = clips[card["id"]].name
            assert face["back"].count(player + name + '"></audio>') == 1, card["id"]
            assert base64.b64decode(data["clips"][name]) == clips[card["id"]].data
        else:
            assert player not in face["back"] and "[sound:" not in face["back"]


@needs_ffmpeg
@needs_browser
def test_the_page_sets_each_players_clip(tmp_path: Path):
    talk = make_talk(tmp_path / "talk")
    result = CliRunner().invoke(
        cli, ["preview", "--cards", str(talk / "cards.yaml"), "-o", str(tmp_path / "p.html")]
    )
    assert result.exit_code == 0, result.output
    assert result.output.endswith(", with 3 audio clips\n")
    dom = headless(tmp_path / "p.html", tmp_path, "--dump-dom")
    players = re.findall(r'<audio class="dg-clip"[^>]*src="data:audio/mpeg;base64,[^"]+"', dom)
    assert len(players) == 3
    result = CliRunner().invoke(
        cli,
        [
            "preview",
            "--no-media",
            "--cards",
            str(talk / "cards.yaml"),
            "-o",
            str(tmp_path / "q.html"),
        ],
    )
    assert result.exit_code == 0 and "audio" not in result.output
    assert "<audio" not in headless(tmp_path / "q.html", tmp_path, "--dump-dom")


HOSTILE = """\
deck: {name: "Deck </title><script>alert(1)</script>", id: 7}
sources:
  talk: {title: "<!-- a talk", kind: transcript}
cards:
  - id: comment
    front: "Is <!-- a comment opener?"
    back: Yes, in HTML.
    source: talk
    time: 00:00:10
  - id: script
    front: "What does <script> start?"
    back: "A script; </script> ends it & \\u2028 is a line separator."
  - id: plain
    type: cloze
    text: "The brain runs on {{c1::20 watts}} <b>not</b> more."
"""


def test_the_page_data_holds_no_angle_bracket_and_reads_back(tmp_path: Path):
    cards = tmp_path / "cards.yaml"
    cards.write_text(HOSTILE, encoding="utf-8")
    page = tmp_path / "p.html"
    write_preview(load_cards(cards), page)
    text = page.read_text(encoding="utf-8")
    start = text.index('<script id="deck-data"')
    body = text[text.index(">", start) + 1 : text.index("</script>", start)]
    assert not set("<>&\u2028\u2029") & set(body)
    assert json.loads(body) == preview_data(load_cards(cards))


@needs_browser
def test_cards_holding_html_openers_all_render_in_a_browser(tmp_path: Path):
    cards = tmp_path / "cards.yaml"
    cards.write_text(HOSTILE, encoding="utf-8")
    page = tmp_path / "p.html"
    write_preview(load_cards(cards), page)
    dom = headless(page, tmp_path, "--dump-dom")
    assert len(re.findall(r'<article class="item card-item', dom)) == 3
    assert '<span id="count">3 cards</span>' in dom
    assert "What does &lt;script&gt; start?" in dom
    assert "<script>alert(1)</script>" not in dom


@pytest.mark.parametrize(("opener", "opened"), [("exit 3", False), (None, False), ("exit 0", True)])
def test_preview_open_without_a_browser_says_so(tmp_path: Path, opener: str | None, opened: bool):
    import os
    import sys

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if opener is not None:  # xdg-open is there but finds no browser; else there is none
        script = bin_dir / "xdg-open"
        script.write_text(f"#!/bin/sh\n{opener}\n")
        script.chmod(0o755)
    cards = tmp_path / "cards.yaml"
    cards.write_text("deck: {name: D, id: 7}\ncards:\n  - {id: a, front: Q, back: A}\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "deckgen", "preview", "--open", "--cards", str(cards)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PATH": str(bin_dir)},
        timeout=60,
    )
    page = tmp_path / "d-preview.html"
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Wrote a preview of 1 card from 0 sources to {page}\n"
    warning = f"warning: no browser could be opened; open {page} yourself\n"
    assert result.stderr == ("" if opened else warning)
