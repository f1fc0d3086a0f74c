"""The two Anki note types deckgen writes. Their names, ids, fields and template names
are FROZEN: Anki will not update notes whose note type's fields or templates were
renamed (the import reports them as conflicts). CSS and template HTML may change; the
build gives the note type a new modification time when they do, so Anki picks it up.

This module holds plain data only, so it can be shared by the deck builder and the
HTML preview without importing genanki.
"""

from __future__ import annotations

from dataclasses import dataclass

BASIC_FIELDS = ("Front", "Back", "Quote", "Source", "Time", "Link", "Id")
CLOZE_FIELDS = ("Text", "Extra", "Quote", "Source", "Time", "Link", "Id")

_FOOTER = """\
{{#Quote}}<blockquote class="dg-quote">{{Quote}}</blockquote>{{/Quote}}
{{#Source}}<div class="dg-source">{{Source}}{{#Time}} · \
{{#Link}}<a class="dg-time" href="{{Link}}">{{Time}}</a>{{/Link}}\
{{^Link}}<span class="dg-time">{{Time}}</span>{{/Link}}{{/Time}}</div>{{/Source}}
<div class="dg-id">{{Id}}</div>"""

CSS = """\
.card {
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue",
    Arial, sans-serif;
  font-size: 20px;
  line-height: 1.5;
  text-align: left;
  color: #1f2328;
  background-color: #fbfbf8;
  padding: 0 4px;
}
.dg-card { max-width: 36em; margin: 0 auto; padding: 0.8em 0; }
.dg-prompt { font-size: 1.15em; font-weight: 600; }
.dg-answer { margin-top: 0.4em; }
.cloze { font-weight: 700; color: #1760c4; }
hr#answer { border: 0; border-top: 1px solid #d0d3d8; margin: 0.9em 0; }
.dg-quote {
  margin: 1em 0 0.6em;
  padding: 0.3em 0 0.3em 0.9em;
  border-left: 4px solid #c9a227;
  color: #4d5156;
  font-style: italic;
  font-size: 0.9em;
}
.dg-quote::before { content: "\\201C"; }
.dg-quote::after { content: "\\201D"; }
.dg-source { font-size: 0.8em; color: #5f6368; }
.dg-time { font-variant-numeric: tabular-nums; }
.dg-source a { color: #1760c4; text-decoration: none; border-bottom: 1px solid currentColor; }
.dg-id { margin-top: 0.9em; font-size: 0.65em; color: #9aa0a6; font-family: ui-monospace, Menlo,
  Consolas, monospace; }
@media (max-width: 600px) {
  .card { font-size: 18px; }
  .dg-card { padding: 0.4em 0; }
}
.card.nightMode, .card.night_mode, .nightMode .card, .night_mode .card {
  color: #e6e6e6;
  background-color: #1e1f22;
}
.nightMode .cloze, .night_mode .cloze { color: #7cb3ff; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #44474d; }
.nightMode .dg-quote, .night_mode .dg-quote { color: #c4c7cc; border-left-color: #b8952a; }
.nightMode .dg-source, .night_mode .dg-source { color: #a8adb3; }
.nightMode .dg-source a, .night_mode .dg-source a { color: #7cb3ff; }
.nightMode .dg-id, .night_mode .dg-id { color: #6b7075; }
"""


@dataclass(frozen=True)
class NoteType:
    id: int
    name: str
    fields: tuple[str, ...]
    template_name: str
    question: str
    answer: str
    is_cloze: bool


BASIC = NoteType(
    id=1736091101,
    name="deckgen basic",
    fields=BASIC_FIELDS,
    template_name="Card",
    question='<div class="dg-card"><div class="dg-prompt">{{Front}}</div></div>',
    answer=(
        '<div class="dg-card"><div class="dg-prompt">{{Front}}</div>\n'
        '<hr id="answer">\n<div class="dg-answer">{{Back}}</div>\n' + _FOOTER + "</div>"
    ),
    is_cloze=False,
)

CLOZE = NoteType(
    id=1736091102,
    name="deckgen cloze",
    fields=CLOZE_FIELDS,
    template_name="Cloze",
    question='<div class="dg-card"><div class="dg-prompt">{{cloze:Text}}</div></div>',
    answer=(
        '<div class="dg-card"><div class="dg-prompt">{{cloze:Text}}</div>\n'
        '{{#Extra}}<div class="dg-answer">{{Extra}}</div>{{/Extra}}\n' + _FOOTER + "</div>"
    ),
    is_cloze=True,
)

NOTE_TYPES = (BASIC, CLOZE)
