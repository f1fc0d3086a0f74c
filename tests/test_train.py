"""bench/labels.py and bench/train.py: the quotes mapped onto claim units, the match
rule, the shipped selector being what training gives, and no podcast intro or outro
in a deck."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "bench"))

from labels import Label, load_label_file, matches, positives  # noqa: E402

from deckgen.extract.sentences import Sentence  # noqa: E402


def label(time: float, quote: str) -> Label:
    return Label("x", "core", time, quote, {})


UNITS = [
    Sentence("Thanks for having me.", 100.0, 0),
    Sentence(
        "In robotics, an experiment basically amounts to generating a new data set.", 104.0, 1
    ),
    Sentence("Training your model on it and then observing its performance takes weeks.", 109.0, 2),
    Sentence("In robotics, an experiment is something else entirely later on.", 400.0, 3),
]


def test_a_quote_marks_the_units_it_covers_at_its_moment():
    quote = (
        "In robotics, an experiment basically amounts to generating a new data set. "
        "Training your model on it and then observing"
    )
    assert positives(UNITS, [label(104.0, quote)]) == {1, 2}


def test_a_quote_elsewhere_in_the_talk_marks_nothing_here():
    quote = "In robotics, an experiment basically amounts to generating a new data set."
    # The same words 5 minutes away are another moment.
    assert positives(UNITS, [label(800.0, quote)]) == set()
    assert positives(UNITS, [label(103.0, "thanks for having me")]) == {0}


def test_matching_needs_the_moment_and_half_the_shorter_quotes_words():
    said = "dropout roughly halves the gap between train and test error"
    assert matches(said, 100.0, "with dropout the gap between train and test error halved", 110.0)
    assert not matches(said, 100.0, "with dropout the gap between train and test error", 116.0)
    assert not matches(said, 100.0, "we used a learning rate of three e minus four", 100.0)
    assert not matches(said, None, said, 100.0)


def test_a_talk_labelled_up_to_a_time_is_cut_there(tmp_path: Path):
    transcript = tmp_path / "talk.vtt"
    transcript.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nLabelled words.\n\n"
        "00:59:58.000 --> 01:00:02.000\nStill labelled.\n\n"
        "01:00:05.000 --> 01:00:09.000\nNot labelled any more.\n",
        encoding="utf-8",
    )
    labels = tmp_path / "talk.a1.yaml"
    labels.write_text(
        f'source: "{transcript}"\nspeaker: "X"\nhours: 1.00\nuntil: "01:00:00"\nclaims: []\n',
        encoding="utf-8",
    )
    doc = load_label_file(labels).document()
    assert [s.text for s in doc.segments] == ["Labelled words.", "Still labelled."]
    assert doc.duration == 3602.0
    labels.write_text(labels.read_text().replace('until: "01:00:00"\n', ""), encoding="utf-8")
    assert len(load_label_file(labels).document().segments) == 3


needs_labels = pytest.mark.skipif(
    not (SHARED / "labels").is_dir() or not (SHARED / "corpus").is_dir(),
    reason="needs ../shared/labels and ../shared/corpus beside the project (CI has them)",
)


@needs_labels
def test_the_shipped_selector_is_what_training_gives():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "train.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "shipped model matches training" in result.stdout


@needs_labels
def test_an_unlabelled_episodes_intro_and_outro_make_no_card():
    import deckgen

    # Never labelled, never read while training or tuning the selector.
    episode = (
        SHARED
        / "corpus"
        / "twiml"
        / "123-gk-senthil-interview-surveying-the-connected-car-landsca.vtt"
    )
    doc = deckgen.load_document(episode)
    claims = deckgen.extract_claims(doc, speaker="Senthil")
    assert len(claims) >= 10
    times = [c.card.time for c in claims]
    assert all(180 <= t <= doc.duration - 180 for t in times), (
        sorted(times)[:3] + sorted(times)[-3:]
    )
