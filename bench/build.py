"""How long `deckgen build` takes for large decks.

    python bench/build.py [--sizes 1000,10000,50000] [--json out.json]

Generates a cards.yaml of N cards (half basic, half cloze, spread over 10 sources
with times, tags and quotes), then times checking it and building the deck, each in
a fresh process the way a person runs it. Target: 50k cards in <= 30 s.
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="deckgen-bench-") as tmp:
        rows = [run(size, Path(tmp)) for size in sizes]
    print(
        f"deckgen build on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{'cards':>8}  {'seconds':>8}  {'cards/s':>8}  {'apkg':>10}")
    for row in rows:
        print(
            f"{row['cards']:>8}  {row['seconds']:>8.2f}  {row['cards_per_second']:>8}  {row['apkg_bytes']:>10}"
        )
    if args.json:
        args.json.write_text(json.dumps({"machine": platform.platform(), "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
