"""deckgen.workflow: extract into a cards.yaml that a person edits by hand."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen import fsutil
from deckgen.cards import load_cards
from deckgen.cli import cli
from deckgen.errors import DeckgenError
from deckgen.state import load_state, state_path_for
from deckgen.workflow import extract_to_cards
from tests.conftest import ROOT
from tests.test_media import SRT, make_recording, needs_ffmpeg

SEEDS = ROOT / "seeds"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEEDS / "sequoia-transcript.txt", tmp_path / "seeds" / "Sequoia Transcript.txt")
    shutil.copy(SEEDS / "no-priors-summary.txt", tmp_path / "seeds" / "no-priors-summary.txt")
    return tmp_path


def extract(workdir: Path, *names: str):
    return extract_to_cards(
        workdir / "cards.yaml", [workdir / "seeds" / n for n in names], speaker="Karpathy"
    )


def card_blocks(text: str) -> tuple[str, list[str]]:
    """The text before the first card, and each card's block of lines."""
    head, _, rest = text.partition("\n  - id: ")
    blocks = ("  - id: " + rest).split("\n  - id: ")
    blocks = [blocks[0]] + ["  - id: " + b for b in blocks[1:]]
    return head + "\n", [b if b.endswith("\n") else b + "\n" for b in blocks]


def ids_in(text: str) -> list[str]:
    return re.findall(r"^\s*- id: (\S+)", text, flags=re.MULTILINE)


def test_new_file_registers_sources_by_file_name(workdir: Path):
    report = extract(workdir, "Sequoia Transcript.txt", "no-priors-summary.txt")
    cards_file = load_cards(workdir / "cards.yaml")
    assert [s.id for s in cards_file.sources] == ["sequoia-transcript", "no-priors-summary"]
    assert cards_file.source_by_id["sequoia-transcript"].file == "seeds/Sequoia Transcript.txt"
    assert cards_file.source_by_id["no-priors-summary"].kind == "summary"
    assert report.created and report.added == len(cards_file.cards) > 20
    text = (workdir / "cards.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    schema = (workdir / text.splitlines()[0].split("$schema=")[1]).resolve()
    assert schema.name == "cards.schema.json" and schema.is_file()
    assert "# --- added by deckgen extract from sequoia-transcript, " in text


def test_rerun_on_unchanged_sources_changes_nothing(workdir: Path):
    extract(workdir, "Sequoia Transcript.txt")
    before = (workdir / "cards.yaml").read_bytes()
    report = extract(workdir, "Sequoia Transcript.txt")
    assert report.added == 0
    assert (workdir / "cards.yaml").read_bytes() == before


def test_hand_edits_survive_and_deleted_or_skipped_cards_stay_gone(workdir: Path):
    extract(workdir, "Sequoia Transcript.txt")
    path = workdir / "cards.yaml"
    head, blocks = card_blocks(path.read_text())
    assert len(blocks) >= 10
    deleted_id = ids_in(blocks[3])[0]
    skipped_id = ids_in(blocks[4])[0]
    reworded_id = ids_in(blocks[1])[0]
    # A person edits the file by hand.
    head = head.replace("cards:\n", "# my own notes on this deck\ncards:\n")
    blocks[1] = re.sub(
        r"(front|text): .*", r"\1: My own wording of this {{c1::card}}", blocks[1], count=1
    )
    blocks[1] = blocks[1].replace("type: basic\n", "")
    if "front: My own" in blocks[1]:
        blocks[1] = blocks[1].replace(
            "front: My own wording of this {{c1::card}}", "front: My own wording?"
        )
    blocks[4] = blocks[4].rstrip("\n") + "\n    skip: true   # not for me\n"
    del blocks[3]
    blocks[5], blocks[6] = blocks[6], blocks[5]
    blocks.append(
        "  - id: my-own-card\n    front: What did I add myself?\n    back: This card.\n\n"
    )
    edited = head + "".join(blocks)
    path.write_text(edited)
    assert load_cards(path)  # still valid

    report = extract(workdir, "Sequoia Transcript.txt")

    result = path.read_text()
    assert result.startswith(edited)  # every byte the person wrote is still there
    assert result == edited  # and nothing new came back
    assert report.added == 0
    assert report.sources[0].dismissed >= 1
    ids = ids_in(result)
    assert deleted_id not in ids
    assert ids.count(skipped_id) == 1 and ids.count(reworded_id) == 1
    assert len(ids) == len(set(ids))
    assert deleted_id in load_state(state_path_for(path)).proposed


def test_a_new_source_is_added_after_hand_edits(workdir: Path):
    extract(workdir, "Sequoia Transcript.txt")
    path = workdir / "cards.yaml"
    path.write_text(path.read_text().replace("cards:\n", "cards:  # my comment\n", 1))
    edited = path.read_text()
    report = extract(workdir, "no-priors-summary.txt")
    result = path.read_text()
    assert report.added > 0
    assert "cards:  # my comment\n" in result
    # The source entry is inserted in the sources block; everything else is appended.
    source_entry = result[result.index("  no-priors-summary:\n") :].split("\n\n")[0] + "\n"
    assert result.replace(source_entry, "", 1).startswith(edited)


def test_extract_refuses_a_broken_cards_file_and_leaves_it(workdir: Path):
    path = workdir / "cards.yaml"
    path.write_text("deck: {name: D, id: 1}\ncards:\n  - id: a\n    front: [unclosed\n")
    before = path.read_bytes()
    result = CliRunner().invoke(
        cli, ["extract", "--cards", str(path), str(workdir / "seeds" / "no-priors-summary.txt")]
    )
    assert result.exit_code == 1
    assert f"{path}:4: YAML syntax error" in result.output  # where the list began
    assert path.read_bytes() == before


def test_extract_refuses_a_cards_file_with_problems(workdir: Path):
    path = workdir / "cards.yaml"
    path.write_text("deck: {name: D, id: 1}\ncards:\n  - id: a\n    frnt: f\n    back: b\n")
    before = path.read_bytes()
    with pytest.raises(DeckgenError) as info:
        extract(workdir, "no-priors-summary.txt")
    assert str(info.value.problems[0]) == (
        f"{path}:4: card 'a': unknown key 'frnt' (did you mean 'front'?)"
    )
    assert "extract changed nothing" in str(info.value.problems[-1])
    assert path.read_bytes() == before


def test_a_write_that_fails_half_way_leaves_the_file_as_it_was(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
):
    extract(workdir, "Sequoia Transcript.txt")
    path = workdir / "cards.yaml"
    path.write_text(path.read_text() + "  # a comment of mine\n")
    before = path.read_bytes()
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle) -> None:
            self.handle = handle

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(28, "No space left on device")

        def __getattr__(self, name: str):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

    monkeypatch.setattr(fsutil.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(DeckgenError) as info:
        extract(workdir, "no-priors-summary.txt")
    assert str(info.value) == (
        f"{path}: cannot write the cards file: No space left on device "
        "(free some space on the disk, then run again)"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in workdir.iterdir()) == [
        "cards.schema.json",
        "cards.state.json",
        "cards.yaml",
        "seeds",
    ]


def test_summary_of_must_name_a_declared_source(workdir: Path):
    with pytest.raises(DeckgenError) as info:
        extract_to_cards(
            workdir / "cards.yaml", [workdir / "seeds" / "no-priors-summary.txt"], summary_of="nope"
        )
    assert "--summary-of names 'nope'" in str(info.value)
    assert not (workdir / "cards.yaml").exists()


def test_jobs_give_the_same_cards_as_one_process(workdir: Path, tmp_path: Path):
    shutil.copy(SEEDS / "sequoia-summary.txt", workdir / "seeds" / "sequoia-summary.txt")
    names = ["Sequoia Transcript.txt", "no-priors-summary.txt", "sequoia-summary.txt"]
    outputs = []
    for jobs in (1, 2):
        for leftover in ("cards.yaml", "cards.state.json"):
            (workdir / leftover).unlink(missing_ok=True)
        extract_to_cards(
            workdir / "cards.yaml",
            [workdir / "seeds" / n for n in names],
            speaker="Karpathy",
            jobs=jobs,
            use_cache=False,
        )
        outputs.append((workdir / "cards.yaml").read_text())
    assert outputs[0] == outputs[1]
    assert len(ids_in(outputs[0])) > 30


@needs_ffmpeg
def test_extract_media_sets_the_new_sources_recording_and_build_cuts_its_clips(tmp_path: Path):
    (tmp_path / "rec").mkdir()
    (tmp_path / "talk.srt").write_text(SRT, encoding="utf-8")
    make_recording(tmp_path / "rec" / "talk.mp3")
    runner = CliRunner()
    cards = str(tmp_path / "cards.yaml")
    args = ["extract", "--model", "none", "--cards", cards, "--media"]
    result = runner.invoke(
        cli, [*args, str(tmp_path / "rec" / "talk.mp3"), str(tmp_path / "talk.srt")]
    )
    assert result.exit_code == 0, result.output
    cards_file = load_cards(tmp_path / "cards.yaml")
    assert cards_file.source_by_id["talk"].media == "rec/talk.mp3"
    assert "    media: rec/talk.mp3\n" in (tmp_path / "cards.yaml").read_text(encoding="utf-8")
    timed = [c for c in cards_file.active_cards if c.time is not None]
    result = runner.invoke(cli, ["build", "--cards", cards, "-o", str(tmp_path / "d.apkg")])
    assert result.exit_code == 0, result.output
    assert timed and f"with {len(timed)} audio clip" in result.output
    # Again with the same recording: nothing to change; with another: refused, file as it was.
    result = runner.invoke(
        cli, [*args, str(tmp_path / "rec" / "talk.mp3"), str(tmp_path / "talk.srt")]
    )
    assert result.exit_code == 0, result.output
    before = (tmp_path / "cards.yaml").read_bytes()
    (tmp_path / "other.wav").write_bytes(b"RIFF")
    result = runner.invoke(cli, [*args, str(tmp_path / "other.wav"), str(tmp_path / "talk.srt")])
    assert result.exit_code == 1
    assert result.output == (
        f"{cards}:11: source 'talk' is already in cards.yaml, so --media cannot set its recording "
        "(write 'media: other.wav' under it by hand)\n"
    )
    assert (tmp_path / "cards.yaml").read_bytes() == before


def test_extract_media_needs_one_source_and_a_file(workdir: Path):
    seeds = workdir / "seeds"
    with pytest.raises(DeckgenError, match="one source, and 2 were given"):
        extract_to_cards(
            workdir / "cards.yaml",
            [seeds / "Sequoia Transcript.txt", seeds / "no-priors-summary.txt"],
            model="none",
            media=seeds / "no-priors-summary.txt",
        )
    with pytest.raises(DeckgenError, match="the recording is not there"):
        extract_to_cards(
            workdir / "cards.yaml", [seeds / "Sequoia Transcript.txt"], media=workdir / "nope.m4a"
        )
    assert not (workdir / "cards.yaml").exists()


# --- two runs on one cards.yaml (issue #16, case 1) ---


_CLAIMS = [
    ("a brain runs on 20 watts", "sparse models learn faster than dense ones because of data"),
    ("a honeybee sees ultraviolet light", "ants navigate by counting 300 steps"),
    ("the Moon drifts 38 millimetres away each year", "tides slow the Earth by 2 ms a century"),
    ("octopuses taste with 2000 suckers", "squid axons are 1 millimetre wide"),
]


def _talks(folder: Path, count: int) -> list[Path]:
    """Notes with two claims each, no claim like another's."""
    paths = []
    for i, (one, two) in enumerate(_CLAIMS[:count], start=1):
        path = folder / f"talk{i}.md"
        path.write_text(
            f"Talk {i} notes.\n\nIt says that {one}.\nIt adds that {two}.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_a_run_that_finishes_meanwhile_keeps_its_cards(tmp_path: Path):
    first, second = _talks(tmp_path, 2)
    cards = tmp_path / "cards.yaml"
    inner = []

    def another_run_finishes(_path: Path) -> None:
        # While this run extracts, a second run on the same file starts and finishes.
        if not inner:
            inner.append(extract_to_cards(cards, [second], model="none"))

    report = extract_to_cards(cards, [first], model="none", progress=another_run_finishes)
    cards_file = load_cards(cards)
    assert [s.id for s in cards_file.sources] == ["talk2", "talk1"]
    by_source = {s: [c.id for c in cards_file.cards if c.source == s] for s in ("talk1", "talk2")}
    assert len(by_source["talk1"]) == report.added == 2
    assert len(by_source["talk2"]) == inner[0].added == 2
    assert not report.created  # the other run created it
    proposed = load_state(state_path_for(cards)).proposed
    assert proposed == {c.id for c in cards_file.cards}


def test_concurrent_extract_processes_lose_nothing(tmp_path: Path):
    talks = _talks(tmp_path, 4)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "deckgen", "extract", "--model", "none", talk.name],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for talk in talks
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    cards_file = load_cards(tmp_path / "cards.yaml")
    assert sorted(s.id for s in cards_file.sources) == ["talk1", "talk2", "talk3", "talk4"]
    for talk, (out, _err) in zip(talks, outputs, strict=True):
        added = int(re.search(r": (\d+) new cards", out).group(1))
        assert added == 2 == sum(1 for c in cards_file.cards if c.source == talk.stem), out
    proposed = load_state(tmp_path / "cards.state.json").proposed
    assert proposed == {c.id for c in cards_file.cards}
    assert not (tmp_path / "cards.yaml.lock").exists()


def test_a_held_lock_makes_extract_wait_then_fail_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (talk,) = _talks(tmp_path, 1)
    cards = tmp_path / "cards.yaml"
    extract_to_cards(cards, [talk], model="none")
    before = cards.read_bytes()
    other = tmp_path / "other.md"
    other.write_text("It says that a brain runs on 20 watts.\n", encoding="utf-8")
    monkeypatch.setenv("DECKGEN_LOCK_WAIT", "0.3")
    with fsutil.locked(cards):
        result = CliRunner().invoke(
            cli, ["extract", "--model", "none", "--cards", str(cards), str(other)]
        )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"{cards}.lock: another deckgen is changing cards.yaml, so this run changed nothing "
        "(run again when it is done; if no deckgen is running, delete this lock file)"
    )
    assert cards.read_bytes() == before


def test_a_lock_file_left_by_a_killed_run_is_taken_over(tmp_path: Path):
    (talk,) = _talks(tmp_path, 1)
    cards = tmp_path / "cards.yaml"
    (tmp_path / "cards.yaml.lock").write_text("12345 elsewhere\n", encoding="utf-8")
    report = extract_to_cards(cards, [talk], model="none")
    assert report.added == 2
    assert not (tmp_path / "cards.yaml.lock").exists()


def test_a_build_keeps_what_an_extract_recorded_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from deckgen import build

    first, second = _talks(tmp_path, 2)
    cards = tmp_path / "cards.yaml"
    extract_to_cards(cards, [first], model="none")
    write_apkg = build._write_apkg

    def extract_meanwhile(*args) -> None:
        write_apkg(*args)
        extract_to_cards(cards, [second], model="none")

    monkeypatch.setattr(build, "_write_apkg", extract_meanwhile)
    build.build_deck(load_cards(cards), tmp_path / "deck.apkg")
    state = load_state(state_path_for(cards))
    assert state.proposed == {c.id for c in load_cards(cards).cards}
    assert len(state.proposed) == 4 and len(state.notes) == 2


def test_a_new_cards_file_points_at_a_schema_copy_that_moves_with_it(tmp_path: Path):
    from deckgen.cards.writer import SCHEMA_FILE

    (talk,) = _talks(tmp_path, 1)
    cards = tmp_path / "cards.yaml"
    extract_to_cards(cards, [talk], model="none")
    assert cards.read_text().splitlines()[0] == "# yaml-language-server: $schema=cards.schema.json"
    copy = tmp_path / "cards.schema.json"
    assert copy.read_bytes() == SCHEMA_FILE.read_bytes()
    # An older copy of deckgen's is brought up to date by the next write...
    copy.write_text(SCHEMA_FILE.read_text().replace("deckgen cards.yaml", "old"), "utf-8")
    second = tmp_path / "other.md"
    second.write_text("It says that squid axons are 1 millimetre wide.\n", encoding="utf-8")
    assert extract_to_cards(cards, [second], model="none").added == 1
    assert copy.read_bytes() == SCHEMA_FILE.read_bytes()
    # ...and a file of that name that is not deckgen's is left alone.
    copy.write_text('{"title": "mine"}\n', encoding="utf-8")
    third = tmp_path / "third.md"
    third.write_text("It says that ants navigate by counting 300 steps.\n", encoding="utf-8")
    assert extract_to_cards(cards, [third], model="none").added == 1
    assert copy.read_text(encoding="utf-8") == '{"title": "mine"}\n'


def test_the_stages_of_a_source_are_reported_as_it_is_extracted(tmp_path: Path):
    (talk,) = _talks(tmp_path, 1)
    seen = []
    extract_to_cards(
        tmp_path / "cards.yaml",
        [talk],
        model="none",
        use_cache=False,
        step=lambda path, what, done, total: seen.append((path.name, what, done, total)),
    )
    assert [s[1] for s in seen] == [
        "reading",
        "splitting into sentences",
        "scoring sentences",
        "drafting cards",
    ]
    assert seen[2] == ("talk1.md", "scoring sentences", 0, 3)
    assert seen[3][2:] == (0, 2)


@pytest.mark.parametrize("quiet", [False, True])
def test_a_long_extract_shows_progress_on_stderr_unless_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet: bool
):
    from deckgen import console

    monkeypatch.setattr(console.Progress, "__init__", _instant_progress)
    (talk,) = _talks(tmp_path, 1)
    args = ["extract", "--model", "none", "--no-cache", "--cards", str(tmp_path / "c.yaml")]
    result = CliRunner().invoke(cli, [*args, *(["--quiet"] if quiet else []), str(talk)])
    assert result.exit_code == 0, result.output
    progress = [line for line in result.stderr.splitlines() if line.startswith("talk1.md: ")]
    if quiet:
        assert progress == []
    else:
        assert progress == [
            "talk1.md: reading (0:00)",
            "talk1.md: splitting into sentences (0:00)",
            "talk1.md: scoring sentences 0 of 3 (0%, 0:00 so far)",
            "talk1.md: drafting cards 0 of 2 (0%, 0:00 so far)",
        ]


def _instant_progress(self) -> None:
    """A reporter that shows every stage at once, as a long run would after a while."""
    import time

    self.started, self.terminal, self.delay, self.every = time.monotonic(), False, 0.0, 0.0
    self.last, self.open_line = -1e9, False


def test_a_save_between_the_reread_and_the_rename_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from deckgen import workflow

    first, second = _talks(tmp_path, 2)
    cards = tmp_path / "cards.yaml"
    extract_to_cards(cards, [first], model="none")
    propose = workflow._propose
    saves = []

    def person_saves_after_the_reread(run, progress):
        proposal = propose(run, progress)
        saves.append(1)
        if len(saves) == 2:  # the pass under the lock re-read the file: a save lands now
            cards.write_text(cards.read_text() + "  - id: mine\n    front: q\n    back: a\n")
        return proposal

    monkeypatch.setattr(workflow, "_propose", person_saves_after_the_reread)
    report = extract_to_cards(cards, [second], model="none")
    ids = [c.id for c in load_cards(cards).cards]
    assert "mine" in ids and report.added == 2 and len(ids) == 5
