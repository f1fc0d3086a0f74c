"""YouTube's XML timed text, as yt-dlp writes it (``srv1``, ``srv2``, ``srv3``).

- srv1: ``<transcript><text start="1.5" dur="2.0">text</text></transcript>``, in seconds;
- srv2: ``<timedtext><text t="1500" d="2000">text</text></timedtext>``, in milliseconds;
- srv3: ``<timedtext format="3"><body><p t="1500" d="2000">text</p></body></timedtext>``,
  in milliseconds; auto-captions time each word as ``<s t="240">word</s>`` (an offset
  from the paragraph's start), and those times are kept.
"""

from __future__ import annotations

import math
import re

from deckgen.document import TRANSCRIPT, Document, Word
from deckgen.sources.common import RawSegment, Text, XmlNode, parse_xml, timed_document

FORMAT = "srv"
KIND = TRANSCRIPT
LABEL = "YouTube timed text (srv1/srv2/srv3)"
SHAPE = 'srv3 looks like <timedtext format="3"><body><p t="1500" d="2000">text</p>...'

_ROOT = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(timedtext|transcript)[\s>/]", re.S
)
_TAG = re.compile(r"<[^>\n]*>")  # srv1 text may hold escaped HTML such as <i>


def looks_like(source: Text) -> bool:
    return bool(_ROOT.match(source.content[:4096]))


def _number(node: XmlNode, name: str, per_second: float) -> float | None:
    value = node.attrs.get(name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number / per_second if math.isfinite(number) else None


def _times(source: Text, node: XmlNode) -> tuple[float, float]:
    """Start and end of a ``<p>`` or ``<text>``: t/d in milliseconds or start/dur in seconds."""
    # Milliseconds are divided, not multiplied by 0.001: 3725401 ms is 3725.401 s exactly.
    if "t" in node.attrs or "start" not in node.attrs:
        start, duration = _number(node, "t", 1000), _number(node, "d", 1000)
        shape = 't="1500" d="2000" (milliseconds)'
    else:
        start, duration = _number(node, "start", 1.0), _number(node, "dur", 1.0)
        shape = 'start="1.5" dur="2.0" (seconds)'
    if "d" not in node.attrs and "dur" not in node.attrs and start is not None:
        duration = 0.0
    if start is None or duration is None:
        raise source.error(f"<{node.tag}> needs times like {shape}", node.line, hint=SHAPE)
    return start, start + duration


def parse(source: Text, title: str) -> Document:
    root = parse_xml(source)
    if root.tag not in ("timedtext", "transcript"):
        raise source.error(f"the root element is <{root.tag}>, not <timedtext>", root.line)
    raw: list[RawSegment] = []
    for node in root.iter("p", "text"):
        start, end = _times(source, node)
        words: tuple[Word, ...] = ()
        spans = [c for c in node.children if isinstance(c, XmlNode) and c.tag == "s"]
        if spans and any("t" in s.attrs for s in spans):
            timed = []
            for span in spans:
                offset = _number(span, "t", 1000) or 0.0
                text = span.text().strip()
                if text:
                    timed.append((round(start + offset, 3), text))
            words = tuple(
                Word(at, max(at, timed[i + 1][0] if i + 1 < len(timed) else end), text)
                for i, (at, text) in enumerate(timed)
            )
        text = _TAG.sub(" ", node.text()).replace("\n", " ")
        raw.append(RawSegment(start, end, text, node.line, words))
    return timed_document(source, FORMAT, title, raw)
