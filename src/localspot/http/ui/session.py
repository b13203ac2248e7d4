"""Who may see the inspector: a browser that signed in with the admin token (or the one-time
code of the link ``serve`` prints) holds an HttpOnly cookie; a client may also send the admin
token as its bearer, as on the admin API.

The cookie's value and the forms' CSRF token are HMACs of the admin token: they hold no
secret of their own, survive no change of the admin token, and every worker process of one
server computes the same ones. Pages asked for without either get a redirect to the sign-in
page; other requests get the admin API's 401.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, State
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect

from localspot.crm.errors import InvalidAuthentication
from localspot.http.admin_brake import AdminBrake
from localspot.http.auth import bearer_token

UI_PATH = "/_localspot/ui"
COOKIE = "localspot_inspector"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-inspector-csrf"
SAFE_METHODS = frozenset({"GET", "HEAD"})


class SignInRequired(Exception):
    """A page was asked for without a session: answered with the sign-in page's address."""

    def __init__(self, wanted: str) -> None:
        super().__init__(wanted)
        self.wanted = wanted


def _derived(admin_token: str, purpose: str) -> str:
    return hmac.new(admin_token.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def session_value(admin_token: str) -> str:
    return _derived(admin_token, "localspot inspector session")


def csrf_token(admin_token: str) -> str:
    return _derived(admin_token, "localspot inspector forms")


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class SignInCode:
    """The one-time code of the printed sign-in link: each server process takes it once."""

    def __init__(self, code: str | None) -> None:
        self._code = code

    def take(self, given: str) -> bool:
        if not self._code or not _same(given, self._code):
            return False
        self._code = None
        return True


def signed_in(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """The request carries the session cookie or the admin token as its bearer."""
    expected: str = connection.app.state.admin_token
    cookie = connection.cookies.get(COOKIE)
    if cookie and _same(cookie, session_value(expected)):
        return True
    token = bearer_token(connection)
    return bool(token) and _same(token or "", expected)


def _client(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    return connection.client.host if connection.client else ""


async def ui_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    brake: AdminBrake = connection.app.state.admin_brake
    brake.check(_client(connection))
    if signed_in(connection):
        return
    if bearer_token(connection):
        brake.failed(_client(connection))
    if connection.scope.get("method") in SAFE_METHODS:
        target = connection.url.path + (f"?{connection.url.query}" if connection.url.query else "")
        raise SignInRequired(target)
    raise InvalidAuthentication()


def check_csrf(request: Request[Any, Any, State], given: str | None) -> None:
    """A form post (or an htmx call) must carry the page's CSRF token: the cookie alone,
    which a browser sends for any site's form, is not enough to change anything."""
    if bearer_token(request):  # not a browser session: no cookie to ride on
        return
    expected = csrf_token(request.app.state.admin_token)
    sent = given or request.headers.get(CSRF_HEADER) or ""
    if not _same(sent, expected):
        raise InvalidAuthentication()


def to_sign_in(_: Request[Any, Any, Any], exc: SignInRequired) -> Response[Any]:
    return Redirect(f"{UI_PATH}/signin?next={quote(exc.wanted, safe='')}", status_code=303)


def signed_in_response(admin_token: str, next_path: str) -> Response[Any]:
    """Set the session cookie and go where the visitor was going (only inside the UI)."""
    target = next_path if next_path.startswith(UI_PATH + "/") else UI_PATH + "/"
    cookie = Cookie(
        key=COOKIE,
        value=session_value(admin_token),
        path=UI_PATH,
        httponly=True,
        samesite="lax",
    )
    return Redirect(target, status_code=303, cookies=[cookie])


def signed_out_response() -> Response[Any]:
    cookie = Cookie(key=COOKIE, value="", path=UI_PATH, httponly=True, max_age=0)
    return Redirect(f"{UI_PATH}/signin", status_code=303, cookies=[cookie])
