"""Draft with answers written or recorded elsewhere: the prompts of a talk out, the
answers back in, through the whole `deckgen extract --llm` pipeline.

    python bench/llm_replay.py export TALK DIR [--speaker NAME]
        writes DIR/NN.prompt.txt (the system prompt and the passage, as the model gets
        them) and DIR/NN.request.json for every passage of TALK
    python bench/llm_replay.py serve DIR [--port N]
        an OpenAI-compatible server on 127.0.0.1 answering each passage's request with
        DIR/NN.answer.json (its text as the model's reply); then, in another shell:
        deckgen extract --llm replay --llm-url http://127.0.0.1:N/v1 TALK

This is how a deck is drafted by hand (or by a model on another machine) following the
prompt exactly, to judge the prompt and grounding by reading; and how answers recorded
from a real server are replayed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_PASSAGE = re.compile(r"^Passage (\d+) of (\d+)", re.M)


def _number(body: dict) -> int:
    match = _PASSAGE.search(body["messages"][0]["content"])
    if match is None:
        raise ValueError("no 'Passage N of M' line in the request")
    return int(match.group(1))


def _reply(content: str) -> dict:
    return {
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0},
    }


def export(talk: Path, out: Path, speaker: str | None) -> int:
    """Write each passage's prompt; the number of passages."""
    import deckgen
    from deckgen.extract import ExtractOptions
    from deckgen.extract.llm import ChatClient, Endpoint, LLMDrafter

    requests: list[dict] = []

    class Recorder(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests.append(body)
            data = json.dumps(_reply('{"cards": []}')).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    import threading

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    drafter = LLMDrafter(ChatClient(Endpoint(url, "replay")), jobs=1)
    options = ExtractOptions(speaker=speaker) if speaker else ExtractOptions()
    drafter.draft(deckgen.load_document(talk), "talk", options)
    server.shutdown()
    out.mkdir(parents=True, exist_ok=True)
    for body in requests:
        number = _number(body)
        (out / f"{number:02}.request.json").write_text(json.dumps(body, indent=1))
        (out / f"{number:02}.prompt.txt").write_text(body["messages"][0]["content"] + "\n")
    return len(requests)


def serve(folder: Path, port: int) -> None:
    class Replayer(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._send(200, {"data": [{"id": "replay"}]})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            answer = folder / f"{_number(body):02}.answer.json"
            if not answer.is_file():
                self._send(500, {"error": {"message": f"no {answer.name}"}})
                return
            self._send(200, _reply(answer.read_text()))

    server = ThreadingHTTPServer(("127.0.0.1", port), Replayer)
    print(f"replaying {folder} at http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="action", required=True)
    one = sub.add_parser("export")
    one.add_argument("talk", type=Path)
    one.add_argument("dir", type=Path)
    one.add_argument("--speaker")
    two = sub.add_parser("serve")
    two.add_argument("dir", type=Path)
    two.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    if args.action == "export":
        print(f"{export(args.talk, args.dir, args.speaker)} passages written to {args.dir}")
    else:
        serve(args.dir, args.port)


if __name__ == "__main__":
    main()
