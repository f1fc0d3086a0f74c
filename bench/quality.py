"""Extraction quality: on the curators' labelled talks (leave one talk out), and on the
gold files: recall, cards per hour, junk rate.

    python bench/quality.py                      # labelled talks, then the gold files
    python bench/quality.py --no-labels          # the gold files only
    python bench/quality.py --gold bench/gold-seeds.yaml   # one gold file only
    python bench/quality.py --lectures DIR       # also extract each lecture and show its cards
    python bench/quality.py --json out.json
    python bench/quality.py --llm MODEL --llm-url URL [--llm-jobs N] [--talks N]

A gold claim is covered when one card from its source contains all its terms
(case-insensitive) and, when the claim has a time window, the card's time is inside
it. Junk: a card under 6 words, starting with an unresolved pronoun, a question
whose answer is the question, or filler. Targets on the seeds: recall >= 0.85,
junk <= 5%, 15-60 cards per hour of speech.

With ../shared/corpus beside the project, two more talks are scored: the "State of
GPT" talk (bench/gold-stateofGPT.yaml; some cues were found by reading its misses) and
a TWIML interview (bench/gold-twiml-guestrin.yaml, written before deckgen was ever run
on it: the blind check). A change that only helps the seeds shows up as a gap between
their recall and the others'. A gold file may name its own `speaker`. The gold files
also train the selector (bench/train.py), so their recall is not a held-out measure.

Labelled talks (../shared/labels, bench/labels): every talk is extracted end to end
(selection and drafting) with a selector and a blank chooser trained WITHOUT that talk
(leave one talk out); a label is found when a card's quote is within 15 s and shares half the content
words of the shorter quote (bench/labels.py). Reported per talk: recall of the
curator's claims, of the core claims, cards per hour, show-talk cards and junk; and, on
the talks labelled twice, the second curator against the first: the human ceiling.

With --llm, the labelled talks are drafted by that language model instead (deckgen
extract --llm: nothing is trained, so every talk is unseen by it), measured by the same
rule, and also reported: the share of drafted cards that grounding dropped, and the
tokens and wall time per hour of talk. --talks N measures only the first N talks.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from golds import add_gold_option, gold_files  # noqa: E402

import deckgen  # noqa: E402
from deckgen.timecode import parse_clock  # noqa: E402

_PRONOUN_START = re.compile(r"^(?:it|this|that|they|these|those|he|she)\b", re.IGNORECASE)
_FILLER_START = re.compile(r"^(?:so|and|but|um|uh|yeah|like|you know|i mean)\b", re.IGNORECASE)


def card_text(card) -> str:
    return " ".join(x for x in (card.front, card.back, card.text, card.extra) if x)


def is_junk(card) -> str | None:
    body = card.text if card.type == "cloze" else card.back
    words = card_text(card).split()
    if len(words) < 6:
        return "short"
    if _PRONOUN_START.match(body or ""):
        return "pronoun"
    if card.type == "basic" and (card.back or "").rstrip().endswith("?"):
        return "question"
    if _FILLER_START.match(body or ""):
        return "filler"
    return None


def evaluate(gold_path: Path, options: dict, model: str | None) -> dict:
    """``options`` are deckgen.extract_claims's keywords (speaker, max_per_hour)."""
    gold = yaml.safe_load(gold_path.read_text())
    if "speaker" in gold:  # the person whose claims they are, when it is not --speaker
        options = {**options, "speaker": gold["speaker"]}
    pipeline = deckgen.load_pipeline(model)
    cards_by_source = {}
    hours = 0.0
    started = time.perf_counter()
    for source_id, file in gold["source_files"].items():
        doc = deckgen.load_document(ROOT / file)
        if doc.duration:
            hours += doc.duration / 3600
        cards_by_source[source_id] = [
            c.card
            for c in deckgen.extract_claims(doc, source_id=source_id, pipeline=pipeline, **options)
        ]
    seconds = time.perf_counter() - started
    covered, missed = [], []
    for claim in gold["claims"]:
        window = claim.get("window")
        lo, hi = (parse_clock(window[0]), parse_clock(window[1])) if window else (None, None)
        hit = None
        for card in cards_by_source.get(claim["source"], []):
            text = card_text(card).lower()
            if not all(term.lower() in text for term in claim["terms"]):
                continue
            if window and (card.time is None or not lo <= card.time <= hi):
                continue
            hit = card
            break
        (covered if hit else missed).append(claim["id"])
    all_cards = [c for cards in cards_by_source.values() for c in cards]
    junk = [(c.id, why) for c in all_cards if (why := is_junk(c))]
    timed_cards = sum(
        len(cards)
        for sid, cards in cards_by_source.items()
        if any(c.time is not None for c in cards)
    )
    return {
        "model": pipeline.name,
        "claims": len(gold["claims"]),
        "recall": round(len(covered) / len(gold["claims"]), 3),
        "missed": missed,
        "cards": len(all_cards),
        "cards_per_hour": round(timed_cards / hours, 1) if hours else None,
        "junk_rate": round(len(junk) / max(1, len(all_cards)), 3),
        "junk": junk,
        "seconds": round(seconds, 2),
        "cards_by_source": {
            sid: [{"id": c.id, "time": c.time_text, "card": card_text(c)} for c in cards]
            for sid, cards in cards_by_source.items()
        },
    }


def show_lectures(folder: Path, options: dict, model: str | None) -> None:
    pipeline = deckgen.load_pipeline(model)
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".json", ".srt", ".vtt", ".tsv", ".txt") or (
            "stateofGPT." in path.name and path.suffix != ".json"
        ):
            continue
        doc = deckgen.load_document(path)
        claims = deckgen.extract_claims(doc, source_id=path.stem, pipeline=pipeline, **options)
        hours = (doc.duration or 0) / 3600
        junk = sum(1 for c in claims if is_junk(c.card))
        print(f"\n## {path.name}: {len(claims)} cards, {len(claims) / hours:.1f}/hour, junk {junk}")
        for claim in claims:
            print(f"  {claim.card.time_text or '-':8}  {card_text(claim.card)[:150]}")


def report(gold: Path, result: dict, *, show: bool) -> None:
    if show:
        for sid, cards in result["cards_by_source"].items():
            print(f"\n## {sid}")
            for card in cards:
                print(f"  {card['time'] or '-':8}  {card['card'][:160]}")
        print()
    covered = result["claims"] - len(result["missed"])
    print(f"gold             {gold.name}")
    print(f"model            {result['model']}")
    print(
        f"recall           {result['recall']:.2f}  ({covered}/{result['claims']} gold claims; target >= 0.85)"
    )
    print(f"missed           {', '.join(result['missed']) or '-'}")
    print(f"cards            {result['cards']}")
    print(f"cards per hour   {result['cards_per_hour']}  (of speech; target 15-60)")
    print(f"junk rate        {result['junk_rate']:.1%}  {result['junk'] or ''} (target <= 5%)")
    print(f"time             {result['seconds']} s\n")


def labelled_talks(model: str | None) -> dict:
    """Every labelled talk, extracted with a selector (and blank chooser) trained
    without it."""
    import train
    from labels import found, label_files

    from deckgen.extract.selection import _SHOW_TALK

    pipeline = deckgen.load_pipeline(model)
    import train_blanks

    talks = train.load_talks()
    extra = train.gold_talks()
    blank_examples = train_blanks.examples()
    files = {f.talk: f for f in reversed(label_files())}  # the first annotator's
    rows = {}
    print(f"{'talk':44} {'recall':>6} {'core':>5} {'cards/h':>7} {'show':>4} {'junk':>4}")
    for talk in talks:
        selector = train.train([t for t in talks if t is not talk], extra)
        labels = files[talk.name]
        doc = labels.document()
        claims = deckgen.extract_claims(
            doc,
            pipeline=pipeline,
            speaker=labels.speaker or None,
            selector=selector,
            blanks=train_blanks.fit(blank_examples, without=talk.name),
        )
        cards = [(c.sentence.text, c.card.time) for c in claims]
        hits = found(labels.labels, cards)
        core = [h for h, lab in zip(hits, labels.labels, strict=True) if lab.priority == "core"]
        row = {
            "recall": round(sum(hits) / len(hits), 3),
            "core": round(sum(core) / max(1, len(core)), 3),
            "per_hour": round(len(claims) / talk.hours, 1),
            "show_talk": sum(1 for c in claims if _SHOW_TALK.search(c.sentence.text)),
            "junk": sum(1 for c in claims if is_junk(c.card)),
            "cards": len(claims),
        }
        rows[talk.name] = row
        print(
            f"{talk.name[:44]:44} {row['recall']:6.2f} {row['core']:5.2f} "
            f"{row['per_hour']:7.1f} {row['show_talk']:4} {row['junk']:4}",
            flush=True,
        )
    mean = {
        k: round(sum(r[k] for r in rows.values()) / len(rows), 3)
        for k in ("recall", "core", "per_hour")
    }
    junk = sum(r["junk"] for r in rows.values()) / max(1, sum(r["cards"] for r in rows.values()))
    print(
        f"{'mean over ' + str(len(rows)) + ' talks':44} {mean['recall']:6.2f} {mean['core']:5.2f} "
        f"{mean['per_hour']:7.1f} {sum(r['show_talk'] for r in rows.values()):4} {junk:4.1%}"
    )
    # Lectures (taught at a screen: deckgen.extract.lecture) apart from conversations.
    lectures = {t.name for t in talks if train.lecture(t)}
    for name, group in (
        ("lectures", [r for n, r in rows.items() if n in lectures]),
        ("conversations", [r for n, r in rows.items() if n not in lectures]),
    ):
        if group:
            mean[name] = {
                k: round(sum(r[k] for r in group) / len(group), 3)
                for k in ("recall", "core", "per_hour")
            }
            print(
                f"{'mean over ' + str(len(group)) + ' ' + name:44} {mean[name]['recall']:6.2f} "
                f"{mean[name]['core']:5.2f} {mean[name]['per_hour']:7.1f}"
            )
    print("\nhuman ceiling (second curator against the first, same rule):")
    by_talk: dict[str, list] = {}
    for f in label_files():
        by_talk.setdefault(f.talk, []).append(f)
    ceiling = {}
    for name, pair in by_talk.items():
        if len(pair) < 2:
            continue
        first, second = pair[0], pair[1]
        hits = found(first.labels, [(lab.quote, lab.time) for lab in second.labels])
        core = [h for h, lab in zip(hits, first.labels, strict=True) if lab.priority == "core"]
        ceiling[name] = {
            "recall": round(sum(hits) / len(hits), 3),
            "core": round(sum(core) / max(1, len(core)), 3),
            "per_hour": round(len(second.labels) / second.hours, 1),
        }
        deck = rows.get(name, {})
        print(
            f"{name[:44]:44} curator {ceiling[name]['recall']:.2f} / core {ceiling[name]['core']:.2f}"
            f"   deckgen {deck.get('recall', 0):.2f} / core {deck.get('core', 0):.2f}"
        )
    print()
    return {"talks": rows, "mean": mean, "junk_rate": round(junk, 3), "ceiling": ceiling}


def llm_talks(args) -> dict:
    """Every labelled talk drafted by a language model, measured as labelled_talks does."""
    from labels import found, label_files

    from deckgen.cache import Cache
    from deckgen.extract import ExtractOptions
    from deckgen.extract.llm import ChatClient, LLMDrafter, resolve_endpoint
    from deckgen.extract.selection import _SHOW_TALK

    endpoint = resolve_endpoint(args.llm, args.llm_url)
    print(f"drafting with {endpoint.model} at {endpoint.url}", flush=True)
    drafter = LLMDrafter(ChatClient(endpoint), jobs=args.llm_jobs, cache=Cache())
    files = {}
    for f in reversed(label_files()):
        files[f.talk] = f  # the first annotator's
    names = sorted(files)[: args.talks] if args.talks else sorted(files)
    rows = {}
    header = f"{'talk':44} {'recall':>6} {'core':>5} {'cards/h':>7} {'show':>4} {'junk':>4}"
    print(header + f" {'dropped':>7} {'tok/h':>8} {'s/h':>6}")
    for name in names:
        labels = files[name]
        doc = labels.document()
        options = ExtractOptions(speaker=labels.speaker or "the speaker")
        if args.max_per_hour:
            options = ExtractOptions(speaker=options.speaker, max_per_hour=args.max_per_hour)
        claims, rep = drafter.draft(doc, "talk", options)
        cards = [(c.card.quote, c.card.time) for c in claims]
        hits = found(labels.labels, cards)
        core = [h for h, lab in zip(hits, labels.labels, strict=True) if lab.priority == "core"]
        hours = labels.hours or (doc.duration or 3600) / 3600
        row = {
            "recall": round(sum(hits) / len(hits), 3),
            "core": round(sum(core) / max(1, len(core)), 3),
            "per_hour": round(len(claims) / hours, 1),
            "show_talk": sum(1 for c in claims if _SHOW_TALK.search(c.card.quote or "")),
            "junk": sum(1 for c in claims if is_junk(c.card)),
            "cards": len(claims),
            "drafted": rep.drafted,
            "dropped": dict(rep.dropped),
            "dropped_share": round(sum(rep.dropped.values()) / max(1, rep.drafted), 3),
            "tokens_per_hour": round((rep.prompt_tokens + rep.completion_tokens) / hours),
            "seconds_per_hour": round(rep.seconds / hours, 1),
            "failed_passages": len(rep.failed),
        }
        rows[name] = row
        print(
            f"{name[:44]:44} {row['recall']:6.2f} {row['core']:5.2f} {row['per_hour']:7.1f} "
            f"{row['show_talk']:4} {row['junk']:4} {row['dropped_share']:7.1%} "
            f"{row['tokens_per_hour']:8} {row['seconds_per_hour']:6}",
            flush=True,
        )
    drafter.client.close()
    if not rows:
        return {}
    mean = {
        k: round(sum(r[k] for r in rows.values()) / len(rows), 3)
        for k in ("recall", "core", "per_hour", "tokens_per_hour", "seconds_per_hour")
    }
    cards = sum(r["cards"] for r in rows.values())
    drafted = sum(r["drafted"] for r in rows.values())
    dropped = sum(sum(r["dropped"].values()) for r in rows.values())
    junk = sum(r["junk"] for r in rows.values()) / max(1, cards)
    print(
        f"{'mean over ' + str(len(rows)) + ' talks':44} {mean['recall']:6.2f} {mean['core']:5.2f} "
        f"{mean['per_hour']:7.1f} {sum(r['show_talk'] for r in rows.values()):4} {junk:4.1%} "
        f"{dropped / max(1, drafted):7.1%} {mean['tokens_per_hour']:8} {mean['seconds_per_hour']:6}"
    )
    return {
        "model": endpoint.model,
        "url": endpoint.url,
        "talks": rows,
        "mean": mean,
        "junk_rate": round(junk, 3),
        "dropped_share": round(dropped / max(1, drafted), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_gold_option(parser)
    parser.add_argument("--model", default=None)
    parser.add_argument("--speaker", default="Karpathy")
    parser.add_argument("--max-per-hour", type=float, default=None)
    parser.add_argument("--lectures", type=Path, help="also extract every lecture in this folder")
    parser.add_argument("--json", type=Path, help="write the full result here")
    parser.add_argument("--show", action="store_true", help="print every card")
    parser.add_argument(
        "--no-labels", action="store_true", help="skip the labelled talks (about 6 minutes)"
    )
    parser.add_argument("--llm", metavar="MODEL", help="draft the labelled talks with this model")
    parser.add_argument("--llm-url", metavar="URL", help="its API (default: $OPENAI_BASE_URL)")
    parser.add_argument("--llm-jobs", type=int, default=4, help="requests at a time")
    parser.add_argument("--talks", type=int, help="--llm: measure only the first N talks")
    args = parser.parse_args()
    if args.llm:
        result = llm_talks(args)
        if args.json:
            args.json.write_text(json.dumps(result, indent=1))
        return
    options = {"speaker": args.speaker, "max_per_hour": args.max_per_hour or None}
    golds = gold_files(
        args.gold, "gold-seeds.yaml", "gold-stateofGPT.yaml", "gold-twiml-guestrin.yaml"
    )
    results = {}
    if not args.no_labels and not args.gold and (ROOT.parent / "shared" / "labels").is_dir():
        results["labelled"] = labelled_talks(args.model)
    for gold in golds:
        result = evaluate(gold, options, args.model)
        results[gold.name] = result
        report(gold, result, show=args.show)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    if args.lectures:
        show_lectures(args.lectures, options, args.model)


if __name__ == "__main__":
    main()
