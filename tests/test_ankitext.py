"""deckgen.ankitext: Anki's syntax in source text made inert."""

from __future__ import annotations

import pytest

from deckgen.ankitext import inert
from deckgen.extract.claims import inert as inert_sentence
from deckgen.extract.llm import grounding
from deckgen.extract.sentences import Sentence


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("[sound:evil.mp3]", "[ sound:evil.mp3]"),
        (
            "[SOUND:x.ogg] and [anki:tts lang=en]hi[/anki:tts]",
            "[ SOUND:x.ogg] and [ anki:tts lang=en]hi[ /anki:tts]",
        ),
        ("{{c1::x}}", "{ {c1::x} }"),
        ("[a list] and [sounds good]", "[a list] and [sounds good]"),
    ],
)
def test_media_tags_and_cloze_marks_are_broken_by_a_space(said: str, kept: str):
    assert inert(said) == kept


def test_both_drafters_use_the_one_function():
    assert grounding.inert is inert
    sentence = Sentence(text="It plays [sound:evil.mp3] here.", start=0.0, index=0)
    assert inert_sentence(sentence).text == "It plays [ sound:evil.mp3] here."
