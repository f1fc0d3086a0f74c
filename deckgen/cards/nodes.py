"""YAML nodes to values, the way a person wrote them, with every problem located.

cards.yaml is a file people edit by hand, so it is read the way they wrote it: every
value is the text they typed. PyYAML speaks YAML 1.1, where an unquoted ``13:10`` is
the base-60 integer 790 and ``back: no`` is ``False``; we never let that happen. The
file is *composed* into YAML nodes (which keep line numbers and the raw scalar text)
and converted key by key, instead of being *constructed* by PyYAML.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from deckgen.errors import Problem

EMPTY = {"", "~", "null"}

_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class NestedTooDeeply(yaml.YAMLError):
    """YAML nested deeper than the composer can follow (hundreds of levels)."""


def compose_yaml(text: str) -> yaml.Node | None:
    """The YAML node tree of ``text``, with line marks.

    Composed by libyaml when PyYAML has it (ten times faster on big decks); a syntax
    error is composed again by the pure-Python loader, whose messages are clearer.
    YAML nested hundreds of levels deep raises ``NestedTooDeeply`` (a YAMLError).
    """
    try:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            if _FAST_LOADER is yaml.SafeLoader:
                raise
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise NestedTooDeeply("nested too deeply") from None


def yaml_syntax_problem(error: yaml.YAMLError, path: str | Path) -> Problem:
    """One located, human-worded problem for a YAML syntax error."""
    if isinstance(error, NestedTooDeeply):
        return Problem(
            "the YAML is nested too deeply (hundreds of levels of lists or mappings inside "
            "each other), so it is not read",
            str(path),
            hint="cards.yaml needs only a few levels: deck, sources, cards and their keys",
        )
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    context_mark = getattr(error, "context_mark", None)
    if mark is not None and _at_end(mark) and context_mark is not None:
        mark = context_mark  # "end of stream" while reading what began there
    line = min(mark.line + 1, _last_line(mark)) if mark is not None else None
    what = getattr(error, "problem", None) or str(error)
    hint = "check the indentation and quoting on this line or the one before it"
    if "mapping values are not allowed" in what:
        hint = "text containing ': ' must be quoted, e.g. back: \"ratio: 3 to 1\""
    elif "found character '\\t'" in what:
        hint = "indent with spaces, not tabs"
    elif "could not find expected ':'" in what:
        hint = "a key needs a ':' after it; quote text that spans lines"
    return Problem(f"YAML syntax error: {what}", str(path), line, hint=hint)


def _at_end(mark: yaml.Mark) -> bool:
    buffer = getattr(mark, "buffer", None)
    return buffer is not None and not buffer[mark.pointer :].strip("\0 \t\r\n")


def _last_line(mark: yaml.Mark) -> int:
    """The number of the file's last line that has text: an error at the end of the
    stream is on the line after the last newline, which an editor does not show."""
    buffer = getattr(mark, "buffer", None)
    if buffer is None:
        return mark.line + 1
    return buffer.rstrip("\0 \t\r\n").count("\n") + 1


def node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    return "value"


class Fields(dict):
    """Keys of one mapping → (key node, value node), plus the known keys that unknown
    keys looked like (a misspelt 'bak' is reported once, not also as a missing 'back')."""

    def __init__(self) -> None:
        super().__init__()
        self.misspelt: set[str] = set()


class NodeReader:
    """Reads values out of composed YAML nodes, collecting every problem."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(
        self,
        node: yaml.Node | None,
        message: str,
        *,
        card: str | None = None,
        hint: str | None = None,
    ) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(message, str(self.path), line, card, hint))

    def mapping(
        self,
        node: yaml.MappingNode,
        allowed: tuple[str, ...],
        *,
        what: str,
        card: str | None = None,
    ) -> Fields:
        """Keys of a mapping node → (key node, value node); reports unknown and doubled keys."""
        out = Fields()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                self.problem(key_node, f"a {what} must be a plain word", card=card)
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = (
                    f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(allowed)
                )
                out.misspelt.update(close)
                self.problem(key_node, f"unknown {what} '{key}'", card=card, hint=hint)
                continue
            if key in out:
                self.problem(
                    key_node, f"'{key}' is given twice", card=card, hint="keep one of them"
                )
                continue
            out[key] = (key_node, value_node)
        return out

    def text(self, node: yaml.Node, key: str, *, card: str | None = None) -> str | None:
        """The text a person wrote for a scalar, or None when they left it empty."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(
                node,
                f"'{key}' must be text, not a {node_kind(node)}",
                card=card,
                hint="quote it if it contains ': ', '- ' or starts with '[' or '{'",
            )
            return None
        # A plain scalar's style is None (PyYAML) or "" (libyaml).
        if not node.style and node.value.strip().lower() in EMPTY:
            return None
        return node.value

    def required_text(
        self,
        fields: Fields,
        key: str,
        parent: yaml.Node,
        *,
        card: str | None = None,
        hint: str | None = None,
    ) -> str | None:
        if key not in fields:
            if key not in fields.misspelt:
                self.problem(parent, f"missing '{key}'", card=card, hint=hint)
            return None
        value = self.text(fields[key][1], key, card=card)
        if value is None or not value.strip():
            self.problem(fields[key][0], f"'{key}' is empty", card=card, hint=hint)
            return None
        return value

    def optional_text(self, fields: dict, key: str, *, card: str | None = None) -> str | None:
        if key not in fields:
            return None
        value = self.text(fields[key][1], key, card=card)
        return value if value is not None and value.strip() else None
