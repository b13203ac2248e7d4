"""The request journal: the last N requests of each portal as its client saw them (method,
path, query, status, bodies, correlation id, duration), for tests to inspect.

It is an ASGI layer around the whole app, outside the fault layer, so injected faults and
latency are journaled too. Entries live in this process's memory (each server process keeps
its own), bounded in count per portal and in bytes per portal and for all portals together;
the oldest go first, and a body above a quarter of the smaller byte bound is cut short.
Secrets are cut out before an entry is kept (``http/redaction.py``); no header is stored.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from itertools import count
from typing import Any

import orjson

from localspot.config import Settings
from localspot.crm.accounts import hash_token
from localspot.crm.property_types import format_datetime
from localspot.http.errors import CORRELATION_HEADER
from localspot.http.redaction import hold_request_secrets, redact_body, redact_query, scrub
from localspot.http.request_portal import bearer_of, is_tracked, portal_of
from localspot.wire.admin import JournalEntry

ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
MAX_BODY_BYTES = 256 * 1024
ENTRY_OVERHEAD = 512
"""Bytes an entry is counted for beyond its bodies, path and query (its objects)."""
TRUNCATED = " [truncated]"


@dataclass(frozen=True, slots=True)
class Recorded:
    id: int
    portal_id: int
    at: int
    method: str
    path: str
    query: str
    status: int
    request_body: bytes
    """As it passed (redacted when read: ``as_wire``)."""
    response_body: bytes
    correlation_id: str | None
    duration_ms: float
    request_truncated: bool = False
    response_truncated: bool = False
    secrets: tuple[str, ...] = ()
    """The caller's own secrets (its bearer token), for redacting the bodies when read.
    Bodies are redacted when the journal is read, not on every request: looking through a
    large body costs more than the rest of the journal's work on it, and it is read rarely."""
    caller: str = ""
    """Which token made the request, as the first characters of its SHA-256 (the digest the
    store keeps), never the token itself; empty without one."""

    @property
    def size(self) -> int:
        texts = len(self.path) + len(self.query)
        return len(self.request_body) + len(self.response_body) + texts + ENTRY_OVERHEAD


class Journal:
    """Per portal the last ``size`` requests within ``portal_bytes``; all portals together
    within ``total_bytes``. Adding past a bound drops the oldest entries first."""

    def __init__(self, size: int, portal_bytes: int, total_bytes: int) -> None:
        self.size, self.portal_bytes, self.total_bytes = size, portal_bytes, total_bytes
        self.body_cap = min(MAX_BODY_BYTES, min(portal_bytes, total_bytes) // 4)
        self._all: OrderedDict[int, Recorded] = OrderedDict()
        self._by_portal: dict[int, OrderedDict[int, Recorded]] = {}
        self._portal_used: dict[int, int] = {}
        self._used = 0
        self._ids = count(1)

    @classmethod
    def from_settings(cls, settings: Settings) -> Journal:
        return cls(settings.journal_size, settings.journal_portal_bytes, settings.journal_bytes)

    @property
    def enabled(self) -> bool:
        return self.size > 0 and self.body_cap > 0

    def next_id(self) -> int:
        return next(self._ids)

    def add(self, entry: Recorded) -> None:
        portal_id = entry.portal_id
        ring = self._by_portal.setdefault(portal_id, OrderedDict())
        ring[entry.id] = self._all[entry.id] = entry
        self._portal_used[portal_id] = self._portal_used.get(portal_id, 0) + entry.size
        self._used += entry.size
        while ring and (len(ring) > self.size or self.used(portal_id) > self.portal_bytes):
            self._forget(next(iter(ring.values())))
        while self._all and self._used > self.total_bytes:
            self._forget(next(iter(self._all.values())))

    def _forget(self, entry: Recorded) -> None:
        del self._all[entry.id]
        del self._by_portal[entry.portal_id][entry.id]
        self._portal_used[entry.portal_id] -= entry.size
        self._used -= entry.size

    def clear(self, portal_id: int) -> None:
        for entry in list(self._by_portal.get(portal_id, {}).values()):
            self._forget(entry)
        self._by_portal.pop(portal_id, None)
        self._portal_used.pop(portal_id, None)

    def used(self, portal_id: int | None = None) -> int:
        """Bytes the portal's entries take (all portals' when None)."""
        return self._used if portal_id is None else self._portal_used.get(portal_id, 0)

    def entries(
        self,
        portal_id: int,
        *,
        path: str | None = None,
        method: str | None = None,
        status: int | None = None,
        caller: str | None = None,
    ) -> list[Recorded]:
        """Oldest first; ``path`` is a glob as in fault rules, ``caller`` a token's
        ``caller_of``."""
        return [
            e
            for e in self._by_portal.get(portal_id, {}).values()
            if (path is None or fnmatchcase(e.path, path))
            and (method is None or e.method == method.upper())
            and (status is None or e.status == status)
            and (caller is None or e.caller == caller)
        ]

    def entry(self, portal_id: int, entry_id: int) -> Recorded | None:
        ring = self._by_portal.get(portal_id)
        return ring.get(entry_id) if ring is not None else None


CALLER_DIGITS = 12


def caller_of(token: str | None) -> str:
    """A token's name in the journal: the start of its SHA-256, as ``hash_token`` stores it."""
    return hash_token(token)[:CALLER_DIGITS] if token else ""


def _body(raw: bytes, truncated: bool) -> Any:
    """JSON bodies as JSON, others (and cut ones) as text; empty is null."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if truncated:
        return text + TRUNCATED
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return text


def as_wire(entry: Recorded) -> JournalEntry:
    return JournalEntry(
        id=entry.id,
        at=format_datetime(entry.at),
        method=entry.method,
        path=entry.path,
        query=entry.query,
        status=entry.status,
        request_body=_body(redact_body(entry.request_body, entry.secrets), entry.request_truncated),
        response_body=_body(
            redact_body(entry.response_body, entry.secrets), entry.response_truncated
        ),
        correlation_id=entry.correlation_id,
        duration_ms=entry.duration_ms,
    )


class _Capture:
    """Body chunks up to ``cap`` bytes, and how many bytes there were in all."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        if self.size < self.cap:
            self.chunks.append(chunk[: self.cap - self.size])
        self.size += len(chunk)

    @property
    def truncated(self) -> bool:
        return self.size > self.cap

    def kept(self) -> bytes:
        return b"".join(self.chunks)


class _Exchange:
    """One request and its answer as they pass through the layer."""

    def __init__(self, scope: Any, at: int, body_cap: int) -> None:
        self.scope, self.at, self.started = scope, at, time.perf_counter()
        self.request, self.response = _Capture(body_cap), _Capture(body_cap)
        self.status = 0
        self.correlation_id: str | None = None

    def answer_started(self, message: Any) -> None:
        self.status = message["status"]
        correlation = dict(message.get("headers", ())).get(CORRELATION_HEADER.encode())
        self.correlation_id = correlation.decode() if correlation else None

    def entry(self, entry_id: int, portal_id: int) -> Recorded:
        token = bearer_of(self.scope)
        secrets = (token,) if token else ()
        query = self.scope.get("query_string", b"").decode("latin-1")
        return Recorded(
            id=entry_id,
            portal_id=portal_id,
            at=self.at,
            method=self.scope["method"],
            path=scrub(self.scope["path"], secrets),
            query=redact_query(query, secrets),
            status=self.status,
            request_body=self.request.kept(),
            response_body=self.response.kept(),
            correlation_id=self.correlation_id,
            duration_ms=round((time.perf_counter() - self.started) * 1000, 3),
            request_truncated=self.request.truncated,
            response_truncated=self.response.truncated,
            secrets=secrets,
            caller=caller_of(token),
        )


async def _record(journal: Journal, exchange: _Exchange) -> None:
    portal_id = await portal_of(exchange.scope)
    if portal_id is not None:
        journal.add(exchange.entry(journal.next_id(), portal_id))


def journal_layer(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: record each tracked request of a known portal. The entry is added
    before the last body chunk goes out, so a client that has its answer finds it journaled
    (looking a token up may await the database)."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":  # for the log lines written while serving it
            hold_request_secrets(bearer_of(scope))
        journal: Journal = scope["app"].state.journal
        if not journal.enabled or not is_tracked(scope):
            await app(scope, receive, send)
            return
        exchange = _Exchange(scope, scope["app"].state.clock.now_ms(), journal.body_cap)

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
