"""How long `deckgen build` takes for large decks.

    python bench/build.py [--sizes 1000,10000,50000] [--clips 50] [--clip-minutes 60]
                          [--json out.json]

Generates a cards.yaml of N cards (half basic, half cloze, spread over 10 sources
with times, tags and quotes), then times checking it and building the deck, each in
a fresh process the way a person runs it. Target: 50k cards in <= 30 s.

Audio clips: makes a recording of --clip-minutes (pink noise, mono AAC in .m4a) with
a transcript of 8-second segments, and --clips cards spread over it, each quoting
one or two segments; then times cutting the clips (deckgen.media.make_clips, cold
cache) and ``deckgen build`` with a cold cache, a warm one and --no-media, each in a
fresh process, and reports the deck's size per card. Targets (2 cores, 50 clips from
an hour): cutting <= 10 s, cached rebuild <= 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(path: Path, count: int) -> None:
    lines = ["deck: {name: Benchmark deck, id: 1700000001}", "sources:"]
    for s in range(10):
        lines += [
            f"  talk-{s}:",
            f"    title: Talk number {s}",
            f"    url: https://www.youtube.com/watch?v=talk{s}",
            "    kind: transcript",
        ]
    lines.append("cards:")
    for n in range(count):
        seconds = n * 7 % 36000
        time_text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        lines.append(f"  - id: card-{n}")
        if n % 2:
            lines.append("    type: cloze")
            lines.append(
                f"    text: Claim number {n} says that {{{{c1::{n * 3} watts}}}} is a lot."
            )
        else:
            lines.append(f"    front: What does claim {n} say about <b>scale</b> & efficiency?")
            lines.append(f"    back: That it matters, by a factor of {n}.")
        lines += [
            f"    source: talk-{n % 10}",
            f"    time: {time_text}",
            f"    quote: So I think claim {n} is, you know, roughly right.",
            f"    tags: [bench, topic-{n % 13}]",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(count: int, folder: Path) -> dict:
    cards = folder / f"cards-{count}.yaml"
    generate(cards, count)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "deckgen",
            "build",
            "--cards",
            str(cards),
            "--output",
            str(folder / f"deck-{count}.apkg"),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    seconds = time.perf_counter() - started
    return {
        "cards": count,
        "seconds": round(seconds, 2),
        "cards_per_second": round(count / seconds),
        "apkg_bytes": (folder / f"deck-{count}.apkg").stat().st_size,
    }


def make_talk(folder: Path, clips: int, minutes: float) -> Path:
    """A recording, its transcript and a cards.yaml of ``clips`` timed cards."""
    from deckgen.media import find_ffmpeg

    ffmpeg = find_ffmpeg()
    if ffmpeg is None:
        raise SystemExit("ffmpeg is needed: pip install '.[audio]'")
    length = int(minutes * 60)
    subprocess.run(
        [
            *(ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i"),
            *(f"anoisesrc=d={length}:c=pink:r=16000:a=0.1", "-ac", "1", "-c:a", "aac"),
            *("-b:a", "48k", str(folder / "talk.m4a")),
        ],
        check=True,
    )
    segments = []
    for n, start in enumerate(range(0, length - 8, 8)):
        words = " ".join(f"word{n}x{k}" for k in range(20))
        segments.append((start, start + 8, words))
    srt = []
    for n, (a, b, text) in enumerate(segments, 1):
        srt.append(f"{n}\n{_srt_time(a)} --> {_srt_time(b)}\n{text}\n")
    (folder / "talk.srt").write_text("\n".join(srt), encoding="utf-8")
    lines = [
        "deck: {name: Clip bench, id: 1700000002}",
        "sources:",
        "  talk: {title: An hour, file: talk.srt, media: talk.m4a}",
        "cards:",
    ]
    step = max(1, len(segments) // clips)
    for n in range(clips):
        index = min(1 + n * step, len(segments) - 2)
        a, _, text = segments[index]
        quote = text if n % 2 else text + " " + segments[index + 1][2]
        clock = f"{a // 3600:02d}:{a // 60 % 60:02d}:{a % 60:02d}"
        lines.append(
            f"  - {{id: clip-{n}, front: 'Q{n}?', back: 'A{n}.', source: talk, "
            f"time: '{clock}', quote: '{quote}'}}"
        )
    cards = folder / "cards.yaml"
    cards.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cards


def _srt_time(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d},000"


def run_clips(clips: int, minutes: float, folder: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from deckgen.cache import Cache
    from deckgen.cards import load_cards
    from deckgen.media import make_clips

    started = time.perf_counter()
    cards = make_talk(folder, clips, minutes)
    made = time.perf_counter() - started
    cards_file = load_cards(cards)
    started = time.perf_counter()
    cut = make_clips(cards_file, cards_file.active_cards, cache=Cache(folder=folder / "cache-lib"))
    cutting = time.perf_counter() - started
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "DECKGEN_CACHE_DIR": str(folder / "c")}

    def build(*args: str) -> tuple[float, int]:
        output = folder / "deck.apkg"
        started = time.perf_counter()
        subprocess.run(
            [
                *(sys.executable, "-m", "deckgen", "build", "--cards", str(cards)),
                *("-o", str(output), *args),
            ],
            check=True,
            capture_output=True,
            env=env,
            cwd=ROOT,
        )
        return time.perf_counter() - started, output.stat().st_size

    cold, size = build()
    warm, _ = build()
    plain, plain_size = build("--no-media")
    seconds = [c.end - c.start for c in cut.values()]
    return {
        "clips": len(cut),
        "recording_minutes": minutes,
        "recording_bytes": (folder / "talk.m4a").stat().st_size,
        "make_recording_seconds": round(made, 2),
        "cutting_seconds": round(cutting, 2),
        "build_cold_seconds": round(cold, 2),
        "build_cached_seconds": round(warm, 2),
        "build_no_media_seconds": round(plain, 2),
        "mean_clip_seconds": round(sum(seconds) / len(seconds), 2) if seconds else 0,
        "apkg_bytes_per_card": round(size / clips) if clips else 0,
        "apkg_bytes_per_card_no_media": round(plain_size / clips) if clips else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--clips", type=int, default=50, help="0: no clip benchmark")
    parser.add_argument("--clip-minutes", type=float, default=60)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="deckgen-bench-") as tmp:
        rows = [run(size, Path(tmp)) for size in sizes]
        clips = run_clips(args.clips, args.clip_minutes, Path(tmp)) if args.clips else None
    print(
        f"deckgen build on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{'cards':>8}  {'seconds':>8}  {'cards/s':>8}  {'apkg':>10}")
    for row in rows:
        print(
            f"{row['cards']:>8}  {row['seconds']:>8.2f}  {row['cards_per_second']:>8}  {row['apkg_bytes']:>10}"
        )
    if clips:
        print(
            f"\naudio clips: {clips['clips']} clips (mean {clips['mean_clip_seconds']} s) from "
            f"{clips['recording_minutes']:g} min of audio ({clips['recording_bytes']} bytes)\n"
            f"  cutting (cold cache)      {clips['cutting_seconds']:>6.2f} s   target <= 10 s\n"
            f"  deckgen build, cold cache {clips['build_cold_seconds']:>6.2f} s\n"
            f"  deckgen build, cached     {clips['build_cached_seconds']:>6.2f} s   target <= 1 s\n"
            f"  deckgen build --no-media  {clips['build_no_media_seconds']:>6.2f} s\n"
            f"  deck size per card        {clips['apkg_bytes_per_card']:>6} bytes "
            f"({clips['apkg_bytes_per_card_no_media']} without clips)"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"machine": platform.platform(), "rows": rows, "clips": clips}, indent=1)
        )


if __name__ == "__main__":
    main()
