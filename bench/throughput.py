"""Extraction throughput against running the spaCy model over everything.

    python bench/throughput.py                       # 50k, 200k and 1M words of TWIML
    python bench/throughput.py --sizes 5000 --corpus DIR --json out.json

For each size, the first TWIML episodes (by file name) adding up to that many words
are extracted with `deckgen extract --no-cache` in a fresh process, and the same
text is run through plain `nlp.pipe` with the same model in another; both are timed
end to end (reading the files, loading the model, processing). Reported: words
per second of both, their ratio, peak memory (RSS) of each process, and the cards
produced. Then, on the middle size: `--jobs 2` against `--jobs 1`, and a re-run over
the unchanged sources with the cache against the first run.

Targets: extract >= 2x plain nlp.pipe (aim 3x); the largest run at most 22x the time of
the smallest; peak RSS at 1M words <= 1.5 GB; --jobs 2 >= 1.6x faster than --jobs 1;
a cached re-run <= 5% of the first.

    python bench/throughput.py --single-file 1000000,9000000

instead extracts ONE transcript of each size, made by concatenating the corpus's
episodes (again from the start when it runs out) into one WebVTT file with the times
running on (the TWIML episodes reserved for evaluation left out, as in the runs above).
Targets: time linear in the size (words/s of the largest at least 2/3 of the
smallest's), peak RSS <= 1.5 GB, and progress shown on stderr.
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
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "twiml"
_BENCH = ROOT / "bench"
# TWIML episodes kept for blind reading and evaluation: never extracted here.
RESERVED = frozenset({"76", "99", "120", "337", "401", "434"})

_PIPE = r"""
import sys, time
sys.path.insert(0, {root!r})
from deckgen import load_document, load_pipeline
docs = [load_document(p) for p in {files!r}]
nlp = load_pipeline({model!r}).nlp
started = time.perf_counter()
for _ in nlp.pipe((d.text for d in docs), batch_size=4):
    pass
print(time.perf_counter() - started)
"""


def pick_files(corpus: Path, words: int) -> tuple[list[Path], int]:
    """The first files (by name) of the corpus holding at least ``words`` words."""
    sys.path.insert(0, str(ROOT))
    from deckgen import load_document

    chosen, total = [], 0
    for path in sorted(corpus.glob("*.vtt")):
        if path.name.split("-")[0] in RESERVED:
            continue
        chosen.append(path)
        total += load_document(path).word_count
        if total >= words:
            break
    return chosen, total


def measure(command: list[str], env: dict | None = None, *, stderr: bool = False) -> tuple:
    """Wall seconds, peak RSS (bytes) and stdout of a child process, reaped with
    wait4 so that its own resource usage is read, not that of all children."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(command[:4])} failed:\n{err.read().decode()[-2000:]}")
        if stderr:
            return seconds, usage.ru_maxrss * 1024, out.read().decode(), err.read().decode()
        return seconds, usage.ru_maxrss * 1024, out.read().decode()


def extract(
    files: list[Path], folder: Path, *, jobs: int = 1, cache: bool = False, cache_dir: Path
) -> dict:
    cards = folder / "cards.yaml"
    for leftover in (cards, folder / "cards.state.json"):
        leftover.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "deckgen",
        "extract",
        "--cards",
        str(cards),
        "--jobs",
        str(jobs),
    ]
    if not cache:
        command.append("--no-cache")
    env = {**os.environ, "DECKGEN_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(ROOT)}
    seconds, rss, out = measure([*command, *map(str, files)], env)
    added = next((line for line in out.splitlines() if "cards added" in line), "")
    count = int(added.split(": ")[-1].split()[0]) if added else 0
    return {"seconds": seconds, "rss": rss, "cards": count}


def one_transcript(corpus: Path, words: int, out: Path) -> int:
    """Write one WebVTT transcript of at least ``words`` words to ``out``, from the
    corpus's episodes in order (repeated as needed), times running on; its word count."""
    sys.path.insert(0, str(ROOT))
    from deckgen import load_document

    episodes = [p for p in sorted(corpus.glob("*.vtt")) if p.name.split("-")[0] not in RESERVED]
    if not episodes:
        raise SystemExit(f"no .vtt files in {corpus}")
    total, offset, number = 0, 0.0, 0
    with out.open("w", encoding="utf-8") as vtt:
        vtt.write("WEBVTT\n\n")
        while total < words:
            doc = load_document(episodes[number % len(episodes)])
            number += 1
            for segment in doc.segments:
                start, end = offset + segment.start, offset + max(segment.end, segment.start)
                vtt.write(f"{_clock(start)} --> {_clock(end)}\n{segment.text}\n\n")
                total += len(segment.text.split())
            offset += (doc.duration or 0.0) + 1.0
    return total


def _clock(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def single_file(corpus: Path, sizes: list[int], folder: Path, json_path: Path | None) -> None:
    rows = []
    for size in sizes:
        source = folder / f"one-{size}.vtt"
        words = one_transcript(corpus, size, source)
        cards = folder / "cards.yaml"
        for leftover in (cards, folder / "cards.state.json"):
            leftover.unlink(missing_ok=True)
        command = [sys.executable, "-m", "deckgen", "extract", "--no-cache", "--cards", str(cards)]
        env = {**os.environ, "DECKGEN_CACHE_DIR": str(folder / "cache"), "PYTHONPATH": str(ROOT)}
        seconds, rss, out, err = measure([*command, str(source)], env, stderr=True)
        progress = [line for line in err.splitlines() if line.startswith(source.name + ": ")]
        source.unlink()
        rows.append(
            {
                "target_words": size,
                "words": words,
                "seconds": round(seconds, 2),
                "words_per_second": round(words / seconds),
                "peak_rss_mb": round(rss / 2**20),
                "progress_lines": len(progress),
                "cards": int(next((ln.split()[-3] for ln in out.splitlines() if "added" in ln), 0)),
            }
        )
        r = rows[-1]
        print(
            f"one file of {r['words']} words: {r['seconds']} s ({r['words_per_second']} words/s), "
            f"peak RSS {r['peak_rss_mb']} MB, {r['progress_lines']} progress lines, "
            f"{r['cards']} cards"
        )
    linear = round(rows[-1]["words_per_second"] / rows[0]["words_per_second"], 2)
    print(f"words/s of the largest / the smallest: {linear} (target >= 0.67)")
    if json_path:
        json_path.write_text(json.dumps({"rows": rows, "linearity": linear}, indent=1) + "\n")
        print(f"wrote {json_path}")


def plain_pipe(files: list[Path], model: str | None) -> dict:
    code = _PIPE.format(root=str(ROOT), files=[str(f) for f in files], model=model)
    seconds, rss, out = measure([sys.executable, "-c", code])
    return {"seconds": float(out.strip().splitlines()[-1]), "wall": seconds, "rss": rss}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", default="50000,200000,1000000")
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--single-file", metavar="SIZES", help="one transcript of each size")
    args = parser.parse_args()
    if args.single_file:
        with tempfile.TemporaryDirectory(prefix="deckgen-single-") as tmp:
            sizes = [int(s) for s in args.single_file.split(",")]
            single_file(
                args.corpus, sizes, Path(tmp), args.json or _BENCH / "throughput-single.json"
            )
        return
    args.json = args.json or _BENCH / "throughput.json"
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="deckgen-throughput-") as tmp:
        folder = Path(tmp)
        cache_dir = folder / "cache"
        for size in sizes:
            files, words = pick_files(args.corpus, size)
            ours = extract(files, folder, cache_dir=cache_dir)
            theirs = plain_pipe(files, args.model)
            rows.append(
                {
                    "target_words": size,
                    "words": words,
                    "files": len(files),
                    "extract_seconds": round(ours["seconds"], 2),
                    "extract_words_per_second": round(words / ours["seconds"]),
                    "extract_peak_rss_mb": round(ours["rss"] / 2**20),
                    "cards": ours["cards"],
                    # Both end to end: read the files, load the model, process.
                    "pipe_seconds": round(theirs["wall"], 2),
                    "pipe_only_seconds": round(theirs["seconds"], 2),
                    "pipe_words_per_second": round(words / theirs["wall"]),
                    "pipe_peak_rss_mb": round(theirs["rss"] / 2**20),
                    "ratio": round(theirs["wall"] / ours["seconds"], 2),
                }
            )
        middle = sizes[len(sizes) // 2]
        files, words = pick_files(args.corpus, middle)
        one = extract(files, folder, jobs=1, cache_dir=cache_dir)
        two = extract(files, folder, jobs=2, cache_dir=cache_dir)
        first = extract(files, folder, cache=True, cache_dir=folder / "fresh-cache")
        again = extract(files, folder, cache=True, cache_dir=folder / "fresh-cache")
    extras = {
        "jobs_words": words,
        "jobs1_seconds": round(one["seconds"], 2),
        "jobs2_seconds": round(two["seconds"], 2),
        "jobs_speedup": round(one["seconds"] / two["seconds"], 2),
        "cache_first_seconds": round(first["seconds"], 2),
        "cache_rerun_seconds": round(again["seconds"], 2),
        "cache_rerun_share": round(again["seconds"] / first["seconds"], 3),
        "scaling": round(rows[-1]["extract_seconds"] / rows[0]["extract_seconds"], 1),
        "scaling_words": round(rows[-1]["words"] / rows[0]["words"], 1),
    }
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"deckgen extract vs plain nlp.pipe ({args.model or 'default model'}) on {machine}")
    print(
        f"{'words':>9} {'files':>5} {'extract w/s':>11} {'nlp.pipe w/s':>12} {'ratio':>6} "
        f"{'extract RSS':>11} {'pipe RSS':>9} {'cards':>6}"
    )
    for r in rows:
        print(
            f"{r['words']:>9} {r['files']:>5} {r['extract_words_per_second']:>11} "
            f"{r['pipe_words_per_second']:>12} {r['ratio']:>5.2f}x {r['extract_peak_rss_mb']:>8} MB "
            f"{r['pipe_peak_rss_mb']:>6} MB {r['cards']:>6}"
        )
    print(f"scaling: {extras['scaling']}x the time for {extras['scaling_words']}x the words")
    print(
        f"--jobs 2 vs --jobs 1 on {words} words: {extras['jobs2_seconds']} s vs "
        f"{extras['jobs1_seconds']} s ({extras['jobs_speedup']}x)"
    )
    print(
        f"cached re-run: {extras['cache_rerun_seconds']} s vs {extras['cache_first_seconds']} s "
        f"({extras['cache_rerun_share']:.1%})"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"machine": machine, "rows": rows, **extras}, indent=1) + "\n"
        )
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
