"""The deck of a labelled talk as a user would get it from models that never saw its labels:
for a blind reading of a talk that is also training data.

    python bench/heldout_deck.py nanoGPT --from 45:00 > deck.txt

The selector (with its lecture stage) and the blank chooser are trained without the talk, as
quality.py leaves a talk out; the cards said at or after --from are listed one by one, in the
form bench/readings/*.deck.txt use. Give a reader that list, the transcript from the same moment
and ../shared/labels/READING.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import train  # noqa: E402
import train_blanks  # noqa: E402
from labels import by_talk, label_files  # noqa: E402

import deckgen  # noqa: E402
from deckgen.timecode import format_clock, parse_clock  # noqa: E402


def listed(cards, start: int = 1) -> str:
    lines = []
    for n, card in enumerate(cards, start):
        when = format_clock(card.time)
        if card.type == "cloze":
            lines.append(f"{n}. [{when}] CLOZE: {card.text}")
        else:
            lines.append(f"{n}. [{when}] Q: {card.front}\n           A: {card.back}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("talk", help="a labelled talk's name (its transcript's file stem)")
    parser.add_argument("--from", dest="start", default="0:00", help="list cards from here")
    args = parser.parse_args()

    files = by_talk(label_files()).get(args.talk)
    if not files:
        sys.exit(f"no labelled talk named {args.talk!r}")
    talks = train.load_talks()
    selector = train.train([t for t in talks if t.name != args.talk], train.gold_talks())
    blanks = train_blanks.fit(train_blanks.examples(), without=args.talk)
    doc = deckgen.load_document(files[0].transcript)
    claims = deckgen.extract_claims(
        doc, speaker=files[0].speaker or None, selector=selector, blanks=blanks
    )
    start = parse_clock(args.start)
    cards = [c.card for c in claims if c.card.time is not None and c.card.time >= start]
    print(f"{len(claims)} cards in all, {len(cards)} from {args.start}", file=sys.stderr)
    sys.stdout.write(listed(cards))


if __name__ == "__main__":
    main()
