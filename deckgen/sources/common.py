"""What every parser shares: decoding, timestamps, speech cleanup, time checks."""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from deckgen.document import TRANSCRIPT, Document, Segment, Word
from deckgen.errors import SourceError
from deckgen.fsutil import decode_utf8

# A times going backwards by up to this many seconds is an overlap Whisper writes; more
# than that means the file is out of order or broken.
BACKWARDS_TOLERANCE = 5.0

# Terminal escape sequences (CSI "ESC [ ... m", OSC "ESC ] ... BEL", two-byte "ESC x"),
# dropped whole (a lone C1 character is dropped alone: it may be mis-decoded text), then any other C0 or C1 control but newline and tab: none of them is
# text, and on a card or a terminal they act (set a title, clear the screen).
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?|\x1b[ -~]?"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """``text`` without terminal escape sequences and C0/C1 control characters; newline
    and tab are kept, and a vertical tab or form feed (a page break) becomes a newline."""
    if not _CONTROL.search(text):
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    return _CONTROL.sub("", text)


_TIMESTAMP = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")


@dataclass(frozen=True)
class Text:
    """A decoded source file: its path (for messages) and its lines."""

    path: Path
    content: str

    @property
    def lines(self) -> list[str]:
        return self.content.split("\n")

    def error(self, message: str, line: int | None = None, hint: str | None = None) -> SourceError:
        return SourceError.at(message, self.path, line, hint=hint)


def decode(path: Path, data: bytes) -> Text:
    """Text of a source file: UTF-8 (with or without BOM) or UTF-16 with a BOM.

    Line endings are normalized to ``\\n``; spaces are kept (a WebVTT cue line of one
    space is not a blank line).
    """
    if not data.strip():
        raise SourceError.at("the file is empty", path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            content = data.decode("utf-16")
        except UnicodeDecodeError:
            raise SourceError.at("not valid UTF-16 text", path) from None
    else:
        if b"\x00" in data[:8192]:
            raise SourceError.at(
                "this is a binary file, not a transcript or summary",
                path,
                hint="give a text file: SRT, WebVTT, Whisper JSON/TSV/TXT, or a summary",
            )
        content = decode_utf8(data, path, error=SourceError, hint="convert the file to UTF-8")
    content = content.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if not content.strip():
        raise SourceError.at("the file is empty", path)
    if sum(1 for ch in content if ch < " " and ch not in "\n\t") > max(8, len(content) // 100):
        raise SourceError.at("this is a binary file, not a transcript or summary", path)
    return Text(path, strip_controls(content))


def load_json(source: Text) -> object:
    """The JSON a source holds, or a one-line error at the line where it stops being JSON."""
    try:
        return json.loads(source.content)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        raise source.error(f"not valid JSON: {getattr(exc, 'msg', exc)}", line) from None


def json_number(value: object) -> float | None:
    """A finite JSON number as a float; None for anything else (true/false included)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def parse_timestamp(text: str) -> float | None:
    """Seconds in ``HH:MM:SS.mmm``, ``MM:SS.mmm`` or ``HH:MM:SS,mmm``; None if malformed."""
    match = _TIMESTAMP.match(text.strip())
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
        return None
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if fraction:
        total += int(fraction) / 10 ** len(fraction)
    return float(total)


# Non-speech marks: [MUSIC PLAYING], [APPLAUSE], (laughter), (audience applauding), ♪ ... ♪.
# Square brackets never hold speech in transcripts (they hold sounds or speaker names);
# parentheses can, so only those naming a sound are dropped.
_SOUND_WORDS = (
    r"applau\w*|laugh\w*|chuckl\w*|music\w*|cheer\w*|inaudible|crosstalk|silence|noise|"
    r"cough\w*|sigh\w*|clap\w*|sound\w*|beep\w*|upbeat|background|static|unintelligible|"
    r"speaking in foreign language|foreign"
)
_BRACKETED = re.compile(r"\[[^\[\]\n]{0,60}\]")
_SOUND_PARENS = re.compile(
    r"\((?:[^()\n]{0,40}\b)?(?:" + _SOUND_WORDS + r")(?:\b[^()\n]{0,40})?\)", re.IGNORECASE
)
_MUSIC_NOTES = re.compile(r"[♪♫]+")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,!?;:])")
_HAS_WORD = re.compile(r"[^\W_]")


def clean_speech(text: str) -> str:
    """Spoken words only: entities decoded, non-speech marks dropped, spaces folded."""
    # A control may come escaped (JSON's "\\u001b", HTML's "&#13;"): dropped here too.
    text = original = strip_controls(html.unescape(text))
    text = _BRACKETED.sub(" ", text)
    text = _SOUND_PARENS.sub(" ", text)
    text = _MUSIC_NOTES.sub(" ", text)
    if text != original:
        # "matters [MUSIC]." → "matters ." → "matters."
        text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


class NoTimedSpeechError(SourceError):
    """A file read as a timed format holds no timed speech at all."""

    def __init__(self, path: Path, message: str, hint: str) -> None:
        super().__init__(SourceError.at(message, path, hint=hint).problems[0])


@dataclass(frozen=True)
class RawSegment:
    """A segment as read, before cleanup; ``line`` is where it starts in the file."""

    start: float
    end: float
    text: str
    line: int
    words: tuple[Word, ...] = ()


def finish_segments(
    source: Text, raw: Iterable[RawSegment], *, numbered_segments: bool = False
) -> tuple[Segment, ...]:
    """Check the times and clean the text of raw segments.

    Drops segments that hold no speech and segments that exactly repeat the one
    before them (a Whisper hallucination); keeps every remaining word's time.
    Raises SourceError on negative times or times that go backwards. With
    ``numbered_segments``, ``RawSegment.line`` is a segment number (JSON has no
    useful lines) and errors name the segment instead.
    """

    def fail(item: RawSegment, message: str, hint: str) -> SourceError:
        if numbered_segments:
            return source.error(f"segment {item.line}: {message}", hint=hint)
        return source.error(message, item.line, hint=hint)

    segments: list[Segment] = []
    latest_start = 0.0
    previous_text = None
    for item in raw:
        if item.start < 0 or item.end < 0:
            raise fail(item, "negative time", "times start at 00:00:00")
        if item.start < latest_start - BACKWARDS_TOLERANCE:
            raise fail(
                item,
                f"time goes backwards (from {latest_start:.1f}s to {item.start:.1f}s)",
                "segments must be in the order they are spoken",
            )
        latest_start = max(latest_start, item.start)
        end = max(item.end, item.start)
        text = clean_speech(item.text)
        if not _HAS_WORD.search(text):
            continue  # nothing said: empty, or only marks such as '---'
        key = text.casefold()
        if key == previous_text:
            # The repeat covers time the first copy was spoken in: keep that time.
            last = segments[-1]
            segments[-1] = Segment(last.start, max(last.end, end), last.text, last.words)
            continue
        previous_text = key
        words = tuple(w for w in item.words if _HAS_WORD.search(clean_speech(w.text)))
        segments.append(Segment(item.start, end, text, words))
    return tuple(segments)


def timed_document(
    source: Text,
    format_name: str,
    title: str,
    raw: list[RawSegment],
    *,
    numbered_segments: bool = False,
) -> Document:
    """The Document of a timed transcript, from its raw segments."""
    segments = finish_segments(source, raw, numbered_segments=numbered_segments)
    if not segments:
        raise NoTimedSpeechError(
            source.path,
            f"no timed speech found for format {format_name}",
            hint="check the file, or leave out --format to let deckgen detect it",
        )
    duration = max(max(item.end for item in raw), segments[-1].end)
    return Document(source.path, format_name, TRANSCRIPT, title, segments, duration=duration)


# -- XML (TTML and YouTube's timed text)


@dataclass
class XmlNode:
    """An XML element: its local name (prefix dropped), attributes (local names), the line
    it starts on, and its children: nodes and text, in order."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[XmlNode | str] = field(default_factory=list)

    def text(self, line_break: str = " ") -> str:
        """All the text inside, with ``<br/>`` as ``line_break``."""
        parts: list[str] = []
        stack: list[XmlNode | str] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                parts.append(item)
            elif item.tag == "br":
                parts.append(line_break)
            else:
                stack.extend(reversed(item.children))
        return "".join(parts)

    def iter(self, *tags: str) -> Iterable[XmlNode]:
        """Every element below (and including) this one named one of ``tags``, in order."""
        stack: list[XmlNode] = [self]
        while stack:
            node = stack.pop()
            if node.tag in tags:
                yield node
            stack.extend(reversed([c for c in node.children if isinstance(c, XmlNode)]))


# Real captions nest a few elements deep (tt, body, div, p, span, span); a file nested
# deeper than this is refused as it is read, never walked level by level.
MAX_XML_DEPTH = 100

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def parse_xml(source: Text) -> XmlNode:
    """The root element of an XML source. DTDs and entity declarations are refused (no
    entity expansion, nothing fetched), and so is nesting deeper than ``MAX_XML_DEPTH``;
    errors name the line."""
    # The text is already decoded: a declared encoding would only confuse the parser.
    content = _XML_DECLARATION.sub(lambda m: "\n" * m.group(0).count("\n"), source.content)
    parser = expat.ParserCreate()
    stack: list[XmlNode] = []
    roots: list[XmlNode] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_XML_DEPTH:
            raise _TooDeep(parser.CurrentLineNumber)
        node = XmlNode(
            _local(name), {_local(k): v for k, v in attrs.items()}, parser.CurrentLineNumber
        )
        if stack:
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)

    def end(_name: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].children.append(data)

    def refuse_dtd(*_args: object) -> None:
        raise _DtdRefused(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    try:
        parser.Parse(content, True)
    except expat.ExpatError as exc:
        raise source.error(
            f"not valid XML: {expat.ErrorString(exc.code)}", exc.lineno or None
        ) from None
    except _TooDeep as exc:
        raise source.error(
            f"the XML is nested too deeply (more than {MAX_XML_DEPTH} elements inside each "
            "other), so it is not read",
            exc.line,
            hint="captions nest a few levels deep; check how this file was made",
        ) from None
    except _DtdRefused as exc:
        raise source.error(
            "XML with a DOCTYPE is not read", exc.line, hint="remove the <!DOCTYPE ...> part"
        ) from None
    if not roots:  # pragma: no cover - expat reports "no element found" first
        raise source.error("not valid XML: no element found")
    return roots[0]


class _DtdRefused(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _TooDeep(_DtdRefused):
    pass


def ordered(raw: list[RawSegment]) -> list[RawSegment]:
    """Segments by start time, for formats whose entries need not be in time order
    (ASS events, TTML paragraphs in several regions)."""
    return sorted(raw, key=lambda item: item.start)
