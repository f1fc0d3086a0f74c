"""Which gold files a quality bench reads: the seeds always, the held-out talks from
../shared/corpus when that corpus is beside the project."""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def add_gold_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gold",
        type=Path,
        action="append",
        help="gold file (repeatable); default: the seeds, and the held-out talks if present",
    )


def gold_files(chosen: list[Path] | None, seeds: str, *held_out: str) -> list[Path]:
    """``chosen`` when given on the command line, else the seeds' gold file and, with the
    corpus at hand, the held-out ones."""
    if chosen:
        return chosen
    bench = ROOT / "bench"
    return [bench / seeds] + ([bench / name for name in held_out] if CORPUS.is_dir() else [])
