"""deckgen extract --llm, end to end through the command line, against a scripted
OpenAI-compatible server on 127.0.0.1 (real HTTP), on the seeds' real transcript."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cards import check_cards
from deckgen.sources import load_document
from tests.conftest import ROOT, import_apkg
from tests.extract.llm.fakeserver import (
    FakeServer,
    asks_for_repeats,
    completion,
    contract_model,
    passage_of,
)

TALK = "seeds/sequoia-transcript.txt"
SUMMARY = "seeds/sequoia-summary.txt"


def run(*args: str):
    return CliRunner().invoke(cli_main(), list(args))


def cli_main():
    from deckgen.cli import cli

    return cli


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    for name in (TALK, SUMMARY):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def extract(folder: Path, server: FakeServer, *extra: str):
    return run(
        "extract", "--cards", str(folder / "cards.yaml"), "--llm", "fake-model",
        "--llm-url", server.url, "--speaker", "Karpathy", *extra,
    )  # fmt: skip


def test_extract_with_a_model_grounds_every_card_in_the_talk(folder: Path, collection):
    with FakeServer(contract_model) as server:
        result = extract(folder, server, str(folder / TALK))
    assert result.exit_code == 0, result.output
    assert (
        f"Drafting with fake-model at {server.url}: the sources' text is sent to 127.0.0.1:"
        in result.output
    )
    assert re.search(r"^\d+ cards drafted, 0 dropped", result.output, re.M)
    assert re.search(r"^Tokens: [\d,]+ sent, [\d,]+ received in \d+ requests$", result.output, re.M)
    text = (folder / "cards.yaml").read_text()
    assert "# --- added by deckgen extract --llm fake-model from sequoia-transcript, " in text

    cards_file = check_cards(folder / "cards.yaml")  # deckgen check: no problem
    assert len(cards_file.cards) > 5
    doc = load_document(folder / TALK)
    for card in cards_file.cards:
        # The quote is the talk's own words, and the time the cue they begin in.
        where = doc.text.find(card.quote)
        assert where >= 0, card.quote
        begun = [s for s, at in zip(doc.segments, _offsets(doc), strict=True) if at <= where]
        assert abs(card.time - begun[-1].start) <= 5, card.id

    result = run("build", "--cards", str(folder / "cards.yaml"), "-o", str(folder / "deck.apkg"))
    assert result.exit_code == 0, result.output
    import_apkg(collection, folder / "deck.apkg")
    assert collection.note_count() == len(cards_file.cards)


def extract_from_nowhere(folder: Path):
    """extract --llm with a server URL where nothing listens."""
    return run(
        "extract", "--cards", str(folder / "cards.yaml"), "--llm", "m",
        "--llm-url", "http://127.0.0.1:9/v1", str(folder / TALK),
    )  # fmt: skip


def _offsets(doc) -> list[int]:
    """Where each segment's text begins in doc.text."""
    offsets, at = [], 0
    for segment in doc.segments:
        offsets.append(at)
        at += len(segment.text) + 1
    return offsets


def test_a_rerun_sends_nothing_and_adds_nothing(folder: Path):
    with FakeServer(contract_model) as server:
        assert extract(folder, server, str(folder / TALK)).exit_code == 0
        sent = len(server.requests)
        before = (folder / "cards.yaml").read_bytes()
        result = extract(folder, server, str(folder / TALK))
    assert result.exit_code == 0, result.output
    assert len(server.requests) == sent
    assert "Tokens: 0 sent, 0 received in 0 requests" in result.output
    assert "unchanged: no new cards" in result.output
    assert (folder / "cards.yaml").read_bytes() == before


def test_a_summary_is_drafted_from_its_own_text_and_timed_in_the_talk(folder: Path):
    def every_sentence(body):  # a card for each sentence of 10+ words
        if asks_for_repeats(body):
            return contract_model(body)
        cards = []
        for sentence in re.split(r"(?<=[.!?])\s+", passage_of(body)):
            words = sentence.split()
            if len(words) >= 10:
                text = sentence.replace(words[-1], "{{c1::" + words[-1].strip(".") + "}}.", 1)
                quote = " ".join(words[:12])
                cards.append({"type": "cloze", "text": text, "quote": quote, "importance": 2})
        return 200, completion(json.dumps({"cards": cards}))

    with FakeServer(contract_model) as server:
        assert extract(folder, server, str(folder / TALK)).exit_code == 0
    with FakeServer(every_sentence) as server:
        result = extract(
            folder, server, "--summary-of", "sequoia-transcript", str(folder / SUMMARY)
        )
    assert result.exit_code == 0, result.output
    summary_prompts = [
        b for b in server.requests if "a written summary of the talk" in b["messages"][0]["content"]
    ]
    assert summary_prompts
    cards_file = check_cards(folder / "cards.yaml")
    from_summary = [c for c in cards_file.cards if "sequoia-summary" in c.sources]
    assert from_summary
    # The summary's claims found in the talk carry the talk's time.
    assert any(c.time is not None for c in from_summary)


def test_the_server_not_running_changes_nothing(folder: Path):
    cards = folder / "cards.yaml"
    cards.write_text("deck:\n  name: Mine\n  id: 1234\n# my note\nsources:\ncards:\n")
    before = cards.read_bytes()
    result = extract_from_nowhere(folder)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "error: cannot reach the language model server at http://127.0.0.1:9/v1: start the "
        "server (Ollama: 'ollama serve', then 'ollama pull MODEL'; llama.cpp: 'llama-server -m "
        "MODEL.gguf --port 8080' with --llm-url http://localhost:8080/v1), or give --llm-url"
    )
    assert cards.read_bytes() == before


def test_an_unknown_model_lists_what_the_server_serves(folder: Path):
    def ollama(body):
        return 404, {
            "error": {"message": f'model "{body["model"]}" not found, try pulling it first'}
        }

    with FakeServer(ollama, models=("llama3.1:8b",)) as server:
        result = extract(folder, server, str(folder / TALK))
    assert result.exit_code == 1
    assert "error: model 'fake-model' is not served at" in result.output
    assert "(it serves: llama3.1:8b)" in result.output
    assert not (folder / "cards.yaml").exists()


def test_a_passage_the_model_cannot_answer_is_reported_and_skipped(folder: Path):
    def sometimes(body):
        if "Passage 2 of" in body["messages"][0]["content"]:
            return 200, completion("I cannot help with that.")
        return contract_model(body)

    with FakeServer(sometimes) as server:
        result = extract(folder, server, str(folder / TALK))
    assert result.exit_code == 0, result.output
    assert "warning: passage 2 (from " in result.output
    assert "not usable, even when asked again (it is not JSON" in result.output


def test_llm_url_without_llm():
    result = run("extract", "--llm-url", "http://localhost:11434/v1", "talk.vtt")
    assert result.exit_code == 1
    assert result.output == "error: --llm-url needs --llm MODEL (the model to draft with)\n"


def test_without_llm_nothing_is_sent(folder: Path, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    result = run("extract", "--cards", str(folder / "cards.yaml"), str(folder / TALK))
    assert result.exit_code == 0, result.output
    assert "Drafting with" not in result.output
    assert "--llm" not in (folder / "cards.yaml").read_text()


def test_the_documented_answer_shape_is_accepted_from_any_server(folder: Path):
    # Exactly the shape, no structured output: a server that refuses it.
    def plain(body):
        if "response_format" in body:
            return 400, {"error": {"message": "response_format is not supported"}}
        status, answer = contract_model(body)
        content = answer["choices"][0]["message"]["content"]
        assert set(json.loads(content)) == ({"repeats"} if asks_for_repeats(body) else {"cards"})
        return status, answer

    with FakeServer(plain) as server:
        result = extract(folder, server, str(folder / TALK))
    assert result.exit_code == 0, result.output
    assert check_cards(folder / "cards.yaml").cards


def test_a_deleted_card_stays_deleted(folder: Path):
    with FakeServer(contract_model) as server:
        assert extract(folder, server, str(folder / TALK)).exit_code == 0
        cards = folder / "cards.yaml"
        text = cards.read_text()
        first = check_cards(cards).cards[0]
        # Delete the first card's block by hand.
        start = text.index(f"  - id: {first.id}\n")
        end = text.index("  - id: ", start + 1)
        cards.write_text(text[:start] + text[end:])
        result = extract(folder, server, str(folder / TALK))
    assert result.exit_code == 0, result.output
    assert "1 deleted or renamed earlier" in result.output
    assert first.id not in {c.id for c in check_cards(cards).cards}


def test_a_card_already_in_the_file_is_not_drafted_again(folder: Path):
    with FakeServer(contract_model) as server:
        assert extract(folder, server, str(folder / TALK)).exit_code == 0
        cards = folder / "cards.yaml"
        first = check_cards(cards).cards[0]
        # The person rewords the card under a new id: the same claim, not proposed again.
        text = cards.read_text().replace(f"id: {first.id}\n", "id: my-own-wording\n", 1)
        cards.write_text(text)
        (folder / "cards.state.json").unlink()
        result = extract(folder, server, str(folder / TALK))
    assert result.exit_code == 0, result.output
    assert "0 new cards" in result.output and "already in the file" in result.output


def test_without_the_llm_extra_one_line_says_how_to_install_it(folder: Path, monkeypatch):
    monkeypatch.setitem(sys.modules, "httpx", None)  # import httpx raises ImportError
    result = extract_from_nowhere(folder)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "error: drafting with a language model needs the llm extra: pip install 'deckgen[llm]'"
    )
    assert not (folder / "cards.yaml").exists()
