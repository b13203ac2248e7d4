"""The README's SDK example, run as written against a real server (only the host and the
token are swapped for this test's)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import httpx

from conftest import Server

README = Path(__file__).resolve().parents[2] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_the_readme_example_logs_a_call_against_a_contact(
    portal_http: httpx.Client, server: Server
) -> None:
    example, _ = python_blocks()
    token = portal_http.headers["Authorization"].removeprefix("Bearer ")
    code = example.replace("http://127.0.0.1:8080", server.base_url).replace(
        '"pat-local-dev"', repr(token)
    )
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own documentation
    assert printed.getvalue().split() == ["COMPLETE", "COMPLETED", "True"]


def test_the_readme_custom_object_example_defines_cars_and_writes_one(
    server: Server,
) -> None:
    _, example = python_blocks()
    token = server.new_token("--portal", str(server.new_portal()))
    code = example.replace("http://127.0.0.1:8080", server.base_url).replace(
        '"pat-local-dev"', repr(token)
    )
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own documentation
    assert printed.getvalue().split() == ["Model", "T"]
