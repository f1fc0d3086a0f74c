"""``deckgen preview``: the whole deck as one self-contained HTML page.

Every card is rendered with the deck's own note-type templates and CSS (the same
field values ``deckgen build`` writes), so what the page shows is what Anki shows.
The page needs no network: styles, script and data are all inline. Cards are
rendered in the browser in batches as the reader scrolls, so a deck of thousands of
cards opens at once. A card with an audio clip (deckgen.media) plays it on its back,
where Anki does; the clips are inline too.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import replace
from pathlib import Path

from deckgen.build import NoteSpec, note_specs
from deckgen.cards import Card, CardsFile
from deckgen.errors import DeckgenError
from deckgen.fsutil import write_file
from deckgen.media import Clip, make_clips
from deckgen.notetypes import CSS, NoteType
from deckgen.sources import load_document
from deckgen.sources.ytdlp import find_companions, with_chapters
from deckgen.timecode import format_clock

_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_SECTION = re.compile(r"\{\{([#^])([^}]+)\}\}(.*?)\{\{/\2\}\}", re.DOTALL)
_FIELD = re.compile(r"\{\{([^#^/}][^}]*)\}\}")
_SOUND = re.compile(r"\[sound:(deckgen-[0-9a-f]+\.mp3)\]")
# Any other media tag Anki acts on: a player of a file of the collection, or speech.
_OTHER_MEDIA = re.compile(r"\[(sound:[^\]]*|anki:tts[^\]]*)\](?:(.*?)\[/anki:tts\])?", re.I | re.S)


def cloze_numbers(text: str) -> list[int]:
    return sorted({int(n) for n, _, _ in _CLOZE.findall(text)})


def render_cloze(text: str, active: int, *, reveal: bool) -> str:
    """Anki's cloze rendering: the active deletion hidden (or revealed), others shown."""

    def replace(match: re.Match) -> str:
        number, answer, hint = int(match.group(1)), match.group(2), match.group(3)
        if number != active:
            return answer
        if reveal:
            return f'<span class="cloze">{answer}</span>'
        return f'<span class="cloze">[{hint or "..."}]</span>'

    return _CLOZE.sub(replace, text)


def render_template(
    template: str,
    fields: dict[str, str],
    *,
    cloze: int | None = None,
    reveal: bool = False,
    front_side: str = "",
) -> str:
    """Render one of our note-type templates the way Anki does, for the features our
    templates use: fields, {{#Field}}/{{^Field}} sections, {{cloze:Field}}, {{FrontSide}}."""

    def sections(text: str) -> str:
        def replace(match: re.Match) -> str:
            kind, name, body = match.group(1), match.group(2).strip(), match.group(3)
            filled = bool(fields.get(name, "").strip())
            return sections(body) if filled == (kind == "#") else ""

        previous = None
        while previous != text:
            previous, text = text, _SECTION.sub(replace, text)
        return text

    def field(match: re.Match) -> str:
        name = match.group(1).strip()
        if name == "FrontSide":
            return front_side
        if name.startswith("cloze:"):
            return render_cloze(fields.get(name[6:], ""), cloze or 1, reveal=reveal)
        return fields.get(name, "")

    return _FIELD.sub(field, sections(template))


def _fields(note_type: NoteType, spec: NoteSpec) -> dict[str, str]:
    return dict(zip(note_type.fields, spec.fields, strict=True))


def _player(match: re.Match) -> str:
    """Where Anki shows a play button: an audio player, its clip set by the page's script."""
    return f'<audio class="dg-clip" controls preload="none" data-clip="{match.group(1)}"></audio>'


def _other_player(match: re.Match) -> str:
    """Where Anki would play a file of the collection (or speak): shown as the button
    Anki shows, not as the text deckgen wrote, so that what plays is seen."""
    what = match.group(1)
    label = f"plays {what[6:]}" if what.lower().startswith("sound:") else "speaks"
    return f'<span class="dg-media" title="Anki {label} here">&#9654; {label}</span>'


def _media(value: str) -> str:
    return _OTHER_MEDIA.sub(_other_player, _SOUND.sub(_player, value))


def _sides(spec: NoteSpec) -> list[dict[str, str]]:
    """The card faces Anki makes of a note: one for a basic note, one per cloze number."""
    note_type = spec.note_type
    fields = {name: _media(value) for name, value in _fields(note_type, spec).items()}
    if not note_type.is_cloze:
        front = render_template(note_type.question, fields)
        return [
            {"front": front, "back": render_template(note_type.answer, fields, front_side=front)}
        ]
    faces = []
    for number in cloze_numbers(fields["Text"]) or [1]:
        faces.append(
            {
                "front": render_template(note_type.question, fields, cloze=number),
                "back": render_template(note_type.answer, fields, cloze=number, reveal=True),
            }
        )
    return faces


def _card_data(card: Card, spec: NoteSpec) -> dict:
    return {
        "id": card.id,
        "line": card.line,
        "type": card.type,
        "source": card.source or "",
        "time": card.time,
        "time_text": card.time_text,
        "link": html.unescape(spec.fields[5]) if spec.fields[5] else "",
        "tags": list(spec.tags),
        "skip": card.skip,
        "search": " ".join(
            x for x in (card.id, card.front, card.back, card.text, card.extra, card.quote) if x
        ).lower(),
        "faces": _sides(spec),
    }


def _lengths(cards_file: CardsFile) -> dict[str, tuple[float | None, list[dict]]]:
    """Each source's length and chapters, where its file is at hand and readable (a
    video's chapters and length come from yt-dlp's info.json beside its captions)."""
    lengths: dict[str, tuple[float | None, list[dict]]] = {}
    for source in cards_file.sources:
        path = cards_file.source_path(source)
        length, chapters = None, []
        if path is not None and path.is_file():
            try:
                document = with_chapters(load_document(path), find_companions(path))
            except DeckgenError:
                document = None
            if document is not None:
                length = document.duration
                chapters = [
                    {"start": c.start, "title": c.title, "time_text": format_clock(c.start)}
                    for c in document.chapters
                ]
        lengths[source.id] = (length, chapters)
    return lengths


def preview_data(cards_file: CardsFile, clips: dict[str, Clip] | None = None) -> dict:
    """Everything the page shows, as plain data (JSON-ready). ``clips`` are the cards'
    audio clips by card id (deckgen.media.make_clips)."""
    clips = clips or {}
    sounds = {card_id: clip.name for card_id, clip in clips.items()}
    specs = {spec.card_id: spec for spec in note_specs(cards_file, sounds)}
    # Skipped cards are not in the deck; render them as they would be, to show them greyed.
    skipped = [c for c in cards_file.cards if c.skip]
    if skipped:
        unskipped = CardsFile(
            cards_file.path,
            cards_file.deck,
            cards_file.sources,
            tuple(replace(c, skip=False) for c in skipped),
        )
        for spec in note_specs(unskipped):
            specs.setdefault(spec.card_id, spec)
    order = {s.id: i for i, s in enumerate(cards_file.sources)}
    cards = sorted(
        cards_file.cards,
        key=lambda c: (order.get(c.source, len(order)), c.time is None, c.time or 0, c.line),
    )
    out_cards = [_card_data(card, specs[card.id]) for card in cards]
    lengths = _lengths(cards_file)
    sources = []
    for source in cards_file.sources:
        times = [c.time for c in cards_file.cards if c.source == source.id and c.time is not None]
        length, chapters = lengths.get(source.id, (None, []))
        length = length or (max(times) * 1.05 + 30 if times else None)
        sources.append(
            {
                "id": source.id,
                "title": source.title,
                "url": source.url or "",
                "kind": source.kind,
                "length": length,
                "chapters": chapters,
            }
        )
    if any(not c.source for c in cards_file.cards):
        sources.append(
            {
                "id": "",
                "title": "Cards of your own",
                "url": "",
                "kind": "",
                "length": None,
                "chapters": [],
            }
        )
    return {
        "deck": cards_file.deck.name,
        "file": cards_file.path.name,
        "sources": sources,
        "cards": out_cards,
        "clips": {
            clip.name: base64.b64encode(clip.data).decode("ascii")
            for clip in sorted(clips.values(), key=lambda c: c.name)
        },
    }


def script_json(data: object) -> str:
    """``data`` as JSON safe inside a <script> element: no "<" at all (so no "</script",
    "<!--" or "<script" can change how the HTML parser reads the element), nor "&", ">"
    or the two line separators old JavaScript engines choke on; JSON reads them back."""
    text = json.dumps(data, ensure_ascii=False)
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def write_preview(cards_file: CardsFile, output: Path, *, media: bool = True) -> dict:
    """Write the preview page; return counts for the caller to report. ``media=False``
    leaves out the audio clips."""
    clips = make_clips(cards_file, cards_file.active_cards) if media else {}
    data = preview_data(cards_file, clips)
    payload = script_json(data)
    page = (
        _PAGE.replace("%%TITLE%%", html.escape(f"{data['deck']} · deckgen preview"))
        .replace("%%CARD_CSS%%", CSS)
        .replace("%%DATA%%", payload)
    )
    write_file(output, page.encode("utf-8"), what="the preview")
    return {
        "cards": sum(1 for c in data["cards"] if not c["skip"]),
        "skipped": sum(1 for c in data["cards"] if c["skip"]),
        "sources": len([s for s in data["sources"] if s["id"]]),
        "clips": len(clips),
    }


_PAGE = r"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%%TITLE%%</title>
<style>
/* The deck's own card CSS, as in Anki. */
%%CARD_CSS%%
/* The preview page around the cards. */
:root { color-scheme: light dark; }
body { margin: 0; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif;
  background: #eef0f3; color: #1f2328; }
header { position: sticky; top: 0; z-index: 5; background: #fff; border-bottom: 1px solid #d0d3d8;
  padding: 0.6em 1em; display: flex; flex-wrap: wrap; gap: 0.6em; align-items: center; }
header h1 { font-size: 1.1em; margin: 0 1em 0 0; }
header input[type=search] { flex: 1 1 14em; padding: 0.35em 0.5em; font-size: 1em; }
header select, header label { font-size: 0.95em; }
#count { color: #5f6368; font-size: 0.9em; }
main { max-width: 64em; margin: 0 auto; padding: 1em; }
section.source { margin-bottom: 2em; }
section.source h2 { font-size: 1.15em; margin: 0.4em 0; }
section.source h2 small { font-weight: normal; color: #5f6368; }
.timeline { position: relative; height: 1.6em; background: #dfe3e8; border-radius: 0.4em;
  margin: 0.4em 0 1.8em; }
.timeline .mark { position: absolute; top: 0.2em; width: 4px; height: 1.2em; margin-left: -2px;
  background: #1760c4; border-radius: 2px; cursor: pointer; }
.timeline .mark.skipped { background: #9aa0a6; }
.chapters { margin: 1.6em 0 0; font-size: 0.8em; color: #6b7280; }
.timeline .chapter { position: absolute; top: 0; bottom: 0; border-left: 1px dashed #6b7280; }
.timeline .mark:hover, .timeline .mark:focus { background: #c9a227; outline: none; }
.timeline .end, .timeline .start { position: absolute; top: 1.75em; font-size: 0.75em;
  color: #5f6368; }
.timeline .end { right: 0; }
.timeline .start { left: 0; }
.item { background: #fff; border: 1px solid #d0d3d8; border-radius: 0.6em; margin: 0 0 1em;
  overflow: hidden; }
.item.skipped { opacity: 0.45; }
.item.flash { box-shadow: 0 0 0 3px #c9a227; }
.item .meta { display: flex; gap: 1em; flex-wrap: wrap; font-size: 0.8em; color: #5f6368;
  padding: 0.4em 0.8em; background: #f6f7f9; border-bottom: 1px solid #e3e5e8; }
.item .meta code { color: #1f2328; }
.item .faces { display: grid; grid-template-columns: 1fr 1fr; }
.item .face { border-right: 1px solid #e3e5e8; min-width: 0; }
.item .dg-clip { display: inline-block; vertical-align: middle; height: 2em; width: 16em;
  max-width: 100%; margin: 0.2em 0.3em; }
.item .face:last-child { border-right: 0; }
.item .face > .label { font-size: 0.7em; text-transform: uppercase; letter-spacing: 0.05em;
  color: #9aa0a6; padding: 0.4em 0.8em 0; }
@media (max-width: 700px) { .item .faces { grid-template-columns: 1fr; }
  .item .face { border-right: 0; border-bottom: 1px solid #e3e5e8; } }
@media (prefers-color-scheme: dark) {
  body { background: #151618; color: #e6e6e6; }
  header, .item { background: #1e1f22; border-color: #3a3d42; }
  .item .meta { background: #25272b; border-color: #3a3d42; }
  .item .meta code { color: #e6e6e6; }
  .timeline { background: #2c2f34; }
}
</style>
</head>
<body>
<header>
  <h1 id="deck"></h1>
  <input id="filter" type="search" placeholder="Filter: text, id, quote…" aria-label="Filter cards">
  <select id="source" aria-label="Source"><option value="*">all sources</option></select>
  <select id="type" aria-label="Type"><option value="*">all types</option>
    <option value="basic">basic</option><option value="cloze">cloze</option></select>
  <select id="tag" aria-label="Tag"><option value="*">all tags</option></select>
  <label><input id="show-skipped" type="checkbox"> show skipped</label>
  <span id="count"></span>
</header>
<main id="main"></main>
<script id="deck-data" type="application/json">%%DATA%%</script>
<script>
"use strict";
const data = JSON.parse(document.getElementById("deck-data").textContent);
const BATCH = 150;
const main = document.getElementById("main");
const controls = {
  filter: document.getElementById("filter"), source: document.getElementById("source"),
  type: document.getElementById("type"), tag: document.getElementById("tag"),
  skipped: document.getElementById("show-skipped"),
};
document.getElementById("deck").textContent = data.deck;

function clock(seconds) {
  const s = Math.floor(seconds), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
  return [h, m, s % 60].map(n => String(n).padStart(2, "0")).join(":");
}
function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") node.textContent = v; else if (k === "html") node.innerHTML = v;
    else node.setAttribute(k, v);
  }
  for (const child of children || []) node.appendChild(child);
  return node;
}

const tags = new Set();
data.cards.forEach(c => c.tags.forEach(t => tags.add(t)));
[...tags].sort().forEach(t => controls.tag.appendChild(el("option", {value: t, text: t})));
data.sources.forEach(s => controls.source.appendChild(el("option", {value: s.id, text: s.title})));

// One section per source, each with its timeline (marks for every card, drawn at once:
// they are cheap) and a list that is filled lazily.
const lists = {};
const pending = [];   // cards waiting to be rendered, in page order
let visible = [];
for (const source of data.sources) {
  const mine = data.cards.filter(c => c.source === source.id);
  if (!mine.length) continue;
  const timeline = el("div", {class: "timeline", "data-source": source.id,
                              title: "Each mark is a card at its moment in the talk"});
  if (source.length) {
    timeline.appendChild(el("span", {class: "start", text: "00:00:00"}));
    timeline.appendChild(el("span", {class: "end", text: clock(source.length)}));
    for (const chapter of source.chapters) {
      if (chapter.start >= source.length) continue;
      timeline.appendChild(el("span", {class: "chapter", title: chapter.time_text + " · " + chapter.title,
        style: "left:" + (100 * chapter.start / source.length).toFixed(3) + "%"}));
    }
    for (const card of mine) {
      if (card.time === null) continue;
      const mark = el("a", {class: "mark" + (card.skip ? " skipped" : ""), href: "#card-" + card.id,
        "data-card": card.id, title: card.time_text + " · " + card.id,
        style: "left:" + Math.min(100, 100 * card.time / source.length).toFixed(3) + "%"});
      mark.addEventListener("click", event => { event.preventDefault(); jumpTo(card.id); });
      timeline.appendChild(mark);
    }
  }
  const heading = el("h2", {text: source.title + " "}, [el("small", {text:
    mine.filter(c => !c.skip).length + " cards" + (source.kind ? " · " + source.kind : "")})]);
  const list = el("div", {class: "list"});
  lists[source.id] = list;
  const parts = [heading, timeline];
  if (source.chapters.length) {
    parts.push(el("p", {class: "chapters", text: "Chapters: " + source.chapters.map(
      c => c.time_text + " " + c.title).join(" · ")}));
  }
  parts.push(list);
  main.appendChild(el("section", {class: "source", id: "source-" + (source.id || "own")}, parts));
}

function renderCard(card) {
  const meta = el("div", {class: "meta"}, [
    el("code", {text: card.id}),
    el("span", {text: data.file + ":" + card.line}),
    el("span", {text: card.type}),
  ]);
  if (card.time_text) {
    meta.appendChild(card.link ? el("a", {href: card.link, text: card.time_text, target: "_blank",
                                          rel: "noopener"})
                               : el("span", {text: card.time_text}));
  }
  if (card.tags.length) meta.appendChild(el("span", {text: card.tags.join(" ")}));
  if (card.skip) meta.appendChild(el("span", {text: "skipped"}));
  const item = el("article", {class: "item card-item" + (card.skip ? " skipped" : ""),
                              id: "card-" + card.id, "data-type": card.type}, [meta]);
  card.faces.forEach((face, number) => {
    const label = card.faces.length > 1 ? " (card " + (number + 1) + ")" : "";
    item.appendChild(el("div", {class: "faces"}, [
      el("div", {class: "face front"}, [el("div", {class: "label", text: "front" + label}),
        el("div", {class: "card", html: face.front})]),
      el("div", {class: "face back"}, [el("div", {class: "label", text: "back" + label}),
        el("div", {class: "card", html: face.back})]),
    ]));
  });
  for (const player of item.querySelectorAll("audio[data-clip]")) {
    const clip = data.clips[player.dataset.clip];
    if (clip) player.src = "data:audio/mpeg;base64," + clip;
  }
  return item;
}

function matches(card) {
  if (card.skip && !controls.skipped.checked) return false;
  if (controls.source.value !== "*" && card.source !== controls.source.value) return false;
  if (controls.type.value !== "*" && card.type !== controls.type.value) return false;
  if (controls.tag.value !== "*" && !card.tags.includes(controls.tag.value)) return false;
  const words = controls.filter.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
  return words.every(w => card.search.includes(w));
}

function renderMore(count) {
  for (const card of pending.splice(0, count)) lists[card.source].appendChild(renderCard(card));
  sentinel.style.display = pending.length ? "block" : "none";
}

function refresh() {
  Object.values(lists).forEach(list => list.replaceChildren());
  visible = data.cards.filter(matches);
  pending.splice(0, pending.length, ...visible);
  document.querySelectorAll(".timeline .mark").forEach(mark => {
    const card = data.cards.find(c => c.id === mark.dataset.card);
    mark.style.display = matches(card) ? "" : "none";
  });
  document.querySelectorAll("section.source").forEach(section => {
    const id = section.id === "source-own" ? "" : section.id.slice(7);
    section.style.display = visible.some(c => c.source === id) ? "" : "none";
  });
  document.getElementById("count").textContent =
    visible.filter(c => !c.skip).length + " cards" +
    (controls.skipped.checked ? ", " + visible.filter(c => c.skip).length + " skipped" : "");
  renderMore(BATCH);
}

function jumpTo(id) {
  let target = document.getElementById("card-" + id);
  while (!target && pending.length) {   // render up to the card first
    renderMore(BATCH);
    target = document.getElementById("card-" + id);
  }
  if (!target) return;
  target.scrollIntoView({behavior: "smooth", block: "center"});
  target.classList.add("flash");
  setTimeout(() => target.classList.remove("flash"), 1500);
}

const sentinel = el("div", {style: "height: 1px"});
document.body.appendChild(sentinel);
new IntersectionObserver(entries => {
  if (entries.some(e => e.isIntersecting)) renderMore(BATCH);
}, {rootMargin: "1200px"}).observe(sentinel);

let timer;
controls.filter.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 120); });
["source", "type", "tag", "skipped"].forEach(k => controls[k].addEventListener("change", refresh));
refresh();
if (location.hash.startsWith("#card-")) jumpTo(location.hash.slice(6));
</script>
</body>
</html>
"""
