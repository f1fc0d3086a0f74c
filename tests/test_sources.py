"""deckgen.sources: every format and quirk, the real corpus, and robustness."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deckgen.document import SUMMARY, TRANSCRIPT, Chapter
from deckgen.errors import DeckgenError, SourceError
from deckgen.sources import FORMATS, load_document, parse_bytes
from deckgen.sources.common import clean_speech
from tests.conftest import CORPUS, FIXTURES, ROOT

SOURCES = FIXTURES / "sources"
LECTURES = CORPUS / "karpathy-lectures"
needs_corpus = pytest.mark.skipif(
    not LECTURES.is_dir(), reason="../shared/corpus is not beside this checkout"
)


def texts(path: Path, **kwargs) -> list[str]:
    return [s.text for s in load_document(path, **kwargs).segments]


def test_timestamped_page():
    doc = load_document(SOURCES / "page.txt")
    assert (doc.format, doc.kind) == ("timestamped-page", TRANSCRIPT)
    assert doc.title == "Making AI accessible with Andrej Karpathy and Stephanie Zhan"
    assert [(s.start, s.text) for s in doc.segments] == [
        (3.12, "I'm thrilled to introduce our next speaker,"),
        (790.76, "So my brain is 20 watts, roughly."),  # the repeat is dropped
        (793.22, "Jensen was just talking at GTC about the massive supercomputers"),
        (797.0, "that they're going to be building now."),
    ]
    assert doc.segments[1].end == 793.22  # ends where the next line starts


def test_srt_quirks():
    doc = load_document(SOURCES / "quirks.srt")
    assert doc.format == "srt"
    assert [(s.start, s.end, s.text) for s in doc.segments] == [
        (1.0, 3.5, "Welcome back, Andrej."),
        (3.5, 6.0, "Thank you. Great to be here & ready."),
        (6.0, 9.25, "My brain is 20 watts, roughly."),
        (3723.0, 3725.0, "After the hour."),
    ]


def test_vtt_hours_ids_notes_styles_and_tags():
    doc = load_document(SOURCES / "hours.vtt")
    assert doc.format == "vtt"
    assert [(s.start, s.end, s.text) for s in doc.segments] == [
        (0.0, 4.38, "Hello, my name is Andrej."),
        (4.38, 9.12, "and in this lecture I'd like to show you"),
        (3598.0, 3602.5, "this cue crosses the hour"),
        (3602.5, 3605.0, "and this one is after it."),
    ]


def test_vtt_youtube_rolling_captions_collapse_to_one_copy():
    doc = load_document(SOURCES / "youtube.vtt")
    assert " ".join(s.text for s in doc.segments) == (
        "so today we talk about tokenization in depth which is hairy"
    )
    assert [s.start for s in doc.segments] == [0.0, 2.8, 5.13]


def test_whisper_json_with_words():
    doc = load_document(SOURCES / "words.json")
    assert doc.format == "whisper-json"
    assert [s.text for s in doc.segments] == ["Hi everyone.", "Scale matters."]
    first, second = doc.segments
    assert [(w.start, w.text) for w in first.words] == [(0.5, "Hi"), (0.9, "everyone.")]
    # The non-speech word is dropped; the others keep their times.
    assert [(w.start, w.text) for w in second.words] == [(3.1, "Scale"), (3.6, "matters")]


def test_whisper_json_without_words_allows_small_overlaps():
    doc = load_document(SOURCES / "nowords.json")
    assert [(s.start, s.end) for s in doc.segments] == [(0.0, 4.2), (4.0, 7.5)]
    assert doc.segments[0].words == ()


def test_whisper_tsv_milliseconds_and_entities():
    doc = load_document(SOURCES / "segments.tsv")
    assert doc.format == "whisper-tsv"
    assert [(s.start, s.end, s.text) for s in doc.segments] == [
        (0.0, 4.32, "Hi everyone. So in this video,"),
        (4.32, 10.04, "let's talk about tokenization and tabs."),
        (10.04, 14.02, '"Tokenization" is hairy.'),
    ]


def test_whisper_console_skips_warnings():
    doc = load_document(SOURCES / "console.txt")
    assert doc.format == "whisper-console"
    assert next((s.start, s.text) for s in doc.segments) == (
        0.72,
        "Hi everyone. Today we are continuing our implementation of MakeMore.",
    )
    assert doc.segments[-1].start == 3603.5
    assert len(doc.segments) == 4


def test_whisper_plain_text_is_an_untimed_transcript():
    doc = load_document(SOURCES / "plain.txt")
    assert (doc.format, doc.kind, doc.segments, doc.duration) == (
        "whisper-txt",
        TRANSCRIPT,
        (),
        None,
    )
    assert doc.paragraphs[1] == "Andrej Karpathy Hi, everyone."
    assert "[MUSIC]" not in doc.text


def test_markdown_summary_with_every_chapter_form():
    doc = load_document(SOURCES / "summary.md")
    assert (doc.format, doc.kind) == ("summary", SUMMARY)
    assert doc.title == "A talk about transformers"
    assert doc.chapters == (
        Chapter(0, "Introduction"),
        Chapter(5 * 60 + 43, "Origin of life"),
        Chapter(14 * 60 + 55, "Interstellar travel"),
        Chapter(35 * 60 + 1, "Transformers"),
        Chapter(3600 + 8 * 60 + 52, "Software 2.0"),
        Chapter(2 * 3600 + 56 * 60 + 29, "Humor as a benchmark"),
    )
    assert doc.paragraphs == (
        "Some key ideas from the talk, with a link. This line is hard-wrapped and continues "
        "the paragraph.",
        "The transformer is a differentiable computer.",
        "It is expressive, optimizable and efficient.",
        "A paragraph that a blank line cuts in the middle of a sentence, which continues here.",
    )


def test_format_can_be_forced():
    doc = load_document(SOURCES / "plain.txt", format="summary")
    assert doc.kind == SUMMARY
    with pytest.raises(SourceError) as info:
        load_document(SOURCES / "plain.txt", format="srt")
    assert str(info.value) == (
        f"{SOURCES / 'plain.txt'}: no timed speech found for format srt "
        "(check the file, or leave out --format to let deckgen detect it)"
    )


def test_extension_is_only_a_hint(tmp_path: Path):
    misnamed = tmp_path / "talk.srt"
    misnamed.write_bytes((SOURCES / "youtube.vtt").read_bytes())
    assert load_document(misnamed).format == "vtt"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "empty.txt: the file is empty"),
        ("binary.bin", "binary.bin: this is a binary file, not a transcript or summary"),
        ("backwards.srt", "backwards.srt:6: time goes backwards (from 600.0s to 60.0s)"),
        ("negative.json", "negative.json: segment 1: negative time"),
        ("malformed.vtt", "malformed.vtt:6: malformed time in '00:02.000 --> 00:xx.000'"),
    ],
)
def test_bad_input_is_one_clear_error(name: str, message: str):
    with pytest.raises(SourceError) as info:
        load_document(SOURCES / name)
    assert str(info.value).startswith(f"{SOURCES / name}"[: -len(name)] + message)
    assert len(info.value.problems) == 1


def test_undecodable_text_names_the_line():
    with pytest.raises(SourceError) as info:
        parse_bytes(b"WEBVTT\n\nok\n\xff\xfe broken", "x.vtt")
    assert str(info.value) == "x.vtt:4: not UTF-8 text (convert the file to UTF-8)"


def test_utf16_with_bom():
    data = (SOURCES / "segments.tsv").read_text().encode("utf-16")
    assert parse_bytes(data, "x.tsv").format == "whisper-tsv"


def test_clean_speech():
    assert clean_speech("[MUSIC PLAYING] So (laughs) it&#39;s ♪ fine (really)") == (
        "So it's fine (really)"
    )


# -- the four seeds


def test_seeds_load_with_the_right_kind():
    seeds = ROOT / "seeds"
    kinds = {p.name: load_document(p).kind for p in seeds.iterdir()}
    assert kinds == {
        "sequoia-transcript.txt": TRANSCRIPT,
        "sequoia-summary.txt": SUMMARY,
        "no-priors-summary.txt": SUMMARY,
        "lex-fridman-333-summary.txt": SUMMARY,
    }
    transcript = load_document(seeds / "sequoia-transcript.txt")
    assert transcript.format == "timestamped-page"
    brain = next(s for s in transcript.segments if "brain is 20 watts" in s.text)
    assert brain.start == 13 * 60 + 10.76
    assert not any("Transcript Only Page" in s.text for s in transcript.segments)
    assert not any("APPLAUSE" in s.text or "applauding" in s.text for s in transcript.segments)


def test_lex_fridman_seed_has_its_34_chapters():
    doc = load_document(ROOT / "seeds" / "lex-fridman-333-summary.txt")
    assert len(doc.chapters) == 34
    assert doc.chapters[0] == Chapter(0.0, "Neural Networks: Simple Math, Surprising Behaviors")
    assert doc.chapters[-1].start == 3 * 3600 + 23 * 60 + 33
    assert doc.chapters[23] == Chapter(
        2 * 3600 + 24 * 60 + 50, "The Future of Programming: Copilot and Beyond"
    )
    assert [c.start for c in doc.chapters] == sorted(c.start for c in doc.chapters)
    assert doc.title.startswith("Andrej Karpathy (OpenAI Founding Member)")
    assert any(
        p.startswith("Karpathy expresses concern over AIs") and "Revisiting AI basics" in p
        for p in doc.paragraphs
    )


# -- the real corpus

# Lengths of the YouTube videos (PROVENANCE.md lists them).
LECTURE_LENGTHS = {
    "stateofGPT": 42 * 60 + 40,
    "micrograd": 2 * 3600 + 25 * 60 + 52,
    "makemore1": 3600 + 57 * 60 + 45,
    "makemore2": 3600 + 15 * 60 + 40,
    "nanoGPT": 3600 + 56 * 60 + 20,
    "minbpe": 2 * 3600 + 13 * 60 + 35,
}


@needs_corpus
@pytest.mark.parametrize(
    "name",
    [
        "makemore1.srt",
        "makemore2.whisper-stdout.txt",
        "micrograd.vtt",
        "minbpe.tsv",
        "nanoGPT.json",
        "stateofGPT.json",
        "stateofGPT.srt",
        "stateofGPT.tsv",
        "stateofGPT.txt",
        "stateofGPT.vtt",
        "stateofGPT.whisper-stdout.txt",
    ],
)
def test_every_lecture_loads(name: str):
    doc = load_document(LECTURES / name)
    assert doc.kind == TRANSCRIPT
    if name.endswith(".txt") and "whisper-stdout" not in name:
        assert doc.format == "whisper-txt" and doc.word_count > 8000
        return
    starts = [s.start for s in doc.segments]
    assert starts == sorted(starts)  # times never decrease
    real = LECTURE_LENGTHS[name.split(".")[0]]
    assert abs(doc.duration - real) <= 0.01 * real
    assert all(s.end >= s.start for s in doc.segments)


@needs_corpus
def test_one_talk_in_four_formats_gives_the_same_words_and_times():
    docs = {
        ext: load_document(LECTURES / f"stateofGPT.{ext}") for ext in ("json", "srt", "vtt", "tsv")
    }
    reference = docs["json"]
    for ext, doc in docs.items():
        assert doc.text.split() == reference.text.split(), ext
        assert len(doc.segments) == len(reference.segments), ext
        for ours, theirs in zip(doc.segments, reference.segments, strict=True):
            assert abs(ours.start - theirs.start) <= 0.1, (ext, ours)
            assert abs(ours.end - theirs.end) <= 0.1, (ext, ours)
        assert abs(doc.duration - reference.duration) <= 0.1


# -- robustness


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), fmt=st.sampled_from([None, *FORMATS]))
def test_arbitrary_bytes_raise_only_our_error(data: bytes, fmt: str | None):
    with contextlib.suppress(DeckgenError):
        parse_bytes(data, "fuzz.bin", fmt)


_TIMEY = st.sampled_from(
    [
        "WEBVTT\n",
        "1\n",
        "00:00:01,000 --> 00:00:02,000\n",
        "00:01.000 --> 00:02.000\n",
        "[00:01.000 --> 00:02.000]  hi\n",
        "00:00:01.000 | hi\n",
        "start\tend\ttext\n",
        "10\t20\tx\n",
        '{"segments": [',
        '{"start": 1, "end": 2, "text": "a"}',
        "]}",
        "\n",
        "NOTE\n",
        "- ",
        "(35:01) Title\n",
        "# Head\n",
        "99:99:99\n",
        "-5\t3\tx\n",
        "<v A>",
        "&amp;",
        "[MUSIC]",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.one_of(_TIMEY, st.text(max_size=30)), max_size=40),
    fmt=st.sampled_from([None, *FORMATS]),
)
def test_arbitrary_text_raises_only_our_error(parts: list[str], fmt: str | None):
    text = "".join(parts)
    try:
        doc = parse_bytes(text.encode("utf-8", "surrogatepass"), "fuzz.txt", fmt)
    except DeckgenError:
        return
    except UnicodeEncodeError:
        return
    starts = [s.start for s in doc.segments]
    assert all(s >= 0 for s in starts)


# -- the caption formats of issue #18: SBV, json3, srv1/2/3, TTML, ASS/SSA

FORMATS_DIR = FIXTURES / "formats"
TALK = [
    (0.5, 4.25, "Hello everyone, and welcome."),
    (4.25, 9.125, "Today we talk about tokenization, which is hairy."),
]


def spans(path: Path) -> list[tuple[float, float, str]]:
    return [(s.start, s.end, s.text) for s in load_document(path).segments]


def test_sbv_to_the_millisecond():
    assert load_document(FORMATS_DIR / "talk.sbv").format == "sbv"
    assert spans(FORMATS_DIR / "talk.sbv") == [
        *TALK,
        (3598.0, 3602.375, "This caption crosses the hour."),
    ]


def test_ass_dialogue_only_tags_and_drawings_removed_in_time_order():
    # The file lists the second line first, a Comment and a drawing: none of that shows.
    assert spans(FORMATS_DIR / "talk.ass") == [
        (0.5, 4.25, "Hello everyone, and welcome."),
        (4.25, 9.13, "Today we talk about tokenization, which is hairy."),
        (3598.0, 3602.37, "This line crosses the hour."),
    ]
    assert load_document(FORMATS_DIR / "talk.ssa").format == "ass"
    assert spans(FORMATS_DIR / "talk.ssa") == [
        (0.5, 4.25, "Hello everyone, and welcome."),
        (4.25, 9.13, "Today we talk about tokenization, which is hairy."),
    ]


def test_ttml_ticks_frames_offsets_and_clock_times():
    doc = load_document(FORMATS_DIR / "talk.ttml")
    assert doc.format == "ttml"
    assert [(s.start, s.end, s.text) for s in doc.segments] == [
        (0.5, 4.25, "Hello everyone, and welcome."),  # 10,000,000 ticks a second
        (4.24, 9.125, "Today we talk about tokenization,"),  # 4 s and 6 frames at 25 fps
        (9.125, 12.0, "which is hairy."),  # begin and dur
        (3598.0, 3602.375, "This cue crosses the hour."),
    ]
    # The span is timed from the media's start, not from its paragraph's begin (as Apple's
    # writers do): read from the paragraph it would begin after the paragraph ends.
    assert [(w.start, w.text) for w in doc.segments[2].words] == [(10.0, "hairy")]


def exactly(seconds: float):
    return pytest.approx(seconds, abs=1e-9)


def test_ttml_times_count_from_the_parent_time_container():
    doc = load_document(FORMATS_DIR / "containment.ttml")
    frame = 30 * 1000 / 1001  # frameRate x frameRateMultiplier
    tick = frame * 2  # no tickRate: frame rate x subFrameRate
    assert [(s.start, s.end, s.text.split()[0]) for s in doc.segments] == [
        # <body begin="10s"><div begin="00:01:00.000" end="00:01:30.000">: from 70 s to 100 s
        (71.0, 74.5, "The"),
        (75.0, 77.0, "Spans"),
        (98.0, 100.0, "No"),  # end="40s" is cut at the division's end
        # <div begin="100s" timeContainer="seq">: each from the end of the one before
        (110.0, 112.0, "In"),
        (112.0, 115.0, "follows"),
        (116.0, 118.0, "and"),
        # <div begin="200s" end="205s"> around a <p begin="1s"> with no end
        (211.0, 215.0, "A"),
        # <div begin="300s">: 45 frames for 90; 1 s, 15 frames and 1 of 2 sub-frames
        (exactly(310 + 45 / frame), exactly(310 + 135 / frame), "Ticks"),
        (exactly(311 + 15.5 / frame), exactly(310 + 5994 / tick), "Frames"),
    ]
    # Spans count from their paragraph's begin (75 s).
    assert [(w.start, w.end, w.text) for w in doc.segments[1].words] == [
        (75.0, 75.5, "Spans"),
        (75.5, 76.0, "count"),
    ]


def test_ttml_ticks_are_seconds_without_a_tick_or_frame_rate():
    doc = parse_bytes(b'<tt><body><p begin="15t" end="17.5s">ticks</p></body></tt>', "t.ttml")
    assert [(s.start, s.end) for s in doc.segments] == [(15.0, 17.5)]
    doc = parse_bytes(
        b'<tt frameRate="25"><body><p begin="50t" end="3s">ticks</p></body></tt>', "t.ttml"
    )
    assert [(s.start, s.end) for s in doc.segments] == [(2.0, 3.0)]


@pytest.mark.parametrize("name", ["talk.json3", "talk.srv3"])
def test_youtube_json3_and_srv3_keep_word_times(name: str):
    doc = load_document(FORMATS_DIR / name)
    assert doc.format == {"talk.json3": "json3", "talk.srv3": "srv"}[name]
    assert [(s.start, s.end, s.text) for s in doc.segments] == [
        (0.12, 4.32, "so today we talk"),
        (2.66, 5.76, "about tokenization"),
        (3725.401, 3728.0, "After the hour & done."),
    ]
    assert [(w.start, w.text) for w in doc.segments[0].words] == [
        (0.12, "so"),
        (0.36, "today"),
        (0.72, "we"),
        (1.0, "talk"),
    ]


def test_real_ttml_and_ass_from_pysubs2_agree():
    ttml = load_document(FORMATS_DIR / "pysubs2-ttml_example.ttml")
    ass = load_document(FORMATS_DIR / "pysubs2-ttml_example.ass")
    assert (ttml.format, ass.format) == ("ttml", "ass")
    assert len(ttml.segments) == len(ass.segments) == 11
    assert [(s.start, s.end, s.text) for s in ttml.segments] == [
        (s.start, s.end, s.text) for s in ass.segments
    ]
    assert ttml.segments[1].text == "that the image formed on the Retina should be inverted?"
    second = load_document(FORMATS_DIR / "pysubs2-ttml_example2.ttml")
    assert (second.segments[0].start, second.segments[-1].end) == (1.375, 50.041)
    assert len(second.segments) == 10


def test_real_srv1_and_srv3():
    srv1 = load_document(FORMATS_DIR / "youtube-transcript-api-transcript.srv1")
    assert [(s.start, s.end, s.text) for s in srv1.segments] == [
        (0.0, 1.54, "Hey, this is just a test"),
        (1.54, 5.7, "this is not the original transcript"),  # escaped <i> removed
        (5.7, 8.939, "just something shorter, I made up for testing"),
    ]
    srv3 = load_document(FORMATS_DIR / "pytube-captions.srv3")
    assert [(s.start, s.text) for s in srv3.segments] == [
        (0.32, "本影片包含隱藏式字幕。"),
        (1.76, "如要啓動字幕，請按一下這裡的圖示。"),
    ]
    assert srv3.segments[1].end == 6.879


# -- detection: subtitles, JSON and XML are never a summary


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("talk.json", '{"text": "hi", "chunks": []}', ": JSON that is neither Whisper JSON"),
        ("talk.json", "Just two words.", ":1: not valid JSON"),
        ("talk.txt", '{"text": "hi", "chunks": []}', ": JSON that is neither Whisper JSON"),
        ("talk.txt", "<?xml version='1.0'?><html/>", ": XML that is neither TTML"),
        ("talk.ttml", "<?xml version='1.0'?>\n<html/>", ": XML that is neither TTML"),
        (
            "talk.ttml",
            "<tt>\n<body><p begin='1'>x</div></body></tt>",
            ":2: not valid XML: mismatched tag",
        ),
        (
            "talk.txt",
            "Intro\n\n00:00:01.000 --> 00:00:02.000\nHi\n",
            ":3: a subtitle cue, but neither WebVTT",
        ),
        ("talk.vtt", "Just two words.", ":1: a WebVTT file must start with 'WEBVTT'"),
        ("talk.srt", "Just two words.", ": no SRT cue with speech found"),
        ("talk.ass", "Just two words.", ": no [Events] section"),
        ("talk.json3", '{"events": 3}', ": JSON that is neither Whisper JSON"),
        ("talk.json3", '{"events": [{"tStartMs": 0, "segs": [1]}]}', ": event 1: each seg"),
        (
            "talk.ttml",
            '<!DOCTYPE tt [<!ENTITY a "aaaa">]><tt/>',
            ":1: XML with a DOCTYPE is not read",
        ),
        ("talk.ttml", '<tt>\n<body><p end="1s">x</p></body></tt>', ":2: <p> has no begin time"),
    ],
)
def test_data_that_is_not_a_transcript_is_an_error(name: str, content: str, message: str):
    with pytest.raises(SourceError) as info:
        parse_bytes(content.encode(), name)
    assert str(info.value).startswith(name + message)
    assert len(info.value.problems) == 1


def test_a_json_that_is_not_whisper_is_not_a_summary():
    # Issue #16: any JSON, whatever the file is called, is data, never a summary's prose.
    data = b'{"title": "A talk", "paragraphs": ["The transformer is a computer."]}'
    for name in ("notes.json", "notes.txt", "notes.md"):
        with pytest.raises(SourceError) as info:
            parse_bytes(data, name)
        assert "JSON that is neither Whisper JSON nor YouTube json3" in str(info.value)


def test_content_wins_over_the_extension_with_a_warning(tmp_path: Path):
    misnamed = tmp_path / "talk.srt"
    misnamed.write_bytes((FORMATS_DIR / "talk.sbv").read_bytes())
    doc = load_document(misnamed)
    assert doc.format == "sbv"
    assert doc.warnings == (f"{misnamed}: the content is SBV, not SRT as '.srt' says; read as SBV",)
    assert load_document(FORMATS_DIR / "talk.sbv").warnings == ()


def test_every_new_format_is_detected_by_content_alone(tmp_path: Path):
    for name, fmt in [
        ("talk.sbv", "sbv"),
        ("talk.json3", "json3"),
        ("talk.srv3", "srv"),
        ("youtube-transcript-api-transcript.srv1", "srv"),
        ("talk.ttml", "ttml"),
        ("talk.ass", "ass"),
        ("talk.ssa", "ass"),
    ]:
        renamed = tmp_path / f"{name}.txt"
        renamed.write_bytes((FORMATS_DIR / name).read_bytes())
        assert load_document(renamed).format == fmt, name


def test_srt_markup_turn_dashes_and_a_blank_line_inside_a_cue():
    doc = parse_bytes(
        b"1\n00:00:01,000 --> 00:00:02,000\n<i>-Hi</i> {\\an8}there\n\n-5 degrees out\n\n"
        b"2\n00:00:02,000 --> 00:00:03,000\n---\n",
        "x.srt",
    )
    assert [s.text for s in doc.segments] == ["Hi there -5 degrees out"]


# -- Issue 27: control characters, deep nesting, JSON Lines


def test_control_characters_never_leave_a_source():
    # Item 5: an escape sequence (here one setting the terminal's title) and other
    # C0/C1 controls are dropped when the source is read; newlines and tabs stay.
    srt = (
        "1\n00:00:01,000 --> 00:00:04,000\n\x1b]0;owned\x07It says that a \x1b[31mbrain\x1b[0m "
        "runs on 20 watts.\x08\n\n2\n00:00:05,000 --> 00:00:08,000\nIt adds\x9b that ants count.\n"
    )
    doc = parse_bytes(srt.encode(), "talk.srt")
    assert [s.text for s in doc.segments] == [
        "It says that a brain runs on 20 watts.",
        "It adds that ants count.",
    ]
    summary = parse_bytes(b"Notes.\n\nThe city\x07 has\t2 million\x1b[2J people.\n", "a.md")
    assert not any(ch < " " and ch not in "\n\t" for ch in "".join(summary.paragraphs))
    assert "2 million people" in summary.text


def test_control_characters_escaped_in_json_are_dropped_too():
    data = b'{"segments": [{"start": 0.0, "end": 2.0, "text": "It says\\u001b]0;x\\u0007 hi."}]}'
    doc = parse_bytes(data, "talk.json")
    assert [s.text for s in doc.segments] == ["It says hi."]


def test_ttml_nested_very_deeply_is_refused_at_once():
    # Item 6: 2.6 MB of nested spans took minutes; now one line within seconds.
    import time

    depth = 130_000
    ttml = (
        '<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="0s" end="9s">'
        + '<span begin="0s">' * depth
        + "word"
        + "</span>" * depth
        + "</p></div></body></tt>"
    )
    assert len(ttml) > 2_500_000
    started = time.monotonic()
    with pytest.raises(SourceError) as info:
        parse_bytes(ttml.encode(), "deep.ttml")
    assert time.monotonic() - started < 10
    assert "nested" in str(info.value) and len(info.value.problems) == 1


def test_ttml_nested_a_little_deeper_than_usual_is_read():
    depth = 50
    ttml = (
        '<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="0s" end="9s">'
        + "<span>" * depth
        + "It says hi."
        + "</span>" * depth
        + "</p></div></body></tt>"
    )
    assert [s.text for s in parse_bytes(ttml.encode(), "ok.ttml").segments] == ["It says hi."]


@pytest.mark.parametrize("name", ["talk.jsonl", "talk.txt", "talk.md", "talk.ndjson"])
def test_json_lines_are_refused_never_read_as_a_summary(name: str):
    # Item 7: each line a JSON object became cards like 'people."} {".'.
    data = b'{"text": "The city has 2.1 million people."}\n{"text": "It rains a lot."}\n'
    with pytest.raises(SourceError) as info:
        parse_bytes(data, name)
    assert len(info.value.problems) == 1
    message = str(info.value)
    assert message.startswith(f"{name}:1: JSON Lines")
    assert "Whisper JSON" in message  # says what deckgen reads instead


def test_a_jsonl_file_of_prose_is_refused_by_its_name():
    with pytest.raises(SourceError) as info:
        parse_bytes(b"The city has 2.1 million people.\n", "talk.jsonl")
    assert "JSON Lines" in str(info.value)
