"""The language-model drafter: a document's passages sent to the model, its cards
grounded in the talk, the best of them kept.

Per passage (in parallel, ``jobs`` requests at a time): the prompt (prompt.py) goes to
the server (client.py); an answer that is not the documented JSON gets one repair
request, and a passage that still fails is reported and skipped, never guessed; a
passage too long for the model's context is split in two and each half sent. Each
answer is cached by everything that makes it (the messages, model, server and prompt
version), so a re-run sends nothing. Then every card is grounded (grounding.py), and
at most the deck size of the offline path is kept: by importance, spread over the talk,
near-duplicates dropped. Last, the model reads the deck a window at a time and names the
cards that state a claim another card states (repeats.py); those go.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace

from deckgen.ankitext import inert
from deckgen.cache import Cache
from deckgen.cards import Card
from deckgen.document import Document
from deckgen.extract.claims import Claim, ExtractOptions, claim_id, is_near_duplicate
from deckgen.extract.claims import inert as inert_sentence
from deckgen.extract.llm import repeats
from deckgen.extract.llm.client import ChatClient, ContextTooLong, LLMError
from deckgen.extract.llm.grounding import (
    cue_time,
    find_quote,
    gives_away,
    inert_cloze,
    listed_counts,
    unsaid_numbers,
)
from deckgen.extract.llm.passages import Passage, cut_passages
from deckgen.extract.llm.prompt import (
    PROMPT_VERSION,
    AnswerError,
    Drafted,
    card_schema,
    read_answer,
    repair_prompt,
    request_messages,
    user_prompt,
)
from deckgen.extract.patterns import content_words
from deckgen.extract.selection import Score, card_budget
from deckgen.extract.sentences import Sentence, split_sentences
from deckgen.timecode import format_clock

# Why a drafted card was dropped, as the closing line names it.
QUOTE_NOT_FOUND = "quote not in the talk"
NUMBER_NOT_SAID = "number not in the talk"
MALFORMED = "not a card"
# A passage too long for the context is halved at most this many times.
_MAX_SPLITS = 3


@dataclass
class DraftReport:
    """What drafting one document with a language model did."""

    passages: int = 0
    cached: int = 0  # passages answered from the cache
    failed: list[str] = field(default_factory=list)  # one line per passage skipped
    drafted: int = 0
    dropped: Counter = field(default_factory=Counter)
    duplicates: int = 0
    repeated: int = 0  # the same claim carded twice, as the model's check found (repeats.py)
    over_budget: int = 0
    kept: int = 0
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def add(self, other: DraftReport) -> None:
        for name in (
            "passages", "cached", "drafted", "duplicates", "repeated", "over_budget", "kept",
            "requests", "prompt_tokens", "completion_tokens", "seconds",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failed.extend(other.failed)
        self.dropped.update(other.dropped)


@dataclass(frozen=True)
class _Request:
    """What is sent for one passage: the chat messages and the answer's schema."""

    messages: list[dict]
    schema: dict


@dataclass(frozen=True)
class _Piece:
    """A passage (or part of one) and the model's answer for it."""

    passage: Passage
    content: str


@dataclass(frozen=True)
class _Candidate:
    drafted: Drafted
    card: Card  # without its final id
    sentence: Sentence
    quote: str
    passage: int
    order: int
    key_terms: frozenset[str]


class LLMDrafter:
    """Drafts a document's cards with a language model (see the module docstring)."""

    def __init__(
        self,
        client: ChatClient,
        *,
        jobs: int = 4,
        cache: Cache | None = None,
        pipeline=None,
    ) -> None:
        self.client = client
        self.jobs = max(1, jobs)
        self.cache = cache
        self._pipeline = pipeline
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        endpoint = self.client.endpoint
        return f"llm:{endpoint.model}@{endpoint.url}#prompt{PROMPT_VERSION}"

    def pipeline(self):
        """The spaCy pipeline that splits the talk into sentences: its parse finds where
        long unpunctuated speech ends a sentence, so a passage ends at one."""
        if self._pipeline is None:
            from deckgen.extract.pipeline import load_pipeline

            self._pipeline = load_pipeline()
        return self._pipeline

    # ------------------------------------------------------------------- drafting

    def draft(
        self,
        doc: Document,
        source_id: str,
        options: ExtractOptions | None = None,
        taken_ids: set[str] | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> tuple[list[Claim], DraftReport]:
        """The kept cards of ``doc`` as claims in the order they are said, and the report."""
        options = options or ExtractOptions()
        began = time.monotonic()
        report = DraftReport()
        summary = doc.kind == "summary"
        pipeline = self.pipeline()
        sentences = [
            inert_sentence(s) for s in split_sentences(doc, pipeline.splitter, pipeline.nlp)
        ]
        passages = cut_passages(sentences, summary=summary)
        report.passages = len(passages)
        budget = card_budget(doc, options.max_per_hour)
        total_words = sum(p.words for p in passages) or 1
        speakers = tuple(
            name for name in (options.speaker,) if name and name != ExtractOptions().speaker
        )

        def messages(piece: Passage, of: int) -> _Request:
            limit = max(2, min(8, math.ceil(2.5 * budget * piece.words / total_words)))
            end = _end_of(piece, passages, doc)
            passage = user_prompt(
                piece.text,
                title=doc.title,
                speakers=speakers,
                number=piece.number,
                of=of,
                start=piece.start,
                end=end,
                summary=summary,
            )
            return _Request(request_messages(limit, passage), card_schema(limit))

        pieces = self._ask_all(passages, messages, report, progress)
        candidates = self._ground(pieces, report, doc.segments)
        chosen = self._select(candidates, budget, report)
        chosen = self._without_repeats(chosen, speakers, report, progress)
        claims = self._claims(chosen, source_id, taken_ids)
        report.kept = len(claims)
        report.seconds = time.monotonic() - began
        return claims, report

    def _ask_all(self, passages, messages, report, progress) -> list[_Piece]:
        step = progress or (lambda _what, _done, _total: None)
        total = len(passages)
        answered: dict[int, list[_Piece]] = {}
        began = time.monotonic()
        sent_done = 0  # passages answered by the server (not the cache): for the estimate
        label = f"drafting with {self.client.endpoint.model}"
        step(f"{label}, passage", 0, total)
        pool = ThreadPoolExecutor(max_workers=self.jobs)
        try:
            futures = {
                pool.submit(self._answer, passage, lambda p: messages(p, total), report): passage
                for passage in passages
            }
            for done, future in enumerate(as_completed(futures), start=1):
                passage = futures[future]
                pieces, from_cache = future.result()
                answered[passage.number] = pieces
                if not from_cache:
                    sent_done += 1
                step(_with_estimate(label, began, sent_done, done, total), done, total)
        except BaseException:
            # Ctrl-C or an error that stops the run: what is queued is never sent, and
            # what was answered is already in the cache.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return [piece for number in sorted(answered) for piece in answered[number]]

    def _answer(self, passage: Passage, messages, report: DraftReport, splits: int = 0):
        """The answers for ``passage`` (one, or one per part when it had to be split),
        and whether they all came from the cache."""
        request = messages(passage)
        key = self._key(request)
        cached = self.cache.get(key) if self.cache is not None else None
        if isinstance(cached, str):
            with self._lock:
                report.cached += 1
            return [_Piece(passage, cached)], True
        try:
            content = self._ask(request, report)
        except ContextTooLong:
            halves = passage.halves()
            if halves is None or splits >= _MAX_SPLITS:
                with self._lock:
                    report.failed.append(
                        f"passage {passage.number} ({_where(passage)}): too long for the "
                        "model's context even when split; skipped"
                    )
                return [], False
            pieces, all_cached = [], True
            for half in halves:
                got, from_cache = self._answer(half, messages, report, splits + 1)
                pieces.extend(got)
                all_cached = all_cached and from_cache
            return pieces, all_cached
        except AnswerError as error:
            with self._lock:
                report.failed.append(
                    f"passage {passage.number} ({_where(passage)}): the model's answer was "
                    f"not usable, even when asked again ({error}); skipped"
                )
            return [], False
        if self.cache is not None:
            self.cache.put(key, content)
        return [_Piece(passage, content)], False

    def _ask(
        self,
        request: _Request,
        report: DraftReport,
        read: Callable[[str], object] = read_answer,
        repair: Callable[[str], str] = repair_prompt,
    ) -> str:
        """The answer's text, once ``read`` takes it (one repair request, ``repair`` of
        what was wrong): a passage's cards by default, or the check for repeats."""
        completion = self._complete(request.messages, request.schema, report)
        try:
            read(completion.content)
            return completion.content
        except AnswerError as error:
            again = [
                *request.messages,
                {"role": "assistant", "content": completion.content},
                {"role": "user", "content": repair(str(error))},
            ]
        second = self._complete(again, request.schema, report)
        read(second.content)  # raises AnswerError: the passage (or window) is skipped
        return second.content

    def _complete(self, messages: list[dict], schema: dict, report: DraftReport):
        completion = self.client.complete(messages, schema)
        with self._lock:
            report.requests += 1
            report.prompt_tokens += completion.prompt_tokens
            report.completion_tokens += completion.completion_tokens
        return completion

    def _key(self, request: _Request, version: str | None = None) -> str:
        """The cache key of a request: a passage's (``version`` None: the prompt's), or
        the check for repeats (its own version)."""
        endpoint = self.client.endpoint
        payload = json.dumps(
            {
                "kind": "llm-answer" if version is None else "llm-repeats",
                "prompt": PROMPT_VERSION if version is None else version,
                "model": endpoint.model,
                "url": endpoint.url,
                "messages": request.messages,
                "schema": request.schema,
            },
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    # ------------------------------------------------------------------- repeats

    def _without_repeats(
        self,
        chosen: list[_Candidate],
        names: tuple[str, ...],
        report: DraftReport,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> list[_Candidate]:
        """``chosen`` without the cards that state a claim another card states, as the
        model reads the deck (repeats.py); a window whose check fails is reported and
        left as it is."""
        spans = repeats.windows(len(chosen))
        if not spans:
            return chosen
        step = progress or (lambda _what, _done, _total: None)
        texts = [_shown(c.card) for c in chosen]
        words = [repeats.card_words(t, names) for t in texts]
        gone: set[int] = set()
        for number, span in enumerate(spans):
            step("checking for a claim carded twice, part", number, len(spans))
            messages = repeats.repeats_messages([texts[i] for i in span], span[0], len(chosen))
            try:
                groups = self._ask_repeats(messages, len(span), report)
            except (AnswerError, LLMError) as error:
                # The cards are drafted and cached: a check that fails (a context too
                # small, an answer of the wrong shape, a server that refuses it) costs
                # the check, never the run.
                with self._lock:
                    report.failed.append(
                        f"the check for a claim carded twice, cards {span[0] + 1}-{span[-1] + 1}, "
                        f"failed ({error}); those cards are kept as drafted"
                    )
                continue
            deck_groups = [[span[i] for i in group] for group in groups]
            importance = [c.drafted.importance for c in chosen]
            gone |= repeats.dropped_of(deck_groups, words, gone, len(span), importance)
        step("checking for a claim carded twice, part", len(spans), len(spans))
        report.repeated += len(gone)
        return [c for n, c in enumerate(chosen) if n not in gone]

    def _ask_repeats(self, messages: list[dict], count: int, report: DraftReport) -> list:
        """The groups the model names for one window (cached like a passage's answer)."""
        request = _Request(messages, repeats.REPEATS_SCHEMA)
        key = self._key(request, repeats.REPEATS_VERSION)
        content = self.cache.get(key) if self.cache is not None else None
        if not isinstance(content, str):
            read = lambda text: repeats.read_repeats(text, count)  # noqa: E731
            content = self._ask(request, report, read, repeats.repair_prompt)
            if self.cache is not None:
                self.cache.put(key, content)
        return repeats.read_repeats(content, count)

    # ------------------------------------------------------------------- grounding

    def _ground(
        self, pieces: list[_Piece], report: DraftReport, segments: Sequence = ()
    ) -> list[_Candidate]:
        candidates: list[_Candidate] = []
        for piece in pieces:
            try:
                drafted, problems = read_answer(piece.content)
            except AnswerError:  # a cached answer always reads; kept safe all the same
                continue
            report.drafted += len(drafted) + len(problems)
            if problems:
                report.dropped[MALFORMED] += len(problems)
            for card in drafted:
                candidate = _grounded(card, piece.passage, len(candidates), segments)
                if isinstance(candidate, str):
                    report.dropped[candidate] += 1
                else:
                    candidates.append(candidate)
        return candidates

    # ------------------------------------------------------------------- selection

    def _select(
        self, candidates: list[_Candidate], budget: int, report: DraftReport
    ) -> list[_Candidate]:
        """At most ``budget`` cards: the most important first, spread over the talk (of
        two equally important cards, one whose blank is not said elsewhere on it, then
        the one from a passage with fewer cards so far), none a near-duplicate of one kept."""
        remaining = list(candidates)
        chosen: list[_Candidate] = []
        per_passage: Counter = Counter()
        while remaining and len(chosen) < budget:
            best = min(
                remaining,
                key=lambda c: (
                    -c.drafted.importance,
                    c.card.type == "cloze" and gives_away(c.card.text or ""),
                    per_passage[c.passage],
                    c.order,
                ),
            )
            remaining.remove(best)
            probe = _as_claim(best, best.card)
            if any(is_near_duplicate(probe, _as_claim(c, c.card)) for c in chosen):
                report.duplicates += 1
                continue
            chosen.append(best)
            per_passage[best.passage] += 1
        report.over_budget += len(remaining)
        return sorted(chosen, key=lambda c: (c.sentence.index, c.order))

    def _claims(
        self, chosen: list[_Candidate], source_id: str, taken_ids: set[str] | None
    ) -> list[Claim]:
        taken = set(taken_ids or ())
        claims = []
        for candidate in chosen:
            # ("Tavares's library" gives "tavares-library", not "tavares-s-library")
            words = [w.removesuffix("'s") for w in content_words(_visible(candidate.card))]
            card = replace(candidate.card, id=claim_id(words, taken), sources=(source_id,))
            claims.append(_as_claim(candidate, card, source_id))
        return claims


# ----------------------------------------------------------------------- helpers


def _end_of(piece: Passage, passages: Sequence[Passage], doc: Document) -> float | None:
    later = [p.start for p in passages if p.number > piece.number and p.start is not None]
    if later:
        return later[0]
    return doc.duration if piece.start is not None else None


def _where(passage: Passage) -> str:
    if passage.start is not None:
        return f"from {format_clock(passage.start)}"
    return f"sentence {passage.sentences[0].index + 1}"


def _with_estimate(label: str, began: float, sent: int, done: int, total: int) -> str:
    """The progress label, with the time left once a passage was answered by the server:
    "drafting with MODEL, about 3 min left, passage" (the count follows it)."""
    if not sent or done >= total:
        return f"{label}, passage"
    left = (time.monotonic() - began) / sent * (total - done)
    if left < 90:
        return f"{label}, about {max(1, round(left))} s left, passage"
    return f"{label}, about {round(left / 60)} min left, passage"


def _grounded(
    card: Drafted, passage: Passage, order: int, segments: Sequence = ()
) -> _Candidate | str:
    """The card placed in the talk, or why it was dropped."""
    if card.type == "cloze":
        text = inert_cloze(card.text)
        if text is None:
            return MALFORMED
        made = Card(id="", type="cloze", line=0, text=text)
    else:
        made = Card(id="", type="basic", line=0, front=inert(card.front), back=inert(card.back))
    texts = [s.text for s in passage.sentences]
    found = find_quote(card.quote, texts)
    if found is None:
        return QUOTE_NOT_FOUND
    unsaid = unsaid_numbers(_visible(made), passage.text)
    if made.type == "basic":
        unsaid -= listed_counts(made.front or "", made.back or "")
    if unsaid:
        return NUMBER_NOT_SAID
    sentence = passage.sentences[found.first]
    quote = found.text
    timed = sentence.start is not None
    when = cue_time(segments, sentence.start, sentence.text, found.offset) if timed else None
    made = replace(
        made,
        time=float(math.floor(when)) if timed else None,
        quote=quote,
        paragraph=sentence.paragraph if not timed else None,
    )
    terms = frozenset(content_words(_visible(made)))
    return _Candidate(card, made, sentence, quote, passage.number, order, terms)


_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}")


def _visible(card: Card) -> str:
    """What the card says, cloze marks removed."""
    if card.type == "cloze":
        return _CLOZE.sub(r"\1", card.text or "")
    return f"{card.front or ''} {card.back or ''}"


def _shown(card: Card) -> str:
    """A card as the check for repeats reads it: a cloze with its blank filled in, a
    question with its answer."""
    if card.type == "cloze":
        return _CLOZE.sub(r"\1", card.text or "")
    return f"Q: {card.front or ''} A: {card.back or ''}"


def _as_claim(candidate: _Candidate, card: Card, source_id: str = "") -> Claim:
    score = Score(
        float(candidate.drafted.importance), ("llm", f"importance {candidate.drafted.importance}")
    )
    return Claim(source_id, candidate.sentence, score, card, candidate.key_terms)
