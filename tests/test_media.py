"""deckgen.media and audio in the deck: clips cut from a recording the tests make with
ffmpeg (a tone per transcript segment), imported into a real Anki collection."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen import media
from deckgen.build import build_deck
from deckgen.cards import load_cards
from deckgen.cli import cli
from deckgen.document import Segment
from deckgen.errors import BuildError
from deckgen.media import PAD_AFTER, PAD_BEFORE, clip_bounds, find_ffmpeg, quote_span
from tests.conftest import import_apkg

FFMPEG = find_ffmpeg()
needs_ffmpeg = pytest.mark.skipif(
    FFMPEG is None, reason="ffmpeg (pip install '.[test]' brings imageio-ffmpeg)"
)

# (start, end, text, tone in Hz): the recording plays each segment's tone over its span.
SEGMENTS = [
    (1.0, 3.5, "Energy is the whole story here.", 300),
    (4.0, 7.0, "The brain runs on twenty watts of power,", 500),
    (7.0, 9.0, "which is less than a light bulb.", 700),
    (10.0, 12.0, "Chips are different.", 900),
]
LENGTH = 14.0
SRT = "".join(
    f"{n}\n00:00:{int(a):02d},{int(a * 1000) % 1000:03d} --> "
    f"00:00:{int(b):02d},{int(b * 1000) % 1000:03d}\n{text}\n\n"
    for n, (a, b, text, _) in enumerate(SEGMENTS, 1)
)
CARDS = """\
deck: {name: Audio, id: 1700000042}
sources:
  talk:
    title: The talk
    file: talk.srt
    media: talk.mp3
  notes: {title: Notes, kind: summary}
cards:
  - id: energy
    front: What is the whole story?
    back: Energy.
    source: talk
    time: 00:00:01
    quote: Energy is the whole story here.
  - id: brain
    type: cloze
    text: The brain runs on {{c1::twenty watts}}.
    source: talk
    time: 00:00:04
    quote: The brain runs on twenty watts of power, which is less than a light bulb.
  - id: chips
    front: Are chips the same?
    back: No.
    source: talk
    time: 00:00:10
  - id: untimed
    front: Untimed?
    back: Yes.
    source: talk
  - id: mine
    front: From the notes?
    back: Yes.
    source: notes
"""
# Each timed card's clip, by the span rule: the quote's segments, padded.
EXPECTED = {
    "energy": (1.0 - PAD_BEFORE, 3.5 + PAD_AFTER),
    "brain": (4.0 - PAD_BEFORE, 9.0 + PAD_AFTER),
    "chips": (10.0 - PAD_BEFORE, 12.0 + PAD_AFTER),
}


def make_recording(path: Path, segments=SEGMENTS, length: float = LENGTH) -> None:
    """A recording with each segment's tone over its span and silence elsewhere."""
    expression = "+".join(
        f"between(t,{a},{b - 0.001})*0.5*sin(2*PI*{hz}*t)" for a, b, _, hz in segments
    )
    subprocess.run(
        [
            *(FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i"),
            *(f"aevalsrc='{expression}':s=16000:d={length}", "-ac", "1", "-b:a", "64k", str(path)),
        ],
        check=True,
    )


def decoded_seconds(data: bytes, tmp_path: Path) -> float:
    clip = tmp_path / "measure.mp3"
    clip.write_bytes(data)
    pcm = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(clip), "-f", "s16le", "-ac", "1", "-ar", "24000", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return len(pcm) / 2 / 24000


def loudest_tone(data: bytes, tmp_path: Path) -> int:
    """The segment tone that dominates a clip (by a Goertzel filter per tone)."""
    import array
    import math

    clip = tmp_path / "tone.mp3"
    clip.write_bytes(data)
    samples = array.array(
        "h",
        subprocess.run(
            [FFMPEG, "-v", "error", "-i", str(clip), "-f", "s16le", "-ac", "1", "-ar", "8000", "-"],
            check=True,
            capture_output=True,
        ).stdout,
    )

    def power(hz: int) -> float:
        coefficient = 2 * math.cos(2 * math.pi * hz / 8000)
        s1 = s2 = 0.0
        for x in samples:
            s1, s2 = x + coefficient * s1 - s2, s1
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2

    return max((hz for *_, hz in SEGMENTS), key=power)


def make_talk(folder: Path) -> Path:
    """``folder`` with cards.yaml, the transcript and its recording."""
    folder.mkdir()
    (folder / "talk.srt").write_text(SRT, encoding="utf-8")
    (folder / "cards.yaml").write_text(CARDS, encoding="utf-8")
    make_recording(folder / "talk.mp3")
    return folder


@pytest.fixture
def talk(tmp_path: Path) -> Path:
    return make_talk(tmp_path / "talk")


# -- the span rule


SEGS = [Segment(a, b, text) for a, b, text, _ in SEGMENTS]


@pytest.mark.parametrize(
    ("time", "quote", "span"),
    [
        (1.0, "Energy is the whole story here.", (1.0, 3.5)),
        (4.0, "The brain runs on twenty watts of power, which is less than a light bulb.", (4, 9)),
        (4.0, "the brain runs on twenty watts", (4.0, 7.0)),  # ends in its last segment
        (10.0, None, (10.0, 12.0)),  # no quote: the segment at its time
        (3.5, "the brain runs on", (4.0, 7.0)),  # the segment starting in that second
        (5.0, "the brain runs", (5.0, 7.0)),  # mid-segment: the card's time
    ],
)
def test_quote_span_ends_where_the_quotes_words_end(time, quote, span):
    assert quote_span(time, quote, SEGS) == pytest.approx(span)


def test_quote_span_ends_with_the_last_word_where_words_are_timed():
    from deckgen.document import Word

    said = "the brain runs on twenty watts of power"
    words = tuple(Word(4.0 + i * 0.4, 4.3 + i * 0.4, w) for i, w in enumerate(said.split()))
    segments = [Segment(4.0, 12.0, said + " and more words after it", words)]
    assert quote_span(4.0, "The brain runs on twenty watts.", segments) == pytest.approx(
        (4.0, 4.3 + 5 * 0.4)
    )


def test_quote_span_without_a_transcript_goes_by_the_words():
    ten_words = "one two three four five six seven eight nine ten"
    assert quote_span(30.0, ten_words, []) == (30.0, 34.0)
    assert quote_span(30.0, "short", []) == (30.0, 32.0)
    assert quote_span(30.0, "word " * 200, []) == (30.0, 30.0 + media.MAX_SPAN)
    # Words the transcript does not hold count at the same pace.
    assert quote_span(1.0, ten_words, SEGS) == (1.0, 5.0)


def test_clip_bounds_pad_and_stay_in_the_recording():
    assert clip_bounds((0.1, 3.0), 20.0) == (0.0, 3.5)
    assert clip_bounds((10.0, 12.0), 12.2) == (9.7, 12.2)
    assert clip_bounds((10.0, 12.0), None) == (9.7, 12.5)


# -- finding ffmpeg


def test_an_ffmpeg_on_path_comes_first_then_the_wheels(tmp_path: Path, monkeypatch):
    import sys

    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_ffmpeg() == str(fake)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    wheel = pytest.importorskip("imageio_ffmpeg")
    assert find_ffmpeg() == wheel.get_ffmpeg_exe()
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # not installed
    assert find_ffmpeg() is None


# -- cutting and the deck


@needs_ffmpeg
def test_clips_span_their_quotes_and_hold_their_segments_sound(talk: Path, tmp_path: Path):
    cards_file = load_cards(talk / "cards.yaml")
    clips = media.make_clips(cards_file, cards_file.active_cards)
    assert set(clips) == set(EXPECTED)
    for card_id, (start, end) in EXPECTED.items():
        clip = clips[card_id]
        assert (clip.start, clip.end) == pytest.approx((start, end))
        assert decoded_seconds(clip.data, tmp_path) == pytest.approx(end - start, abs=0.3)
    assert loudest_tone(clips["energy"].data, tmp_path) == 300
    assert loudest_tone(clips["chips"].data, tmp_path) == 900
    assert clips["brain"].name != clips["energy"].name
    assert all(c.name.startswith("deckgen-") and c.name.endswith(".mp3") for c in clips.values())


@needs_ffmpeg
@pytest.mark.parametrize(
    ("name", "codec"),
    [
        ("talk.m4a", ["-c:a", "aac"]),
        ("talk.opus", ["-c:a", "libopus"]),
        ("talk.webm", ["-c:a", "libopus"]),
        ("talk.wav", ["-c:a", "pcm_s16le"]),
        ("talk.mp4", ["-c:a", "aac", "-c:v", "mpeg4"]),  # a video: its sound is cut
    ],
)
def test_clips_from_each_kind_of_recording(talk: Path, tmp_path: Path, name: str, codec: list):
    video = ["-f", "lavfi", "-i", f"testsrc=duration={LENGTH}:size=32x32:rate=5"]
    subprocess.run(
        [
            *(FFMPEG, "-v", "error", "-y", "-i", str(talk / "talk.mp3")),
            *(video if name.endswith(".mp4") else []),
            *codec,
            str(talk / name),
        ],
        check=True,
    )
    text = (talk / "cards.yaml").read_text(encoding="utf-8")
    (talk / "cards.yaml").write_text(text.replace("talk.mp3", name), encoding="utf-8")
    cards_file = load_cards(talk / "cards.yaml")
    clips = media.make_clips(cards_file, cards_file.active_cards)
    for card_id, (start, end) in EXPECTED.items():
        assert decoded_seconds(clips[card_id].data, tmp_path) == pytest.approx(end - start, abs=0.3)
    assert loudest_tone(clips["energy"].data, tmp_path) == 300
    assert loudest_tone(clips["chips"].data, tmp_path) == 900


@needs_ffmpeg
def test_a_cut_is_bit_exact_and_a_rebuild_cuts_nothing(talk: Path, tmp_path: Path, monkeypatch):
    ffmpeg = media.Ffmpeg()
    first = ffmpeg.cut(talk / "talk.mp3", 0.7, 4.0)
    assert ffmpeg.cut(talk / "talk.mp3", 0.7, 4.0) == first
    cards_file = load_cards(talk / "cards.yaml")
    cache = media.Cache(folder=tmp_path / "cache")
    made = media.make_clips(cards_file, cards_file.active_cards, cache=cache)

    def no_cutting(*args):
        raise AssertionError("a cached clip was cut again")

    monkeypatch.setattr(media.Ffmpeg, "cut", no_cutting)
    again = media.make_clips(cards_file, cards_file.active_cards, cache=cache)
    assert again == made


@needs_ffmpeg
def test_the_deck_plays_each_clip_on_the_answer_in_anki(talk: Path, collection, tmp_path: Path):
    from anki.sound import SoundOrVideoTag

    cards_file = load_cards(talk / "cards.yaml")
    apkg = tmp_path / "deck.apkg"
    report = build_deck(cards_file, apkg)
    assert report.clips == 3
    assert "with 3 audio clips" in report.summary()
    import_apkg(collection, apkg)
    media_dir = Path(collection.media.dir())
    by_id = {}
    for note_id in collection.find_notes(""):
        note = collection.get_note(note_id)
        by_id[note["Id"]] = note
    assert set(by_id) == {"energy", "brain", "chips", "untimed", "mine"}
    for card_id, (start, end) in EXPECTED.items():
        note = by_id[card_id]
        card = note.cards()[0]
        sounds = [t.filename for t in card.answer_av_tags() if isinstance(t, SoundOrVideoTag)]
        assert len(sounds) == 1, card_id
        assert card.question_av_tags() == []
        data = (media_dir / sounds[0]).read_bytes()
        assert decoded_seconds(data, tmp_path) == pytest.approx(end - start, abs=0.3)
    for card_id in ("untimed", "mine"):
        assert by_id[card_id].cards()[0].answer_av_tags() == []
        assert "[sound:" not in by_id[card_id]["Quote"]
    assert "Energy is the whole story here." in by_id["energy"]["Quote"]


@needs_ffmpeg
def test_two_builds_are_byte_identical_also_from_a_fresh_cache(
    talk: Path, tmp_path: Path, monkeypatch
):
    cards_file = load_cards(talk / "cards.yaml")
    build_deck(cards_file, tmp_path / "a.apkg")
    build_deck(cards_file, tmp_path / "b.apkg")
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(tmp_path / "fresh-cache"))
    build_deck(cards_file, tmp_path / "c.apkg")
    first = (tmp_path / "a.apkg").read_bytes()
    assert first == (tmp_path / "b.apkg").read_bytes() == (tmp_path / "c.apkg").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.apkg") as archive:
        names = archive.namelist()
    assert names == ["collection.anki2", "0", "1", "2", "media"]


@needs_ffmpeg
def test_no_media_builds_the_deck_as_without_a_recording(talk: Path, tmp_path: Path):
    result = CliRunner().invoke(
        cli, ["build", "--cards", str(talk / "cards.yaml"), "-o", str(tmp_path / "d.apkg")]
    )
    assert result.exit_code == 0, result.output
    assert "with 3 audio clips" in result.output
    (talk / "talk.mp3").unlink()
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--no-media",
            "--cards",
            str(talk / "cards.yaml"),
            "-o",
            str(tmp_path / "e.apkg"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "audio" not in result.output
    with zipfile.ZipFile(tmp_path / "e.apkg") as archive:
        assert archive.namelist() == ["collection.anki2", "media"]
        assert archive.read("media") == b"{}"


# -- bad input: one clean line each


def build_lines(talk: Path, tmp_path: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(
        cli, ["build", "--cards", str(talk / "cards.yaml"), "-o", str(tmp_path / "x.apkg")]
    )
    return result.exit_code, result.output.splitlines()


def test_without_ffmpeg_a_deck_with_media_fails_with_how_to_install(
    talk: Path, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(media, "find_ffmpeg", lambda: None)
    assert build_lines(talk, tmp_path) == (
        1,
        [
            "error: ffmpeg is needed to cut audio clips (install it with pip install "
            "'deckgen[audio]' (or put ffmpeg on PATH), or leave clips out with --no-media)"
        ],
    )
    assert not (tmp_path / "x.apkg").exists()


def test_without_ffmpeg_a_deck_without_media_builds(talk: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(media, "find_ffmpeg", lambda: None)
    (talk / "cards.yaml").write_text(CARDS.replace("    media: talk.mp3\n", ""), encoding="utf-8")
    code, lines = build_lines(talk, tmp_path)
    assert code == 0 and lines[-1].startswith("Wrote 5 cards")


@needs_ffmpeg
def test_a_missing_recording_is_one_line(talk: Path, tmp_path: Path):
    (talk / "talk.mp3").unlink()
    assert build_lines(talk, tmp_path) == (
        1,
        [
            f"{talk / 'cards.yaml'}:3: the recording 'talk.mp3' of source 'talk' is not there "
            "(fix its 'media:' (a path relative to cards.yaml), or leave clips out with --no-media)"
        ],
    )


@needs_ffmpeg
def test_a_file_ffmpeg_cannot_decode_is_one_line(talk: Path, tmp_path: Path):
    (talk / "talk.mp3").write_bytes(b"this is not a recording\n" * 10)
    code, lines = build_lines(talk, tmp_path)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"{(talk / 'talk.mp3').resolve()}: ffmpeg cannot read the audio")
    assert "Invalid data" in lines[0] and "--no-media" in lines[0]


@needs_ffmpeg
def test_a_video_without_sound_is_one_line(talk: Path, tmp_path: Path):
    subprocess.run(
        [
            *(FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=2:size=32x32"),
            *("-c:v", "mpeg4", str(talk / "talk.mp4")),
        ],
        check=True,
    )
    text = (talk / "cards.yaml").read_text(encoding="utf-8")
    (talk / "cards.yaml").write_text(text.replace("talk.mp3", "talk.mp4"), encoding="utf-8")
    code, lines = build_lines(talk, tmp_path)
    assert (code, len(lines)) == (1, 1)
    assert "ffmpeg cannot read the audio of this file: it has no audio stream" in lines[0]


@needs_ffmpeg
def test_a_time_past_the_end_of_the_recording_is_one_line_per_card(talk: Path, tmp_path: Path):
    make_recording(talk / "talk.mp3", SEGMENTS[:1], length=4.0)
    code, lines = build_lines(talk, tmp_path)
    assert code == 1
    assert lines == [
        f"{talk / 'cards.yaml'}:{line}: card '{card}': time 00:00:{second:02d} is past the end "
        "of the recording talk.mp3 (00:00:04) (check the time, or the source's media:)"
        for line, card, second in ((15, "brain", 4), (21, "chips", 10))
    ]


def test_make_clips_needs_nothing_when_no_source_has_media(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(media, "find_ffmpeg", lambda: None)
    (tmp_path / "cards.yaml").write_text(CARDS.replace("    media: talk.mp3\n", ""), "utf-8")
    cards_file = load_cards(tmp_path / "cards.yaml")
    assert media.make_clips(cards_file, cards_file.active_cards) == {}
    with pytest.raises(BuildError):
        media.Ffmpeg()


@needs_ffmpeg
def test_adding_a_recording_later_updates_the_notes_in_anki(talk: Path, collection, tmp_path: Path):
    from anki.sound import SoundOrVideoTag

    cards_file = load_cards(talk / "cards.yaml")
    build_deck(cards_file, tmp_path / "plain.apkg", media=False)
    import_apkg(collection, tmp_path / "plain.apkg")
    assert all(not collection.get_card(c).answer_av_tags() for c in collection.find_cards(""))
    with_clips = tmp_path / "clips.apkg"
    build_deck(cards_file, with_clips)
    log = import_apkg(collection, with_clips)
    assert len(log.updated) == 3 and not log.new
    for card_id in EXPECTED:
        (note_id,) = collection.find_notes(f"Id:{card_id}")
        card = collection.get_note(note_id).cards()[0]
        (tag,) = card.answer_av_tags()
        assert isinstance(tag, SoundOrVideoTag)
        assert (Path(collection.media.dir()) / tag.filename).is_file()
    # A card's time moved: a new clip, under a new name.
    text = (talk / "cards.yaml").read_text(encoding="utf-8")
    (talk / "cards.yaml").write_text(text.replace("time: 00:00:10", "time: 00:00:07"), "utf-8")
    before = media.make_clips(cards_file, cards_file.active_cards)["chips"]
    moved = load_cards(talk / "cards.yaml")
    after = media.make_clips(moved, moved.active_cards)["chips"]
    assert after.name != before.name and after.start == pytest.approx(7.0 - PAD_BEFORE)


@needs_ffmpeg
def test_an_unreadable_recording_is_one_line(talk: Path, tmp_path: Path, monkeypatch):
    # Root reads any file, so the refusal the OS would give is raised where it is read.
    def refuse(path: Path, cache) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(media, "media_digest", refuse)
    assert build_lines(talk, tmp_path) == (
        1,
        [
            f"{talk / 'cards.yaml'}:3: cannot read the recording 'talk.mp3' of source 'talk': "
            "Permission denied (check the file's permissions, or leave clips out with --no-media)"
        ],
    )


@needs_ffmpeg
def test_a_killed_media_build_leaves_folders_the_next_build_removes(
    talk: Path, tmp_path: Path, monkeypatch
):
    # Issue 27 item 8: kill -9 during a build left deckgen-clip-* folders for ever.
    import os
    import sys
    import tempfile

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    dead = int(gone.stdout)
    for name in (f"deckgen-clip-{dead}-x1", f"deckgen-build-{dead}-x2"):
        (temp / name).mkdir()
        (temp / name / "clip.mp3").write_bytes(b"half")
    live = temp / f"deckgen-clip-{os.getppid()}-x3"  # a process that is running
    live.mkdir()
    seen = []
    real_run = media.Ffmpeg._run

    def run(self, args):
        seen.extend(p.name for p in temp.iterdir() if p.name.startswith("deckgen-clip-"))
        return real_run(self, args)

    monkeypatch.setattr(media.Ffmpeg, "_run", run)
    cards_file = load_cards(talk / "cards.yaml")
    assert media.make_clips(
        cards_file, cards_file.active_cards, cache=media.Cache(folder=tmp_path / "c")
    )
    # Each cut's folder names this process, so that a later run can tell it is stale.
    assert any(name.startswith(f"deckgen-clip-{os.getpid()}-") for name in seen)
    assert sorted(p.name for p in temp.iterdir()) == [live.name]


def test_check_reports_a_missing_recording_as_build_does(talk: Path):
    # Issue 27 item 11: check said 'no problems' and build then refused.
    (talk / "talk.mp3").unlink()
    result = CliRunner().invoke(cli, ["check", "--cards", str(talk / "cards.yaml")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{talk / 'cards.yaml'}:3: the recording 'talk.mp3' of source 'talk' is not there "
        "(fix its 'media:' (a path relative to cards.yaml), or leave clips out with --no-media)"
    ]
