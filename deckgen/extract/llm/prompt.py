"""What deckgen asks a language model for each passage, and how it reads the answer.

The prompt is written for the models people run locally (7-8B in Ollama) as much as for
hosted ones: short numbered rules, the exact answer shape, one worked example. The answer
is untrusted input: ``read_answer`` accepts exactly the documented shape (more fields
are ignored) and says what is wrong otherwise, for one repair request.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from deckgen.timecode import format_clock

# Bump when the prompt or the schema changes: cached answers are keyed by it.
PROMPT_VERSION = "3"

# Bounds keep a model that decodes under the schema's grammar from running on inside
# one string until it is cut (seen with llama.cpp's server and a small model).
_LONGEST = {"text": 400, "front": 300, "back": 200, "quote": 300}

CARD_SCHEMA: dict = {
    "type": "object",
    "properties": {
        "cards": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["cloze", "basic"]},
                    "text": {"type": "string"},
                    "front": {"type": "string"},
                    "back": {"type": "string"},
                    "quote": {"type": "string"},
                    "importance": {"type": "integer", "minimum": 1, "maximum": 3},
                },
                "required": ["type", "quote", "importance"],
            },
        }
    },
    "required": ["cards"],
}


def card_schema(limit: int) -> dict:
    """CARD_SCHEMA with at most ``limit`` cards and every string bounded."""
    item = CARD_SCHEMA["properties"]["cards"]["items"]
    properties = {
        name: {**spec, "maxLength": _LONGEST[name]} if name in _LONGEST else spec
        for name, spec in item["properties"].items()
    }
    cards = {"type": "array", "maxItems": limit, "items": {**item, "properties": properties}}
    return {**CARD_SCHEMA, "properties": {"cards": cards}}


INSTRUCTIONS = """\
You write flashcards for a learner who watched a talk and wants to remember what was said \
in it. Below is one passage of the talk's transcript. It comes from automatic captions: \
expect misheard words and missing punctuation.

Write a card only for a claim worth remembering a month from now: a fact, a number with \
what it measures, a definition, a distinction, a cause, a recommendation, a prediction, \
or a view the speaker argues for. Each claim once: never two cards on the same claim.

Rules:
1. A card is either a cloze or a question.
   - cloze: one sentence stating the claim, with exactly one blank {{{{c1::...}}}} around \
the specific words worth recalling: a term, a name, a number with its unit, the key \
phrase. Never blank a vague phrase, a filler word, or words the rest of the card gives away.
   - basic: a question ("front") and a short answer ("back", at most 15 words).
2. Each card stands on its own: name what "it", "this", "they" or "that" refer to.
3. Credit the right person. When the card states a view or an experience, say whose it is, \
using the names given below; when a name is not given, say "the guest" or "the host".
4. Fix a caption error only when the passage makes the right word clear; otherwise leave \
that detail out. Never add a fact, name or number that the passage does not state.
5. No cards about the show itself (the host presenting the episode and the guest before \
the conversation starts, the outro, ads, sponsors, requests to subscribe), greetings, or a \
guest's biography (where they studied or worked); none about what is only visible on \
screen (values of a worked example, code being typed, the steps of a live demo); none of \
a host's asides or questions; no hedges or vague opinions with nothing to recall. In a \
lecture, card what is taught: what a method is for, how it works, why, and the mistakes \
to avoid.
6. "quote": copy from the passage, word for word, the 8 to 25 words where the claim \
itself begins (not the lead-up to it). Copy them exactly as written there, errors \
included. Do not paraphrase.
7. "importance": 3 for a central claim of the talk, 2 for one worth knowing, 1 for a detail.
8. Write at most {limit} cards (this passage's share of the deck), fewer when the \
passage has fewer claims worth remembering, and none when it has none: {{"cards": []}}.

Answer with JSON only, in exactly this shape:
{{"cards": [
  {{"type": "cloze", "text": "... {{{{c1::...}}}} ...", "quote": "...", "importance": 2}},
  {{"type": "basic", "front": "...?", "back": "...", "quote": "...", "importance": 3}}
]}}

Example. Passage: "and so um the thing about our brains is they run on something like 20 \
watts which is you know nothing compared to a GPU cluster"
Answer: {{"cards": [{{"type": "cloze", "text": "The human brain runs on about \
{{{{c1::20 watts}}}}, far less than a GPU cluster.", "quote": "the thing about our brains \
is they run on something like 20 watts", "importance": 2}}]}}"""


def instructions(limit: int) -> str:
    return INSTRUCTIONS.format(limit=limit)


def request_messages(limit: int, passage: str) -> list[dict]:
    """The chat messages for one passage: one user message, the instructions and then
    the passage. (No system message: some servers' chat templates drop it, Gemma's in
    llama.cpp's server among them.)"""
    return [{"role": "user", "content": instructions(limit) + "\n\n---\n\n" + passage}]


def user_prompt(
    text: str,
    *,
    title: str,
    speakers: tuple[str, ...],
    number: int,
    of: int,
    start: float | None,
    end: float | None,
    summary: bool = False,
) -> str:
    """The passage, with what the model should know of the talk around it."""
    lines = [f"Talk: {title}"]
    if speakers:
        lines.append("Speaker: " + ", ".join(speakers))
    where = f"Passage {number} of {of}"
    if start is not None:
        where += f", {format_clock(start)}"
        if end is not None:
            where += f" to {format_clock(end)}"
    if summary:
        where += " (a written summary of the talk, not the talk itself)"
    lines.append(where + ":")
    lines.append('"""')
    lines.append(text)
    lines.append('"""')
    return "\n".join(lines)


def repair_prompt(problem: str) -> str:
    return (
        f"Your answer could not be used: {problem}. Answer again with JSON only, in "
        'exactly the shape given: {"cards": [...]}, each card with "type", "quote", '
        '"importance", and "text" (cloze) or "front" and "back" (basic).'
    )


@dataclass(frozen=True)
class Drafted:
    """One card as the model wrote it, before grounding."""

    type: str
    quote: str
    importance: int
    text: str = ""
    front: str = ""
    back: str = ""


class AnswerError(ValueError):
    """The answer is not the documented shape (the message says how)."""


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def answer_json(content: str, key: str) -> object:
    """An answer's JSON, without the code fence a model may put around it; a bare list
    is taken as ``{key: list}``. Raises AnswerError when it is not JSON."""
    content = content.strip()
    fenced = _FENCE.match(content)
    try:
        data = json.loads(fenced.group(1) if fenced else content)
    except json.JSONDecodeError as error:
        raise AnswerError(f"it is not JSON ({error.msg} at character {error.pos})") from None
    return {key: data} if isinstance(data, list) else data


def read_answer(content: str) -> tuple[list[Drafted], list[str]]:
    """The cards of an answer, and what was wrong with each card left out.

    Raises AnswerError when the answer as a whole is not ``{"cards": [...]}`` JSON. A
    card of the wrong shape is left out (and said why); the others are kept.
    """
    data = answer_json(content, "cards")
    if not isinstance(data, dict) or not isinstance(data.get("cards"), list):
        raise AnswerError('it is not an object with a "cards" list')
    cards, problems = [], []
    for number, item in enumerate(data["cards"], start=1):
        try:
            cards.append(_card(item))
        except AnswerError as error:
            problems.append(f"card {number}: {error}")
    return cards, problems


def _text(item: dict, key: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise AnswerError(f'"{key}" is not a string')
    return " ".join(value.split())


def _card(item: object) -> Drafted:
    if not isinstance(item, dict):
        raise AnswerError("not an object")
    kind = _text(item, "type").lower()
    if kind not in ("cloze", "basic"):
        raise AnswerError(f'"type" is {kind or "missing"}, not cloze or basic')
    quote = _text(item, "quote")
    if not quote:
        raise AnswerError('no "quote"')
    importance = item.get("importance", 2)
    if isinstance(importance, str) and importance.strip().isdigit():
        importance = int(importance)
    if isinstance(importance, bool) or not isinstance(importance, (int, float)):
        raise AnswerError('"importance" is not a number')
    importance = min(3, max(1, round(importance)))
    if kind == "cloze":
        text = _text(item, "text")
        if "{{c" not in text:
            raise AnswerError('a cloze with no {{c1::...}} blank in "text"')
        return Drafted("cloze", quote, importance, text=text)
    front, back = _text(item, "front"), _text(item, "back")
    if not front or not back:
        raise AnswerError('a basic card needs "front" and "back"')
    return Drafted("basic", quote, importance, front=front, back=back)
