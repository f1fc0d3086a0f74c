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
