"""The request journal: the last N requests of each portal as its client saw them (method,
path, query, status, bodies, correlation id, duration), for tests to inspect.

It is an ASGI layer around the whole app, outside the fault layer, so injected faults and
latency are journaled too. Entries live in this process's memory (each server process keeps
its own). No header is stored, so an ``Authorization`` value never is; the caller's bearer
token is also cut out of bodies and query strings, and secret-looking JSON keys and query
parameters are blanked when entries are read.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from itertools import count
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from localspot.crm.property_types import format_datetime
from localspot.http.errors import CORRELATION_HEADER
from localspot.http.request_portal import bearer_of, is_tracked, portal_of
from localspot.wire.admin import JournalEntry

ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
MAX_BODY_BYTES = 256 * 1024
REDACTED = "[REDACTED]"
SECRET_KEYS = frozenset(
    {
        "access_token",
        "accesstoken",
        "authorization",
        "client_secret",
        "clientsecret",
        "hapikey",
        "password",
        "refresh_token",
        "refreshtoken",
        "token",
    }
)


@dataclass(frozen=True, slots=True)
class Recorded:
    id: int
    at: int
    method: str
    path: str
    query: str
    status: int
    request_body: bytes
    response_body: bytes
    correlation_id: str | None
    duration_ms: float


class Journal:
    """Per portal, a ring of the last ``size`` requests."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._by_portal: dict[int, deque[Recorded]] = {}
        self._ids = count(1)

    def next_id(self) -> int:
        return next(self._ids)

    def add(self, portal_id: int, entry: Recorded) -> None:
        self._by_portal.setdefault(portal_id, deque(maxlen=self.size)).append(entry)

    def clear(self, portal_id: int) -> None:
        self._by_portal.pop(portal_id, None)

    def entries(
        self,
        portal_id: int,
        *,
        path: str | None = None,
        method: str | None = None,
        status: int | None = None,
    ) -> list[Recorded]:
        """Oldest first; ``path`` is a glob as in fault rules."""
        return [
            e
            for e in self._by_portal.get(portal_id, ())
            if (path is None or fnmatchcase(e.path, path))
            and (method is None or e.method == method.upper())
            and (status is None or e.status == status)
        ]


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if k.lower() in SECRET_KEYS else _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def _body(raw: bytes) -> Any:
    """JSON bodies as JSON, others as text, cut to ``MAX_BODY_BYTES``; empty is null."""
    if not raw:
        return None
    try:
        return _redact(orjson.loads(raw))
    except orjson.JSONDecodeError:
        text = raw[:MAX_BODY_BYTES].decode("utf-8", errors="replace")
        return text + (" [truncated]" if len(raw) > MAX_BODY_BYTES else "")


def _query(raw: str) -> str:
    pairs = parse_qsl(raw, keep_blank_values=True)
    return urlencode([(k, REDACTED if k.lower() in SECRET_KEYS else v) for k, v in pairs])


def as_wire(entry: Recorded) -> JournalEntry:
    return JournalEntry(
        id=entry.id,
        at=format_datetime(entry.at),
        method=entry.method,
        path=entry.path,
        query=_query(entry.query),
        status=entry.status,
        request_body=_body(entry.request_body),
        response_body=_body(entry.response_body),
        correlation_id=entry.correlation_id,
        duration_ms=entry.duration_ms,
    )


class _Capture:
    """Body chunks up to ``MAX_BODY_BYTES`` (a longer JSON body is kept as truncated text)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        if self.size <= MAX_BODY_BYTES:
            self.chunks.append(chunk[: MAX_BODY_BYTES + 1 - self.size])
        self.size += len(chunk)

    def bytes(self, secret: str | None) -> bytes:
        data = b"".join(self.chunks)
        return data.replace(secret.encode(), REDACTED.encode()) if secret else data


class _Exchange:
    """One request and its answer as they pass through the layer."""

    def __init__(self, scope: Any, at: int) -> None:
        self.scope, self.at, self.started = scope, at, time.perf_counter()
        self.request, self.response = _Capture(), _Capture()
        self.status = 0
        self.correlation_id: str | None = None

    def answer_started(self, message: Any) -> None:
        self.status = message["status"]
        correlation = dict(message.get("headers", ())).get(CORRELATION_HEADER.encode())
        self.correlation_id = correlation.decode() if correlation else None

    def entry(self, entry_id: int) -> Recorded:
        token = bearer_of(self.scope)
        query = self.scope.get("query_string", b"").decode("latin-1")
        return Recorded(
            id=entry_id,
            at=self.at,
            method=self.scope["method"],
            path=self.scope["path"],
            query=query.replace(token, REDACTED) if token else query,
            status=self.status,
            request_body=self.request.bytes(token),
            response_body=self.response.bytes(token),
            correlation_id=self.correlation_id,
            duration_ms=round((time.perf_counter() - self.started) * 1000, 3),
        )


async def _record(journal: Journal, exchange: _Exchange) -> None:
    portal_id = await portal_of(exchange.scope)
    if portal_id is not None:
        journal.add(portal_id, exchange.entry(journal.next_id()))


def journal_layer(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: record each tracked request of a known portal. The entry is added
    before the last body chunk goes out, so a client that has its answer finds it journaled
    (looking a token up may await the database)."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        journal: Journal = scope["app"].state.journal
        if journal.size <= 0 or not is_tracked(scope):
            await app(scope, receive, send)
            return
        exchange = _Exchange(scope, scope["app"].state.clock.now_ms())

        async def tee_receive() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                exchange.request.add(message.get("body", b""))
            return message

        async def tee_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                exchange.answer_started(message)
            elif message["type"] == "http.response.body":
                exchange.response.add(message.get("body", b""))
                if not message.get("more_body", False):
                    await _record(journal, exchange)
            await send(message)

        await app(scope, tee_receive, tee_send)

    return middleware
