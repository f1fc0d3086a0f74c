"""How well summary claims find their moment in the talk.

    python bench/alignment.py [--json out.json]

For every claim in bench/gold-alignment.yaml, align it the way `deckgen extract`
does and report: the share of claims that get a time (target >= 70% when a
transcript is declared) and the share of given times that are right (target >= 90%).
Also how long splitting and indexing the transcript, and aligning every summary
sentence, take per hour of talk.

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

from deckgen.align import TimedSentence, TranscriptIndex, align_to_chapter  # noqa: E402
from deckgen.extract import load_pipeline, split_sentences  # noqa: E402
from deckgen.sources import load_document  # noqa: E402
from deckgen.timecode import format_clock, parse_clock  # noqa: E402


def _find(sentences, starts: str):
    for number, sentence in enumerate(sentences):
        if sentence.text.startswith(starts):
            context = sentences[number - 1].text if number else ""
            if number and sentences[number - 1].paragraph != sentence.paragraph:
                context = ""
            return sentence, context
    raise SystemExit(f"gold claim not found in the summary: {starts!r}")


args_verbose = "-v" in sys.argv


def evaluate(gold_path: Path) -> dict:
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    splitter = load_pipeline().splitter
    rows = []
    index_seconds = []
    align_seconds = []
    for group in gold["transcript_summaries"]:
        transcript = load_document(ROOT / group["transcript"])
        started = time.perf_counter()
        index = TranscriptIndex(
            [TimedSentence(s.start, s.text) for s in split_sentences(transcript, splitter)]
        )
        index_seconds.append((time.perf_counter() - started, transcript.duration))
        sentences = split_sentences(load_document(ROOT / group["summary"]), splitter)
        started = time.perf_counter()
        aligned = index.align_summary([(s.text, s.paragraph) for s in sentences])
        align_seconds.append((time.perf_counter() - started, transcript.duration, len(sentences)))
        for claim in group["claims"]:
            sentence, _ = _find(sentences, claim["starts"])
            found = aligned[sentences.index(sentence)]
            windows = [(parse_clock(a), parse_clock(b)) for a, b in claim["windows"]]
            right = found.time is not None and any(a <= found.time <= b for a, b in windows)
            rows.append(("transcript", claim["starts"], found.time, right, bool(windows)))
            if args_verbose:
                print(
                    f"    coverage {found.score:.2f} margin {found.margin:.2f}  {claim['starts']}"
                )
    for group in gold["chapter_summaries"]:
        summary = load_document(ROOT / group["summary"])
        sentences = split_sentences(summary, splitter)
        for claim in group["claims"]:
            sentence, _ = _find(sentences, claim["starts"])
            found = align_to_chapter(sentence.text, summary.chapters, summary.text)
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

    seconds, duration = index_seconds[0]
    aligning, _, summary_sentences = align_seconds[0]
    return {
        "transcript": shares("transcript"),
        "chapters": shares("chapters"),
        "index_seconds_per_hour": round(seconds / (duration / 3600), 3),
        "align_seconds_per_hour": round(aligning / (duration / 3600), 3),
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
            f"splitting and indexing the transcript: {result['index_seconds_per_hour']} s per hour "
            f"of talk; aligning all {result['summary_sentences']} summary sentences: "
            f"{result['align_seconds_per_hour']} s per hour of talk\n"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
