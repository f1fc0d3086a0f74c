"""Snapshots of what `deckgen extract` writes, to show a change leaves the output as it was.

    python bench/snapshot.py save DIR       # extract the seeds and the bench talks into DIR
    python bench/snapshot.py compare DIR    # extract again and compare byte for byte

Each case extracts into a new cards.yaml (with --no-cache, SOURCE_DATE_EPOCH fixed so the
block headers carry the same date) in a fresh process, as a user would: the seeds (the
Sequoia transcript with its summary, and the two other summaries), and talks of
../shared/corpus in several formats (the TWIML episodes reserved for evaluation and the
micrograd lecture left out). `compare` exits 1 and names the files that differ.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

# name -> (files, extra arguments). Files under seeds/ or the corpus.
CASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "seeds-sequoia": (
        ("seeds/sequoia-transcript.txt", "seeds/sequoia-summary.txt"),
        ("--speaker", "Karpathy", "--summary-of", "sequoia-transcript"),
    ),
    "seeds-summaries": (
        ("seeds/no-priors-summary.txt", "seeds/lex-fridman-333-summary.txt"),
        ("--speaker", "Karpathy"),
    ),
    "twiml-120": (
        ("corpus/twiml/120-chris-shallue-interview-discovering-exoplanets-with-deep.vtt",),
        ("--speaker", "Shallue"),
    ),
    "twiml-126": (
        ("corpus/twiml/126-lyne-tchapmi-interview-semantic-segmentation-of-3d-point.vtt",),
        ("--speaker", "Tchapmi"),
    ),
    "twiml-1": (
        ("corpus/twiml/1-clare-corthell-interview-open-source-data-science-masters.vtt",),
        (),
    ),
    "makemore1-srt": (("corpus/karpathy-lectures/makemore1.srt",), ("--speaker", "Karpathy")),
    "nanogpt-json": (("corpus/karpathy-lectures/nanoGPT.json",), ("--speaker", "Karpathy")),
    "stateofgpt-tsv": (("corpus/karpathy-lectures/stateofGPT.tsv",), ("--speaker", "Karpathy")),
}


def _path(name: str) -> Path:
    if name.startswith("corpus/"):
        return CORPUS / name.removeprefix("corpus/")
    return ROOT / name


def extract_all(out: Path) -> list[str]:
    """Extract every case into ``out``/NAME.yaml; the names of the cases run."""
    out.mkdir(parents=True, exist_ok=True)
    ran = []
    env = dict(os.environ, SOURCE_DATE_EPOCH="1800000000")
    for name, (files, extra) in CASES.items():
        paths = [_path(f) for f in files]
        if not all(p.is_file() for p in paths):
            print(f"{name}: skipped (files not at hand)", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            # The inputs are copied beside cards.yaml, so the 'file:' lines do not name
            # the folder the project happens to be in.
            copies = []
            for file, path in zip(files, paths, strict=True):
                copy = Path(tmp) / file
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, copy)
                copies.append(file)
            cards = Path(tmp) / "cards.yaml"
            command = [sys.executable, "-m", "deckgen", "extract", "--quiet", "--no-cache"]
            command += ["--cards", "cards.yaml", *extra, *copies]
            subprocess.run(command, check=True, env=env, cwd=tmp)
            shutil.copyfile(cards, out / f"{name}.yaml")
        ran.append(name)
        print(f"{name}: done", file=sys.stderr)
    return ran


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("dir", type=Path)
    args = parser.parse_args(argv)
    if args.action == "save":
        extract_all(args.dir)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        ran = extract_all(Path(tmp))
        differ = [
            n
            for n in ran
            if not filecmp.cmp(Path(tmp) / f"{n}.yaml", args.dir / f"{n}.yaml", shallow=False)
        ]
    for name in differ:
        print(f"{name}: differs", file=sys.stderr)
    print(f"{len(ran) - len(differ)} of {len(ran)} identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
