"""A scripted OpenAI-compatible server on 127.0.0.1, for the drafter's tests.

It speaks real HTTP (so the client's whole path is exercised), serves ``GET /v1/models``
and ``POST /v1/chat/completions``, records every request, and answers each chat request
with whatever its ``respond`` function returns: ``(status, body)``. ``contract_model``
is such a function: a stand-in for a model that follows the prompt, writing cards from
the passage's own sentences, written to the documented answer shape.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Respond = Callable[[dict], tuple[int, object]]


class FakeServer:
    def __init__(self, respond: Respond, models: tuple[str, ...] = ("fake-model",)) -> None:
        self.respond = respond
        self.models = models
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, body: object) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    self._send(200, {"data": [{"id": m, "object": "model"} for m in server.models]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found"}})
                    return
                server.requests.append(body)
                server.headers.append(dict(self.headers))
                status, answer = server.respond(body)
                self._send(status, answer)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def completion(content: str, prompt_tokens: int = 100, completion_tokens: int = 20) -> dict:
    """A chat completion as the OpenAI API returns it."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def passage_of(body: dict) -> str:
    """The passage text a chat request carries (between the triple quotes)."""
    user = body["messages"][0]["content"]
    return user.split('"""')[1].strip()


def asks_for_repeats(body: dict) -> bool:
    """Whether a chat request is the check for a claim carded twice (repeats.py)."""
    return body["messages"][0]["content"].startswith("Below are numbered flashcards")


def contract_model(body: dict) -> tuple[int, dict]:
    """Cards from the passage's own words: for each of its first sentences of 10+ words,
    a cloze hiding its longest word, quoting its first 12 words verbatim. Asked for
    repeats, it finds none."""
    if asks_for_repeats(body):
        return 200, completion(json.dumps({"repeats": []}))
    cards = []
    for sentence in re.split(r"(?<=[.!?])\s+", passage_of(body)):
        words = sentence.split()
        if len(words) < 10 or len(cards) == 2:
            continue
        longest = max(words, key=lambda w: len(w.strip(".,!?")))
        word = longest.strip(".,!?")
        text = sentence.replace(word, "{{c1::" + word + "}}", 1)
        cards.append(
            {"type": "cloze", "text": text, "quote": " ".join(words[:12]), "importance": 2}
        )
    return 200, completion(json.dumps({"cards": cards}))
