"""The deckgen command, through click's CliRunner, with exact exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli
from tests.conftest import ROOT

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


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def write_cards(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cards.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_build_prints_what_it_wrote(tmp_path: Path):
    cards = write_cards(tmp_path, GOOD)
    result = run("build", "--cards", str(cards), "--output", str(tmp_path / "out.apkg"))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
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
    assert not {name for name in imported if name.split(".")[0] in ("spacy", "httpx")}


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


def test_sources_warns_when_content_and_extension_disagree(tmp_path: Path):
    misnamed = tmp_path / "talk.vtt"
    misnamed.write_bytes((SOURCES / "quirks.srt").read_bytes())
    result = run("sources", str(misnamed))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        f"warning: {misnamed}: the content is SRT, not WebVTT as '.vtt' says; read as SRT"
    )
    assert lines[2].split()[:2] == [str(misnamed), "srt"]


def test_extract_prints_the_parse_warnings_as_sources_does(tmp_path: Path):
    misnamed = tmp_path / "talk.vtt"
    misnamed.write_bytes((SOURCES / "quirks.srt").read_bytes())
    warning = f"warning: {misnamed}: the content is SRT, not WebVTT as '.vtt' says; read as SRT"
    assert run("sources", str(misnamed)).stderr.splitlines() == [warning]
    clean = tmp_path / "clean.srt"
    clean.write_bytes((SOURCES / "quirks.srt").read_bytes())
    cards = tmp_path / "cards.yaml"
    # Twice: the second run answers from the cache, and still warns.
    for _ in range(2):
        result = run("extract", "--model", "none", "--cards", str(cards), str(misnamed), str(clean))
        assert result.exit_code == 0, result.output
        # Only the misnamed file warns, once (besides the rules-only model's warning).
        assert [line for line in result.stderr.splitlines() if "talk.vtt" in line] == [warning]
        assert "clean.srt" not in result.stderr
        assert f"{misnamed}: " in result.stdout


def test_sources_missing_file():
    result = run("sources", "nope.srt")
    assert result.exit_code == 1
    assert result.output == "nope.srt: file not found\n"


# -- deckgen check: one test per check, each with its exact line


CHECK_BASE = """\
deck:
  name: Checked
  id: 99
sources:
  talk:
    title: Talk
    file: talk.srt
    kind: transcript
cards:
  - id: ok-card
    front: Fine?
    back: Fine.
    source: talk
    time: 00:00:01
"""

TALK_SRT = "1\n00:00:00,000 --> 00:00:05,000\nHello there, this is a talk.\n"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "  - id: a\n    front: x: y\n    back: b\n",
            "cards.yaml:16: YAML syntax error: mapping values are not allowed here",
        ),
        (
            "  - id: a\n    front: f\n    bakc: b\n",
            "cards.yaml:17: card 'a': unknown key 'bakc' (did you mean 'back'?)",
        ),
        (
            "  - id: a\n    front: f\n",
            "cards.yaml:15: card 'a': missing 'back' (write the answer under 'back:')",
        ),
        (
            "  - id: ok-card\n    front: f\n    back: b\n",
            "cards.yaml:15: card 'ok-card': duplicate id (the id is already used on line 10; ids must be unique)",
        ),
        (
            "  - id: Bad_Id\n    front: f\n    back: b\n",
            "cards.yaml:15: card 'Bad_Id': id may only hold a-z, 0-9 and single '-' (e.g. 'bad-id')",
        ),
        (
            "  - id: a\n    front: f\n    back: b\n    source: talk\n    time: 1:2:3\n",
            "cards.yaml:19: card 'a': bad time: '1:2:3' is not a time like 00:13:10, 0:13:10 or 13:10",
        ),
        (
            "  - id: a\n    front: f\n    back: b\n    source: talk\n    time: 00:10:00\n",
            "cards.yaml:15: card 'a': time 00:10:00 is after the end of 'talk' (00:00:05) "
            "(check the time against the transcript)",
        ),
        (
            "  - id: a\n    type: cloze\n    text: no deletion here\n",
            "cards.yaml:17: card 'a': cloze text has no {{c1::...}} deletion",
        ),
        (
            "  - id: a\n    type: cloze\n    text: '{{c1::open'\n",
            "cards.yaml:17: card 'a': cloze text has unbalanced braces (close every '{{c1::' with '}}')",
        ),
        (
            "  - id: a\n    front: f\n    back: b\n    source: tlak\n",
            "cards.yaml:18: card 'a': unknown source 'tlak' (did you mean 'talk'?)",
        ),
        (
            "  - id: a\n    front: ''\n    back: b\n",
            "cards.yaml:16: card 'a': 'front' is empty (write the question under 'front:')",
        ),
        (
            "  - id: a\n    front: f\n    back:\n",
            "cards.yaml:17: card 'a': 'back' is empty (write the answer under 'back:')",
        ),
        (
            "  - id: a\n    front: f\n    back: b\n    tags: [ok, not ok]\n",
            "cards.yaml:18: card 'a': tag 'not ok' contains a space (Anki tags cannot hold spaces: use 'not-ok')",
        ),
    ],
    ids=[
        "yaml-syntax",
        "unknown-key",
        "missing-field",
        "duplicate-id",
        "bad-id",
        "malformed-time",
        "time-after-source-end",
        "cloze-without-deletion",
        "cloze-unbalanced",
        "undeclared-source",
        "empty-front",
        "empty-back",
        "tag-with-space",
    ],
)
def test_check_reports_each_problem_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str, expected: str
):
    (tmp_path / "talk.srt").write_text(TALK_SRT)
    write_cards(tmp_path, CHECK_BASE + extra)
    monkeypatch.chdir(tmp_path)  # the default --cards is ./cards.yaml
    result = run("check")
    assert result.exit_code == 1, result.output
    assert result.output.startswith(expected), result.output
    assert "Traceback" not in result.output


def test_check_lists_every_problem_at_once(tmp_path: Path):
    cards = write_cards(
        tmp_path,
        CHECK_BASE
        + "  - id: a\n    front: f\n  - id: b\n    front: f\n    back: b\n    tags: [x y]\n",
    )
    result = run("check", "--cards", str(cards))
    assert result.exit_code == 1
    assert [line.split(": ", 2)[0].rsplit(":", 1)[1] for line in result.output.splitlines()] == [
        "15",
        "20",
    ]


def test_check_clean_file(tmp_path: Path):
    (tmp_path / "talk.srt").write_text(TALK_SRT)
    cards = write_cards(tmp_path, CHECK_BASE)
    result = run("check", "--cards", str(cards))
    assert result.exit_code == 0
    assert result.output == f"{cards}: 1 card, 1 source, no problems\n"


def test_check_the_project_cards_file():
    result = run("check", "--cards", str(Path(__file__).parent.parent / "cards.yaml"))
    assert result.exit_code == 0, result.output


def test_build_runs_the_same_checks(tmp_path: Path):
    (tmp_path / "talk.srt").write_text(TALK_SRT)
    cards = write_cards(
        tmp_path,
        CHECK_BASE + "  - id: a\n    front: f\n    back: b\n    source: talk\n    time: 00:10:00\n",
    )
    result = run("build", "--cards", str(cards))
    assert result.exit_code == 1
    assert result.output.startswith(
        f"{cards}:15: card 'a': time 00:10:00 is after the end of 'talk'"
    )


# -- deckgen list


def test_list_shows_one_line_per_card(tmp_path: Path):
    cards = write_cards(
        tmp_path,
        GOOD + "  - id: third\n    front: Skipped question\n    back: b\n    skip: true\n",
    )
    result = run("list", "--cards", str(cards))
    assert result.exit_code == 0
    rows = [line.split() for line in result.output.splitlines()]
    assert rows == [
        [f"{cards}:9", "first", "basic", "talk", "00:01:00", "Question?"],
        [f"{cards}:14", "second", "cloze", "-", "-", "The", "brain", "is", "{{c1::20", "watts}}."],
    ]
    skipped = run("list", "--cards", str(cards), "--skipped")
    assert [line.split()[1] for line in skipped.output.splitlines()] == ["third"]
    by_source = run("list", "--cards", str(cards), "--source", "talk")
    assert [line.split()[1] for line in by_source.output.splitlines()] == ["first"]


def test_list_unknown_source(tmp_path: Path):
    cards = write_cards(tmp_path, GOOD)
    result = run("list", "--cards", str(cards), "--source", "nope")
    assert result.exit_code == 1
    assert result.output == f"{cards}: no source 'nope' (sources in this file: talk)\n"


# --------------------------------------------------------------------------- file errors
# Every OSError on the person's files is one line naming the file, and exit code 1.


def one_error_line(result, path: Path, *words: str) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{path}: ") and "Traceback" not in result.output
    for word in words:
        assert word in lines[0]
    return lines[0]


def test_preview_into_a_missing_folder(tmp_path: Path):
    cards = write_cards(tmp_path, GOOD)
    out = tmp_path / "nonexistent" / "dir" / "x.html"
    result = run("preview", "--cards", str(cards), "-o", str(out))
    line = one_error_line(result, out, "cannot write the preview", "No such file or directory")
    assert line.endswith("(check the folder exists and is writable)")


@pytest.mark.parametrize("command", ["preview", "build"])
def test_writing_under_a_file_instead_of_a_folder(tmp_path: Path, command: str):
    cards = write_cards(tmp_path, GOOD)
    out = cards / "x.out"  # ENOTDIR: cards.yaml is a file
    result = run(command, "--cards", str(cards), "-o", str(out))
    one_error_line(result, out, "cannot write", "Not a directory")


@pytest.mark.parametrize("command", ["build", "extract"])
def test_an_unreadable_state_file(tmp_path: Path, command: str):
    cards = write_cards(tmp_path, GOOD)
    state = tmp_path / "cards.state.json"
    state.mkdir()  # cannot be read as a file, even by root
    source = tmp_path / "notes.md"
    source.write_text("A summary. It says that a brain runs on 20 watts.\n", encoding="utf-8")
    args = ["extract", "--model", "none", str(source)] if command == "extract" else ["build"]
    result = run(*args, "--cards", str(cards))
    line = one_error_line(result, state, "is a folder, not a file")
    assert "delete it" in line
    assert cards.read_text(encoding="utf-8") == GOOD


_NO_OVERRIDE = ["--bounding-set=-dac_override,-dac_read_search"]
_NO_OVERRIDE.append("--inh-caps=-dac_override,-dac_read_search")


def _run_in_read_only_folder(
    folder: Path, *args: str, read_only: Path | None = None
) -> subprocess.CompletedProcess:
    """Run deckgen in ``folder`` with ``read_only`` (default: the folder) made read-only.
    Root writes anywhere, so as root it runs without the capabilities that override
    file permissions (util-linux setpriv)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: read-only files cannot be arranged")
        prefix = [setpriv, *_NO_OVERRIDE, "--"]
    read_only = read_only or folder
    mode = read_only.stat().st_mode & 0o777
    read_only.chmod(mode & 0o555)
    try:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "deckgen", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=folder,
            timeout=120,
        )
    finally:
        read_only.chmod(mode)


@pytest.mark.parametrize(
    ("args", "target", "words"),
    [
        (["build"], "test-deck.apkg", "cannot write the deck"),
        (["preview"], "test-deck-preview.html", "cannot write the preview"),
        (["extract", "--model", "none", "notes.md"], "cards.yaml", "cannot write the cards file"),
    ],
)
def test_a_read_only_folder(tmp_path: Path, args: list[str], target: str, words: str):
    write_cards(tmp_path, GOOD)
    (tmp_path / "notes.md").write_text("It says that a brain runs on 20 watts.\n", "utf-8")
    result = _run_in_read_only_folder(tmp_path, *args)
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0] == f"{target}: {words}: Permission denied " + (
        "(check the folder exists and is writable)"
    )
    assert (tmp_path / "cards.yaml").read_text(encoding="utf-8") == GOOD


def test_a_read_only_cards_file_is_not_replaced(tmp_path: Path):
    cards = write_cards(tmp_path, GOOD)
    (tmp_path / "notes.md").write_text("It says that a brain runs on 20 watts.\n", "utf-8")
    result = _run_in_read_only_folder(
        tmp_path, "extract", "--model", "none", "notes.md", read_only=cards
    )
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert lines == [
        "cards.yaml: cannot write the cards file: the file is read-only "
        "(make it writable (chmod u+w) if deckgen should change it)"
    ]
    assert cards.read_text(encoding="utf-8") == GOOD
    assert cards.stat().st_mode & 0o777 == 0o644


def test_a_symlinked_cards_file_gets_the_cards_and_stays_a_link(tmp_path: Path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = write_cards(dotfiles, GOOD)
    real.chmod(0o600)
    work = tmp_path / "work"
    work.mkdir()
    link = work / "cards.yaml"
    link.symlink_to(real)
    (work / "notes.md").write_text("It says that a brain runs on 20 watts.\n", "utf-8")
    result = run("extract", "--model", "none", "--cards", str(link), str(work / "notes.md"))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real
    text = real.read_text(encoding="utf-8")
    assert "\n  notes:\n" in text and "source: notes\n" in text
    assert real.stat().st_mode & 0o777 == 0o600
    assert (dotfiles / "cards.state.json").is_file()
    assert sorted(p.name for p in work.iterdir()) == ["cards.yaml", "notes.md"]


def test_check_and_build_explain_a_renamed_deck(tmp_path: Path):
    cards = write_cards(tmp_path, GOOD)
    assert run("build", "--cards", str(cards)).exit_code == 0
    cards.write_text(GOOD.replace("name: Test deck", "name: New deck"), encoding="utf-8")
    expected = (
        f"{cards}: the deck was renamed from 'Test deck' to 'New deck' since the last build; "
        "Anki would keep every card you have in 'Test deck' and put new ones in a second deck "
        "(rename the deck in Anki to 'New deck' too (in the deck list: gear > Rename), then run "
        "'deckgen build --deck-renamed'; or put back 'name: Test deck')"
    )
    for command in ("check", "build"):
        result = run(command, "--cards", str(cards))
        assert result.exit_code == 1 and result.stderr.splitlines() == [expected], result.output
    result = run("build", "--deck-renamed", "--cards", str(cards))
    assert result.exit_code == 0, result.output
    assert run("check", "--cards", str(cards)).exit_code == 0


@pytest.mark.parametrize("command", ["extract", "sources"])
def test_a_folder_given_as_a_source_is_one_clean_line(tmp_path: Path, command: str):
    folder = tmp_path / "talks"
    folder.mkdir()
    cards = ["--cards", str(tmp_path / "cards.yaml")] if command == "extract" else []
    result = run(command, str(folder), *cards)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{folder}: is a folder, not a file"]
    assert not (tmp_path / "cards.yaml").exists()


def test_extract_counts_say_what_happened_in_a_new_file(tmp_path: Path):
    one, two = tmp_path / "one.md", tmp_path / "two.md"
    one.write_text("Notes.\n\nIt says that a brain runs on 20 watts.\n", encoding="utf-8")
    two.write_text("More notes.\n\nIt says that a brain runs on 20 watts.\n", encoding="utf-8")
    cards = tmp_path / "cards.yaml"
    result = run("extract", "--model", "none", "--cards", str(cards), str(one), str(two))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{one}: 1 new card as 'one' (new source)",
        f"{two}: 0 new cards as 'two' (new source) "
        "(1 also said in another source, whose card names this one)",
        f"Created {cards}: 1 card added",
    ]


def test_a_build_killed_while_writing_leaves_no_temporary_file(tmp_path: Path):
    cards = write_cards(tmp_path, GOOD)
    # The process sends itself SIGTERM (what `kill` sends) half way through writing.
    script = (
        "import os, signal, sys, time\n"
        "from deckgen import cli, fsutil\n"
        "def stopped(fd):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(30)\n"
        "fsutil.os.fsync = stopped\n"
        "sys.argv = ['deckgen', 'build', '--cards', sys.argv[1]]\n"
        "cli.main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(cards)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr == "Interrupted; nothing was written.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards.yaml"]


def test_extract_takes_the_title_and_url_of_a_new_source(tmp_path: Path):
    notes = tmp_path / "82-durk-kingma-interview-block-sparse-kernels-for-deep-neural-networks.md"
    notes.write_text("Notes.\n\nIt says that a brain runs on 20 watts.\n", encoding="utf-8")
    cards = tmp_path / "cards.yaml"
    base = ["extract", "--model", "none", "--cards", str(cards), str(notes)]
    for extra, error in [
        (["--url", "javascript:alert(1)//"], "'javascript:alert(1)//' is not a web address"),
        (["--title", " "], "--title is empty"),
    ]:
        result = run(*base, *extra)
        assert result.exit_code == 1 and error in result.stderr, result.output
        assert not cards.exists()
    result = run(
        *base, "--title", "Durk Kingma on block-sparse kernels", "--url", "https://v.example/82"
    )
    assert result.exit_code == 0, result.output
    from deckgen.cards import load_cards

    cards_file = load_cards(cards)
    (source,) = cards_file.sources
    assert (source.title, source.url) == (
        "Durk Kingma on block-sparse kernels",
        "https://v.example/82",
    )
    assert cards_file.deck.name == "Durk Kingma on block-sparse kernels"
    result = run(*base, "--title", "Again")
    assert result.exit_code == 1
    assert "is already a source here, so --title and --url change nothing" in result.stderr


def test_a_long_file_name_makes_a_deck_name_cut_at_a_word(tmp_path: Path):
    notes = tmp_path / "82-durk-kingma-interview-block-sparse-kernels-for-deep-neural-networks.md"
    notes.write_text("Notes.\n\nIt says that a brain runs on 20 watts.\n", encoding="utf-8")
    cards = tmp_path / "cards.yaml"
    assert run("extract", "--model", "none", "--cards", str(cards), str(notes)).exit_code == 0
    from deckgen.cards import load_cards

    cards_file = load_cards(cards)
    assert cards_file.deck.name == "82 durk kingma interview block sparse kernels for deep…"
    assert cards_file.sources[0].title == (
        "82 durk kingma interview block sparse kernels for deep neural networks"
    )


def test_title_and_url_need_a_single_source(tmp_path: Path):
    one, two = tmp_path / "one.md", tmp_path / "two.md"
    for path in (one, two):
        path.write_text("It says that a brain runs on 20 watts.\n", encoding="utf-8")
    result = run("extract", "--cards", str(tmp_path / "c.yaml"), "--title", "T", str(one), str(two))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "error: --title and --url name one source: extract its file on its own"
    )


def test_no_control_character_from_a_file_reaches_the_terminal(tmp_path: Path):
    # Issue 27 item 5: a hand-written escape ("\e" in YAML) set the terminal's title.
    cards = write_cards(
        tmp_path,
        GOOD + '  - id: third\n    front: "\\e]0;owned\\a Evil\\e[2J question"\n    back: b\n',
    )
    listed = run("list", "--cards", str(cards))
    assert listed.exit_code == 0
    assert "\x1b" not in listed.output and "\x07" not in listed.output
    assert "\\x1b]0;owned\\x07 Evil\\x1b[2J question" in listed.output
    with cards.open("a") as f:
        f.write('  - id: fourth\n    front: q\n    back: a\n    source: "\\e[31mnowhere"\n')
    checked = run("check", "--cards", str(cards))
    assert checked.exit_code == 1
    assert "\x1b" not in checked.output and "\\x1b[31mnowhere" in checked.output


def test_a_renamed_deck_is_refused_after_the_state_file_is_deleted(tmp_path: Path):
    # Issue 27 item 9: the README calls deleting cards.state.json safe; the deck built
    # beside cards.yaml still says what name Anki knows the deck by.
    cards = write_cards(tmp_path, GOOD)
    assert run("build", "--cards", str(cards)).exit_code == 0
    (tmp_path / "cards.state.json").unlink()
    cards.write_text(GOOD.replace("name: Test deck", "name: New deck"), encoding="utf-8")
    for command in ("check", "build"):
        result = run(command, "--cards", str(cards))
        assert result.exit_code == 1, result.output
        assert "renamed from 'Test deck' to 'New deck'" in result.stderr
        assert "test-deck.apkg" in result.stderr
    assert not (tmp_path / "new-deck.apkg").exists()
    assert run("build", "--deck-renamed", "--cards", str(cards)).exit_code == 0
    assert run("check", "--cards", str(cards)).exit_code == 0


def test_a_build_with_no_record_of_an_earlier_one_says_which_deck_anki_will_use(tmp_path: Path):
    # A fresh clone without the state file: the built name cannot be known, so build
    # says, before anything is imported, which deck the cards will land in.
    cards = write_cards(tmp_path, GOOD)
    result = run("build", "--cards", str(cards))
    assert result.exit_code == 0
    assert "no record of an earlier build" in result.stderr
    assert "'Test deck'" in result.stderr
    again = run("build", "--cards", str(cards))
    assert again.exit_code == 0 and "no record" not in again.stderr


def test_progress_of_one_big_file_shows_how_far_and_the_time_left(monkeypatch, capsys):
    # Issue 27 item 11: only the elapsed time was shown.
    from deckgen import console

    clock = iter([0.0, 30.0, 60.0])
    monkeypatch.setattr(console.time, "monotonic", lambda: next(clock))
    progress = console.Progress()
    progress.step(Path("talk.vtt"), "aligning", 250, 1000)
    progress.step(Path("talk.vtt"), "aligning", 500, 1000)
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "talk.vtt: aligning 500 of 1,000 (50%, 1:00 so far, about 1:00 left)"


LECTURE_VTT = """WEBVTT

00:00:01.000 --> 00:00:06.000
Okay so let's open up a notebook here and import torch.

00:00:06.000 --> 00:00:12.000
Softmax is called a normalisation because it turns the logits into probabilities.

00:00:12.000 --> 00:00:18.000
Let me scroll down here and you can see the shape is 27 by 27.

00:00:18.000 --> 00:00:25.000
In practice people usually minimise the average negative log likelihood of the data.

00:00:25.000 --> 00:00:31.000
Let's print this here and as you can see we get 2.45 for the loss.

00:00:31.000 --> 00:00:38.000
Broadcasting stretches a dimension of size one to match the other tensor.

00:00:38.000 --> 00:00:44.000
I'm going to call torch.multinomial here and let's sample twenty names.

00:00:44.000 --> 00:00:52.000
A bigram language model predicts the next character from the previous character alone.
"""


def test_extract_says_once_that_a_lecture_is_better_drafted_by_a_language_model(tmp_path: Path):
    lecture = tmp_path / "lecture.vtt"
    lecture.write_text(LECTURE_VTT, encoding="utf-8")
    cards = tmp_path / "cards.yaml"
    result = run("extract", "--model", "none", "--cards", str(cards), str(lecture))
    assert result.exit_code == 0, result.output
    assert f"note: {lecture}: a lecture, where the offline drafter is weakest" in result.stderr
    assert "--llm MODEL drafts lectures far better" in result.stderr
    # A conversation gets no such note; nor does the lecture again when nothing is new.
    talk = tmp_path / "talk.md"
    talk.write_text("Notes.\n\nIt says that a brain runs on 20 watts.\n", encoding="utf-8")
    result = run("extract", "--model", "none", "--cards", str(cards), str(lecture), str(talk))
    assert result.exit_code == 0, result.output
    assert "lecture" not in result.stderr
