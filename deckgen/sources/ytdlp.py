"""What yt-dlp writes beside a caption file: ``NAME.info.json`` and the recording.

yt-dlp names a video's files after one template (``NAME``): the captions
``NAME.LANG.EXT`` (``talk.en.vtt``, ``talk.en-orig.vtt``, ``talk.en-US.json3``), the
metadata ``NAME.info.json`` (``--write-info-json``) and the recording ``NAME.EXT``
(``NAME.m4a`` or ``NAME.opus`` with ``-x``, else the video, ``NAME.mp4``/``.webm``/
``.mkv``). A caption file named that way finds its companions here; nothing else is
looked for, so a file without them is read exactly as before.

The info.json fields read, as yt-dlp documents them (``yt_dlp/extractor/common.py``,
the InfoExtractor docstring): ``title`` (the video title), ``webpage_url`` (the URL of
the video's page), ``channel`` (the channel's full name; else ``uploader``, the
uploader's), ``duration`` (seconds), ``chapters`` (a list of ``start_time``,
``end_time`` and optional ``title``), ``subtitles`` and ``automatic_captions`` (the
caption tracks by language code: made by people, and made by speech recognition). A
field missing or of the wrong shape is left out with a warning; the file is never an
error.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from deckgen.document import Chapter, Document
from deckgen.sources.common import strip_controls
from deckgen.timecode import format_clock

# The caption formats yt-dlp writes (--sub-format / --convert-subs) that deckgen reads.
CAPTION_EXTENSIONS = (".vtt", ".json3", ".srv1", ".srv2", ".srv3", ".ttml", ".srt")
# The recording, audio first (what -x writes), then the video; the first one there wins.
MEDIA_EXTENSIONS = (
    ".m4a",
    ".opus",
    ".mp3",
    ".ogg",
    ".aac",
    ".flac",
    ".wav",
    ".webm",
    ".mp4",
    ".mkv",
    ".mov",
)
# A yt-dlp language tag: en, en-US, en-orig, zh-Hans, pt-BR, de-en (German from English).
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_URL = re.compile(r"^https?://\S+$")
# Signs in the first part of a caption file that speech recognition made it: YouTube's
# word-time tags in WebVTT, word offsets in json3, word elements in srv3.
_AUTO_SIGNS = {
    ".vtt": re.compile(r"<\d{2}:\d{2}:\d{2}\.\d{3}><c>"),
    ".json3": re.compile(r'"(?:tOffsetMs|acAsrConf)"'),
    ".srv3": re.compile(r"<s\s+(?:t|ac)="),
}
MANUAL, AUTO = "manual", "auto-generated"
_DESCRIBE = {MANUAL: "made by people", AUTO: "auto-generated", None: "not marked auto-generated"}


@dataclass(frozen=True)
class VideoInfo:
    """What deckgen takes from a ``NAME.info.json``; ``problems`` says what it left out."""

    path: Path
    title: str | None = None
    url: str | None = None
    channel: str | None = None
    duration: float | None = None
    chapters: tuple[Chapter, ...] = ()
    manual: frozenset[str] = frozenset()  # the languages of 'subtitles'
    auto: frozenset[str] = frozenset()  # the languages of 'automatic_captions'
    problems: tuple[str, ...] = ()
    readable: bool = True

    @property
    def warning(self) -> str | None:
        """One line naming the file and what was ignored, if anything was."""
        if not self.problems:
            return None
        if not self.readable:
            return f"{self.path}: {self.problems[0]}; nothing taken from it"
        return f"{self.path}: ignored {', '.join(self.problems)}"


@dataclass(frozen=True)
class Companions:
    """A yt-dlp caption file and what yt-dlp wrote beside it."""

    caption: Path
    name: Path  # the folder and NAME: the caption's path without '.LANG.EXT'
    lang: str
    info: VideoInfo | None = None
    media: Path | None = None

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        return self.info.chapters if self.info is not None else ()

    @property
    def warnings(self) -> tuple[str, ...]:
        warning = self.info.warning if self.info is not None else None
        return (warning,) if warning else ()

    def taken(self, *, title: bool = True, url: bool = True, media: bool = True) -> str | None:
        """One line: what deckgen takes from which file. ``title``, ``url`` and ``media``
        False: the command line set that one, and the file's is not used."""
        parts = []
        info = self.info
        if info is not None and info.readable:
            fields = []
            if info.title:
                fields.append("title" if title else "title (--title wins)")
            if info.url:
                fields.append("url" if url else "url (--url wins)")
            if info.channel:
                fields.append(f"channel '{info.channel}'")
            if info.duration is not None:
                fields.append(f"duration {format_clock(info.duration)}")
            if info.chapters:
                count = len(info.chapters)
                fields.append(f"{count} chapter{'s' if count != 1 else ''}")
            if fields:
                parts.append(f"{', '.join(fields)} from {info.path.name}")
        if self.media is not None:
            parts.append(f"recording {self.media.name}" + ("" if media else " (--media wins)"))
        if not parts:
            return None
        return f"{self.caption}: yt-dlp's files: " + "; ".join(parts)


def split_name(path: Path) -> tuple[Path, str] | None:
    """``dir/NAME.LANG.EXT`` → (``dir/NAME``, ``LANG``) for a caption file named as
    yt-dlp names them; None for any other name."""
    if path.suffix.lower() not in CAPTION_EXTENSIONS:
        return None
    stem = path.name[: -len(path.suffix)]
    name, dot, lang = stem.rpartition(".")
    if not dot or not name or not _LANG.match(lang):
        return None
    return path.with_name(name), lang


def find_companions(path: Path) -> Companions | None:
    """yt-dlp's files beside the caption file at ``path``; None when its name is not
    yt-dlp's or nothing is beside it."""
    split = split_name(Path(path))
    if split is None:
        return None
    name, lang = split
    info_path = name.with_name(name.name + ".info.json")
    info = read_info(info_path) if info_path.is_file() else None
    media = next(
        (
            candidate
            for ext in MEDIA_EXTENSIONS
            if (candidate := name.with_name(name.name + ext)).is_file()
        ),
        None,
    )
    if info is None and media is None:
        return None
    return Companions(Path(path), name, lang, info, media)


def read_info(path: Path) -> VideoInfo:
    """The fields deckgen uses from an info.json. Never raises: what cannot be used is
    named in ``problems``."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as error:
        return VideoInfo(path, problems=(f"unreadable ({error.strerror})",), readable=False)
    except UnicodeDecodeError:
        return VideoInfo(path, problems=("not UTF-8 text",), readable=False)
    except (ValueError, RecursionError) as error:
        line = getattr(error, "lineno", None)
        where = f" (line {line})" if line else ""
        return VideoInfo(path, problems=(f"not valid JSON{where}",), readable=False)
    if not isinstance(data, dict):
        return VideoInfo(path, problems=("not yt-dlp's info (a JSON object)",), readable=False)
    problems: list[str] = []

    def text(*keys: str) -> str | None:
        for key in keys:
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return " ".join(strip_controls(value).split()) or None
            if value is not None and not isinstance(value, str):
                problems.append(f"'{key}' (not text)")
        return None

    title = text("title", "fulltitle")
    if title is None and not any(k in data for k in ("title", "fulltitle")):
        problems.append("no 'title'")
    url = text("webpage_url")
    if url is not None and not _URL.match(url):
        problems.append("'webpage_url' (not an http or https address)")
        url = None
    elif url is None and "webpage_url" not in data:
        problems.append("no 'webpage_url'")
    channel = text("channel", "uploader")
    duration = _seconds(data.get("duration"))
    if data.get("duration") is not None and duration is None:
        problems.append("'duration' (not a number of seconds)")
    chapters = _chapters(data.get("chapters"), problems)
    return VideoInfo(
        path,
        title=title,
        url=url,
        channel=channel,
        duration=duration,
        chapters=chapters,
        manual=_languages(data.get("subtitles")),
        auto=_languages(data.get("automatic_captions")),
        problems=tuple(problems),
    )


def _seconds(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) and value >= 0 else None


def _chapters(value: object, problems: list[str]) -> tuple[Chapter, ...]:
    """yt-dlp's chapters in time order; an entry without a start time or a title is
    left out (and named)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append("'chapters' (not a list)")
        return ()
    chapters = []
    for number, item in enumerate(value, start=1):
        start = _seconds(item.get("start_time")) if isinstance(item, dict) else None
        title = item.get("title") if isinstance(item, dict) else None
        if start is None:
            problems.append(f"chapter {number} (no 'start_time')")
            continue
        if not isinstance(title, str) or not title.strip():
            problems.append(f"chapter {number} (no 'title')")
            continue
        chapters.append(Chapter(start, " ".join(strip_controls(title).split())))
    return tuple(sorted(chapters, key=lambda c: c.start))


def _languages(value: object) -> frozenset[str]:
    return (
        frozenset(k for k in value if isinstance(k, str))
        if isinstance(value, dict)
        else frozenset()
    )


def with_chapters(document: Document, companions: Companions | None) -> Document:
    """``document`` with the video's chapters when it has none of its own, and the
    recording's duration when that is longer than the captions run."""
    if companions is None or companions.info is None:
        return document
    info = companions.info
    changes: dict = {}
    if info.chapters and not document.chapters:
        changes["chapters"] = info.chapters
    if info.duration is not None and (document.duration or 0) < info.duration:
        changes["duration"] = info.duration
    return replace(document, **changes) if changes else document


# -- manual and auto-generated captions of one video


def caption_kind(companions_or_path: Companions | Path) -> str | None:
    """MANUAL, AUTO, or None when it cannot be told.

    In order: the info.json's lists (a language in ``subtitles`` was written from the
    captions people made, since yt-dlp prefers those to ``automatic_captions`` of the
    same language); a language ending in ``-orig`` (yt-dlp's name for YouTube's speech
    recognition in the spoken language); the content (YouTube's word-time tags)."""
    if isinstance(companions_or_path, Companions):
        path, lang, info = (
            companions_or_path.caption,
            companions_or_path.lang,
            companions_or_path.info,
        )
    else:
        split = split_name(companions_or_path)
        if split is None:
            return None
        path, lang, info = companions_or_path, split[1], None
    if info is not None and info.readable:
        if lang in info.manual:
            return MANUAL
        if lang in info.auto:
            return AUTO
    if lang.lower().endswith("-orig"):
        return AUTO
    sign = _AUTO_SIGNS.get(path.suffix.lower())
    if sign is not None:
        try:
            with open(path, "rb") as handle:
                head = handle.read(65536).decode("utf-8", "replace")
        except OSError:
            return None
        if sign.search(head):
            return AUTO
    return None


@dataclass(frozen=True)
class Choice:
    """The caption files to read, and a note for each one left out."""

    paths: tuple[Path, ...]
    notes: tuple[str, ...] = field(default=())


def prefer_manual(paths: Sequence[Path]) -> Choice:
    """Of the caption files given for one video and language (same ``NAME``, same
    language before any ``-``), read the ones people made; of auto-generated ones
    alone, one (``-orig``, the spoken language, first). Any other file is kept."""
    groups: dict[tuple[Path, str], list[tuple[Path, str]]] = {}
    for path in paths:
        split = split_name(Path(path))
        if split is not None:
            name, lang = split
            key = (name.resolve(), lang.split("-", 1)[0].lower())
            groups.setdefault(key, []).append((Path(path), lang))
    dropped: dict[Path, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        info = _info_of(members[0][0])
        kinds = {path: caption_kind(_with_info(path, lang, info)) for path, lang in members}
        rank = {MANUAL: 0, None: 1, AUTO: 2}
        best = min(rank[k] for k in kinds.values())
        keep = [path for path, _ in members if rank[kinds[path]] == best]
        if best == rank[AUTO]:
            orig = [p for p, lang in members if lang.lower().endswith("-orig")]
            keep = [orig[0] if orig else keep[0]]
        kept = ", ".join(f"{p.name} ({_DESCRIBE[kinds[p]]})" for p in keep)
        for path, _ in members:
            if path not in keep:
                what = {MANUAL: "captions made by people", AUTO: "auto-generated captions"}
                dropped[path] = (
                    f"{path}: left out: {what.get(kinds[path], 'captions')} of the same "
                    f"video as {kept}, which {'is' if len(keep) == 1 else 'are'} read instead"
                )
    return Choice(
        tuple(Path(p) for p in paths if Path(p) not in dropped),
        tuple(dropped[Path(p)] for p in paths if Path(p) in dropped),
    )


def _info_of(path: Path) -> VideoInfo | None:
    companions = find_companions(path)
    return companions.info if companions is not None else None


def _with_info(path: Path, lang: str, info: VideoInfo | None) -> Companions:
    return Companions(path, path, lang, info)
