"""The subset of Handlebars that HubSpot's timeline event templates use (hubspot-behaviour §18.4).

Why our own and not a library: the Python Handlebars ports (``pybars3``, ``pybars4``) had
their last releases in 2019 and 2021 and carry no type hints, and the maintained template
libraries (``pystache``, ``chevron``) speak Mustache, which has no ``{{#if}}``, ``{{else}}``
or helpers with arguments such as HubSpot's ``{{#formatDate timestamp}}``. What HubSpot
documents is small: values by path (escaped, or raw in triple braces), comments, and the
block helpers ``if``, ``unless``, ``each``, ``with`` and ``formatDate``. That is what this
module parses (``parse``: a ``TemplateSyntaxError`` for anything else) and renders.

Values follow Handlebars.js: a missing name renders nothing, ``{{ }}`` escapes HTML's
special characters, and ``false``, ``null``, ``""``, ``0`` and ``[]`` are false to ``if``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

BLOCK_HELPERS = frozenset({"if", "unless", "each", "with", "formatDate"})
_TAG = re.compile(r"\{\{(\{)?(~)?\s*(.*?)\s*(~)?(\})?\}\}", re.DOTALL)
_COMMENT = re.compile(r"\{\{!--.*?--\}\}|\{\{![^}]*\}\}", re.DOTALL)
_PATH = re.compile(r"^(?:\.\./)*(?:@?[A-Za-z0-9_$\-]+|this|\.)(?:[./][A-Za-z0-9_$\-]+)*$")
_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#x27;",
    "`": "&#x60;",
    "=": "&#x3D;",
}


class TemplateSyntaxError(ValueError):
    """The text is not a template of the subset (the message says where)."""


@dataclass(frozen=True, slots=True)
class _Text:
    text: str


@dataclass(frozen=True, slots=True)
class _Value:
    path: str
    raw: bool


@dataclass(slots=True)
class _Block:
    helper: str
    path: str
    body: list[_Node] = field(default_factory=list)
    otherwise: list[_Node] = field(default_factory=list)
    in_else: bool = False

    def add(self, node: _Node) -> None:
        (self.otherwise if self.in_else else self.body).append(node)


_Node: TypeAlias = _Text | _Value | _Block


@dataclass(frozen=True, slots=True)
class Template:
    nodes: tuple[_Node, ...]


def _check_path(path: str, tag: str) -> str:
    if not _PATH.match(path):
        raise TemplateSyntaxError(f"Unsupported expression {{{{{tag}}}}}")
    return path


def _open_block(expression: str, tag: str) -> _Block:
    helper, _, argument = expression.partition(" ")
    argument = argument.strip()
    if helper not in BLOCK_HELPERS:
        raise TemplateSyntaxError(f"Unknown block helper {{{{#{helper}}}}}")
    if not argument or " " in argument:
        raise TemplateSyntaxError(f"{{{{#{helper}}}}} takes one value: {{{{{tag}}}}}")
    return _Block(helper, _check_path(argument, tag))


def parse(text: str) -> Template:
    """The template, or ``TemplateSyntaxError``: unbalanced blocks, unknown helpers, an
    expression other than a path."""
    root = _Block("", "")
    stack = [root]
    position = 0
    source = _COMMENT.sub("", text)
    for match in _TAG.finditer(source):
        if match.start() > position:
            stack[-1].add(_Text(source[position : match.start()]))
        position = match.end()
        triple, expression = match.group(1) is not None, match.group(3)
        tag = match.group(0)[2:-2]
        if triple != (match.group(5) is not None):
            raise TemplateSyntaxError(f"Unbalanced braces in {{{{{tag}}}}}")
        if triple or expression.startswith("&"):
            stack[-1].add(_Value(_check_path(expression.lstrip("&").strip(), tag), raw=True))
        elif expression.startswith("#"):
            block = _open_block(expression[1:].strip(), tag)
            stack[-1].add(block)
            stack.append(block)
        elif expression.startswith("/"):
            name = expression[1:].strip()
            if len(stack) == 1 or stack[-1].helper != name:
                raise TemplateSyntaxError(f"Unexpected {{{{/{name}}}}}")
            stack.pop()
        elif expression in ("else", "^"):
            if len(stack) == 1 or stack[-1].in_else:
                raise TemplateSyntaxError("Unexpected {{else}}")
            stack[-1].in_else = True
        else:
            stack[-1].add(_Value(_check_path(expression, tag), raw=False))
    if "{{" in source[position:] or "}}" in source[position:]:
        raise TemplateSyntaxError("Unclosed expression")
    if position < len(source):
        root.add(_Text(source[position:]))
    if len(stack) > 1:
        raise TemplateSyntaxError(f"Missing {{{{/{stack[-1].helper}}}}}")
    return Template(tuple(root.body))


@dataclass(frozen=True, slots=True)
class _Scope:
    value: Any
    parent: _Scope | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


def _lookup(scope: _Scope, path: str) -> Any:
    while path.startswith("../"):
        scope, path = scope.parent or scope, path[3:]
    if path.startswith("@"):
        return scope.data.get(path[1:])
    parts = [p for p in re.split(r"[./]", path) if p]
    if parts[:1] == ["this"]:
        parts = parts[1:]
    value = scope.value
    for part in parts:
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _truthy(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    return value not in (None, False, "", 0)


def text_of(value: Any) -> str:
    """A value as Handlebars.js prints it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join(text_of(v) for v in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)


def escape(text: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in text)


Formatter = Callable[[Any], str]


def _each(block: _Block, value: Any, scope: _Scope, format_date: Formatter) -> str:
    items: Sequence[tuple[Any, Any]]
    if isinstance(value, list):
        items = list(enumerate(value))
    elif isinstance(value, Mapping):
        items = list(value.items())
    else:
        items = []
    if not items:
        return _render(block.otherwise, scope, format_date)
    out = []
    for position, (key, item) in enumerate(items):
        data = {
            "index": position,
            "key": key,
            "first": position == 0,
            "last": position == len(items) - 1,
        }
        out.append(_render(block.body, _Scope(item, scope, data), format_date))
    return "".join(out)


def _block(block: _Block, scope: _Scope, format_date: Formatter) -> str:
    value = _lookup(scope, block.path)
    if block.helper == "each":
        return _each(block, value, scope, format_date)
    if block.helper == "formatDate":
        return escape(format_date(value))
    shown = _truthy(value) != (block.helper == "unless")
    if block.helper == "with" and shown:
        return _render(block.body, _Scope(value, scope, scope.data), format_date)
    return _render(block.body if shown else block.otherwise, scope, format_date)


def _render(nodes: Sequence[_Node], scope: _Scope, format_date: Formatter) -> str:
    out = []
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Value):
            shown = text_of(_lookup(scope, node.path))
            out.append(shown if node.raw else escape(shown))
        else:
            out.append(_block(node, scope, format_date))
    return "".join(out)


def render(template: Template, context: Mapping[str, Any], format_date: Formatter) -> str:
    """The template with ``context``'s values; ``format_date`` prints ``formatDate``'s value."""
    return _render(template.nodes, _Scope(context), format_date)
