"""Audio clips of each card's quote, cut from the source's recording with ffmpeg.

A source that names its recording (``media: talk.m4a``) gives each of its timed cards
a clip: from a little before the quote starts to a little after it ends, as a small
mono MP3 that the deck bundles. Where the quote ends comes from the transcript's
segments (``quote_span``). ffmpeg is found on PATH, else in the ``imageio-ffmpeg``
wheel (``pip install 'deckgen[audio]'``).

Clips are cached (``deckgen.cache``) by the recording's content, the span, the
encoding settings and the ffmpeg build, so a rebuild cuts only new or changed clips.
The encoding is bit-exact (no metadata, no encoder tag), so the same input gives the
same bytes, and a clip's file name is the hash of its bytes.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from deckgen.cache import Cache, key_for
from deckgen.cards import Card, CardsFile, Source
from deckgen.document import Segment
from deckgen.errors import BuildError, DeckgenError, Problem
from deckgen.fsutil import remove_killed_runs_folders, temporary_folder
from deckgen.sources import load_document
from deckgen.timecode import format_clock

# The span rule (README, "Audio clips"): the clip starts PAD_BEFORE before the quote
# and ends PAD_AFTER after the end of the last segment its words reach.
PAD_BEFORE = 0.3
PAD_AFTER = 0.5
# Without a transcript at hand, a quote lasts its words at this pace (at least MIN_SPAN).
WORDS_PER_SECOND = 2.5
MIN_SPAN = 2.0
MAX_SPAN = 30.0
# Mono MP3 at 24 kHz, 48 kbit/s: about 6 kB a second, played by every Anki client.
SAMPLE_RATE = 24000
BITRATE = "48k"
SETTINGS = f"mp3:mono:{SAMPLE_RATE}:{BITRATE}:v1"

INSTALL_HINT = "install it with pip install 'deckgen[audio]' (or put ffmpeg on PATH), or leave clips out with --no-media"
_WORD = re.compile(r"[\w']+")
_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")


@dataclass(frozen=True)
class Clip:
    """A card's clip: its file name in the deck's media, its bytes and its span."""

    card_id: str
    name: str
    data: bytes
    start: float
    end: float


def find_ffmpeg() -> str | None:
    """ffmpeg on PATH, else the one the imageio-ffmpeg wheel ships, else None."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError:
        return None


def _words(text: str | None) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


def quote_span(time: float, quote: str | None, segments: Sequence[Segment]) -> tuple[float, float]:
    """When a card's quote is said, as (start, end) in seconds, before padding.

    It starts at the card's time, or at the start of the segment that begins within
    that second (times are written in whole seconds). It ends at the end of the last
    segment that the quote's words reach (matched word by word from the start), or of
    that word where the transcript times each word, or at the end of the segment at
    the card's time when there is no quote. Without segments, or
    when no word matches, it lasts the quote's words at 2.5 words a second. It lasts
    at least 1 s and at most MAX_SPAN.
    """
    words = _words(quote)
    anchor = next((i for i, s in enumerate(segments) if s.end > time), None)
    start = time
    end = None
    if anchor is not None:
        segment = segments[anchor]
        if time <= segment.start < time + 1:
            start = segment.start
        end = _end_of_words(words, segments, anchor, start) if words else segment.end
    if end is None:
        end = start + max(len(words) / WORDS_PER_SECOND, MIN_SPAN)
    return start, min(max(end, start + 1.0), start + MAX_SPAN)


def _end_of_words(
    words: list[str], segments: Sequence[Segment], anchor: int, start: float
) -> float | None:
    """When the quote's last matching word ends: the end of the word where the
    transcript times words, else of its segment; None when none of its words are there."""
    flat: list[tuple[str, float]] = []  # each word of the transcript, and when it ends
    limit = 2 * len(words) + 10  # the quote is said right there, not minutes later
    for segment in segments[anchor:]:
        if segment.start > start + MAX_SPAN or len(flat) >= limit:
            break
        if segment.words:
            flat.extend((w, word.end) for word in segment.words for w in _words(word.text))
        else:
            flat.extend((w, segment.end) for w in _words(segment.text))
    matcher = difflib.SequenceMatcher(None, [w for w, _ in flat], words, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    last = blocks[-1]
    return flat[last.a + last.size - 1][1]


def clip_bounds(span: tuple[float, float], duration: float | None) -> tuple[float, float]:
    """A span padded, kept within the recording, in whole milliseconds."""
    start = max(0.0, span[0] - PAD_BEFORE)
    end = span[1] + PAD_AFTER
    if duration is not None:
        end = min(end, duration)
    return round(start, 3), round(max(end, start + 0.1), 3)


class Ffmpeg:
    """One ffmpeg executable: what it can tell about a recording, and cutting clips."""

    def __init__(self, executable: str | None = None) -> None:
        executable = executable or find_ffmpeg()
        if executable is None:
            raise BuildError(Problem("ffmpeg is needed to cut audio clips", hint=INSTALL_HINT))
        self.executable = executable
        self._version: str | None = None

    @property
    def version(self) -> str:
        if self._version is None:
            result = self._run(["-version"])
            self._version = (result.stdout.splitlines() or ["?"])[0]
        return self._version

    def _run(self, args: list[str]) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(
                [self.executable, "-nostdin", "-hide_banner", *args],
                capture_output=True,
                text=True,
                errors="replace",
                check=False,
            )
        except OSError as exc:
            raise BuildError(
                Problem(f"could not run ffmpeg ({self.executable}): {exc}", hint=INSTALL_HINT)
            ) from exc

    def duration(self, media: Path) -> float | None:
        """The recording's length; raises BuildError when ffmpeg finds no audio in it."""
        result = self._run(["-i", str(media)])
        text = result.stderr
        if not re.search(r"Stream #\S+.*: Audio:", text):
            opening = re.search(r"Error opening input: (.+)", text)
            detail = opening.group(1).strip() if opening else "it has no audio stream"
            raise BuildError.at(
                f"ffmpeg cannot read the audio of this file: {detail}",
                media,
                hint="give an audio or video recording (mp3, m4a, opus, webm, wav, mp4), "
                "or leave clips out with --no-media",
            )
        match = _DURATION.search(text)
        if not match:
            return None
        hours, minutes, seconds = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)

    def cut(self, media: Path, start: float, end: float) -> bytes:
        """The stretch [start, end) of the recording as mono MP3 bytes, bit-exact."""
        with temporary_folder("clip") as tmp:
            out = Path(tmp) / "clip.mp3"
            result = self._run(
                [
                    *("-loglevel", "error", "-ss", f"{start:.3f}", "-t", f"{end - start:.3f}"),
                    *("-i", str(media), "-map", "0:a:0", "-vn", "-sn", "-dn"),
                    *("-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "libmp3lame", "-b:a", BITRATE),
                    *("-map_metadata", "-1", "-map_chapters", "-1"),
                    *("-fflags", "+bitexact", "-flags:a", "+bitexact"),
                    *("-id3v2_version", "0", "-write_id3v1", "0", "-threads", "1"),
                    *("-f", "mp3", "-y", str(out)),
                ]
            )
            if result.returncode != 0 or not out.is_file():
                lines = [line for line in result.stderr.splitlines() if line.strip()]
                raise BuildError.at(
                    f"ffmpeg could not cut {format_clock(start)}–{format_clock(end)}: "
                    + (lines[-1].strip() if lines else f"exit status {result.returncode}"),
                    media,
                    hint="check that the file plays, or leave clips out with --no-media",
                )
            return out.read_bytes()


def media_digest(path: Path, cache: Cache) -> str:
    """The recording's content hash; remembered by size and modification time, so a
    long recording is read once, not on every build."""
    stat = path.stat()
    key = key_for(
        "media-digest",
        {"path": str(path), "size": stat.st_size, "mtime": stat.st_mtime_ns, "inode": stat.st_ino},
    )
    known = cache.get(key)
    if isinstance(known, str):
        return known
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    value = digest.hexdigest()
    cache.put(key, value)
    return value


@dataclass(frozen=True)
class _Job:
    card: Card
    media: Path
    digest: str
    start: float
    end: float


def make_clips(
    cards_file: CardsFile,
    cards: Sequence[Card],
    *,
    cache: Cache | None = None,
    ffmpeg: Ffmpeg | None = None,
    jobs: int | None = None,
) -> dict[str, Clip]:
    """The clip of each timed card in ``cards`` whose source names a recording, by card
    id. Raises BuildError listing every problem (missing or unreadable recording,
    a card time past its end, ffmpeg missing or failing). What a killed build left
    in the temporary folder is removed first."""
    remove_killed_runs_folders()
    with_media = [
        c
        for c in cards
        if c.time is not None and c.source and cards_file.source_by_id[c.source].media
    ]
    if not with_media:
        return {}
    cache = cache if cache is not None else Cache()
    ffmpeg = ffmpeg or Ffmpeg()
    todo, problems = _plan(cards_file, with_media, cache, ffmpeg)
    if problems:
        raise BuildError(*problems)
    clips: dict[str, Clip] = {}
    missing: list[tuple[_Job, str]] = []
    for job in todo:
        key = key_for(
            "clip",
            {
                "media": job.digest,
                "start": job.start,
                "end": job.end,
                "settings": SETTINGS,
                "ffmpeg": ffmpeg.version,
            },
        )
        data = cache.get(key)
        if isinstance(data, bytes):
            clips[job.card.id] = _clip(job, data)
        else:
            missing.append((job, key))

    def cut(item: tuple[_Job, str]) -> bytes:
        job, key = item
        data = ffmpeg.cut(job.media, job.start, job.end)
        cache.put(key, data)  # as each is done, so a failure later keeps the others
        return data

    workers = max(1, min(jobs or os.cpu_count() or 1, 8, len(missing) or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for (job, _), data in zip(missing, pool.map(cut, missing), strict=True):
            clips[job.card.id] = _clip(job, data)
    return clips


def _clip(job: _Job, data: bytes) -> Clip:
    name = f"deckgen-{hashlib.sha256(data).hexdigest()[:24]}.mp3"
    return Clip(job.card.id, name, data, job.start, job.end)


def _plan(
    cards_file: CardsFile, cards: list[Card], cache: Cache, ffmpeg: Ffmpeg
) -> tuple[list[_Job], list[Problem]]:
    """Each card's job, with its span; the problems of the recordings and the times."""
    jobs: list[_Job] = []
    problems: list[Problem] = []
    recordings: dict[str, tuple[Path, str, float | None, list[Segment]] | None] = {}
    for card in cards:
        source = cards_file.source_by_id[card.source]
        if source.id not in recordings:
            try:
                recordings[source.id] = _recording(cards_file, source, cache, ffmpeg)
            except DeckgenError as error:
                problems.extend(error.problems)
                recordings[source.id] = None
        recording = recordings[source.id]
        if recording is None:
            continue
        media, digest, duration, segments = recording
        assert card.time is not None
        if duration is not None and card.time >= duration:
            problems.append(
                Problem(
                    f"time {card.time_text} is past the end of the recording "
                    f"{source.media} ({format_clock(duration)})",
                    str(cards_file.path),
                    card.line,
                    card.id,
                    hint="check the time, or the source's media:",
                )
            )
            continue
        start, end = clip_bounds(quote_span(card.time, card.quote, segments), duration)
        jobs.append(_Job(card, media, digest, start, end))
    return jobs, problems


def _recording(
    cards_file: CardsFile, source: Source, cache: Cache, ffmpeg: Ffmpeg
) -> tuple[Path, str, float | None, list[Segment]]:
    """A source's recording: its path, content hash, length, and the transcript's
    segments (none when the transcript is not at hand)."""
    media = cards_file.media_path(source)
    assert media is not None
    where = {"path": str(cards_file.path), "line": source.line}
    if not media.is_file():
        raise BuildError(
            Problem(
                f"the recording '{source.media}' of source '{source.id}' is not there",
                where["path"],
                where["line"],
                hint="fix its 'media:' (a path relative to cards.yaml), or leave clips out with --no-media",
            )
        )
    try:
        digest = media_digest(media, cache)
    except OSError as exc:
        raise BuildError(
            Problem(
                f"cannot read the recording '{source.media}' of source '{source.id}': "
                f"{exc.strerror or exc}",
                where["path"],
                where["line"],
                hint="check the file's permissions, or leave clips out with --no-media",
            )
        ) from exc
    duration = ffmpeg.duration(media)
    segments: list[Segment] = []
    transcript = cards_file.source_path(source)
    if transcript is not None and transcript.is_file():
        try:
            segments = list(load_document(transcript).segments)
        except DeckgenError:
            segments = []  # 'deckgen sources' reports an unreadable transcript
    return media, digest, duration, segments
