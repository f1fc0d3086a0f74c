"""Peer test suites: webvtt-py's and the srt package's public caption fixtures, run
through ``deckgen sources``. Every file either parses (with the segment count and the
first and last times read off the file itself) or fails with one line naming the file
and, where there is one, the line. Never a traceback, never a summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from deckgen.cli import cli
from deckgen.document import TRANSCRIPT
from deckgen.sources import load_document
from tests.conftest import FIXTURES

PEERS = FIXTURES / "peers"

# name: (format, segments, first start, last end) for a file that parses, or the error
# after "FILE" (":LINE: message" or ": message") for one that must not.
# The counts and times are read off the files: a cue with no text is no segment; a
# cue whose end is before its start ends where it starts (webvtt-py's sample.sbv).
EXPECTED: dict[str, tuple[str, int, float, float] | str] = {
    # webvtt-py 0.6.0 tests/samples
    "webvtt-py/captions_with_bom.vtt": ("vtt", 4, 0.5, 21.58),
    "webvtt-py/comments.vtt": ("vtt", 3, 135.0, 150.0),
    "webvtt-py/cue_tags.vtt": ("vtt", 3, 16.5, 21.5),
    "webvtt-py/empty.vtt": ": the file is empty",
    "webvtt-py/invalid.vtt": ":1: a WebVTT file must start with 'WEBVTT'",
    "webvtt-py/invalid_format.sbv": ":1: caption text with no timing line above it",
    "webvtt-py/invalid_format1.srt": ": no SRT cue with speech found",
    "webvtt-py/invalid_format2.srt": ": no SRT cue with speech found",
    "webvtt-py/invalid_format3.srt": ":1: cue 1 has no timing line",
    "webvtt-py/invalid_format4.srt": ":1: text before the first cue: 'some text'",
    "webvtt-py/invalid_timeframe.sbv": ":7: malformed time in '0:00:13.f89,0:00:15.489'",
    "webvtt-py/invalid_timeframe.srt": ":6: malformed time in '00:00:07,000 --> 00:00:11:890'",
    "webvtt-py/invalid_timeframe.vtt": ":6: malformed time in '00:00:07.000 --> 00:00:1d.890'",
    # A timing line in a cue's text starts a new cue (as the WebVTT spec parses it).
    "webvtt-py/invalid_timeframe_in_cue_text.vtt": ("vtt", 3, 0.5, 16.32),
    "webvtt-py/metadata_headers.vtt": ("vtt", 2, 0.5, 11.89),
    "webvtt-py/metadata_headers_multiline.vtt": ("vtt", 2, 0.5, 11.89),
    "webvtt-py/missing_caption_text.sbv": ("sbv", 4, 0.378, 17.484),
    "webvtt-py/missing_caption_text.srt": ("srt", 4, 0.5, 23.88),
    "webvtt-py/missing_caption_text.vtt": ("vtt", 4, 0.5, 23.88),
    "webvtt-py/missing_timeframe.sbv": ":4: caption text with no timing line above it",
    "webvtt-py/missing_timeframe.srt": ":5: cue 2 has no timing line",
    "webvtt-py/missing_timeframe.vtt": ":6: text with no cue timing: 'Caption text #2'",
    # 865 cues: 37 hold only sounds ([truenos], [llora]...), one repeats the one before.
    "webvtt-py/netflix_chicas_del_cable.vtt": ("vtt", 827, 7.96, 3148.6),
    "webvtt-py/no_captions.vtt": ": no WebVTT cue with speech found",
    "webvtt-py/non_padded_timestamps.vtt": ("vtt", 3, 0.0, 3727.95),
    "webvtt-py/one_caption.srt": ("srt", 1, 0.5, 7.0),
    "webvtt-py/one_caption.vtt": ("vtt", 1, 0.5, 7.0),
    "webvtt-py/regions.vtt": ("vtt", 2, 0.0, 22.5),
    "webvtt-py/sample.sbv": ("sbv", 5, 0.378, 17.484),
    "webvtt-py/sample.srt": ("srt", 5, 0.5, 23.88),
    "webvtt-py/sample.vtt": ("vtt", 16, 0.5, 64.3),
    "webvtt-py/styles.vtt": ("vtt", 1, 0.0, 10.0),
    # Six cues, two of them only '---'; <font> tags (SRT) and cue settings (WebVTT) go.
    "webvtt-py/styles_colours.srt": ("srt", 4, 7.12, 149.28),
    "webvtt-py/styles_colours.vtt": ("vtt", 4, 7.12, 149.28),
    "webvtt-py/styles_with_comments.vtt": ("vtt", 1, 0.0, 10.0),
    "webvtt-py/two_captions.sbv": ("sbv", 2, 0.378, 12.305),
    "webvtt-py/using_identifiers.vtt": ("vtt", 6, 0.5, 27.28),
    "webvtt-py/youtube_dl.vtt": ("vtt", 3, 286.07, 305.4),
    # srt 3.5.3 srt_tools/tests/files and the repository's tests/srt_samples
    "srt/ascii.srt": ("srt", 3, 27.0, 36.57),
    "srt/gb2312.srt": ":3: not UTF-8 text (convert the file to UTF-8)",
    "srt/monsters.srt": ("srt", 3, 1897.894, 1903.435),
    "srt/monsters-win.srt": ("srt", 3, 1897.894, 1903.435),
    # Two seconds out of order: an overlap, read as it is.
    "srt/monsters-bad-order.srt": ("srt", 3, 1899.931, 1903.435),
    # A blank line inside each cue: the English line after it stays in its cue.
    "srt/monsters-bad-newline.srt": ("srt", 3, 1897.894, 1903.435),
}

PEER_FILES = sorted(
    str(p.relative_to(PEERS))
    for p in PEERS.glob("*/*")
    if p.name not in ("LICENSE", "PROVENANCE.md")
)


def test_every_peer_fixture_has_an_expectation():
    assert sorted(EXPECTED) == PEER_FILES
    assert len(PEER_FILES) == 44


@pytest.mark.parametrize("name", PEER_FILES)
def test_peer_fixture(name: str):
    path = PEERS / name
    result = CliRunner().invoke(cli, ["sources", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    expected = EXPECTED[name]
    if isinstance(expected, str):
        assert result.exit_code == 1
        assert result.output.startswith(f"{path}{expected}")
        assert result.output.count("\n") == 1
        return
    assert result.exit_code == 0, result.output
    fmt, count, first, last = expected
    doc = load_document(path)
    assert (doc.format, doc.kind, len(doc.segments)) == (fmt, TRANSCRIPT, count)
    assert (doc.segments[0].start, doc.segments[-1].end) == (first, last)
    row = result.output.splitlines()[1].split()
    assert row[:2] == [str(path), fmt] and row[4] == str(count)


def test_the_peer_suite_in_numbers():
    """The numbers the report gives: how many parse, how many are errors."""
    parsed = [n for n, e in EXPECTED.items() if not isinstance(e, str)]
    errors = [n for n, e in EXPECTED.items() if isinstance(e, str)]
    assert (len(parsed), len(errors)) == (29, 15)
    assert not any(Path(n).suffix not in (".vtt", ".srt", ".sbv") for n in EXPECTED)
