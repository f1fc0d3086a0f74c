"use strict";
// deckgen review: one card at a time, one keystroke per decision. Every request carries
// the run's token; every decision is written by the server at once.
const TOKEN = document.querySelector('meta[name="deckgen-token"]').content;
const $ = id => document.getElementById(id);
const view = {card: $("card"), talk: $("talk"), notice: $("notice"), count: $("count"),
              position: $("position"), filter: $("filter"), timing: $("timing")};
let cards = [], byId = {}, version = "", canUndo = false, fileName = "cards.yaml";
let queue = [], pos = 0, editing = null, busy = false, keyStarted = 0;
const contexts = {};
view.filter.value = document.querySelector('meta[name="deckgen-filter"]').content || "unreviewed";

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") node.textContent = v; else if (k === "html") node.innerHTML = v;
    else node.setAttribute(k, v);
  }
  for (const child of children || []) node.appendChild(child);
  return node;
}
function clock(seconds) {
  const s = Math.floor(seconds), h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
  return [h, m, s % 60].map(n => String(n).padStart(2, "0")).join(":");
}

async function api(method, path, body) {
  const started = performance.now();
  const headers = {"X-Deckgen-Token": TOKEN};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {method, headers, cache: "no-store",
    body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await response.text();
  let data;
  try { data = JSON.parse(text); } catch (e) { data = {errors: [text.trim()]}; }
  return {status: response.status, data, ms: performance.now() - started};
}

function notice(text, kind) {
  view.notice.textContent = text || "";
  view.notice.className = kind || "";
  view.notice.hidden = !text;
}

function matches(card) {
  if (view.filter.value === "skipped") return card.skip;
  if (view.filter.value === "unreviewed") return !card.reviewed;
  return true;
}
function current() { return byId[queue[pos]]; }

function setCards(list) {
  cards = list;
  byId = Object.fromEntries(cards.map(c => [c.id, c]));
}
function rebuildQueue(keepId) {
  queue = cards.filter(matches).map(c => c.id);
  pos = keepId && queue.includes(keepId) ? queue.indexOf(keepId) : 0;
}

async function loadAll() {
  const {status, data} = await api("GET", "/api/cards");
  if (status !== 200) { notice((data.errors || []).join("\n"), "error"); return false; }
  setCards(data.cards);
  version = data.version; canUndo = data.can_undo; fileName = data.file;
  $("deck").textContent = data.deck + (data.source ? " · " + data.source : "");
  queue = queue.filter(id => byId[id]);
  return true;
}

function update(card) {
  if (!card) return;
  const index = cards.findIndex(c => c.id === card.id);
  if (index >= 0) cards[index] = card; else cards.push(card);
  byId[card.id] = card;
  if (!queue.includes(card.id)) queue.splice(Math.min(pos, queue.length), 0, card.id);
}

// -- drawing

function render() {
  const reviewed = cards.filter(c => c.reviewed).length;
  view.count.textContent = reviewed + " of " + cards.length + " reviewed";
  const card = current();
  view.position.textContent = queue.length
    ? "card " + Math.min(pos + 1, queue.length) + " of " + queue.length + " shown" : "";
  if (!card) {
    view.card.replaceChildren(el("div", {class: "empty", text: queue.length
      ? "End of the list. ← goes back; change 'show' to see other cards."
      : "No cards to show here: every card is reviewed. Change 'show' to see them."}));
    view.card.removeAttribute("data-card");
    view.card.className = "item";
    view.talk.replaceChildren();
    return;
  }
  view.card.dataset.card = card.id;
  view.card.dataset.version = card.version;
  view.card.className = "item" + (card.skip ? " skipped" : "");
  const meta = el("div", {class: "meta"}, [
    el("code", {text: card.id}),
    el("span", {text: fileName + ":" + card.line}),
    el("span", {text: card.type}),
  ]);
  if (card.source_title) meta.appendChild(el("span", {text: card.source_title}));
  if (card.time_text) {
    meta.appendChild(card.link
      ? el("a", {href: card.link, text: card.time_text, target: "_blank", rel: "noopener noreferrer"})
      : el("span", {text: card.time_text}));
  }
  let state = card.skip ? ["skipped", "skip"] : card.reviewed ? ["kept", "kept"] : ["not reviewed", ""];
  if (card.changed_since_review) state = ["changed since reviewed", "skip"];
  meta.appendChild(el("span", {class: "state " + state[1], text: state[0]}));
  view.card.replaceChildren(meta);
  if (editing === card.id) {
    const first = view.card.appendChild(editForm(card)).querySelector("textarea");
    first.focus();
    first.setSelectionRange(first.value.length, first.value.length);
  }
  else {
    card.faces.forEach((face, number) => {
      const label = card.faces.length > 1 ? " (card " + (number + 1) + ")" : "";
      view.card.appendChild(el("div", {class: "faces"}, [
        el("div", {class: "face front"}, [el("div", {class: "label", text: "front" + label}),
          el("div", {class: "card", html: face.front})]),
        el("div", {class: "face back"}, [el("div", {class: "label", text: "back" + label}),
          el("div", {class: "card", html: face.back})]),
      ]));
    });
  }
  renderTalk(card);
  prefetch(byId[queue[pos + 1]]);
}

async function contextOf(card) {
  const key = card.id + "@" + card.version;
  if (!contexts[key]) {
    contexts[key] = api("GET", "/api/context/" + encodeURIComponent(card.id))
      .then(r => r.status === 200 ? r.data.lines : []);
  }
  return contexts[key];
}
function prefetch(card) { if (card && card.time !== null) contextOf(card); }

async function renderTalk(card) {
  const heading = el("h2", {text: "What the talk says "}, [el("small", {text: card.time_text
    ? clock(Math.max(0, card.time - 30)) + "–" + clock(card.time + 30) : "no time"})]);
  const parts = [heading];
  if (card.clip) {
    parts.push(el("audio", {controls: "", preload: "none", "aria-label": "the card's audio clip",
      src: "/media/" + encodeURIComponent(card.id) + ".mp3?token=" + encodeURIComponent(TOKEN)}));
  }
  view.talk.replaceChildren(...parts);
  if (card.time === null) {
    view.talk.appendChild(el("div", {class: "none", text: card.quote
      ? "“" + card.quote + "”" : "This card has no time in a transcript."}));
    return;
  }
  const lines = await contextOf(card);
  if (current() !== card) return;
  if (!lines.length) {
    view.talk.appendChild(el("div", {class: "none", text: card.quote
      ? "“" + card.quote + "” (the transcript is not at hand)" : "The transcript is not at hand."}));
    return;
  }
  const list = el("ol", {}, lines.map(line => el("li", {class: line.said ? "said" : ""}, [
    el("time", {text: clock(line.start)}), el("span", {text: line.text})])));
  view.talk.appendChild(list);
  const said = list.querySelector(".said");
  if (said) list.scrollTop = Math.max(0, said.offsetTop - list.offsetTop - 60);
}

function editForm(card) {
  const keys = Object.keys(card.fields);
  const form = el("form", {class: "edit", "data-card": card.id});
  for (const key of keys) {
    const area = el("textarea", {name: key, id: "edit-" + key, rows: "3"});
    area.value = card.fields[key];
    form.append(el("label", {for: "edit-" + key, text: key}), area);
  }
  form.append(el("p", {class: "problems", role: "alert"}),
              el("p", {class: "help", text: "Enter saves · Shift+Enter new line · Esc cancels"}));
  form.addEventListener("keydown", event => {
    if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); cancelEdit(); }
    else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault(); event.stopPropagation(); saveEdit(form, card);
    }
  });
  form.addEventListener("submit", event => { event.preventDefault(); saveEdit(form, card); });
  return form;
}

// -- deciding

function timing(ms) { view.timing.textContent = "saved in " + Math.round(ms) + " ms"; }

function conflict(data) {
  if (data.card) update(data.card);
  version = data.version || version;
  canUndo = data.can_undo;
  notice("Not saved: " + (data.errors || []).join(" ") +
         " The page now shows the card as it is in the file.", "conflict");
}

async function decide(action, fields, shown) {
  const card = shown || current();
  if (!card || busy) return;
  busy = true; document.body.dataset.busy = "1";
  try {
    const {status, data, ms} = await api("POST", "/api/decide",
      {id: card.id, action, version: card.version, fields});
    timing(ms);
    if (status === 200) {
      update(data.card); version = data.version; canUndo = data.can_undo;
      notice("");
      if (action === "edit") editing = null; else pos += 1;
      render();
      // From the key to the next card on screen: what bench/review.py reports.
      document.body.dataset.responseMs = (performance.now() - keyStarted).toFixed(1);
    } else if (status === 409) {
      editing = null; conflict(data); render();
    } else if (status === 422 && action === "edit") {
      const problems = view.card.querySelector("form .problems");
      if (problems) problems.textContent = (data.errors || []).join("\n");
    } else {
      notice((data.errors || []).join("\n") || "Not saved (" + status + ")", "error");
    }
  } finally { busy = false; delete document.body.dataset.busy; }
}

function startEdit() { const card = current(); if (card) { editing = card.id; render(); } }
function cancelEdit() { editing = null; render(); }
function saveEdit(form, card) {
  const fields = {};
  form.querySelectorAll("textarea").forEach(a => { fields[a.name] = a.value; });
  decide("edit", fields, card);   // the version the form was opened on
}

async function undo() {
  if (busy) return;
  busy = true; document.body.dataset.busy = "1";
  try {
    const {status, data, ms} = await api("POST", "/api/undo", {});
    timing(ms);
    if (status === 409) { conflict(data); }
    else if (status === 200 && data.card) {
      update(data.card); version = data.version; canUndo = data.can_undo;
      pos = queue.indexOf(data.card.id);
      notice("Undone: " + data.action.replace(/^undo /, "") + " of " + data.card.id + ".");
    } else if (status === 200) { notice("Nothing to undo in this session."); }
    else { notice((data.errors || []).join("\n"), "error"); }
    editing = null; render();
  } finally { busy = false; delete document.body.dataset.busy; }
}

function move(step) {
  if (!queue.length) return;
  pos = Math.max(0, Math.min(queue.length, pos + step));
  editing = null; notice(""); render();
}

// -- a hand edit saved while the page is open

async function watch() {
  if (busy) return;
  const {status, data} = await api("GET", "/api/version");
  if (status !== 200 || data.version === version || busy) return;
  const shown = current();
  if (!(await loadAll())) return;
  version = data.version;
  const now = shown && byId[shown.id];
  if (shown && !now) notice("Card " + shown.id + " is no longer in the file.", "conflict");
  else if (shown && now.version !== shown.version) {
    if (editing === shown.id) {
      // Keep what is being typed; saving it would overwrite the hand edit, so the
      // server will refuse it and show the version in the file.
      notice("This card was changed in " + fileName + " while you were editing it: saving " +
             "will be refused. Esc shows the version in the file.", "conflict");
      return;
    }
    notice("This card was changed in " + fileName + " and reloaded.", "conflict");
  }
  if (!editing) render();
}

document.addEventListener("keydown", event => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest && target.closest("textarea, input, select, form")) return;
  const handlers = {k: () => decide("keep"), s: () => decide("skip"), e: startEdit, u: undo,
    j: () => move(1), ArrowRight: () => move(1), ArrowDown: () => move(1),
    ArrowLeft: () => move(-1), ArrowUp: () => move(-1)};
  const handler = handlers[event.key];
  if (handler) { event.preventDefault(); keyStarted = performance.now(); handler(); }
});
view.filter.addEventListener("change", () => {
  const card = current(); rebuildQueue(card && card.id); view.filter.blur(); render();
});

loadAll().then(ok => {
  if (!ok) return;
  rebuildQueue(); render();
  document.body.dataset.ready = "1";
  setInterval(watch, 1000);
});
