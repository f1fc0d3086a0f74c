"""How fast a scripted triage of 50 cards goes in ``deckgen review``, in a real browser.

    python bench/review.py [--cards 50] [--json bench/review.json]

Extracts cards from corpus talks (../shared/corpus, as the tests reach it) into a
temporary folder, starts the review server, opens the page in Debian's Chromium
(driven by Playwright) and triages the first N cards by keyboard alone: every fifth
card skipped, the others kept. Reports the keystrokes (target: one per card) and, per
card, the page's response: from the key press to the next card on screen, measured in
the page (``performance.now()``), which includes writing cards.yaml and the state
file (target: under 100 ms). Also the wall time of the whole triage, as the script
drives it (each key waits for the answer before the next).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "karpathy-lectures"
TALKS = ("stateofGPT.srt", "micrograd.vtt", "makemore1.srt")
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def extract(folder: Path, needed: int) -> Path:
    from deckgen.cards import load_cards
    from deckgen.workflow import extract_to_cards

    cards = folder / "cards.yaml"
    for talk in TALKS:
        extract_to_cards(cards, [CORPUS / talk], speaker="Karpathy")
        if len(load_cards(cards).cards) >= needed:
            break
    return cards


def triage(cards: Path, count: int) -> dict:
    from playwright.sync_api import sync_playwright

    from deckgen.review.server import ReviewServer

    server = ReviewServer(cards)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    browser_path = next(p for p in BROWSERS if Path(p).exists())
    keys, responses = 0, []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        started = time.perf_counter()
        page.goto(server.url)
        page.wait_for_selector("body[data-ready]")
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        for number in range(count):
            shown = page.get_attribute("#card", "data-card")
            page.keyboard.press("s" if number % 5 == 4 else "k")
            keys += 1
            page.wait_for_selector(f"#card:not([data-card='{shown}'])")
            page.wait_for_selector("body:not([data-busy])")
            responses.append(float(page.get_attribute("body", "data-response-ms")))
        seconds = time.perf_counter() - started
        counted = page.inner_text("#count")
        browser.close()
    server.shutdown()
    thread.join(5)
    return {
        "cards": count,
        "keystrokes": keys,
        "keystrokes_per_card": keys / count,
        "page_load_s": round(loaded, 3),
        "triage_s": round(seconds, 2),
        "response_ms": {
            "median": round(statistics.median(responses), 1),
            "p90": round(sorted(responses)[int(0.9 * len(responses)) - 1], 1),
            "max": round(max(responses), 1),
            "over_100": sum(1 for r in responses if r > 100),
        },
        "counter": counted,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=50)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"the corpus is not at hand ({CORPUS})", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("DECKGEN_CACHE_DIR", str(Path(folder) / "cache"))
        cards = extract(Path(folder), args.cards)
        result = triage(cards, args.cards)
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
