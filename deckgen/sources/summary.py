"""Written summaries in plain text or Markdown: paragraphs, headings, chapter lists.

Chapter lists come in many shapes: ``00:35:01 Title``, ``0:35:01 - Title``,
``35:01 Title``, ``(35:01) Title`` and ``Title (35:01)``, optionally as list items.
"""

from __future__ import annotations

import re

from deckgen.document import SUMMARY, Chapter, Document
from deckgen.sources.common import Text, parse_timestamp

FORMAT = "summary"
KIND = SUMMARY
LABEL = "a summary"
SHAPE = "paragraphs of prose, with an optional chapter list"

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_BULLET = r"(?:[-*•+]\s+|\d+[.)]\s+)?"
_CHAPTER_LEAD = re.compile(
    rf"^\s*{_BULLET}\(?\[?(?P<time>{_TIME})\]?\)?\s*(?:[-–—:|]\s*)?(?P<title>[^\s\d].{{0,150}})$"
)
_CHAPTER_TRAIL = re.compile(
    rf"^\s*{_BULLET}(?P<title>\S.{{0,150}}?)\s*[-–—]?\s*[(\[](?P<time>{_TIME})[)\]]\s*$"
)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s+(.*)$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(\S(?:.*?\S)?)\1")
_TERMINAL = tuple('.!?:;"”’)…')


def looks_like(source: Text) -> bool:
    return True  # the fallback: any text is at least a summary


def _chapter(line: str) -> Chapter | None:
    match = _CHAPTER_LEAD.match(line) or _CHAPTER_TRAIL.match(line)
    if not match:
        return None
    start = parse_timestamp(match.group("time"))
    title = _inline(match.group("title")).strip(" -–—|:")
    if start is None or not title:
        return None
    return Chapter(start, title)


def _inline(text: str) -> str:
    """Markdown inline markup removed: links keep their text, emphasis its words."""
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_heading_like(block: list[str], next_block: list[str] | None) -> bool:
    """A short, single, unpunctuated line that the next block does not continue."""
    line = block[0].strip()
    continued = next_block is not None and next_block[0].strip()[:1].islower()
    return (
        len(block) == 1
        and len(line) <= 100
        and not line.endswith(_TERMINAL)
        and line[:1].isupper()
        and not continued
    )


# Lines up to this long, several in a block, are hard-wrapped prose: one paragraph.
# Longer lines are whole paragraphs each (summaries pasted from web pages look so).
_WRAPPED_LINE = 100


def _title_line(blocks: list[list[str]]) -> str | None:
    """A summary's first line is its title when it stands alone and is not a sentence."""
    if not blocks or len(blocks[0]) != 1 or len(blocks) < 2:
        return None
    line = blocks[0][0].strip()
    if _HEADING.match(line) or len(line) > 200 or line.endswith((".", "!", "?", ":")):
        return None
    return _inline(line) if re.search(r"[^\W\d_]", line) else None


def parse(source: Text, title: str) -> Document:
    lines = source.lines
    chapter_lines = {i: c for i, line in enumerate(lines) if (c := _chapter(line)) is not None}
    # One stray "12:30 lunch" is not a chapter list.
    if len(chapter_lines) < 2:
        chapter_lines = {}
    chapters = tuple(chapter_lines.values())

    blocks: list[list[str]] = []
    current: list[str] = []
    for index, line in enumerate(lines):
        if index in chapter_lines or not line.strip():
            if current:
                blocks.append(current)
            current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)

    doc_title = _title_line(blocks)
    if doc_title:
        blocks = blocks[1:]
    paragraphs: list[str] = []
    open_paragraph = False  # the last paragraph may continue in the next block
    for number, block in enumerate(blocks):
        next_block = blocks[number + 1] if number + 1 < len(blocks) else None
        heading = _HEADING.match(block[0])
        if heading and len(block) == 1:
            doc_title = doc_title or _inline(heading.group(2))
            open_paragraph = False
            continue
        text_lines = [line for line in block if re.search(r"[^\W\d_]", line)]
        if not text_lines:
            continue
        if _is_heading_like(text_lines, next_block):
            if doc_title is None and not paragraphs:
                doc_title = _inline(text_lines[0])
            open_paragraph = False
            continue
        wrapped = len(text_lines) > 1 and max(len(x) for x in text_lines) <= _WRAPPED_LINE
        for position, line in enumerate(text_lines):
            item = _LIST_ITEM.match(line)
            text = _inline(item.group(1) if item else line)
            if position == 0:
                # a paragraph cut in two by a blank line
                continues = open_paragraph and text[:1].islower()
            else:
                continues = not item and (wrapped or not paragraphs[-1].endswith(_TERMINAL))
            if continues and paragraphs:
                paragraphs[-1] = f"{paragraphs[-1]} {text}"
            else:
                paragraphs.append(text)
            open_paragraph = not paragraphs[-1].endswith(_TERMINAL)
    if not paragraphs and not chapters:
        raise source.error("no text found in the file")
    return Document(
        source.path,
        FORMAT,
        KIND,
        doc_title or title,
        chapters=chapters,
        paragraphs=tuple(paragraphs),
    )
