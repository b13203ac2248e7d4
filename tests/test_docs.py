"""The operator docs keep up with the code."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from localspot.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_in_operations_md() -> None:
    text = (ROOT / "docs" / "operations.md").read_text()
    missing = [f.name for f in fields(Settings) if f"`LOCALSPOT_{f.name.upper()}`" not in text]
    assert not missing, f"settings missing from docs/operations.md: {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/test" in readme
    assert ci.strip().splitlines()[-1] == "scripts/test"
