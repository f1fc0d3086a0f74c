"""The drafter on answers recorded from a real llama.cpp server (tests/fixtures/llm):
what a small model's server really says, replayed over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deckgen.extract.claims import ExtractOptions
from deckgen.extract.llm.client import ChatClient, Endpoint, LLMError
from deckgen.extract.llm.drafter import LLMDrafter
from tests.extract.conftest import transcript
from tests.extract.llm.fakeserver import FakeServer, contract_model

RECORDED = Path(__file__).resolve().parents[2] / "fixtures" / "llm"
TALK = transcript(
    (0.0, "The light curve is a time series of the brightness of a star."),
    (9.0, "When a planet passes in front of the star, the brightness dips a little."),
    (18.0, "So we trained a convolutional network to tell those dips from noise."),
)
ROOMY = ExtractOptions(max_per_hour=1000)


def recorded(name: str) -> tuple[int, dict]:
    data = json.loads((RECORDED / name).read_text())
    return data["status"], data["body"]


def drafter(server: FakeServer) -> LLMDrafter:
    return LLMDrafter(ChatClient(Endpoint(server.url, "gemma3-270m"), sleep=lambda _s: None))


def like_llama_cpp(answer: str):
    """llama.cpp's server: json_schema refused (recorded 500), else the recorded answer."""

    def respond(body):
        if body.get("response_format", {}).get("type") == "json_schema":
            return recorded("json-schema-refused.json")
        return recorded(answer)

    return respond


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("json-object-cut.json", "it is not JSON (Unterminated string"),
        ("plain.json", "it is not JSON (Expecting value"),
        ("json-object-empty.json", 'it is not an object with a "cards" list'),
    ],
)
def test_a_small_models_answers_skip_the_passage_and_say_why(answer, why):
    with FakeServer(like_llama_cpp(answer)) as server:
        claims, report = drafter(server).draft(TALK, "talk", ROOMY)
    assert claims == []
    (line,) = report.failed
    assert "the model's answer was not usable, even when asked again" in line and why in line
    # json_schema refused once; then the answer and its repair, in json_object mode.
    modes = [b.get("response_format", {}).get("type") for b in server.requests]
    assert modes == ["json_schema", "json_object", "json_object"]


def test_the_recorded_context_overflow_splits_the_passage():
    def small(body):
        if len(body["messages"][0]["content"].split('"""')[1].split()) > 20:
            return recorded("over-context.json")
        return contract_model(body)

    with FakeServer(small) as server:
        _, report = drafter(server).draft(TALK, "talk", ROOMY)
    assert not report.failed and report.requests >= 2


def test_the_recorded_key_refusal():
    server = FakeServer(lambda body: recorded("key-refused.json"))
    with server, pytest.raises(LLMError, match=r"refused the key \(401: Invalid API key\)"):
        drafter(server).draft(TALK, "talk", ROOMY)
