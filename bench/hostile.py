"""Hostile and unlucky inputs of issue 27, each printed OK or BAD.

    python bench/hostile.py

Each case runs deckgen in a fresh temporary folder, as a person or a script would,
and checks what the issue asks: one clean line and a non-zero exit for bad input,
nothing lost, nothing outside the folder touched, no live Anki syntax.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARDS = "deck:\n  name: d\n  id: 1234567890\nsources:\ncards:\n  - id: mine\n    front: q\n    back: a\n"
TALK = "Talk notes.\n\nIt says that a brain runs on 20 watts.\nIt adds that ants count steps.\n"


def deckgen(folder: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DECKGEN_LOCK_WAIT": "1"}
    return subprocess.run(
        [sys.executable, "-m", "deckgen", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line(result: subprocess.CompletedProcess) -> bool:
    return result.returncode != 0 and "Traceback" not in result.stderr and result.stderr.strip()


def planted_lock(folder: Path) -> bool:
    victim = folder / "thesis.txt"
    victim.write_text("years of work\n")
    (folder / "cards.yaml").write_text(CARDS)
    (folder / "cards.yaml.lock").symlink_to(victim)
    (folder / "talk.md").write_text(TALK)
    result = deckgen(folder, "extract", "--model", "none", "talk.md")
    return bool(one_line(result)) and victim.read_text() == "years of work\n"


def read_only_for_root(folder: Path) -> bool:
    (folder / "cards.yaml").write_text(CARDS)
    (folder / "cards.yaml").chmod(0o444)
    (folder / "talk.md").write_text(TALK)
    result = deckgen(folder, "extract", "--model", "none", "talk.md")
    return bool(one_line(result)) and (folder / "cards.yaml").read_text() == CARDS


def dev_zero(folder: Path) -> bool:
    try:
        result = deckgen(folder, "sources", "/dev/zero", timeout=20)
    except subprocess.TimeoutExpired:
        return False
    return bool(one_line(result))


def check_dev_zero(folder: Path) -> bool:
    try:
        result = deckgen(folder, "check", "--cards", "/dev/zero", timeout=20)
    except subprocess.TimeoutExpired:
        return False
    return bool(one_line(result))


def fifo(folder: Path) -> bool:
    os.mkfifo(folder / "talk.srt")
    try:
        result = deckgen(folder, "sources", "talk.srt", timeout=20)
    except subprocess.TimeoutExpired:
        return False
    return bool(one_line(result))


def sound_tag(folder: Path) -> bool:
    (folder / "talk.md").write_text(
        "Talk notes.\n\nIt says that [sound:evil.mp3] a brain runs on 20 watts.\n"
        "It adds that ants count [anki:tts lang=en]300[/anki:tts] steps.\n"
    )
    result = deckgen(folder, "extract", "--model", "none", "talk.md")
    text = (folder / "cards.yaml").read_text() if (folder / "cards.yaml").exists() else ""
    return result.returncode == 0 and "[sound:" not in text and "[anki:" not in text


def flow_card(folder: Path) -> bool:
    (folder / "cards.yaml").write_text(
        "deck:\n  name: d\n  id: 1234567890\nsources:\ncards:\n  - {id: mine, front: q, back: a}\n"
    )
    (folder / "talk.md").write_text(TALK)
    result = deckgen(folder, "extract", "--model", "none", "talk.md")
    return result.returncode == 0 and "id: mine" in (folder / "cards.yaml").read_text()


def yaml_nested(folder: Path) -> bool:
    (folder / "cards.yaml").write_text("deck: " + "[" * 1000 + "]" * 1000 + "\n")
    return bool(one_line(deckgen(folder, "check")))


def jsonl(folder: Path) -> bool:
    (folder / "talk.jsonl").write_text(
        '{"text": "The city has 2.1 million people."}\n{"text": "It rains a lot."}\n'
    )
    return bool(one_line(deckgen(folder, "extract", "--model", "none", "talk.jsonl")))


def control_characters(folder: Path) -> bool:
    (folder / "talk.srt").write_text(
        "1\n00:00:01,000 --> 00:00:04,000\n\x1b]0;owned\x07It says that a brain runs on 20 watts.\n\n"
        "2\n00:00:05,000 --> 00:00:08,000\nIt adds that ants count 300 steps.\n"
    )
    deckgen(folder, "extract", "--model", "none", "talk.srt")
    listed = deckgen(folder, "list")
    text = (folder / "cards.yaml").read_text() if (folder / "cards.yaml").exists() else ""
    return "\x1b" not in listed.stdout and "\\e" not in text and "\x1b" not in text


def concurrent_saves(folder: Path) -> bool:
    """An editor saving in place every 10 ms while extract adds cards."""
    path = folder / "cards.yaml"
    path.write_text(CARDS)
    (folder / "talk.md").write_text(TALK)
    stop = threading.Event()
    saved: list[int] = []

    def person() -> None:
        n = 0
        while not stop.is_set():
            text = path.read_bytes()
            with open(path, "r+b") as f:
                f.truncate(0)
                f.write(text + b"# save %d\n" % n)
            saved.append(n)
            n += 1
            time.sleep(0.01)

    thread = threading.Thread(target=person)
    thread.start()
    try:
        result = deckgen(folder, "extract", "--model", "none", "talk.md")
    finally:
        stop.set()
        thread.join()
    text = path.read_text()
    lost = [n for n in saved if f"# save {n}\n" not in text]
    return result.returncode in (0, 1) and len(lost) <= 1


def ttml_nested(folder: Path) -> bool:
    depth = 130_000  # 2.6 MB of nested spans
    (folder / "talk.ttml").write_text(
        '<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="0s" end="9s">'
        + '<span begin="0s">' * depth
        + "word"
        + "</span>" * depth
        + "</p></div></body></tt>"
    )
    try:
        result = deckgen(folder, "sources", "talk.ttml", timeout=10)
    except subprocess.TimeoutExpired:
        return False
    return bool(one_line(result))


def jsonl_in_txt(folder: Path) -> bool:
    (folder / "talk.txt").write_text(
        '{"text": "The city has 2.1 million people."}\n{"text": "It rains a lot."}\n'
    )
    result = deckgen(folder, "extract", "--model", "none", "talk.txt")
    return bool(one_line(result)) and not (folder / "cards.yaml").exists()


def killed_media_build(folder: Path) -> bool:
    """What a build killed with -9 left in the temporary folder (a dead process's
    deckgen-clip-PID-* folder) is gone after the next build."""
    temp = folder / "tmp"
    temp.mkdir()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    left = temp / f"deckgen-clip-{int(gone.stdout)}-abcd"
    left.mkdir()
    (left / "clip.mp3").write_bytes(b"x" * 1000)
    (folder / "cards.yaml").write_text(CARDS)
    env = {**os.environ, "TMPDIR": str(temp)}
    result = subprocess.run(
        [sys.executable, "-m", "deckgen", "build"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    return result.returncode == 0 and not left.exists()


def renamed_without_state(folder: Path) -> bool:
    (folder / "cards.yaml").write_text(CARDS)
    first = deckgen(folder, "build")
    (folder / "cards.state.json").unlink()
    (folder / "cards.yaml").write_text(CARDS.replace("name: d", "name: renamed"))
    second = deckgen(folder, "build")
    return first.returncode == 0 and bool(one_line(second)) and "renamed from 'd'" in second.stderr


def fresh_clone_build(folder: Path) -> bool:
    """No state file, no deck file: the build says which deck Anki will use."""
    (folder / "cards.yaml").write_text(CARDS)
    result = deckgen(folder, "build")
    return result.returncode == 0 and "Anki will put its cards in the deck 'd'" in result.stderr


def check_missing_media(folder: Path) -> bool:
    (folder / "cards.yaml").write_text(
        "deck:\n  name: d\n  id: 1234567890\nsources:\n  talk:\n    title: T\n"
        "    kind: transcript\n    media: talk.mp3\ncards:\n  - id: mine\n    front: q\n"
        "    back: a\n    source: talk\n    time: 00:00:01\n"
    )
    result = deckgen(folder, "check")
    return bool(one_line(result)) and "talk.mp3" in result.stderr


CASES = [
    ("1 editor saving every 10 ms during extract", concurrent_saves),
    ("2 planted cards.yaml.lock link", planted_lock),
    ("3 chmod 444 cards.yaml (as this user; root too)", read_only_for_root),
    ("4 [sound:] and [anki:tts] in a source", sound_tag),
    ("5 escape sequences in a caption", control_characters),
    ("6 deckgen sources /dev/zero", dev_zero),
    ("6 deckgen check --cards /dev/zero", check_dev_zero),
    ("6 a FIFO as a source", fifo),
    ("6 YAML nested 1000 levels", yaml_nested),
    ("7 JSON Lines as a source", jsonl),
    ("6 TTML of 130,000 nested spans (2.6 MB) within 10 s", ttml_nested),
    ("7 JSON Lines in a .txt", jsonl_in_txt),
    ("8 a killed media build's temporary folder, at the next build", killed_media_build),
    ("9 deck renamed after deleting cards.state.json", renamed_without_state),
    ("9 a fresh clone's build says which deck Anki will use", fresh_clone_build),
    ("10 a card written in flow style", flow_card),
    ("11 check with a source's recording missing", check_missing_media),
]


def main() -> int:
    bad = 0
    for name, case in CASES:
        with tempfile.TemporaryDirectory(prefix="deckgen-hostile-") as tmp:
            try:
                ok = case(Path(tmp))
            except Exception as exc:  # a case that crashes is BAD, and says why
                ok = False
                name += f" ({type(exc).__name__}: {exc})"
        bad += not ok
        print(f"{'OK ' if ok else 'BAD'} {name}")
    print(f"{len(CASES) - bad} of {len(CASES)} OK")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
