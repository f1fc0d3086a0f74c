"""``deckgen review``: a local web page to keep, skip and reword cards one keystroke each.

- ``session``: decisions written to cards.yaml at once (under its lock, in place, via
  ``deckgen.cards.editor``), undo, conflicts with hand edits, and the page's data;
  reviewed cards are recorded in the state file;
- ``server``: the Flask app on 127.0.0.1 (token, Host and Origin checks) and the
  server that runs it; the only module that imports the web framework;
- ``page.html``, ``review.css``, ``review.js``: the page, served inline.

Nothing here is imported by ``build``, ``check`` or ``--help``.
"""
