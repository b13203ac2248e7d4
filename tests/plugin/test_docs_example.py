"""docs/testing.md shows the plugin example; this keeps it the code that runs here."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def documented_example() -> str:
    text = (ROOT / "docs" / "testing.md").read_text()
    section = text.split("## Testing your HubSpot integration: the pytest plugin", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_every_class_and_test_of_the_documented_example_runs_in_the_suite() -> None:
    example = documented_example()
    module = (Path(__file__).parent / "test_plugin_example.py").read_text()
    blocks = [
        ast.get_source_segment(example, node)
        for node in ast.parse(example).body
        if isinstance(node, ast.ClassDef | ast.FunctionDef)
    ]
    assert len(blocks) >= 5
    assert [b for b in blocks if b is None or b not in module] == []


def test_the_webhook_handler_example_runs_in_the_suite() -> None:
    text = (ROOT / "docs" / "testing.md").read_text()
    section = text.split("### Testing a webhook handler", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    module = (Path(__file__).parent / "test_plugin_webhooks.py").read_text()
    blocks = [
        ast.get_source_segment(example, node)
        for node in ast.parse(example).body
        if isinstance(node, ast.ClassDef | ast.FunctionDef)
    ]
    assert len(blocks) >= 5
    assert [b for b in blocks if b is None or b not in module] == []
