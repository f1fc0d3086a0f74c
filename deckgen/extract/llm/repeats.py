"""The check for a claim carded twice: after the deck is chosen, the model reads its
cards and names the ones that state the same claim as another.

Each passage is drafted on its own, so a claim a speaker makes twice, or one that falls
across two passages, comes back as two cards, often in other words or as a question and
a cloze, which no word-overlap rule tells apart (a blind reader found 5 such pairs in
67 cards of a lecture). The deck is read in windows of WINDOW cards, each overlapping
the next by half, so each window's request stays small (a local server's context is
often 2,048-4,096 tokens). The answer is untrusted: only card numbers of that window
count, a card is dropped only for a kept card it shares a word with, and an answer that
would drop more than a third of its window is not followed.
"""

from __future__ import annotations

from deckgen.extract.llm.prompt import AnswerError, answer_json
from deckgen.extract.patterns import content_words

# Bump when these instructions or the schema change: cached answers are keyed by it.
REPEATS_VERSION = "2"
# Cards in one request, and how far the next window starts after this one.
WINDOW = 40
STEP = 20
# A shorter deck is not checked: a few cards are read at a glance.
FEWEST = 8
# An answer that would drop more than this share of its window is not followed.
MOST_DROPPED = 1 / 3

REPEATS_SCHEMA: dict = {
    "type": "object",
    "properties": {
        "repeats": {
            "type": "array",
            "maxItems": WINDOW,
            "items": {
                "type": "array",
                "minItems": 2,
                "maxItems": 6,
                "items": {"type": "integer", "minimum": 1, "maximum": WINDOW},
            },
        }
    },
    "required": ["repeats"],
}

INSTRUCTIONS = """\
Below are numbered flashcards drafted from one talk, passage by passage, so the same \
claim may have been carded twice: said again later in the talk, or in other words, or \
once as a question and once as a cloze.

Find every group of cards that state the same claim, so that a learner who knows one \
card already knows the other. Cards on related but different claims (a cause and its \
effect, two steps of one method, a number and what it is compared with) are not the same \
claim.

Answer with JSON only, in exactly this shape, using the cards' numbers:
{"repeats": [[4, 9], [12, 15, 21]]}
and {"repeats": []} when no two cards state the same claim."""


def windows(count: int) -> list[range]:
    """The card indexes of each request: WINDOW at a time, each window starting STEP
    after the last, the last one ending with the deck."""
    if count < FEWEST:
        return []
    if count <= WINDOW:
        return [range(count)]
    starts = [*range(0, count - WINDOW, STEP), count - WINDOW]
    return [range(start, start + WINDOW) for start in starts]


def repeats_messages(cards: list[str], first: int, total: int) -> list[dict]:
    """The chat messages asking about ``cards`` (their texts, in the deck's order), the
    deck's cards ``first + 1`` to ``first + len(cards)`` of ``total``."""
    lines = [
        f"Cards {first + 1} to {first + len(cards)} of {total}, numbered here 1 to {len(cards)}:"
    ]
    lines += [f"{n}. {text}" for n, text in enumerate(cards, start=1)]
    return [{"role": "user", "content": INSTRUCTIONS + "\n\n---\n\n" + "\n".join(lines)}]


def read_repeats(content: str, count: int) -> list[list[int]]:
    """The groups of an answer, as 0-based card numbers of its window (``count`` cards),
    each in the deck's order. A number outside the window, or said in an earlier group,
    is left out; a group left with one card is no group.

    Raises AnswerError when the answer is not ``{"repeats": [[...], ...]}`` JSON."""
    data = answer_json(content, "repeats")
    if not isinstance(data, dict) or not isinstance(data.get("repeats"), list):
        raise AnswerError('it is not an object with a "repeats" list')
    groups: list[list[int]] = []
    seen: set[int] = set()
    for item in data["repeats"]:
        if not isinstance(item, list):
            raise AnswerError('"repeats" holds something that is not a list of card numbers')
        group = []
        for number in item:
            if isinstance(number, bool) or not isinstance(number, int):
                raise AnswerError(f"{number!r} is not a card number")
            if 1 <= number <= count and number - 1 not in seen:
                group.append(number - 1)
                seen.add(number - 1)
        if len(group) >= 2:
            groups.append(sorted(group))
    return groups


def repair_prompt(problem: str) -> str:
    return (
        f"Your answer could not be used: {problem}. Answer again with JSON only, in exactly "
        'the shape given: {"repeats": [[4, 9], ...]}, or {"repeats": []}.'
    )


def dropped_of(
    groups: list[list[int]],
    words: list[set[str]],
    gone: set[int],
    size: int,
    importance: list[int] | None = None,
) -> set[int]:
    """The cards the groups (deck indexes) drop besides those ``gone`` already: in each
    group the card the model rated most important stays (``importance``, each card's;
    of equals, the earliest: the claim where it is first said, as the offline drafter
    keeps it), and each other one goes when it shares a content word with it
    (``words``: each card's, see card_words); none when that would drop more than
    MOST_DROPPED of the window's ``size`` cards (an answer that cannot be right)."""
    dropped: set[int] = set()
    for group in groups:
        alive = [card for card in group if card not in gone and card not in dropped]
        if len(alive) < 2:
            continue
        keep = min(alive, key=lambda card: (-importance[card] if importance else 0, card))
        others = [card for card in alive if card != keep]
        dropped |= {card for card in others if words[card] & words[keep]}
    return set() if len(dropped) > MOST_DROPPED * size else dropped


def card_words(text: str, names: tuple[str, ...]) -> set[str]:
    """A card's content words of four letters or more, a plural as its singular, without
    the speakers' names (which many cards share)."""
    leave_out = {w.rstrip("s") for name in names for w in content_words(name)}
    return {w.rstrip("s") for w in content_words(text) if len(w) >= 4} - leave_out
