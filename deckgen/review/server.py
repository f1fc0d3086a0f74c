"""The HTTP side of ``deckgen review``: a Flask app on 127.0.0.1, one page and a small API.

Safety of a local server (README, "Review"):
- it listens on the loopback address only;
- every request carries the run's token (``X-Deckgen-Token`` header, or ``token=`` in
  the URL the command prints), compared in constant time;
- a request whose Host is not this server's loopback address is refused (DNS
  rebinding), and so is one with a foreign Origin or a cross-site fetch (forms posted
  from other sites); a write must be JSON;
- nothing is served but the page, its data, and the clips cut from the project's own
  recordings, by card id: there is no static folder and no path taken from a request;
- the page forbids everything else it could load (Content-Security-Policy) and sends
  no Referer, so the token never leaves with a link.
"""

from __future__ import annotations

import hmac
import html
import logging
import secrets
import socket
from importlib import resources
from pathlib import Path

from flask import Flask, Response, abort, jsonify, request
from werkzeug.serving import make_server

from deckgen.cards import CardsFile
from deckgen.errors import DeckgenError, Problem
from deckgen.review.session import (
    ReviewConflict,
    ReviewSession,
    Transcripts,
    card_data,
)

HOST = "127.0.0.1"
FILTERS = ("unreviewed", "all", "skipped")


def _asset(name: str) -> str:
    return resources.files("deckgen.review").joinpath(name).read_text(encoding="utf-8")


def create_app(
    session: ReviewSession,
    token: str,
    *,
    port: int,
    start_filter: str = "unreviewed",
) -> Flask:
    """The review app. ``port`` is the one the server listens on (the Host and Origin
    a request must name); the session's ``source`` limits the review to its cards."""
    app = Flask("deckgen.review", static_folder=None)
    app.config["DECKGEN_PORT"] = port
    app.json.sort_keys = False  # a card's fields in the order people read them
    transcripts = Transcripts()
    clips: dict[tuple[str, str], bytes] = {}

    def origins() -> set[str]:
        port = app.config["DECKGEN_PORT"]
        return {f"{HOST}:{port}", f"localhost:{port}"}

    @app.before_request
    def guard():
        if request.host not in origins():
            abort(403, "this server answers only on its loopback address")
        origin = request.headers.get("Origin")
        if origin is not None and origin.removeprefix("http://") not in origins():
            abort(403, "requests from other sites are refused")
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            abort(403, "requests from other sites are refused")
        given = request.headers.get("X-Deckgen-Token") or request.args.get("token") or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            abort(403, "this run's token is missing or wrong: open the address deckgen printed")
        if request.method == "POST" and not request.is_json:
            abort(415, "send JSON")

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"
        )
        return response

    @app.errorhandler(DeckgenError)
    def deckgen_error(error: DeckgenError):
        return jsonify(errors=[str(p) for p in error.problems]), 422

    for code in (403, 404, 405, 415):

        @app.errorhandler(code)
        def plain(error, code=code):
            return Response(f"{error.description}\n", code, mimetype="text/plain")

    source = session.source

    def scoped(cards_file: CardsFile):
        return [c for c in cards_file.cards if source is None or source in c.sources]

    def find(cards_file: CardsFile, card_id: str):
        card = next((c for c in scoped(cards_file) if c.id == card_id), None)
        if card is None:
            abort(404, "no such card")
        return card

    @app.get("/")
    def page():
        nonce = secrets.token_urlsafe(16)
        from deckgen.notetypes import CSS

        cards_file, _ = session.load()
        body = (
            _asset("page.html")
            .replace("%%TITLE%%", html.escape(f"{cards_file.deck.name} · deckgen review"))
            .replace("%%NONCE%%", nonce)
            .replace("%%TOKEN%%", html.escape(token))
            .replace("%%FILTER%%", html.escape(start_filter))
            .replace("%%CARD_CSS%%", CSS)
            .replace("%%PAGE_CSS%%", _asset("review.css"))
            .replace("%%SCRIPT%%", _asset("review.js"))
        )
        response = Response(body, mimetype="text/html")
        response.headers["Content-Security-Policy"] = (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
            "connect-src 'self'; media-src 'self'; img-src 'self' data:; "
            "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
        )
        return response

    @app.get("/api/cards")
    def cards():
        cards_file, state = session.load()
        return jsonify(
            deck=cards_file.deck.name,
            file=cards_file.path.name,
            source=source or "",
            version=session.file_version(),
            can_undo=session.can_undo,
            cards=[card_data(cards_file, c, state) for c in scoped(cards_file)],
        )

    @app.get("/api/version")
    def version():
        return jsonify(version=session.file_version())

    @app.get("/api/context/<card_id>")
    def context(card_id: str):
        cards_file, _ = session.load()
        return jsonify(lines=transcripts.context(cards_file, find(cards_file, card_id)))

    def answer(decision, status: int = 200):
        card = card_data(decision.cards_file, decision.card, decision.state) if decision else None
        action = decision.action if decision else ""
        return jsonify(
            card=card, action=action, can_undo=session.can_undo, version=session.file_version()
        ), status

    @app.post("/api/decide")
    def decide():
        data = request.get_json(silent=True) or {}
        card_id, action, version = (str(data.get(k, "")) for k in ("id", "action", "version"))
        fields = data.get("fields") or {}
        if not isinstance(fields, dict):
            abort(415, "fields must be a mapping")
        try:
            decision = session.decide(
                card_id, action, version, {str(k): str(v) for k, v in fields.items()}
            )
        except ReviewConflict as conflict:
            return _conflict(session, conflict)
        return answer(decision)

    @app.post("/api/undo")
    def undo():
        try:
            decision = session.undo()
        except ReviewConflict as conflict:
            return _conflict(session, conflict)
        return answer(decision)

    @app.get("/media/<card_id>.mp3")
    def clip(card_id: str):
        from deckgen.cards.editor import card_version
        from deckgen.media import make_clips

        cards_file, _ = session.load()
        card = find(cards_file, card_id)
        key = (card.id, card_version(card))
        if key not in clips:
            made = make_clips(cards_file, [card])
            if card.id not in made:
                abort(404, "this card has no clip")
            clips[key] = made[card.id].data
        return Response(clips[key], mimetype="audio/mpeg")

    return app


def _conflict(session: ReviewSession, conflict: ReviewConflict):
    cards_file, state = session.load()
    card = card_data(cards_file, conflict.card, state) if conflict.card else None
    return jsonify(
        errors=[str(p) for p in conflict.problems],
        card=card,
        can_undo=session.can_undo,
        version=session.file_version(),
    ), 409


class ReviewServer:
    """The app served on 127.0.0.1 (``port`` 0: any free port) by Werkzeug's threaded
    server; ``url`` is the address to open, token included."""

    def __init__(
        self,
        cards_path: Path,
        *,
        port: int = 0,
        source: str | None = None,
        start_filter: str = "unreviewed",
    ) -> None:
        self.session = ReviewSession(cards_path, source)
        self.token = secrets.token_urlsafe(24)
        self.app = create_app(self.session, self.token, port=port, start_filter=start_filter)
        # Bound here, so that a port in use is one clean error (Werkzeug would exit).
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind((HOST, port))
            listener.listen(128)
        except OSError as error:
            listener.close()
            raise DeckgenError(
                Problem(
                    f"cannot listen on {HOST}:{port}: {error.strerror or error}",
                    hint="choose another --port, or leave it out for any free one",
                )
            ) from None
        bound = listener.getsockname()[1]
        try:
            self.server = make_server(HOST, bound, self.app, threaded=True, fd=listener.fileno())
        finally:
            listener.close()  # the server holds its own copy of the socket
        self.port = bound
        self.app.config["DECKGEN_PORT"] = self.port

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?token={self.token}"

    def serve_forever(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        """Serve until Ctrl-C (KeyboardInterrupt) or ``shutdown``; the socket is closed
        either way."""
        try:
            self.server.serve_forever()
        finally:
            self.server.server_close()

    def shutdown(self) -> None:
        self.server.shutdown()
