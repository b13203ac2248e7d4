"""Request-body limits, applied before any layer buffers a body: a size cap (the announced
``Content-Length`` first, then a running count of the bytes received, for chunked bodies
too) and a deadline for the whole body to arrive.

The layer wraps ``receive``: whoever reads the body (the fault layer or Litestar) gets
``BodyTooLarge`` or ``BodyTimeout`` instead of more bytes. Both are ``HubSpotError``\\s, so
inside the app the one error handler answers; when a layer outside the app was reading,
this layer answers. Past the cap the rest of the body is read and dropped (memory stays
flat and the client can read its 413 cleanly); a client that is too slow is answered and
disconnected (``Connection: close``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from fnmatch import fnmatchcase
from typing import Any

from localspot.crm.errors import HubSpotError
from localspot.http.admin_portals import SNAPSHOT_BYTES
from localspot.http.errors import send_error

ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
Receive = Callable[[], Awaitable[Any]]
LARGER_BODIES = (
    ("PUT", "/_localspot/portals/*/snapshot", SNAPSHOT_BYTES),
    ("POST", "/_localspot/ui/portals/*/control/snapshot", SNAPSHOT_BYTES),
)
"""Routes that take more than ``max_body_bytes`` (each also says so to Litestar)."""


class BodyTooLarge(HubSpotError):
    status = 413
    category = "VALIDATION_ERROR"

    def __init__(self, cap: int, *, close: bool = False) -> None:
        headers = {"connection": "close"} if close else None
        super().__init__(f"Request body too large: the limit is {cap} bytes", headers=headers)


class BodyTimeout(HubSpotError):
    status = 408
    category = "VALIDATION_ERROR"

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"Request body not received within {seconds:g} seconds",
            headers={"connection": "close"},
        )


Cap = tuple[str, str, int]
"""(method, path pattern, bytes)."""


def body_cap(method: str, path: str, default: int, larger: Sequence[Cap] = ()) -> int:
    for route_method, pattern, cap in (*LARGER_BODIES, *larger):
        if method == route_method and fnmatchcase(path, pattern):
            return cap
    return default


def _announced_length(scope: Any) -> int | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() else None
    return None


class _LimitedBody:
    """``receive`` with the cap and the deadline; passes messages through once the body
    is complete (Litestar waits on ``receive`` for a disconnect later)."""

    def __init__(self, receive: Receive, cap: int, timeout: float) -> None:
        self.receive, self.cap, self.timeout = receive, cap, timeout
        self.deadline = time.monotonic() + timeout
        self.size, self.complete = 0, False

    async def _next(self) -> Any:
        remaining = self.deadline - time.monotonic()
        try:
            return await asyncio.wait_for(self.receive(), max(remaining, 0))
        except TimeoutError:
            raise BodyTimeout(self.timeout) from None

    async def too_large(self) -> BodyTooLarge:
        """Read the rest of an oversized body without keeping it, within the deadline, so
        the client can read the answer; a client still sending then is disconnected."""
        self.complete = True
        message: Any = {"type": "http.request", "more_body": True}
        try:
            while message["type"] == "http.request" and message.get("more_body", False):
                message = await self._next()
        except BodyTimeout:
            return BodyTooLarge(self.cap, close=True)
        return BodyTooLarge(self.cap)

    async def __call__(self) -> Any:
        if self.complete:
            return await self.receive()
        message = await self._next()
        if message["type"] != "http.request":
            self.complete = True
            return message
        self.size += len(message.get("body", b""))
        self.complete = not message.get("more_body", False)
        if self.size > self.cap:
            raise BodyTooLarge(self.cap) if self.complete else await self.too_large()
        return message


def body_limits_layer(
    app: ASGIApp, max_bytes: int, timeout: float, larger: Sequence[Cap] = ()
) -> ASGIApp:
    """ASGI middleware: HTTP request bodies over their cap get 413, slow ones 408.
    ``larger``: routes whose cap depends on the settings (an import's upload)."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        cap = body_cap(scope["method"], scope["path"], max_bytes, larger)
        body = _LimitedBody(receive, cap, timeout)
        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            announced = _announced_length(scope)
            if announced is not None and announced > cap:
                raise await body.too_large()
            await app(scope, body, tracking_send)
        except (BodyTooLarge, BodyTimeout) as exc:
            if not started:
                await send_error(send, exc)

    return middleware
