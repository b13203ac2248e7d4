"""The Handlebars subset of timeline templates (``crm/handlebars.py``), pure: what renders,
what HTML escaping does, and which templates are refused when saved."""

from __future__ import annotations

from typing import Any

import pytest

from localspot.crm.handlebars import TemplateSyntaxError, parse, render


def shown(text: str, context: dict[str, Any]) -> str:
    return render(parse(text), context, lambda value: f"<date {value}>")


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("Hi {{name}}", {"name": "Ada"}, "Hi Ada"),
        ("{{name}}", {"name": "<b>&\"'`="}, "&lt;b&gt;&amp;&quot;&#x27;&#x60;&#x3D;"),
        ("{{{name}}} {{& name}}", {"name": "<b>"}, "<b> <b>"),
        ("[{{missing}}] [{{a.b.c}}]", {"a": {"b": 1}}, "[] []"),
        ("{{a.b}} {{a/b}} {{list.1}}", {"a": {"b": 2}, "list": ["x", "y"]}, "2 2 y"),
        ("{{n}} {{f}} {{t}} {{l}}", {"n": 3.0, "f": 1.5, "t": True, "l": [1, 2]}, "3 1.5 true 1,2"),
        ("{{! note }}{{!-- {{x}} --}}kept", {"x": 1}, "kept"),
        ("{{#if a}}yes{{else}}no{{/if}}", {"a": 0}, "no"),
        ("{{#if a}}yes{{else}}no{{/if}}", {"a": []}, "no"),
        ("{{#if a}}yes{{else}}no{{/if}}", {"a": "x"}, "yes"),
        ("{{#unless a}}none{{/unless}}", {}, "none"),
        (
            "{{#each items}}{{@index}}{{this.q}}={{a}}{{#if @last}}.{{else}},{{/if}}{{/each}}",
            {"items": [{"q": "x", "a": 1}, {"q": "y", "a": 2}]},
            "0x=1,1y=2.",
        ),
        ("{{#each m}}{{@key}}:{{this}} {{/each}}", {"m": {"a": 1, "b": 2}}, "a:1 b:2 "),
        ("{{#each e}}x{{else}}empty{{/each}}", {"e": []}, "empty"),
        ("{{#each l}}{{../top}}{{/each}}", {"l": [1, 2], "top": "T"}, "TT"),
        ("{{#with p}}{{name}}{{/with}}", {"p": {"name": "P"}}, "P"),
        ("{{#formatDate ts}}{{/formatDate}}", {"ts": 5}, "&lt;date 5&gt;"),
    ],
)
def test_rendering(text: str, context: dict[str, Any], expected: str) -> None:
    assert shown(text, context) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{#if a}}open", "Missing {{/if}}"),
        ("{{/each}}", "Unexpected {{/each}}"),
        ("{{#if a}}{{/each}}", "Unexpected {{/each}}"),
        ("{{else}}", "Unexpected {{else}}"),
        ("{{#if a}}1{{else}}2{{else}}3{{/if}}", "Unexpected {{else}}"),
        ("{{#log a}}{{/log}}", "Unknown block helper {{#log}}"),
        ("{{#if}}{{/if}}", "{{#if}} takes one value: {{#if}}"),
        ("{{#if a b}}{{/if}}", "{{#if}} takes one value: {{#if a b}}"),
        ("{{lookup a b}}", "Unsupported expression {{lookup a b}}"),
        ("{{> partial}}", "Unsupported expression {{> partial}}"),
        ("{{{a}}", "Unbalanced braces in {{{a}}"),
        ("text {{a", "Unclosed expression"),
    ],
)
def test_templates_outside_the_subset_are_refused(text: str, message: str) -> None:
    with pytest.raises(TemplateSyntaxError) as refused:
        parse(text)
    assert str(refused.value) == message
