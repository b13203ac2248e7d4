"""Server-rendered pages: one Jinja2 environment over ``http/templates/`` (HTML escaped by
default), and the values every page gets (the UI's root path, the forms' CSRF token)."""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.datastructures import State
from litestar.enums import MediaType

from localspot.crm.property_types import format_datetime
from localspot.http.ui.session import CSRF_FIELD, CSRF_HEADER, UI_PATH, csrf_token

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:;"
        " frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
"""Only the page's own scripts and styles run (no inline script, nothing from elsewhere);
no page is framed or cached, and no address (the sign-in link's code) leaks as a referrer."""


def _when(ms: int | None) -> str:
    return "" if ms is None else format_datetime(ms)


def _pretty(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("localspot.http", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["pretty"] = _pretty
    env.globals.update(ui=UI_PATH, csrf_field=CSRF_FIELD, csrf_header=CSRF_HEADER)
    return env


def render_text(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def page(
    request: Request[Any, Any, State], template: str, *, status: int = 200, **context: Any
) -> Response[str]:
    html = render_text(template, csrf=csrf_token(request.app.state.admin_token), **context)
    return Response(html, status_code=status, media_type=MediaType.HTML, headers=SECURITY_HEADERS)
