"""Signing in and out: the one-time link ``serve`` prints, or the admin token in a form.

Neither the code nor the token is logged: both travel as ``token`` (a secret-named field the
access log's redaction blanks in a query, ``http/redaction.py``), the form's body is never
logged, and nothing under ``/_localspot`` is journaled."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from msgspec import Struct

from localspot.http.admin_brake import AdminBrake
from localspot.http.ui.render import page
from localspot.http.ui.session import (
    SignInCode,
    check_csrf,
    signed_in,
    signed_in_response,
    signed_out_response,
)

WRONG = "That is not the admin token (or the sign-in link was used already)."


class SignInForm(Struct):
    token: str = ""
    next: str = ""  # noqa: A003


class SignOutForm(Struct):
    csrf: str = ""


def _client(request: Request[Any, Any, State]) -> str:
    return request.client.host if request.client else ""


def _sign_in_page(
    request: Request[Any, Any, State], next_path: str, problem: str | None, status: int = 200
) -> Response[str]:
    return page(request, "signin.html", status=status, next_path=next_path, problem=problem)


class SignInController(Controller):
    path = "/"

    @get("/signin")
    async def sign_in_page(
        self,
        request: Request[Any, Any, State],
        token: str | None = None,
        next_path: str = Parameter(query="next", default=""),
    ) -> Response[Any]:
        """With ``token``, the printed link: its one-time code signs the browser in."""
        if token is None:
            if signed_in(request):
                return signed_in_response(request.app.state.admin_token, next_path)
            return _sign_in_page(request, next_path, None)
        return self._try(request, token, next_path)

    @post("/signin")
    async def sign_in(
        self,
        request: Request[Any, Any, State],
        data: Annotated[SignInForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        return self._try(request, data.token, data.next)

    def _try(self, request: Request[Any, Any, State], given: str, next_path: str) -> Response[Any]:
        brake: AdminBrake = request.app.state.admin_brake
        brake.check(_client(request))
        admin_token: str = request.app.state.admin_token
        code: SignInCode = request.app.state.ui_signin
        if hmac.compare_digest(given.encode(), admin_token.encode()) or code.take(given):
            brake.succeeded(_client(request))
            return signed_in_response(admin_token, next_path)
        brake.failed(_client(request))
        return _sign_in_page(request, next_path, WRONG, status=401)

    @post("/signout")
    async def sign_out(
        self,
        request: Request[Any, Any, State],
        data: Annotated[SignOutForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        check_csrf(request, data.csrf)
        return signed_out_response()
