"""Train deckgen's claim selector (and its blank chooser) on the curators' labels, and
measure the selector leave-one-talk-out.

    python bench/train.py            # measure (leave one talk out), then write both models
    python bench/train.py --no-measure   # only train and write them (about a minute)
    python bench/train.py --check    # exit 1 unless the shipped models are what training gives

The models: deckgen/selector.json (which claims) and deckgen/blanks.json (which phrase
a cloze hides; bench/train_blanks.py says how it is trained).

Needs scikit-learn (`pip install '.[test]'`); deckgen itself does not: the model ships as
plain weights in deckgen/selector.json and is read without it.

Every labelled talk in ../shared/labels (and bench/labels/) is used, except the ones
the labels' README reserves for evaluation. A unit (deckgen's claim unit: a sentence,
or a short sentence joined to the one it completes) is positive when it says a
labelled claim (bench/labels.py). The model is an L2-regularised logistic regression
over the features of deckgen/learned.py: the cues deckgen's rules score, position in the
episode and in the answer, length, rare and topic words, and how the unit is said (its
everyday words and word pairs). lbfgs from zero: the same weights from the same labels.

The threshold is chosen on the training talks: the one that gives the best mean recall
while the mean deck stays at or under TARGET_PER_HOUR cards an hour. Measured leave one
talk out, the threshold too is chosen without the talk it is measured on.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import train_blanks  # noqa: E402
from labels import by_talk, found, label_files, positives  # noqa: E402

from deckgen.extract import claim_units, load_pipeline, split_sentences  # noqa: E402
from deckgen.extract.blanks import MODEL_FILE as BLANKS_FILE  # noqa: E402
from deckgen.extract.blanks import BlankModel  # noqa: E402
from deckgen.extract.learned import (  # noqa: E402
    MODEL_FILE,
    Selector,
    deck,
    how_said,
    lecture_inputs,
    unit_features,
)
from deckgen.extract.lecture import INPUTS, LectureStage, is_lecture  # noqa: E402
from deckgen.sources import load_document  # noqa: E402

C = 0.05  # inverse L2 strength: strong, so no single talk's wording dominates
LECTURE_C = 0.3  # the lecture stage: two dozen weights, learned from a few lectures

MIN_TALKS = 10  # a word pair is a feature only when units of this many units use it
TARGET_PER_HOUR = 38.0  # the labels' 32-36 claims an hour, and a little room
THRESHOLDS = [t / 200 for t in range(10, 160)]
MODEL_PATH = ROOT / "deckgen" / MODEL_FILE
BLANKS_PATH = ROOT / "deckgen" / BLANKS_FILE


@dataclass
class Talk:
    name: str
    hours: float
    units: list  # learned.Unit
    label_sets: list  # one tuple of labels per annotator
    positive: set[int]


def talk_units(doc) -> list:
    """The claim units extraction sees: split as ``extract`` splits them, with the
    English pipeline's parse for long unpunctuated speech, so the model learns from the
    units it will score."""
    pipeline = load_pipeline()
    return claim_units(split_sentences(doc, pipeline.splitter, pipeline.nlp))


def load_talks() -> list[Talk]:
    talks = []
    for name, files in by_talk(label_files()).items():
        doc = files[0].document()
        units = talk_units(doc)
        featured = unit_features(units, doc.title, doc.duration)
        positive: set[int] = set()
        for f in files:
            positive |= positives(units, f.labels)
        hours = (doc.duration or 0) / 3600 or files[0].hours
        talks.append(Talk(name, hours, featured, [f.labels for f in files], positive))
    return talks


# bench's gold files name claims by terms and a time window, not quotes: they train the
# model too (the Karpathy talks deckgen's first users study), and are never measured
# leave-one-talk-out. A unit is positive when it is said in a claim's window (15 s of
# slack) and holds all its terms.
GOLD_FILES = ("gold-seeds.yaml", "gold-stateofGPT.yaml", "gold-twiml-guestrin.yaml")


def gold_talks() -> list[Talk]:
    import yaml

    from deckgen.timecode import parse_clock

    talks = []
    for name in GOLD_FILES:
        gold = yaml.safe_load((ROOT / "bench" / name).read_text(encoding="utf-8"))
        for source, file in gold["source_files"].items():
            path = (ROOT / file).resolve()
            claims = [c for c in gold["claims"] if c["source"] == source and c.get("window")]
            if not claims or not path.exists():
                continue
            doc = load_document(path)
            units = talk_units(doc)
            positive = set()
            for claim in claims:
                lo, hi = (parse_clock(t) for t in claim["window"])
                for n, unit in enumerate(units):
                    text = unit.text.lower()
                    if (
                        unit.start is not None
                        and lo - 15 <= unit.start <= hi + 15
                        and all(term.lower() in text for term in claim["terms"])
                    ):
                        positive.add(n)
            featured = unit_features(units, doc.title, doc.duration)
            talks.append(Talk(f"gold:{source}", (doc.duration or 0) / 3600, featured, [], positive))
    return talks


class Trainer:
    """Dense features and token presence as one sparse matrix, and the fit."""

    def __init__(self, talks: list[Talk]) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        self.names = sorted(talks[0].units[0].features)
        self.vectorizer = CountVectorizer(analyzer=how_said, min_df=MIN_TALKS, binary=True)
        self.vectorizer.fit([u.sentence.text for t in talks for u in t.units])
        self.tokens = self.vectorizer.get_feature_names_out()

    def matrix(self, talks: list[Talk]):
        from scipy.sparse import csr_matrix, hstack

        units = [u for t in talks for u in t.units]
        dense = np.array([[u.features[n] for n in self.names] for u in units], dtype=float)
        words = self.vectorizer.transform([u.sentence.text for u in units])
        return hstack([csr_matrix(dense), words]).tocsr()

    def fit(self, talks: list[Talk]) -> Selector:
        from sklearn.linear_model import LogisticRegression

        y = np.concatenate([[i in t.positive for i in range(len(t.units))] for t in talks])
        model = LogisticRegression(C=C, max_iter=5000, tol=1e-8)
        model.fit(self.matrix(talks), y)
        w = model.coef_[0]
        return Selector(
            dict(zip(self.names, (float(v) for v in w[: len(self.names)]), strict=True)),
            {str(k): float(v) for k, v in zip(self.tokens, w[len(self.names) :], strict=True)},
            float(model.intercept_[0]),
            0.5,
            tuple(sorted(t.name for t in talks)),
        )


def lecture(talk: Talk) -> bool:
    return is_lecture([u.sentence.text for u in talk.units])


def probabilities(selector: Selector, talk: Talk) -> list[float]:
    """What extraction gives each unit: the selector's probability, or on a lecture the
    lecture stage's (deckgen.extract.learned.choose)."""
    if selector.lecture is not None and lecture(talk):
        stage = selector.lecture
        return [stage.probability(x) for x in lecture_inputs(selector, talk.units)]
    return [selector.probability(u) for u in talk.units]


def threshold_of(selector: Selector, talk: Talk) -> float:
    if selector.lecture is not None and lecture(talk):
        return selector.lecture.threshold
    return selector.threshold


def select(p: list[float], talk: Talk, threshold: float) -> list[int]:
    """What extraction keeps (deckgen.extract.learned.deck), on the talk's units."""
    return deck(talk.units, p, talk.hours, threshold)[0]


def measure(talk: Talk, kept: list[int]) -> dict:
    cards = [(talk.units[i].sentence.text, talk.units[i].sentence.start) for i in kept]
    labels = talk.label_sets[0]
    hits = found(labels, cards)
    core = [h for h, label in zip(hits, labels, strict=True) if label.priority == "core"]
    return {
        "recall": sum(hits) / len(hits),
        "core": sum(core) / max(1, len(core)),
        "per_hour": len(kept) / talk.hours,
        "show": sum(1 for i in kept if talk.units[i].features["show-talk"]),
    }


def best_threshold(talks: list[Talk], p: dict[str, list[float]]) -> float:
    best, best_recall = THRESHOLDS[-1], -1.0
    for threshold in THRESHOLDS:
        results = [measure(t, select(p[t.name], t, threshold)) for t in talks]
        size = np.mean([r["per_hour"] for r in results])
        recall = np.mean([r["recall"] for r in results])
        if size <= TARGET_PER_HOUR and recall > best_recall:
            best, best_recall = threshold, recall
    return best


def with_threshold(selector: Selector, threshold: float) -> Selector:
    return dataclasses.replace(selector, threshold=threshold)


def train(talks: list[Talk], extra: list[Talk] = ()) -> Selector:
    """The shipped model: the selector fitted on every talk that is not a lecture (and
    ``extra``, the gold files' talks), its threshold chosen on those labelled talks; and
    the lecture stage fitted on the lectures, over that selector's parts (it never saw
    them, so its parts are what a new lecture gets)."""
    conversations = [t for t in talks if not lecture(t)]
    everything = [*conversations, *extra]
    selector = Trainer(everything).fit(everything)
    p = {t.name: probabilities(selector, t) for t in conversations}
    selector = with_threshold(selector, best_threshold(conversations, p))
    lectures = [t for t in talks if lecture(t)]
    if len(lectures) >= 2:
        selector = dataclasses.replace(selector, lecture=fit_lecture_stage(selector, lectures))
    return selector


def fit_lecture_stage(selector: Selector, lectures: list[Talk]) -> LectureStage:
    from sklearn.linear_model import LogisticRegression

    rows = {t.name: list(lecture_inputs(selector, t.units)) for t in lectures}
    x = np.array([[r[name] for name in INPUTS] for t in lectures for r in rows[t.name]])
    y = np.concatenate([[i in t.positive for i in range(len(t.units))] for t in lectures])
    model = LogisticRegression(C=LECTURE_C, max_iter=5000, tol=1e-8)
    model.fit(x, y)
    # No unit passes: a lecture's deck is the floor of MIN_PER_HOUR cards an hour, the
    # stage's best. Chosen by a threshold, a lecture's deck grew to 47-50 cards an hour
    # on lectures it was not trained on (the curators keep 33-34 on each).
    stage = LectureStage(
        dict(zip(INPUTS, (float(v) for v in model.coef_[0]), strict=True)),
        float(model.intercept_[0]),
        1.0,
        tuple(sorted(t.name for t in lectures)),
    )
    return stage


def leave_one_talk_out(talks: list[Talk], extra: list[Talk]) -> list[tuple[str, float, dict]]:
    """Each talk measured with a model (and threshold) trained without it."""
    rows = []
    for talk in talks:
        others = [t for t in talks if t is not talk]
        selector = train(others, extra)
        threshold = threshold_of(selector, talk)
        kept = select(probabilities(selector, talk), talk, threshold)
        rows.append((talk.name, threshold, measure(talk, kept)))
        print(
            f"{talk.name[:44]:44} recall {rows[-1][2]['recall']:.2f}  "
            f"core {rows[-1][2]['core']:.2f}  {rows[-1][2]['per_hour']:5.1f}/h  "
            f"show-talk {rows[-1][2]['show']}",
            flush=True,
        )
    return rows


def same_model(a: Selector, b: Selector, tolerance: float = 1e-4) -> bool:
    """Equal weights (within float noise across BLAS builds) and the same thresholds,
    the lecture stage's too."""
    if not _same_logistic(a, b, tolerance):
        return False
    if not _close(a.token_weights, b.token_weights, tolerance):
        return False
    if a.lecture is None or b.lecture is None:
        return a.lecture is b.lecture
    return _same_logistic(a.lecture, b.lecture, tolerance)


def _same_logistic(a, b, tolerance: float) -> bool:
    """Same threshold, bias and weights (a Selector or a LectureStage)."""
    return (
        a.threshold == b.threshold
        and abs(a.bias - b.bias) <= tolerance
        and _close(a.weights, b.weights, tolerance)
    )


def _close(mine: dict[str, float], theirs: dict[str, float], tolerance: float) -> bool:
    return all(
        abs(mine.get(key, 0.0) - theirs.get(key, 0.0)) <= tolerance
        for key in set(mine) | set(theirs)
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="compare with the shipped model")
    parser.add_argument("--no-measure", action="store_true", help="skip leave-one-talk-out")
    args = parser.parse_args()

    talks = load_talks()
    extra = gold_talks()
    print(
        f"{len(talks)} talks, {sum(len(t.units) for t in talks)} units, "
        f"{sum(len(t.positive) for t in talks)} positive; and {len(extra)} gold talks",
        flush=True,
    )
    if not (args.check or args.no_measure):
        rows = leave_one_talk_out(talks, extra)
        for key in ("recall", "core", "per_hour"):
            print(f"mean {key}: {np.mean([r[key] for _, _, r in rows]):.3f}")
        print(f"show-talk cards: {sum(r['show'] for _, _, r in rows)}")
    selector = train(talks, extra)
    blank_examples = train_blanks.examples()
    blanks = train_blanks.fit(blank_examples)
    print(f"{len(blank_examples)} phrases a blank could hide", flush=True)
    if args.check:
        same = MODEL_PATH.exists() and same_model(
            Selector.from_json(MODEL_PATH.read_text(encoding="utf-8")), selector
        )
        same_blanks = BLANKS_PATH.exists() and train_blanks.same_blank_model(
            BlankModel.from_json(BLANKS_PATH.read_text(encoding="utf-8")), blanks
        )
        print("shipped model matches training" if same else "shipped model differs: retrain")
        print(
            "shipped blank model matches training"
            if same_blanks
            else "shipped blank model differs: retrain"
        )
        sys.exit(0 if same and same_blanks else 1)
    MODEL_PATH.write_text(selector.to_json(), encoding="utf-8")
    print(f"wrote {MODEL_PATH.relative_to(ROOT)} (threshold {selector.threshold:.3f})")
    BLANKS_PATH.write_text(blanks.to_json(), encoding="utf-8")
    print(f"wrote {BLANKS_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
