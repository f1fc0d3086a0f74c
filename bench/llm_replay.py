"""Draft with answers written or recorded elsewhere: the prompts of a talk out, the
answers back in, through the whole `deckgen extract --llm` pipeline.

    python bench/llm_replay.py export TALK DIR [--speaker NAME]
        writes DIR/NN.prompt.txt (the system prompt and the passage, as the model gets
        them) and DIR/NN.request.json for every passage of TALK
    python bench/llm_replay.py serve DIR [--port N]
        an OpenAI-compatible server on 127.0.0.1 answering each passage's request with
        DIR/NN.answer.json (its text as the model's reply); then, in another shell:
        deckgen extract --llm replay --llm-url http://127.0.0.1:N/v1 TALK

    python bench/llm_replay.py measure TALK DIR [--until H:MM:SS] [--max-per-hour N] [--cards]
        the labelled talk TALK (a transcript's file stem in bench/labels or ../shared/labels)
        drafted through DIR's answers, measured against its labels by bench/labels.py's
        rule (recall, core recall, cards an hour); --until cuts the transcript where the
        answers were written for a part of it (as the nanoGPT answers: 45:00);
        --max-per-hour trims the deck to the answers' most important cards (the answers
        were written for the default deck, so the passages' card limits stay as they were)

A deck of 8 or more cards is then checked for a claim carded twice, a window of the deck
at a time: its answers are DIR/repeats-NNN.answer.json (NNN: the window's first card). When
one is missing, `serve` and `measure` write that window's prompt as repeats-NNN.prompt.txt and
keep the deck as drafted; answer it and run again.

This is how a deck is drafted by hand (or by a model on another machine) following the
prompt exactly, to judge the prompt and grounding by reading; and how answers recorded
from a real server are replayed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_PASSAGE = re.compile(r"^Passage (\d+) of (\d+)", re.M)
# The check for a claim carded twice (deckgen/extract/llm/repeats.py), one deck window.
_WINDOW = re.compile(r"^Cards (\d+) to (\d+) of (\d+)", re.M)


def _number(body: dict) -> int:
    match = _PASSAGE.search(body["messages"][0]["content"])
    if match is None:
        raise ValueError("no 'Passage N of M' line in the request")
    return int(match.group(1))


def _answer_file(folder: Path, body: dict) -> Path:
    """Where a request's answer is: NN.answer.json for a passage, repeats-NNN.answer.json
    for the window of the deck starting at card NNN."""
    window = _WINDOW.search(body["messages"][0]["content"])
    if window is not None:
        return folder / f"repeats-{int(window.group(1)):03}.answer.json"
    return folder / f"{_number(body):02}.answer.json"


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


def measure(
    talk: str, folder: Path, until: str | None, show: bool, per_hour: float | None = None
) -> None:
    """Draft a labelled talk through the answers in ``folder``; print how many of its
    curators' claims the deck finds."""
    import dataclasses
    import threading

    sys.path.insert(0, str(ROOT / "bench"))
    from labels import by_talk, found, label_files

    import deckgen
    from deckgen.extract import ExtractOptions
    from deckgen.extract.llm import ChatClient, Endpoint, LLMDrafter
    from deckgen.timecode import format_clock, parse_clock

    files = by_talk(label_files()).get(talk)
    if not files:
        sys.exit(f"no labelled talk named {talk!r}")
    doc = deckgen.load_document(files[0].transcript)
    labels = files[0].labels
    if until:
        end = parse_clock(until)
        segments = tuple(s for s in doc.segments if s.end <= end)
        doc = dataclasses.replace(doc, segments=segments, duration=segments[-1].end)
        labels = tuple(label for label in labels if label.time < end)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _replayer(folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        drafter = LLMDrafter(ChatClient(Endpoint(url, "replay")), jobs=1)
        options = ExtractOptions(speaker=files[0].speaker)
        if per_hour:
            options = dataclasses.replace(options, max_per_hour=per_hour)
        claims, report = drafter.draft(doc, "talk", options)
    finally:
        server.shutdown()
    hits = found(labels, [(c.card.quote, c.card.time) for c in claims])
    core = [h for h, label in zip(hits, labels, strict=True) if label.priority == "core"]
    # A talk labelled in part (its labels' `until`) is measured on that part.
    labelled = min(files[0].until or math.inf, doc.duration or math.inf)
    cards = [c for c in claims if c.card.time is None or c.card.time < labelled]
    print(
        f"{talk}: {len(labels)} claims ({len(core)} core) to {format_clock(labelled)}; "
        f"{len(cards)} cards there ({len(cards) / (labelled / 3600):.1f} an hour); "
        f"recall {sum(hits) / len(hits):.2f}, core {sum(core) / max(1, len(core)):.2f}; "
        f"grounding dropped {sum(report.dropped.values())} of {report.drafted} drafted, "
        f"the check for repeats {report.repeated}"
    )
    for line in report.failed:
        print(f"  {line}")
    if show:
        for card in (c.card for c in cards):
            said = card.text or f"{card.front} | {card.back}"
            hit = any(found([label], [(card.quote, card.time)])[0] for label in labels)
            print(f"  {'+' if hit else ' '} [{format_clock(card.time)}] {said}")


def _replayer(folder: Path):
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
            answer = _answer_file(folder, body)
            if not answer.is_file():
                if answer.name.startswith("repeats-"):
                    # Asked once the passages are answered: its prompt is written out for
                    # an answer, and the deck is kept as drafted meanwhile.
                    prompt = answer.with_name(answer.name.replace(".answer.json", ".prompt.txt"))
                    prompt.write_text(body["messages"][0]["content"] + "\n")
                self._send(500, {"error": {"message": f"no {answer.name}"}})
                return
            self._send(200, _reply(answer.read_text()))

    return Replayer


def serve(folder: Path, port: int) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", port), _replayer(folder))
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
    three = sub.add_parser("measure")
    three.add_argument("talk")
    three.add_argument("dir", type=Path)
    three.add_argument("--until")
    three.add_argument("--cards", action="store_true")
    three.add_argument("--max-per-hour", type=float, help="a smaller deck than the default")
    args = parser.parse_args()
    if args.action == "measure":
        measure(args.talk, args.dir, args.until, args.cards, args.max_per_hour)
    elif args.action == "export":
        print(f"{export(args.talk, args.dir, args.speaker)} passages written to {args.dir}")
    else:
        serve(args.dir, args.port)


if __name__ == "__main__":
    main()
