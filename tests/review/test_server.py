"""deckgen.review.server, on the app directly: the token, Host and Origin checks, what is
served, and the API's answers (200, 409 on a conflict, 422 on an invalid card)."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("flask")

from deckgen.cards import load_cards
from deckgen.cards.editor import card_version
from deckgen.review.server import ReviewServer, create_app
from deckgen.review.session import ReviewSession
from tests.test_media import make_talk

PORT = 48123
TOKEN = "test-token-123"
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture
def client(project: Path):
    app = create_app(ReviewSession(project / "cards.yaml"), TOKEN, port=PORT)
    app.testing = True
    return app.test_client()


def get(client, path: str, *, token: bool = True, **headers):
    if token:
        headers.setdefault("X-Deckgen-Token", TOKEN)
    return client.get(path, base_url=BASE, headers=headers)


def post(client, path: str, body: dict, **headers):
    headers.setdefault("X-Deckgen-Token", TOKEN)
    headers.setdefault("Origin", BASE)
    return client.post(path, base_url=BASE, json=body, headers=headers)


def test_the_page_with_the_token_in_its_address(client):
    response = client.get(f"/?token={TOKEN}", base_url=BASE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'content="{TOKEN}"' in page and "Karpathy talks" in page
    assert "<script src" not in page and "http" not in page.split("<body>")[1].split("<script")[0]
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'nonce-" in policy
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("path", ["/", "/api/cards", "/api/version", "/media/brain-20-watts.mp3"])
def test_a_request_without_the_token_or_a_wrong_one_is_refused(client, path: str):
    assert get(client, path, token=False).status_code == 403
    assert get(client, path, token=False, **{"X-Deckgen-Token": "guess"}).status_code == 403
    assert client.get(path + "?token=guess", base_url=BASE).status_code == 403


@pytest.mark.parametrize(
    "host",
    ["evil.example:48123", "127.0.0.1:9999", "localhost", "attacker.127.0.0.1.nip.io:48123"],
)
def test_a_foreign_host_is_refused_even_with_the_token(client, host: str):
    response = get(client, "/api/cards", Host=host)
    assert response.status_code == 403
    assert "loopback" in response.get_data(as_text=True)


def test_localhost_is_this_server_too(client):
    assert get(client, "/api/version", Host=f"localhost:{PORT}").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": f"http://127.0.0.1:{PORT + 1}"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_write_from_another_site_is_refused(client, project: Path, headers: dict):
    before = (project / "cards.yaml").read_bytes()
    card = load_cards(project / "cards.yaml").cards[0]
    body = {"id": card.id, "action": "skip", "version": card_version(card)}
    assert post(client, "/api/decide", body, **headers).status_code == 403
    assert (project / "cards.yaml").read_bytes() == before


def test_a_form_post_is_refused(client, project: Path):
    before = (project / "cards.yaml").read_bytes()
    response = client.post(
        "/api/decide",
        base_url=BASE,
        data={"id": "brain-20-watts", "action": "skip"},
        headers={"X-Deckgen-Token": TOKEN},
    )
    assert response.status_code == 415
    assert (project / "cards.yaml").read_bytes() == before


@pytest.mark.parametrize(
    "path",
    [
        "/cards.yaml",
        "/../cards.yaml",
        "/static/review.js",
        "/seeds/sequoia-transcript.txt",
        "/media/../cards.yaml",
        "/media/%2e%2e%2fcards.yaml",
        "/media/no-such-card.mp3",
        "/api/context/..%2f..%2fetc%2fpasswd",
        "/etc/passwd",
    ],
)
def test_nothing_outside_the_page_and_the_cards_media_is_served(client, path: str):
    response = get(client, path)
    assert response.status_code == 404
    assert b"deck:" not in response.data and b"root:" not in response.data


def test_cards_and_a_decision(client, project: Path):
    data = get(client, "/api/cards").get_json()
    assert data["deck"] == "Karpathy talks" and len(data["cards"]) == 62
    card = data["cards"][0]
    response = post(
        client, "/api/decide", {"id": card["id"], "action": "skip", "version": card["version"]}
    )
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["card"]["skip"] and answer["card"]["reviewed"] and answer["can_undo"]
    assert answer["version"] == get(client, "/api/version").get_json()["version"]
    assert load_cards(project / "cards.yaml").cards[0].skip
    undone = post(client, "/api/undo", {}).get_json()
    assert undone["card"]["id"] == card["id"] and not undone["card"]["skip"]


def test_an_invalid_edit_is_422_with_checks_message(client, project: Path):
    card = next(c for c in get(client, "/api/cards").get_json()["cards"] if c["type"] == "cloze")
    body = {"id": card["id"], "action": "edit", "version": card["version"], "fields": {"text": "x"}}
    response = post(client, "/api/decide", body)
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error.endswith(
        f"card '{card['id']}': cloze text has no {{{{c1::...}}}} deletion "
        "(wrap the part to hide, e.g. 'my brain is {{c1::20 watts}}')"
    )


def test_a_stale_version_is_409_with_the_card_in_the_file(client, project: Path):
    cards = project / "cards.yaml"
    card = get(client, "/api/cards").get_json()["cards"][0]
    text = cards.read_text(encoding="utf-8")
    hand = text.replace(card["fields"]["front"], "Changed by hand?", 1)
    cards.write_text(hand, encoding="utf-8")
    body = {"id": card["id"], "action": "skip", "version": card["version"]}
    response = post(client, "/api/decide", body)
    assert response.status_code == 409
    assert response.get_json()["card"]["fields"]["front"] == "Changed by hand?"
    assert cards.read_text(encoding="utf-8") == hand


def test_the_transcript_around_a_card(client):
    lines = get(client, "/api/context/brain-20-watts").get_json()["lines"]
    assert any(line["said"] and "20 watts" in line["text"] for line in lines)


def test_a_cards_clip_from_the_projects_own_recording(tmp_path: Path):
    talk = make_talk(tmp_path / "talk") / "cards.yaml"
    cards_file = load_cards(talk)
    card = next(c for c in cards_file.cards if c.time is not None)
    app = create_app(ReviewSession(talk), TOKEN, port=PORT)
    response = get(app.test_client(), f"/media/{card.id}.mp3")
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert response.data[0] == 0xFF and response.data[1] & 0xE0 == 0xE0  # an MPEG frame


# -- the real server, on a socket


def test_the_server_listens_on_loopback_only_and_stops(project: Path):
    server = ReviewServer(project / "cards.yaml")
    assert server.server.server_address[0] == "127.0.0.1"
    assert server.url.startswith(f"http://127.0.0.1:{server.port}/?token=")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(server.url, timeout=5) as response:
            assert response.status == 200
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}/api/cards")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 403
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.port}/api/version",
            headers={"X-Deckgen-Token": server.token},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert "version" in json.loads(response.read())
    finally:
        server.shutdown()
        thread.join(5)
    assert not thread.is_alive()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1)


def test_a_port_in_use_is_one_clean_error(project: Path):
    from deckgen.errors import DeckgenError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(DeckgenError, match=r"cannot listen on 127\.0\.0\.1:"):
            ReviewServer(project / "cards.yaml", port=taken.getsockname()[1])


def test_a_source_scope_shows_and_decides_only_its_cards(project: Path):
    cards = project / "cards.yaml"
    app = create_app(ReviewSession(cards, "sequoia-summary"), TOKEN, port=PORT)
    client = app.test_client()
    shown = get(client, "/api/cards").get_json()["cards"]
    expected = [c.id for c in load_cards(cards).cards if "sequoia-summary" in c.sources]
    assert [c["id"] for c in shown] == expected and expected
    other = next(c for c in load_cards(cards).cards if "sequoia-summary" not in c.sources)
    body = {"id": other.id, "action": "skip", "version": card_version(other)}
    before = cards.read_bytes()
    assert post(client, "/api/decide", body).status_code == 422
    assert cards.read_bytes() == before
