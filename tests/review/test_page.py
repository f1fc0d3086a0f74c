"""deckgen review in a real browser (Debian's Chromium, driven by Playwright), on cards
extracted from a real corpus transcript: keep, skip, edit and undo by keyboard only, the
file compared byte for byte after each, then checked, built and imported into Anki."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from deckgen.cards import check_cards, load_cards
from deckgen.cards.editor import find_card_text
from tests.conftest import CORPUS, import_apkg
from tests.test_preview import find_browser

pytest.importorskip("flask")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

TALK = CORPUS / "karpathy-lectures" / "stateofGPT.srt"
pytestmark = [
    pytest.mark.skipif(not TALK.is_file(), reason=f"the corpus is not at hand ({TALK})"),
    pytest.mark.skipif(
        find_browser() is None,
        reason="no Chromium or Chrome found on PATH (.ci/run installs Debian's chromium)",
    ),
]


def extract_talk(folder: Path) -> Path:
    from deckgen.workflow import extract_to_cards

    cards = folder / "cards.yaml"
    extract_to_cards(
        cards, [TALK], speaker="Karpathy", url="https://www.youtube.com/watch?v=bZQun8Y4L2A"
    )
    return cards


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> str:
    return extract_talk(tmp_path_factory.mktemp("extracted")).read_text(encoding="utf-8")


class Review:
    """A review server on a copy of the extracted cards, and a page open on it."""

    def __init__(self, cards: Path, browser) -> None:
        from deckgen.review.server import ReviewServer

        self.cards = cards
        self.server = ReviewServer(cards)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.page = browser.new_page(viewport={"width": 1280, "height": 860})
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(self.server.url)
        self.page.wait_for_selector("body[data-ready]")

    def shown(self) -> str:
        return self.page.get_attribute("#card", "data-card")

    def press(self, key: str) -> None:
        """Press ``key`` and wait until the page has the server's answer (a new card or
        a new version of this one); 'e' opens the form, which needs no answer."""
        before = (self.shown(), self.page.get_attribute("#card", "data-version"))
        self.page.keyboard.press(key)
        if key == "e":
            self.page.wait_for_selector("#card form.edit textarea:focus")
            return
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            now = (self.shown(), self.page.get_attribute("#card", "data-version"))
            if now != before and not self.page.get_attribute("body", "data-busy"):
                return
            time.sleep(0.02)

    def text(self) -> str:
        return self.cards.read_text(encoding="utf-8")

    def close(self) -> None:
        self.page.close()
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def review(tmp_path: Path, extracted: str):
    cards = tmp_path / "cards.yaml"
    cards.write_text(extracted, encoding="utf-8")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_browser(), args=["--no-sandbox", "--disable-gpu"]
        )
        session = Review(cards, browser)
        yield session
        session.close()
        browser.close()
    assert not session.errors


def with_skip(text: str, path: Path, card_id: str) -> str:
    """``text`` with 'skip: true' written as the card's last line, as a person would."""
    end = find_card_text(text, path, card_id).end
    return text[:end] + "    skip: true\n" + text[end:]


def with_value(text: str, path: Path, card_id: str, key: str, value: str) -> str:
    """``text`` with the card's ``key`` (plain or folded over several lines) now ``value``."""
    span = find_card_text(text, path, card_id)
    body = re.sub(
        rf"^    {key}: (>-\n(?:      .*\n)+|.*\n)",
        lambda _: f"    {key}: {value}\n",
        span.body,
        count=1,
        flags=re.MULTILINE,
    )
    return text[: span.start] + body + text[span.end :]


def test_keep_skip_edit_undo_by_keyboard_then_build_and_import(review, collection, tmp_path):
    path = review.cards
    original = review.text()
    cards = load_cards(path).cards
    assert review.page.inner_text("#count") == f"0 of {len(cards)} reviewed"
    first, second, third = (c.id for c in cards[:3])
    assert review.shown() == first
    assert review.page.locator("#talk li.said").count() >= 1  # the quote, in the transcript

    review.press("k")  # keep: the file as it was, the card reviewed
    assert review.text() == original
    assert review.shown() == second
    assert review.page.inner_text("#count") == f"1 of {len(cards)} reviewed"

    review.press("s")  # skip: one line added to that card
    skipped = with_skip(original, path, second)
    assert review.text() == skipped
    assert review.shown() == third

    key = "front" if cards[2].type == "basic" else "text"
    new = "What does a {{c1::base model}} do with a prompt?" if key == "text" else "A new front?"
    review.press("e")
    review.page.keyboard.press("Control+A")
    review.page.keyboard.type("no blank here")
    review.page.keyboard.press("Enter")
    problems = review.page.locator("form .problems")
    problems.wait_for(state="visible")
    deadline = time.monotonic() + 5
    while not problems.inner_text() and time.monotonic() < deadline:
        time.sleep(0.02)
    if key == "text":
        assert "cloze text has no {{c1::...}} deletion" in problems.inner_text()
    assert review.text() == skipped  # refused on the form, nothing written
    review.page.keyboard.press("Control+A")
    review.page.keyboard.type(new)
    review.press("Enter")
    edited = with_value(skipped, path, third, key, new)
    assert review.text() == edited
    assert review.shown() == third

    review.press("u")  # undo the edit: the card back byte for byte
    assert review.text() == skipped
    review.press("e")
    review.page.keyboard.press("Control+A")
    review.page.keyboard.type(new)
    review.press("Enter")
    assert review.text() == edited
    assert review.page.inner_text("#count") == f"3 of {len(cards)} reviewed"

    checked = check_cards(path)
    assert [c.id for c in checked.cards if c.skip] == [second]
    from deckgen.build import build_deck

    apkg = tmp_path / "deck.apkg"
    build_deck(checked, apkg, media=False)
    import_apkg(collection, apkg)
    notes = [collection.get_note(n) for n in collection.find_notes("")]
    by_id = {note["Id"]: note for note in notes}
    assert second not in by_id and len(notes) == len(cards) - 1
    assert by_id[third].fields[0] == new


def test_a_hand_edit_is_kept_and_a_conflicting_one_reported(review):
    path = review.cards
    cards = load_cards(path).cards
    first, second = cards[0], cards[1]
    key = "front" if second.type == "basic" else "text"
    hand = "Edited by hand: what is {{c1::this}}?" if key == "text" else "Edited by hand?"

    # A hand edit of another card, saved while the page is open, is kept by the next write.
    text = with_value(review.text(), path, second.id, key, f'"{hand}"')
    path.write_text(text, encoding="utf-8")
    review.press("s")
    assert review.text() == with_skip(text, path, first.id)

    # The card on screen edited by hand while its form is open: shown, never overwritten.
    assert review.shown() == second.id
    review.page.wait_for_selector("#card .faces")
    review.press("e")
    review.page.keyboard.press("Control+A")
    review.page.keyboard.type("my edit on the page, {{c1::lost}}?")
    later = with_value(
        review.text(), path, second.id, key, '"Changed again by hand, {{c1::kept}}?"'
    )
    path.write_text(later, encoding="utf-8")
    review.page.wait_for_selector("#notice.conflict", timeout=5000)
    assert "changed in cards.yaml while you were editing" in review.page.inner_text("#notice")
    review.page.keyboard.press("Enter")
    review.page.wait_for_selector("#notice.conflict >> text=Not saved")
    assert review.text() == later
    assert "Changed again by hand" in review.page.inner_text("#card")
