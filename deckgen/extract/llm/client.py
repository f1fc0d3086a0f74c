"""A small client for the OpenAI-compatible chat API (Ollama, llama.cpp's server, vLLM,
LM Studio, hosted APIs), over httpx (the ``llm`` extra).

Servers differ in how they take a JSON schema for the answer: OpenAI and vLLM take
``response_format`` of type ``json_schema``, llama.cpp's server ``json_object`` with a
``schema``, some servers neither. The client tries them in that order, falls back on the
server's refusal, and remembers per URL and model what worked. Temperature 0 and a fixed
seed make answers repeatable where the server honours them. Timeouts, 429 and 5xx are
retried with backoff; everything else becomes one LLMError line saying what to do.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from deckgen.errors import DeckgenError

DEFAULT_URL = "https://api.openai.com/v1"
# The ways of asking for JSON, most to least exact.
MODES = ("json_schema", "json_object", "plain")
SEED = 1234
# Eight cards take about 700 tokens; a model that runs on past that is cut here
# ($DECKGEN_LLM_MAX_TOKENS sets another cap, for a slow server).
MAX_TOKENS = 1500
TIMEOUT_SECONDS = 300.0
RETRIES = 4  # for 429 and 5xx answers
TIMEOUT_RETRIES = 1  # a request that timed out is tried once more, not again and again


class LLMError(DeckgenError):
    """The language model server could not be used (one line: what, and what to do)."""


class ContextTooLong(LLMError):
    """The request does not fit the model's context: the passage must be split."""


@dataclass(frozen=True)
class Endpoint:
    url: str  # the API's base, ending in /v1 (or the server's own prefix)
    model: str
    key: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc or self.url

    @property
    def is_local(self) -> bool:
        host = urlsplit(self.url).hostname or ""
        return host in ("localhost", "::1") or host.startswith("127.")


def resolve_endpoint(model: str, url: str | None = None, env=None) -> Endpoint:
    """The server to use: ``url`` (--llm-url), else $OPENAI_BASE_URL, else OpenAI's, and
    the key from $OPENAI_API_KEY (a local server needs none). A URL with no path gets
    ``/v1``, where these servers serve the API."""
    env = os.environ if env is None else env
    chosen = (url or env.get("OPENAI_BASE_URL") or DEFAULT_URL).strip()
    parts = urlsplit(chosen)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LLMError(
            f"--llm-url '{chosen}' is not a web address "
            "(give one like http://localhost:11434/v1 or https://api.openai.com/v1)"
        )
    if parts.path in ("", "/"):
        chosen = chosen.rstrip("/") + "/v1"
    if not model.strip():
        raise LLMError("--llm names no model (give the model's name as the server knows it)")
    key = env.get("OPENAI_API_KEY") or None
    endpoint = Endpoint(chosen.rstrip("/"), model.strip(), key)
    if key is None and not endpoint.is_local and endpoint.host == "api.openai.com":
        raise LLMError(
            "api.openai.com needs a key: set OPENAI_API_KEY, or give --llm-url for a "
            "server of your own (Ollama: http://localhost:11434/v1)"
        )
    return endpoint


@dataclass(frozen=True)
class Completion:
    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ModeMemory:
    """What way of asking for JSON worked, per URL and model, kept in a small JSON file
    (in deckgen's cache folder) so later runs ask that way first."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.known: dict[str, str] = {}
        if path is not None:
            try:
                loaded = json.loads(path.read_text("utf-8"))
                self.known = {k: v for k, v in loaded.items() if v in MODES}
            except (OSError, ValueError, AttributeError):
                pass

    def get(self, endpoint: Endpoint) -> str | None:
        return self.known.get(f"{endpoint.url} {endpoint.model}")

    def put(self, endpoint: Endpoint, mode: str) -> None:
        name = f"{endpoint.url} {endpoint.model}"
        if self.known.get(name) == mode:
            return
        self.known[name] = mode
        if self.path is None:
            return
        from deckgen.fsutil import write_atomic

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(self.known, indent=1).encode("utf-8"))
        except OSError:
            pass  # only a slower next run


def _start_hint() -> str:
    return (
        "start the server (Ollama: 'ollama serve', then 'ollama pull MODEL'; llama.cpp: "
        "'llama-server -m MODEL.gguf --port 8080' with --llm-url http://localhost:8080/v1), "
        "or give --llm-url"
    )


class ChatClient:
    """Chat completions from one endpoint. Thread-safe: passages are sent in parallel."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        memory: ModeMemory | None = None,
        transport=None,
        timeout: float = TIMEOUT_SECONDS,
        retries: int = RETRIES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        try:
            import httpx
        except ImportError:
            raise LLMError(
                "drafting with a language model needs the llm extra: pip install 'deckgen[llm]'"
            ) from None
        self._httpx = httpx
        self.endpoint = endpoint
        self.memory = memory or ModeMemory(None)
        self.retries = retries
        self.sleep = sleep
        self.max_tokens = _max_tokens()
        headers = {"Authorization": f"Bearer {endpoint.key}"} if endpoint.key else {}
        self._client = httpx.Client(
            base_url=endpoint.url + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=10.0),
            transport=transport,
        )
        # Optional fields a server refused, dropped from later requests.
        self._dropped: set[str] = set()

    def close(self) -> None:
        self._client.close()

    # ------------------------------------------------------------------- requests

    def models(self) -> list[str]:
        """The ids of the models the server serves (empty when it will not say)."""
        try:
            response = self._client.get("models")
            data = response.json().get("data", []) if response.status_code == 200 else []
            return [str(m["id"]) for m in data if isinstance(m, dict) and "id" in m]
        except (self._httpx.HTTPError, ValueError, AttributeError, TypeError):
            return []

    def complete(self, messages: list[dict], schema: dict) -> Completion:
        """The model's answer to ``messages``, asked as JSON matching ``schema``."""
        known = self.memory.get(self.endpoint)
        modes = [known] if known else list(MODES)
        last: LLMError | None = None
        for mode in modes:
            try:
                completion = self._send(messages, schema, mode)
            except _Refused as refused:
                last = LLMError(f"{self.endpoint.url} refused the request: {refused}")
                continue
            self.memory.put(self.endpoint, mode)
            return completion
        if known:  # what worked before is refused now: try the others once
            self.memory.known.pop(f"{self.endpoint.url} {self.endpoint.model}", None)
            return self.complete(messages, schema)
        raise last or LLMError(f"{self.endpoint.url} answered no request")

    def _body(self, messages: list[dict], schema: dict, mode: str) -> dict:
        body: dict = {
            "model": self.endpoint.model,
            "messages": messages,
            "temperature": 0,
            "seed": SEED,
            "max_tokens": self.max_tokens,
        }
        if mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "cards", "schema": schema},
            }
        elif mode == "json_object":
            body["response_format"] = {"type": "json_object", "schema": schema}
        for name in self._dropped:
            body.pop(name, None)
        return body

    def _send(self, messages: list[dict], schema: dict, mode: str) -> Completion:
        httpx = self._httpx
        attempt = 0
        while True:
            attempt += 1
            body = self._body(messages, schema, mode)
            try:
                response = self._client.post("chat/completions", json=body)
            except httpx.ConnectError:
                raise LLMError(
                    f"cannot reach the language model server at {self.endpoint.url}: "
                    + _start_hint()
                ) from None
            except httpx.TimeoutException:
                if attempt <= TIMEOUT_RETRIES:
                    continue
                raise LLMError(
                    f"{self.endpoint.url} did not answer within {self._client.timeout.read:.0f} s, "
                    f"{attempt} times (a smaller model, or fewer --llm-jobs, may help)"
                ) from None
            except httpx.HTTPError as error:
                raise LLMError(f"{self.endpoint.url}: {error}") from None
            status = response.status_code
            if status == 200:
                return self._completion(response)
            message = _error_message(response)
            lowered = message.lower()
            if status in (401, 403):
                raise LLMError(
                    f"{self.endpoint.url} refused the key ({status}: {message}): set "
                    "OPENAI_API_KEY to a valid key (a local server needs none)"
                )
            if _is_context_error(status, lowered):
                raise ContextTooLong(f"{self.endpoint.url}: {message}")
            if status == 404 or ("model" in lowered and "not found" in lowered):
                raise self._unknown_model(message)
            dropped = next(
                (f for f in ("seed", "max_tokens") if f in lowered and f not in self._dropped),
                None,
            )
            if status in (400, 422) and dropped:
                self._dropped.add(dropped)
                continue
            if mode != "plain" and status in (400, 422, 500, 501) and attempt == 1:
                # The way of asking for JSON is refused (llama.cpp's server answers a
                # json_schema response_format with 500): the next way is tried.
                raise _Refused(f"{status}: {message}")
            if (status == 429 or status >= 500) and attempt < self.retries:
                self.sleep(_retry_after(response) or 2.0 ** (attempt - 1))
                continue
            raise LLMError(f"{self.endpoint.url} answered {status}: {message}")

    def _completion(self, response) -> Completion:
        try:
            data = response.json()
            content = data["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMError(
                f"{self.endpoint.url} answered 200 but not with a chat completion "
                "(is it an OpenAI-compatible API? its base usually ends in /v1)"
            ) from None
        usage = data.get("usage") or {}
        return Completion(
            str(content),
            int(usage.get("prompt_tokens") or 0),
            int(usage.get("completion_tokens") or 0),
        )

    def _unknown_model(self, message: str) -> LLMError:
        served = self.models()
        listing = f"it serves: {', '.join(served[:20])}" if served else "it lists no models"
        return LLMError(
            f"model '{self.endpoint.model}' is not served at {self.endpoint.url} ({listing}); "
            f"give one of those to --llm (Ollama: 'ollama pull {self.endpoint.model}' first)"
        )


def _max_tokens() -> int:
    value = os.environ.get("DECKGEN_LLM_MAX_TOKENS", "")
    if not value:
        return MAX_TOKENS
    if not value.isdigit() or int(value) < 16:
        raise LLMError(
            f"DECKGEN_LLM_MAX_TOKENS is '{value}': give a number of tokens (at least 16)"
        )
    return int(value)


class _Refused(Exception):
    """The server refused this way of asking for JSON."""


def _error_message(response) -> str:
    try:
        data = response.json()
    except ValueError:
        return " ".join(response.text.split())[:300] or response.reason_phrase
    if isinstance(data, dict):
        error = data.get("error", data.get("detail", data.get("message")))
        if isinstance(error, dict):
            error = error.get("message") or json.dumps(error)
        if error is not None:
            return " ".join(str(error).split())[:300]
    return json.dumps(data)[:300]


def _is_context_error(status: int, message: str) -> bool:
    if status not in (400, 413, 500):
        return False
    return "context" in message and any(
        word in message for word in ("length", "window", "exceed", "too long", "maximum")
    )


def _retry_after(response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return min(60.0, float(value)) if value else None
    except ValueError:
        return None
