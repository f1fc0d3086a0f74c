"""How well summary claims find their moment in the talk.

    python bench/alignment.py [--json out.json]

For every claim in bench/gold-alignment.yaml, align it the way `deckgen extract`
does and report: the share of claims that get a time (target >= 70% when a
transcript is declared) and the share of given times that are right (target >= 90%).
Also how long aligning a whole summary takes (splitting both texts into sentences,
indexing the transcript, aligning every summary sentence), per hour of talk.

Everything goes through deckgen's library API (``deckgen.align_summary``), the same
step ``deckgen extract`` runs.

bench/gold-alignment-stateofGPT.yaml is held out: a summary written for it in its
own words (bench/heldout/) against a talk from ../shared/corpus, reported whenever
the corpus is beside the project.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from golds import add_gold_option, gold_files  # noqa: E402

import deckgen  # noqa: E402
from deckgen.timecode import format_clock, parse_clock  # noqa: E402


def _find(sentences: list[deckgen.AlignedSentence], starts: str) -> deckgen.AlignedSentence:
    for sentence in sentences:
        if sentence.text.startswith(starts):
            return sentence
    raise SystemExit(f"gold claim not found in the summary: {starts!r}")


args_verbose = "-v" in sys.argv


def evaluate(gold_path: Path) -> dict:
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    rows = []
    timings = []
    for group in gold["transcript_summaries"]:
        transcript = deckgen.load_document(ROOT / group["transcript"])
        summary = deckgen.load_document(ROOT / group["summary"])
        deckgen.align_summary(summary)  # load the sentence splitter outside the timing
        started = time.perf_counter()
        sentences = deckgen.align_summary(summary, transcript)
        timings.append((time.perf_counter() - started, transcript.duration, len(sentences)))
        for claim in group["claims"]:
            found = _find(sentences, claim["starts"]).alignment
            windows = [(parse_clock(a), parse_clock(b)) for a, b in claim["windows"]]
            right = found.time is not None and any(a <= found.time <= b for a, b in windows)
            rows.append(("transcript", claim["starts"], found.time, right, bool(windows)))
            if args_verbose:
                print(
                    f"    coverage {found.score:.2f} margin {found.margin:.2f}  {claim['starts']}"
                )
    for group in gold["chapter_summaries"]:
        sentences = deckgen.align_summary(ROOT / group["summary"])
        for claim in group["claims"]:
            found = _find(sentences, claim["starts"]).alignment
            right = found.time is not None and found.time in {
                parse_clock(c) for c in claim["chapters"]
            }
            rows.append(("chapters", claim["starts"], found.time, right, True))

    def shares(kind: str) -> dict:
        mine = [r for r in rows if r[0] == kind]
        said = [r for r in mine if r[4]]  # claims the talk does make
        timed = [r for r in mine if r[2] is not None]
        return {
            "claims": len(mine),
            "with_time": round(sum(1 for r in said if r[2] is not None) / max(1, len(said)), 3),
            "right": round(sum(1 for r in timed if r[3]) / max(1, len(timed)), 3),
            "given": len(timed),
        }

    seconds, duration, summary_sentences = timings[0]
    return {
        "transcript": shares("transcript"),
        "chapters": shares("chapters"),
        "align_seconds_per_hour": round(seconds / (duration / 3600), 3),
        "summary_sentences": summary_sentences,
        "rows": [
            {"mode": m, "claim": c, "time": format_clock(t) if t is not None else None, "right": r}
            for m, c, t, r, _ in rows
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_gold_option(parser)
    parser.add_argument("--json", type=Path)
    parser.add_argument("-v", action="store_true", help="show each claim's coverage and margin")
    args = parser.parse_args()
    golds = gold_files(args.gold, "gold-alignment.yaml", "gold-alignment-stateofGPT.yaml")
    results = {}
    for gold in golds:
        result = evaluate(gold)
        results[gold.name] = result
        print(f"{gold.name}")
        for row in result["rows"]:
            mark = "right" if row["right"] else ("WRONG" if row["time"] else "-")
            print(f"  {row['mode']:10} {row['time'] or '-':8} {mark:5}  {row['claim']}")
        for mode in ("transcript", "chapters"):
            r = result[mode]
            if not r["claims"]:
                continue
            print(
                f"{mode:10}  claims {r['claims']:2}  with a time {r['with_time']:.0%} (target >= 70%)  "
                f"given times right {r['right']:.0%} of {r['given']} (target >= 90%)"
            )
        print(
            f"aligning all {result['summary_sentences']} summary sentences (splitting, indexing "
            f"the transcript, aligning): {result['align_seconds_per_hour']} s per hour of talk\n"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
