"""The one error family of deckgen.

Library code raises these; only the CLI turns them into output and exit codes. Every
error knows where it happened (file and line, where there is one) and, where we can
tell, how to fix it, so the CLI can print one self-explaining line per problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    path: str | None = None
    line: int | None = None
    card: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        who = f"card '{self.card}': " if self.card else ""
        fix = f" ({self.hint})" if self.hint else ""
        return f"{where}{who}{self.message}{fix}"


class DeckgenError(Exception):
    """Base of every error deckgen raises on purpose. Carries one or more problems."""

    def __init__(self, *problems: Problem | str) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            p if isinstance(p, Problem) else Problem(p) for p in problems
        )
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(
        cls,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        *,
        card: str | None = None,
        hint: str | None = None,
    ) -> DeckgenError:
        return cls(Problem(message, str(path) if path is not None else None, line, card, hint))


class CardsFileError(DeckgenError):
    """cards.yaml does not parse or does not validate."""


class SourceError(DeckgenError):
    """A transcript or summary cannot be read."""


class BuildError(DeckgenError):
    """The deck cannot be written."""
