"""The code is kept ruff-clean and ruff-formatted; the test suite checks it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
    )


@pytest.mark.parametrize("args", [("check", "."), ("format", "--check", ".")])
def test_ruff(args: tuple[str, ...]):
    result = _ruff(*args)
    assert result.returncode == 0, result.stdout + result.stderr
