"""yt-dlp's companion files: NAME.info.json and the recording beside NAME.LANG.EXT."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deckgen.document import Chapter
from deckgen.sources import load_document
from deckgen.sources.ytdlp import (
    AUTO,
    MANUAL,
    caption_kind,
    find_companions,
    prefer_manual,
    read_info,
    split_name,
    with_chapters,
)

YTDLP = Path(__file__).parent / "fixtures" / "ytdlp"


def downloaded(folder: Path, name: str = "talk", *, info: str = "talk.info.json", media=".m4a"):
    """A folder as yt-dlp leaves it: NAME.en.vtt, NAME.en-orig.vtt, NAME.info.json and
    the recording NAME.EXT (a stand-in: extraction never opens it)."""
    shutil.copy(YTDLP / "talk.en.vtt", folder / f"{name}.en.vtt")
    shutil.copy(YTDLP / "talk.en-orig.vtt", folder / f"{name}.en-orig.vtt")
    if info:
        shutil.copy(YTDLP / info, folder / f"{name}.info.json")
    if media:
        (folder / f"{name}{media}").write_bytes(b"\x00not really audio")
    return folder / f"{name}.en.vtt"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("talk.en.vtt", ("talk", "en")),
        ("talk.en-orig.vtt", ("talk", "en-orig")),
        ("My talk [dQw4w9WgXcQ].en-US.json3", ("My talk [dQw4w9WgXcQ]", "en-US")),
        ("a.b.zh-Hans.srv3", ("a.b", "zh-Hans")),
        ("talk.vtt", None),  # no language: not yt-dlp's name
        ("talk.en.txt", None),  # not a caption format yt-dlp writes
        (".en.vtt", None),
        ("talk.english-version.vtt", None),
    ],
)
def test_split_name(name: str, expected):
    split = split_name(Path("/x") / name)
    assert (None if split is None else (split[0].name, split[1])) == expected


def test_the_real_info_json_from_yt_dlp():
    info = read_info(YTDLP / "yt-dlp-emyi4z-O0ls.info.json")
    assert info.problems == ()
    assert info.title == "How to outsmart the Prisoner’s Dilemma - Lucas Husted"
    assert info.url == "https://www.youtube.com/watch?v=emyi4z-O0ls"
    assert info.channel == "TED-Ed"
    assert info.duration == 344
    assert info.chapters[:2] == (Chapter(0.0, "Intro"), Chapter(60.0, "The Prisoners Dilemma"))
    assert len(info.chapters) == 7
    assert info.manual == frozenset() and info.auto == {"en", "fr"}


def test_another_extractors_info_json_gives_what_it_can_and_names_the_rest():
    info = read_info(YTDLP / "other-extractor.info.json")
    assert (info.title, info.url, info.duration) == (None, None, None)
    assert info.channel == "Example Studio"  # uploader, for want of a channel
    assert info.chapters == (Chapter(0.0, "Opening"),)
    assert info.warning == (
        f"{YTDLP / 'other-extractor.info.json'}: ignored 'webpage_url' (not an http or "
        "https address), 'duration' (not a number of seconds), chapter 2 (no 'start_time'), "
        "chapter 3 (no 'title')"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "not valid JSON (line 1)"),  # partial.info.json: a download cut off
        (b"[1, 2]", "not yt-dlp's info (a JSON object)"),
        (b"\xff\xfe\x00broken", "not UTF-8 text"),
        (b"{}", None),
    ],
)
def test_a_broken_info_json_is_a_warning_never_an_error(tmp_path: Path, content, problem):
    path = tmp_path / "talk.info.json"
    if content is None:
        shutil.copy(YTDLP / "partial.info.json", path)
    else:
        path.write_bytes(content)
    info = read_info(path)
    if problem is None:
        assert info.warning == f"{path}: ignored no 'title', no 'webpage_url'"
    else:
        assert info.warning == f"{path}: {problem}; nothing taken from it"
        assert (info.title, info.url, info.chapters) == (None, None, ())


def test_companions_by_yt_dlps_names(tmp_path: Path):
    caption = downloaded(tmp_path)
    (tmp_path / "talk.mp4").write_bytes(b"video")  # the audio is preferred to the video
    (tmp_path / "talk.f251.webm").write_bytes(b"a format kept with -k: not the recording")
    found = find_companions(caption)
    assert found is not None
    assert found.media == tmp_path / "talk.m4a"
    assert found.info.title == "Tokenization, from the ground up"
    assert found.lang == "en"
    assert found.taken() == (
        f"{caption}: yt-dlp's files: title, url, channel 'Example Talks', duration "
        "00:02:30, 3 chapters from talk.info.json; recording talk.m4a"
    )
    assert found.taken(title=False, media=False) == (
        f"{caption}: yt-dlp's files: title (--title wins), url, channel 'Example Talks', "
        "duration 00:02:30, 3 chapters from talk.info.json; recording talk.m4a (--media wins)"
    )


def test_no_companions_without_yt_dlps_names(tmp_path: Path):
    shutil.copy(YTDLP / "talk.en.vtt", tmp_path / "talk.vtt")
    shutil.copy(YTDLP / "talk.info.json", tmp_path / "talk.info.json")
    (tmp_path / "talk.m4a").write_bytes(b"audio")
    assert find_companions(tmp_path / "talk.vtt") is None
    shutil.copy(YTDLP / "talk.en.vtt", tmp_path / "other.en.vtt")
    assert find_companions(tmp_path / "other.en.vtt") is None


def test_the_recording_alone_is_a_companion(tmp_path: Path):
    caption = downloaded(tmp_path, info="", media=".opus")
    found = find_companions(caption)
    assert (found.info, found.media) == (None, tmp_path / "talk.opus")
    assert found.taken() == f"{caption}: yt-dlp's files: recording talk.opus"


def test_the_videos_chapters_and_length_join_the_document(tmp_path: Path):
    caption = downloaded(tmp_path)
    doc = load_document(caption)
    assert doc.chapters == () and doc.duration == 135.0
    joined = with_chapters(doc, find_companions(caption))
    assert [c.title for c in joined.chapters] == ["Introduction", "Training data", "Wrap-up"]
    assert joined.duration == 150.0
    assert joined.segments == doc.segments
    assert with_chapters(doc, None) is doc


def test_manual_or_auto_generated(tmp_path: Path):
    caption = downloaded(tmp_path)
    auto = tmp_path / "talk.en-orig.vtt"
    # From the info.json's lists.
    assert caption_kind(find_companions(caption)) == MANUAL
    assert caption_kind(find_companions(auto)) == AUTO
    # Without it: '-orig' is speech recognition; else the content's word-time tags say so.
    (tmp_path / "talk.info.json").unlink()
    assert caption_kind(auto) == AUTO
    assert caption_kind(caption) is None
    shutil.copy(auto, tmp_path / "talk.en-GB.vtt")
    assert caption_kind(tmp_path / "talk.en-GB.vtt") == AUTO


def test_manual_captions_are_preferred_for_the_same_video(tmp_path: Path):
    caption = downloaded(tmp_path)
    auto = tmp_path / "talk.en-orig.vtt"
    other = downloaded(tmp_path, name="other")
    for given in ([auto, caption], [caption, auto]):
        choice = prefer_manual([*given, other])
        assert choice.paths == (caption, other)
        assert choice.notes == (
            f"{auto}: left out: auto-generated captions of the same video as talk.en.vtt "
            "(made by people), which is read instead",
        )
    # Another language of the same video is another source.
    shutil.copy(YTDLP / "talk.en.vtt", tmp_path / "talk.de.vtt")
    assert prefer_manual([caption, tmp_path / "talk.de.vtt"]).paths == (
        caption,
        tmp_path / "talk.de.vtt",
    )


def test_of_two_auto_generated_tracks_the_spoken_language_is_read(tmp_path: Path):
    downloaded(tmp_path, info="")
    auto_en = tmp_path / "talk.en.vtt"
    shutil.copy(YTDLP / "talk.en-orig.vtt", auto_en)  # YouTube's 'en' auto track
    orig = tmp_path / "talk.en-orig.vtt"
    choice = prefer_manual([auto_en, orig])
    assert choice.paths == (orig,)
    assert choice.notes == (
        f"{auto_en}: left out: auto-generated captions of the same video as talk.en-orig.vtt "
        "(auto-generated), which is read instead",
    )


def test_youtube_auto_captions_never_repeat_a_sentence():
    """Each cue shows the line before it again, a 10 ms cue repeats the last line, and
    words carry time tags: every word is read once, in order, timed by its first cue."""
    auto = load_document(YTDLP / "talk.en-orig.vtt")
    assert auto.text == (
        "welcome to the show today we talk about tokenization a tokenizer splits text into "
        "about 50,000 pieces called tokens most of the strange behaviour comes from "
        "tokenization the second part is about training on 15 trillion tokens of web text "
        "thanks for listening"
    )
    assert [s.start for s in auto.segments] == [1.0, 2.5, 4.0, 6.5, 9.0, 65.0, 67.5, 130.0]
    # The 10 ms repeat extends the line it repeats, and adds nothing.
    assert auto.segments[-3].end == 67.5 and auto.segments[-2].end == 70.01
