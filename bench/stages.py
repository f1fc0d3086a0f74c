"""Where `deckgen extract` spends its time, stage by stage (named stages.py: a bench/profile.py
would hide the standard library's profile module, which spaCy imports).

    python bench/stages.py                      # the first 200k words of TWIML
    python bench/stages.py --words 40000 --corpus DIR

Extracts the same files as `throughput.py` (the first TWIML episodes by name adding up to
``--words``, the reserved ones left out) in this process, without the cache, and prints the
CPU seconds of each stage (this process's: on a shared machine they vary far less than wall
time), exclusive (a stage's time excludes the stages it calls):

- load: loading the spaCy model;
- read: reading the sources into documents;
- split: the sentences and claim units (the rule-based sentencizer, the cuts of long speech);
- split-parse: the model's parse that splits long unpunctuated speech;
- score: the selector's features and probabilities, the shortlist;
- parse: the model's parse of what drafting reads (the shortlist, a pronoun's context);
- draft: drafting and the gates, the drafter's setup (word counts, the host's units);
- write: sorting out the new cards, the text of cards.yaml, writing it and the state;
- other: the rest (planning, hashing the files, the cache's keys).

Also the sentences the model parsed for drafting and the cards written. The numbers are of
one run on a shared machine: compare runs made back to back.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

STAGES = ("load", "read", "split", "split-parse", "score", "parse", "draft", "write", "other")


class Clock:
    """Exclusive seconds per stage: time goes to the innermost stage running."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.stack: list[str] = []
        self.mark = time.process_time()
        self.parsed = 0

    def _flush(self) -> None:
        now = time.process_time()
        self.seconds[self.stack[-1] if self.stack else "other"] += now - self.mark
        self.mark = now

    def push(self, stage: str) -> None:
        self._flush()
        self.stack.append(stage)

    def pop(self) -> None:
        self._flush()
        self.stack.pop()

    @property
    def current(self) -> str:
        return self.stack[-1] if self.stack else "other"

    def wrap(self, owner, name: str, stage: str) -> None:
        """Time ``owner.name`` (a function or method) as ``stage``."""
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            self.push(stage)
            try:
                return original(*args, **kwargs)
            finally:
                self.pop()

        setattr(owner, name, timed)

    def wrap_model(self) -> None:
        """Time the trained model's work (not the sentencizer's) as ``parse``, or as
        ``split-parse`` when splitting: Language.__call__ and each item of
        Language.pipe."""
        from spacy.language import Language

        clock = self
        call, pipe = Language.__call__, Language.pipe

        def stage_of(nlp) -> str | None:
            if "parser" not in nlp.pipe_names:
                return None  # the sentencizer: part of whatever runs it
            return "split-parse" if clock.current == "split" else "parse"

        def timed_call(nlp, *args, **kwargs):
            stage = stage_of(nlp)
            if stage is None:
                return call(nlp, *args, **kwargs)
            clock.push(stage)
            try:
                return call(nlp, *args, **kwargs)
            finally:
                clock.pop()
                clock.parsed += stage == "parse"

        def timed_pipe(nlp, *args, **kwargs):
            stage = stage_of(nlp)
            items = pipe(nlp, *args, **kwargs)
            if stage is None:
                yield from items
                return
            while True:
                clock.push(stage)
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    clock.pop()
                clock.parsed += stage == "parse"
                yield item

        Language.__call__ = timed_call
        Language.pipe = timed_pipe


def instrument(clock: Clock) -> None:
    import deckgen.extract.claims as claims
    import deckgen.extract.drafting as drafting
    import deckgen.extract.pipeline as pipeline
    from deckgen import workflow

    clock.wrap(pipeline, "load_pipeline", "load")
    workflow.load_pipeline = pipeline.load_pipeline
    from deckgen import planning

    for module in (workflow, planning):
        if hasattr(module, "load_document"):
            clock.wrap(module, "load_document", "read")
    clock.wrap(claims, "claim_units", "split")
    clock.wrap(claims, "split_sentences", "split")
    clock.wrap(claims, "choose", "score")
    clock.wrap(claims, "score_document", "score")
    clock.wrap(claims, "shortlist", "score")
    clock.wrap(claims, "document_drafter", "draft")
    clock.wrap(drafting.DocumentDrafter, "draft", "draft")
    clock.wrap(drafting.ParsedDocumentDrafter, "prepare", "parse")
    for name in ("gate", "retell"):  # the drafting that a batch's preparation runs
        if hasattr(drafting.SpacyDrafter, name):
            clock.wrap(drafting.SpacyDrafter, name, "draft")
    for name in ("_reconcile", "add_to_cards_text", "write_cards_text", "save_state"):
        clock.wrap(workflow, name, "write")
    clock.wrap_model()


def main() -> None:
    from throughput import DEFAULT_CORPUS, pick_files

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    files, words = pick_files(args.corpus, args.words)

    clock = Clock()
    instrument(clock)
    from deckgen.cache import EXTRACTOR_VERSION
    from deckgen.workflow import extract_to_cards

    with tempfile.TemporaryDirectory(prefix="deckgen-profile-") as tmp:
        started = time.perf_counter()
        clock.mark = cpu = time.process_time()
        report = extract_to_cards(
            Path(tmp) / "cards.yaml", files, model=args.model, use_cache=False
        )
        clock._flush()
        wall = time.perf_counter() - started
        total = time.process_time() - cpu
    print(
        f"{words} words, {len(files)} files, EXTRACTOR_VERSION {EXTRACTOR_VERSION}: "
        f"{wall:.2f} s ({total:.2f} s of CPU), {report.added} cards, "
        f"{clock.parsed} texts parsed for drafting"
    )
    for stage in STAGES:
        seconds = clock.seconds.get(stage, 0.0)
        print(f"  {stage:<12} {seconds:7.2f} s {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
