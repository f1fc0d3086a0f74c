"""Text that Anki would read as syntax, made inert.

Anki reads "{{c1::x}}" as a cloze gap and "[sound:x.mp3]" (or "[anki:tts]") as a
player wherever they stand in a field, so text from a source (a transcript, a
summary, a language model's answer) is passed through ``inert`` before it becomes a
card: each is broken by a space ("{ {c1::x} }", "[ sound:x.mp3]"). deckgen's own
gaps are added after this. HTML needs nothing here: the deck escapes it.
"""

from __future__ import annotations

import re

# "[sound:x]", "[anki:tts lang=en_US]...[/anki:tts]" (Anki's tags take attributes).
MEDIA_TAG = re.compile(r"\[(?=\s*(?:sound\s*:|/?anki:[\w-]+\s*[\s:\]]))", re.IGNORECASE)
_DOUBLED_BRACE = re.compile(r"\{(?=\{)|\}(?=\})")


def inert(text: str) -> str:
    """``text`` with no live Anki syntax."""
    text = MEDIA_TAG.sub("[ ", text)
    return _DOUBLED_BRACE.sub(lambda m: m.group(0) + " ", text)
