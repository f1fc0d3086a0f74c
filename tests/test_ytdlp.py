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
    assert [c.title for c in joined.chapters] == ["Introduction", "Pretraining corpora", "Wrap-up"]
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


# -- deckgen extract, sources and preview on what yt-dlp downloaded


def run(*args: str):
    from click.testing import CliRunner

    from deckgen.cli import cli

    return CliRunner().invoke(cli, list(args))


def extract(cards: Path, *args: str):
    return run("extract", "--model", "none", "--cards", str(cards), *args)


def test_extract_takes_title_url_and_recording_from_yt_dlps_files(tmp_path: Path):
    from deckgen.cards import load_cards

    caption = downloaded(tmp_path)
    auto = tmp_path / "talk.en-orig.vtt"
    cards = tmp_path / "cards.yaml"
    result = extract(cards, str(caption), str(auto))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{caption}: yt-dlp's files: title, url, channel 'Example Talks', duration 00:02:30, "
        "3 chapters from talk.info.json; recording talk.m4a",
        f"{caption}: 3 new cards as 'talk-en' (new source)",
        f"Created {cards}: 3 cards added",
    ]
    assert f"note: {auto}: left out: auto-generated captions of the same video as " in (
        result.stderr
    )
    cards_file = load_cards(cards)
    (source,) = cards_file.sources
    assert (source.title, source.url, source.media, source.file) == (
        "Tokenization, from the ground up",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "talk.m4a",
        "talk.en.vtt",
    )
    assert cards_file.deck.name == "Tokenization, from the ground up"
    # Every card links to its second of the video.
    from deckgen.build import note_specs

    links = [spec.fields[5] for spec in note_specs(cards_file)]
    assert links and all("watch?v=dQw4w9WgXcQ&amp;t=" in link for link in links)
    # Again: nothing new, and the source is not registered twice.
    again = extract(cards, str(caption), str(auto))
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[-1] == f"{cards} unchanged: no new cards"
    assert "yt-dlp's files" not in again.stdout


def test_the_command_line_wins_over_yt_dlps_files(tmp_path: Path):
    from deckgen.cards import load_cards

    caption = downloaded(tmp_path)
    mine = tmp_path / "mine.mp3"
    mine.write_bytes(b"audio")
    cards = tmp_path / "cards.yaml"
    result = extract(
        cards, "--title", "My title", "--url", "https://v.example/1", "--media", str(mine),
        str(caption),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        f"{caption}: yt-dlp's files: title (--title wins), url (--url wins), channel "
        "'Example Talks', duration 00:02:30, 3 chapters from talk.info.json; recording "
        "talk.m4a (--media wins)"
    )
    (source,) = load_cards(cards).sources
    assert (source.title, source.url, source.media) == (
        "My title",
        "https://v.example/1",
        "mine.mp3",
    )
    assert load_cards(cards).deck.name == "My title"


@pytest.mark.parametrize("info", ["partial.info.json", "other-extractor.info.json"])
def test_a_broken_info_json_never_stops_extraction(tmp_path: Path, info: str):
    from deckgen.cards import load_cards

    caption = downloaded(tmp_path, info=info, media="")
    cards = tmp_path / "cards.yaml"
    result = extract(cards, str(caption))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "talk.info.json" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"warning: {caption}: {tmp_path / 'talk.info.json'}: ")
    (source,) = load_cards(cards).sources
    assert source.title == "Talk.en"  # from the file name, as without the info.json
    assert source.url is None and source.media is None
    assert f"{caption}: 3 new cards as 'talk-en' (new source)" in result.stdout


def test_sources_shows_the_videos_chapters_and_what_comes_from_where(tmp_path: Path):
    caption = downloaded(tmp_path)
    result = run("sources", str(caption))
    assert result.exit_code == 0, result.output
    table, taken = result.stdout.splitlines()[1:]
    assert table.split()[-1] == "3"
    assert taken.startswith(f"{caption}: yt-dlp's files: title, url, ")


def test_a_summary_claim_takes_the_videos_chapter(tmp_path: Path):
    """With no passage of the talk saying it and no chapters of its own, a summary
    claim gets the start of the video's chapter whose title it shares a word with."""
    from deckgen.align import Alignment
    from deckgen.reconcile import with_chapter

    caption = downloaded(tmp_path)
    summary = tmp_path / "notes.md"
    summary.write_text(
        "Notes.\n\nThe pretraining corpora mix books and code in equal parts.\n", encoding="utf-8"
    )
    summary_doc = load_document(summary)
    talk = with_chapters(load_document(caption), find_companions(caption))
    text = "The pretraining corpora mix books and code in equal parts."
    found = with_chapter(Alignment("none"), text, summary_doc, talk)
    assert (found.kind, found.time, found.chapter) == ("chapter", 60.0, "Pretraining corpora")
    # Without the video's chapters, none.
    plain = load_document(caption)
    assert with_chapter(Alignment("none"), text, summary_doc, plain).kind == "none"


def test_the_preview_timeline_shows_the_videos_chapters(tmp_path: Path):
    from deckgen.cards import load_cards
    from deckgen.preview import preview_data

    caption = downloaded(tmp_path)
    cards = tmp_path / "cards.yaml"
    assert extract(cards, str(caption)).exit_code == 0
    (source,) = preview_data(load_cards(cards))["sources"]
    assert source["length"] == 150.0
    assert [(c["start"], c["title"]) for c in source["chapters"]] == [
        (0.0, "Introduction"),
        (60.0, "Pretraining corpora"),
        (120.0, "Wrap-up"),
    ]
    result = run("preview", "--no-media", "--cards", str(cards), "-o", str(tmp_path / "p.html"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert '"title": "Pretraining corpora"' in page and ".timeline .chapter" in page


def test_extract_gives_a_summary_claim_the_videos_chapter(tmp_path: Path):
    from deckgen.cards import load_cards

    caption = downloaded(tmp_path)
    notes = tmp_path / "notes.md"
    notes.write_text(
        "Notes.\n\nThe pretraining corpora mix 40 percent books with 60 percent code.\n",
        encoding="utf-8",
    )
    cards = tmp_path / "cards.yaml"
    assert extract(cards, str(caption)).exit_code == 0
    result = extract(cards, "--summary-of", "talk-en", str(notes))
    assert result.exit_code == 0, result.output
    (card,) = [c for c in load_cards(cards).cards if c.source == "notes"]
    assert card.time == 60.0  # "Pretraining corpora", the video's chapter at 00:01:00


def test_the_chapters_render_on_the_timeline_in_a_browser(tmp_path: Path):
    from tests.test_preview import find_browser, headless

    if find_browser() is None:
        pytest.skip("no Chromium or Chrome found on PATH (.ci/run installs Debian's chromium)")
    caption = downloaded(tmp_path)
    cards = tmp_path / "cards.yaml"
    assert extract(cards, str(caption)).exit_code == 0
    page = tmp_path / "p.html"
    assert run("preview", "--no-media", "--cards", str(cards), "-o", str(page)).exit_code == 0
    dom = headless(page, tmp_path, "--dump-dom")
    assert dom.count('<span class="chapter" title="') == 3
    assert 'title="00:01:00 · Pretraining corpora" style="left:40.000%"' in dom
    assert (
        "Chapters: 00:00:00 Introduction · 00:01:00 Pretraining corpora · 00:02:00 Wrap-up" in dom
    )
