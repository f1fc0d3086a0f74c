"""Train deckgen's blank chooser (deckgen/extract/blanks.py) on the curators' cards.

bench/train.py calls this to write (or --check) deckgen/blanks.json beside the
selector; bench/drafting.py calls it to measure drafting leave one talk out.

Each labelled claim's quote is cleaned as extraction cleans a claim and parsed; every
phrase a blank could hide there (blanks.choices) is an example, positive when the
curator's card hides or asks for it: at least half its words of content are among the
words the curator's cloze hides, or the words of the curator's answer. The model is an
L2-regularised logistic regression over blanks.features, fitted by lbfgs from zero:
the same weights from the same labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from labels import by_talk, content_words, label_files

from deckgen.extract import load_pipeline
from deckgen.extract.blanks import BlankModel, choices, features
from deckgen.extract.cleanup import clean_claim
from deckgen.extract.lexicon import TalkWords

C = 0.3  # inverse L2 strength
_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}")
_DIGITS = re.compile(r"(?<=\d)[, ](?=\d{3}\b)")


def answer_words(card: dict) -> set[str]:
    """The words of content a learner must recall: a cloze's hidden spans, else the
    back of a question."""
    text = card.get("cloze") or card.get("text")
    hidden = " ".join(_CLOZE.findall(text)) if text else card.get("back") or ""
    return content_words(_DIGITS.sub("", hidden))


@dataclass(frozen=True)
class Example:
    talk: str
    features: dict[str, float]
    hidden: bool  # the curator's card hides (or asks for) this phrase


def examples(talks: list[str] | None = None) -> list[Example]:
    """One example per phrase a blank could hide in each labelled claim."""
    nlp = load_pipeline().nlp
    out = []
    for talk, files in by_talk(label_files()).items():
        if talks is not None and talk not in talks:
            continue
        doc = files[0].document()
        talk_words = TalkWords.of(segment.text for segment in doc.segments)
        labels = [label for f in files for label in f.labels]
        texts = [clean_claim(label.quote) for label in labels]
        for label, text, parsed in zip(labels, texts, nlp.pipe(texts), strict=True):
            theirs = answer_words(label.card)
            for span in choices(parsed, text, talk_words):
                ours = content_words(span.text)
                if not ours:
                    continue
                shared = len(ours & theirs)
                out.append(
                    Example(
                        talk, features(span, talk_words), shared > 0 and 2 * shared >= len(ours)
                    )
                )
    return out


def fit(examples: list[Example], without: str | None = None) -> BlankModel:
    """The model trained on ``examples``, leaving out the talk ``without``."""
    from sklearn.linear_model import LogisticRegression

    used = [e for e in examples if e.talk != without]
    names = sorted(used[0].features)
    x = np.array([[e.features[n] for n in names] for e in used])
    y = np.array([e.hidden for e in used])
    model = LogisticRegression(C=C, max_iter=5000, tol=1e-8).fit(x, y)
    return BlankModel(
        dict(zip(names, (float(w) for w in model.coef_[0]), strict=True)),
        float(model.intercept_[0]),
        tuple(sorted({e.talk for e in used})),
    )


def same_blank_model(a: BlankModel, b: BlankModel, tolerance: float = 1e-4) -> bool:
    """Equal weights, within float noise across BLAS builds."""
    if a.trained_on != b.trained_on or abs(a.bias - b.bias) > tolerance:
        return False
    return all(
        abs(a.weights.get(k, 0.0) - b.weights.get(k, 0.0)) <= tolerance
        for k in set(a.weights) | set(b.weights)
    )
