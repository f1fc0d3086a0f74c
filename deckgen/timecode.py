"""Parsing and formatting of talk times (``H:MM:SS``, ``HH:MM:SS``, ``MM:SS``)."""

from __future__ import annotations

import re

# Any number of hours: one long transcript (a season in one file) runs past 99.
CLOCK_PATTERN = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")


def parse_clock(text: str) -> float:
    """Seconds in a clock time such as ``1:02:03``, ``00:13:10`` or ``13:10.5``.

    Raises ValueError with a reason when the text is not such a time.
    """
    match = CLOCK_PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a time like 00:13:10, 0:13:10 or 13:10")
    hours, minutes, seconds, fraction = match.groups()
    if hours is not None and int(minutes) > 59:
        raise ValueError(f"'{text}' has {minutes} minutes; minutes go up to 59")
    if int(seconds) > 59:
        raise ValueError(f"'{text}' has {seconds} seconds; seconds go up to 59")
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if fraction:
        total += int(fraction) / 10 ** len(fraction)
    return float(total)


def format_clock(seconds: float) -> str:
    """``HH:MM:SS`` for a number of seconds (fractions are dropped, never rounded up:
    a card's time must not be after the words are spoken)."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
