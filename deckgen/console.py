"""What deckgen prints, as text: progress on stderr, tables, counts, the language-model
drafter's summary, and ``shown``, which keeps a file's control characters off the terminal.

No click here: the command line (cli.py) prints these; they are plain functions so they
can be tested and read on their own.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

# Said once a lecture is extracted offline: there the offline drafter is weakest
# (bench/README.md, Lectures), and a language model drafts far better.
LECTURE_NOTE = (
    "a lecture, where the offline drafter is weakest (read blind, 18-33% of its cards were "
    "junk); --llm MODEL drafts lectures far better (README: Lectures)"
)


def _write(text: str) -> None:
    sys.stderr.write(text)
    sys.stderr.flush()


class Progress:
    """What a long extraction is doing, on stderr: nothing for a quick run; after a few
    seconds, the stage of the source at hand (with how far it has got and, once its
    rate is known, the time left) (on a terminal, one line kept up to date;
    elsewhere, a line at most every 10 seconds)."""

    # The stage at hand (file, what) and when and how far it started: its rate.
    stage: tuple[Path, str] | None = None
    stage_start: tuple[float, int] = (0.0, 0)

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.terminal = sys.stderr.isatty()
        self.delay, self.every = (1.0, 0.5) if self.terminal else (5.0, 10.0)
        self.last = 0.0
        self.open_line = False

    def step(self, path: Path, what: str, done: int, total: int) -> None:
        now = time.monotonic()
        if self.stage != (path, what):  # the rate is measured from this stage's start
            self.stage, self.stage_start = (path, what), (now, done)
        if now - self.started < self.delay or now - self.last < self.every:
            return
        self.last = now
        elapsed = clock(now - self.started)
        if total:
            since, first = self.stage_start
            left = ""
            if done > first and now > since and total >= done:
                seconds = (now - since) * (total - done) / (done - first)
                left = f", about {clock(seconds)} left"
            share = f"{min(100, 100 * done // total)}%"
            line = f"{path.name}: {what} {done:,} of {total:,} ({share}, {elapsed} so far{left})"
        else:
            line = f"{path.name}: {what} ({elapsed})"
        if self.terminal:
            _write(f"\r{shown(line)}\x1b[K")
            self.open_line = True
        else:
            _write(shown(line) + "\n")

    def finish(self) -> None:
        """Clear the line kept up to date on a terminal, for what is printed next."""
        if self.open_line:
            _write("\r\x1b[K")


# C0 and C1 controls but newline and tab: text from a file never acts on the terminal.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """``text`` safe to print: each control character (an escape sequence in a caption
    or a hand-written card) as its escape, ``\\x1b``, never sent raw."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def clock(seconds: float) -> str:
    """'1:05', '1:02:03'."""
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def count(number: int, noun: str) -> str:
    """'1 card', '2 cards', '0 cards'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def llm_summary(report) -> tuple[list[str], list[str]]:
    """What the language model drafted and what grounding dropped, and its cost: the
    warnings (for stderr) and the lines (for stdout)."""
    warnings = [f"warning: {line}" for line in report.failed]
    counts = +report.dropped  # (without the reasons that dropped nothing)
    dropped = sum(counts.values())
    reasons = ", ".join(f"{why}: {n}" for why, n in counts.most_common())
    line = f"{count(report.drafted, 'card')} drafted, {dropped} dropped"
    if reasons:
        line += f" ({reasons})"
    others = []
    if report.duplicates:
        others.append(f"{report.duplicates} near-duplicates")
    if report.repeated:
        others.append(f"{report.repeated} said by another card (the model's check)")
    if report.over_budget:
        others.append(f"{report.over_budget} over the deck size")
    if others:
        line += f"; left out: {', '.join(others)}"
    cached = (
        f", {report.cached} of {report.passages} passages from the cache" if report.cached else ""
    )
    tokens = (
        f"Tokens: {report.prompt_tokens:,} sent, {report.completion_tokens:,} received in "
        f"{count(report.requests, 'request')}{cached}"
    )
    return warnings, [line, tokens]


def table(rows: list[tuple[str, ...]], *, align_numbers: bool = True) -> str:
    """Rows as aligned columns; numbers right-aligned unless told otherwise."""
    rows = [tuple(shown(cell) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width)
            if align_numbers and (cell.replace(":", "").isdigit() or cell == "-")
            else cell.ljust(width)
            for cell, width in zip(row, widths, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
