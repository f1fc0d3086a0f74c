"""deckgen.extract.lecture: telling a lecture from a conversation, a lecture's own signs,
and the second stage that keeps what is taught over what is typed on screen."""

from __future__ import annotations

from pathlib import Path

from deckgen.document import Document
from deckgen.extract.learned import Selector, choose, lecture_inputs, unit_features
from deckgen.extract.lecture import INPUTS, LECTURE_REASON, LectureStage, is_lecture, signs
from deckgen.extract.sentences import Sentence

NARRATED = "So now let's call torch.zeros here and we get 0.8813 as you can see."
TAUGHT = "Softmax is called a normalisation because it makes the logits into probabilities."

LECTURE = [
    "Okay so let's open up a notebook here.",
    "We'll import torch and let me load the data set.",
    "The reason we normalise is that the network needs probabilities.",
    NARRATED,
    TAUGHT,
    "In practice people usually minimise the average negative log likelihood.",
    "Let's scroll down here and print the shape, you can see it's 27 by 27.",
    "And this is what's called broadcasting: a dimension of size one is stretched out.",
]
CONVERSATION = [
    "Welcome to the show, thanks for joining us.",
    "How did you get started in robotics?",
    "I started in graphics and moved to robotics after my PhD.",
    "Dropout roughly halves the gap between train and test error.",
    "We found that people trust robots more than they should.",
    "Here is the thing: the data was never labelled.",
]


def test_a_lecture_points_at_the_screen_and_a_conversation_does_not():
    assert is_lecture(LECTURE)
    assert not is_lecture(CONVERSATION)
    assert not is_lecture([])


def test_signs_tell_narrated_code_from_a_taught_claim():
    narrated, taught = list(signs([NARRATED, TAUGHT]))
    assert narrated["code-share"] > 0 and narrated["identifier"] == 1.0
    assert narrated["decimal"] == 1.0 and narrated["screen"] > 0 and narrated["now"] == 1.0
    assert taught["code-share"] < narrated["code-share"] / 2  # "called" names and calls
    assert taught["screen"] == 0 and taught["decimal"] == 0 and taught["identifier"] == 0
    assert taught["taught:naming"] == 1.0 and taught["taught:reason"] == 1.0
    assert narrated["taught:naming"] == 0.0


def test_the_digits_of_a_name_are_not_the_examples_values():
    named, valued = signs(["UTF-8 and GPT-2 use cl100k.", "We get 0.88 and then 16."])
    assert named["numbers"] == 0.0 and named["decimal"] == 0.0
    assert valued["numbers"] == 0.5 and valued["decimal"] == 1.0


def test_a_term_the_lecture_comes_back_to_is_new_only_where_it_is_first_said():
    texts = ["Backpropagation is how the gradient flows."] + [
        f"Step {n}: backpropagation again." for n in range(5)
    ]
    found = [s["new-term"] for s in signs(texts)]
    assert found[0] > 0 and found[1:] == [0.0] * 5


def _units(texts: list[str]) -> list[Sentence]:
    return [Sentence(t, 60.0 * n + 600.0, n) for n, t in enumerate(texts)]


def _stage_for_taught_claims() -> Selector:
    """A selector that knows nothing, and a lecture stage that wants what is taught."""
    weights = dict.fromkeys(INPUTS, 0.0)
    weights.update({"screen": -4.0, "code-share": -8.0, "taught:naming": 3.0})
    weights["taught:practice"] = 3.0
    stage = LectureStage(weights, -1.0, 0.5, ("lecture-a", "lecture-b"))
    return Selector({}, {}, 0.0, 0.5, ("talk",), stage)


def test_on_a_lecture_the_stage_chooses_and_on_a_conversation_it_does_not():
    selector = _stage_for_taught_claims()
    doc = Document(Path("l.vtt"), "vtt", "transcript", "A lecture", duration=3600.0)
    _budget, chosen = choose(doc, _units(LECTURE), 60.0, selector)
    best = [s.text for _, s in chosen][:3]
    assert TAUGHT in best and NARRATED not in best
    assert best[0] in (TAUGHT, LECTURE[5], LECTURE[7])
    # Each claim says it was chosen as a lecture's (what extract's note reads).
    assert all(LECTURE_REASON in score.reasons for score, _ in chosen)
    # A conversation: the selector alone (every probability its 0.5).
    _budget, chosen = choose(doc, _units(CONVERSATION), 60.0, selector)
    assert {score.value for score, _ in chosen} == {0.5}
    assert not any(LECTURE_REASON in score.reasons for score, _ in chosen)


def test_stage_inputs_are_the_selectors_parts_and_the_lectures_signs():
    selector = Selector({"rare": 1.0, "position": 2.0, "rule-score": 0.5}, {"^so": 0.25}, 0, 0.5)
    featured = unit_features(_units(LECTURE), "A lecture", duration=3600.0)
    inputs = list(lecture_inputs(selector, featured))
    assert set(inputs[0]) == set(INPUTS)
    first = featured[0].features
    assert inputs[0]["part:position"] == 2.0 * first["position"]
    assert inputs[0]["part:rules"] == 0.5 * first["rule-score"]
    assert inputs[0]["part:other"] == 1.0 * first["rare"]
    assert inputs[2]["part:wording"] == 0.0 and inputs[3]["part:wording"] == 0.25  # "So now"


def test_a_selector_with_a_lecture_stage_round_trips_through_json():
    selector = _stage_for_taught_claims()
    assert Selector.from_json(selector.to_json()) == selector
