"""The chat client against a real HTTP server on 127.0.0.1: modes, retries, errors."""

from __future__ import annotations

import json

import pytest

from deckgen.extract.llm.client import (
    ChatClient,
    ContextTooLong,
    Endpoint,
    LLMError,
    ModeMemory,
    resolve_endpoint,
)
from deckgen.extract.llm.prompt import CARD_SCHEMA
from tests.extract.llm.fakeserver import FakeServer, completion

MESSAGES = [{"role": "user", "content": "hi"}]
ANSWER = json.dumps({"cards": []})


def client_for(server: FakeServer, memory: ModeMemory | None = None, **kw) -> ChatClient:
    return ChatClient(
        Endpoint(server.url, "fake-model"), memory=memory, sleep=lambda _s: None, **kw
    )


def test_endpoint_from_flag_environment_or_default():
    env = {"OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_API_KEY": "sk-1"}
    assert resolve_endpoint("m", None, env) == Endpoint("http://localhost:11434/v1", "m", "sk-1")
    assert resolve_endpoint("m", "http://127.0.0.1:8080", {}).url == "http://127.0.0.1:8080/v1"
    assert resolve_endpoint("m", "http://h:1/api/", {}).url == "http://h:1/api"
    assert resolve_endpoint("m", None, {"OPENAI_API_KEY": "k"}).host == "api.openai.com"
    assert resolve_endpoint("m", "http://localhost:11434/v1", {}).key is None


@pytest.mark.parametrize(
    ("model", "url", "env", "message"),
    [
        ("m", None, {}, "api.openai.com needs a key: set OPENAI_API_KEY"),
        ("m", "localhost:11434", {}, "is not a web address"),
        ("m", "ftp://x/v1", {}, "is not a web address"),
        (" ", "http://localhost/v1", {}, "names no model"),
    ],
)
def test_endpoint_errors(model, url, env, message):
    with pytest.raises(LLMError, match=message):
        resolve_endpoint(model, url, env)


def test_json_schema_first_with_temperature_zero_and_a_seed():
    with FakeServer(lambda body: (200, completion(ANSWER, 120, 7))) as server:
        got = client_for(server).complete(MESSAGES, CARD_SCHEMA)
    assert (got.content, got.prompt_tokens, got.completion_tokens) == (ANSWER, 120, 7)
    (body,) = server.requests
    assert body["model"] == "fake-model" and body["temperature"] == 0 and "seed" in body
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == CARD_SCHEMA


def test_a_refused_mode_falls_back_and_what_worked_is_remembered(tmp_path):
    def llama_cpp(body):  # llama.cpp's server: 500 on json_schema, schema via json_object
        if body.get("response_format", {}).get("type") == "json_schema":
            return 500, {"error": {"message": "Unknown response_format type"}}
        return 200, completion(ANSWER)

    memory_file = tmp_path / "modes.json"
    with FakeServer(llama_cpp) as server:
        client_for(server, ModeMemory(memory_file)).complete(MESSAGES, CARD_SCHEMA)
        client_for(server, ModeMemory(memory_file)).complete(MESSAGES, CARD_SCHEMA)
    types = [b["response_format"]["type"] for b in server.requests]
    assert types == ["json_schema", "json_object", "json_object"]
    assert server.requests[1]["response_format"]["schema"] == CARD_SCHEMA
    assert json.loads(memory_file.read_text()) == {f"{server.url} fake-model": "json_object"}


def test_a_server_without_structured_output_is_asked_plainly():
    def plain(body):
        if "response_format" in body:
            return 400, {"error": {"message": "response_format is not supported"}}
        return 200, completion(ANSWER)

    with FakeServer(plain) as server:
        client_for(server).complete(MESSAGES, CARD_SCHEMA)
    assert [b.get("response_format", {}).get("type") for b in server.requests] == [
        "json_schema", "json_object", None,
    ]  # fmt: skip


def test_an_unsupported_optional_field_is_dropped():
    def no_seed(body):
        if "seed" in body:
            return 400, {"error": {"message": "Unrecognized request argument supplied: seed"}}
        return 200, completion(ANSWER)

    with FakeServer(no_seed) as server:
        client = client_for(server)
        client.complete(MESSAGES, CARD_SCHEMA)
        client.complete(MESSAGES, CARD_SCHEMA)
    assert ["seed" in b for b in server.requests] == [True, False, False]


def test_5xx_and_429_are_retried_with_backoff():
    answers = iter(
        [(503, {"error": "busy"}), (429, {"error": "slow down"}), (200, completion(ANSWER))]
    )
    waits = []
    with FakeServer(lambda body: next(answers)) as server:
        memory = ModeMemory(None)
        memory.put(Endpoint(server.url, "fake-model"), "json_schema")
        client = ChatClient(Endpoint(server.url, "fake-model"), memory=memory, sleep=waits.append)
        assert client.complete(MESSAGES, CARD_SCHEMA).content == ANSWER
    assert waits == [1.0, 2.0]


def test_a_server_that_keeps_failing_is_one_line():
    with FakeServer(lambda body: (502, {"error": {"message": "bad gateway"}})) as server:
        memory = ModeMemory(None)
        memory.put(Endpoint(server.url, "fake-model"), "plain")
        with pytest.raises(LLMError, match=r"answered 502: bad gateway"):
            client_for(server, memory).complete(MESSAGES, CARD_SCHEMA)
    assert len(server.requests) == 4


def test_a_refused_key():
    with (
        FakeServer(
            lambda body: (401, {"error": {"message": "Incorrect API key provided"}})
        ) as server,
        pytest.raises(
            LLMError,
            match=r"refused the key \(401: Incorrect API key provided\): set OPENAI_API_KEY",
        ),
    ):
        client_for(server).complete(MESSAGES, CARD_SCHEMA)


def test_an_unknown_model_lists_the_models_served():
    def ollama(body):
        return 404, {
            "error": {"message": f'model "{body["model"]}" not found, try pulling it first'}
        }

    server = FakeServer(ollama, models=("llama3.1:8b", "qwen2.5:7b"))
    with server, pytest.raises(LLMError) as error:
        client_for(server).complete(MESSAGES, CARD_SCHEMA)
    assert str(error.value) == (
        f"model 'fake-model' is not served at {server.url} (it serves: llama3.1:8b, "
        "qwen2.5:7b); give one of those to --llm (Ollama: 'ollama pull fake-model' first)"
    )


def test_a_context_overflow_is_its_own_error():
    def small(body):
        return 400, {"error": {"message": "Requested tokens (3000) exceed context window of 2048"}}

    with FakeServer(small) as server, pytest.raises(ContextTooLong):
        client_for(server).complete(MESSAGES, CARD_SCHEMA)


def test_a_server_not_running_names_the_url_and_how_to_start_one():
    client = ChatClient(Endpoint("http://127.0.0.1:9/v1", "m"), sleep=lambda _s: None)
    with pytest.raises(
        LLMError,
        match=r"cannot reach the language model server at http://127.0.0.1:9/v1: start the server \(Ollama: 'ollama serve'",
    ):
        client.complete(MESSAGES, CARD_SCHEMA)


def test_not_a_chat_completion():
    server = FakeServer(lambda body: (200, {"hello": "world"}))
    with server, pytest.raises(LLMError, match="not with a chat completion"):
        client_for(server).complete(MESSAGES, CARD_SCHEMA)


def test_the_key_is_sent_as_a_bearer_token():
    with FakeServer(lambda body: (200, completion(ANSWER))) as server:
        ChatClient(Endpoint(server.url, "m", "sk-secret")).complete(MESSAGES, CARD_SCHEMA)
    assert server.headers[0]["Authorization"] == "Bearer sk-secret"
