"""The webhook sender's HTTP/1.1 client: a ``POST`` with a body, the answer's status.

The sender makes a request for every 100 events or so, all from the server's own process,
so each request's CPU is taken from the CRM requests being served. A general client
(``httpx``) spends about a millisecond of CPU on one; this one writes the request in one
go and reads the answer with asyncio's streams, keeping connections open between requests
(keep-alive, per origin, idle ones closed after ``IDLE_SECONDS``). The answer's body is
read (to reuse the connection) and dropped; redirects are not followed.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

IDLE_SECONDS = 5.0
"""How long an idle connection is kept for the next request."""
MAX_HEAD = 64 * 1024
"""The most an answer's status line and headers may take."""
_PATH_SAFE = "/%:@!$&'()*+,;=?~-._"


CONNECT, READ, PROTOCOL = "ConnectError", "ReadError", "RemoteProtocolError"
"""The kinds of failure a delivery's error names (the names the sender's errors have always
had): no connection, a connection that broke, an answer that is not one."""


class ConnectionFailed(Exception):
    """No answer: the connection could not be made, broke, or the answer was not HTTP.
    Its text is the kind and what happened: ``ConnectError: All connection attempts
    failed``."""

    def __init__(self, kind: str, what: str) -> None:
        super().__init__(f"{kind}: {what}")


@dataclass(frozen=True, slots=True)
class Target:
    """Where a URL's requests go: the origin, the ``Host`` header and the request target."""

    secure: bool
    host: str
    port: int
    host_header: str
    path: str


def target_of(url: str) -> Target:
    parts = urlsplit(url)
    host = (parts.hostname or "").encode("idna").decode()
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_PATH_SAFE)
    named = f"[{host}]" if ":" in host else host  # an IPv6 address
    host_header = named if parts.port is None else f"{named}:{parts.port}"
    return Target(secure, host, port, host_header, path)


@dataclass(slots=True)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0

    def usable(self, now: float) -> bool:
        """Still open on both sides and not idle for too long (the receiver may have
        closed it: an end of stream it sent is already seen here)."""
        return (
            not self.writer.is_closing()
            and not self.reader.at_eof()
            and now - self.idle_since < IDLE_SECONDS
        )

    def close(self) -> None:
        self.writer.close()


class WebhookClient:
    """POSTs to receivers over kept-alive connections; one instance per sender."""

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._targets: dict[str, Target] = {}
        self._idle: dict[tuple[bool, str, int], list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """The answer's status. Raises ``TimeoutError`` when there is no full answer within
        the timeout, ``ConnectionFailed`` when there is none at all."""
        target = self._targets.get(url)
        if target is None:
            target = self._targets[url] = target_of(url)
        request = _request(target, body, headers)
        async with asyncio.timeout(self._timeout):
            connection = self._reused(target)
            if connection is not None:
                try:
                    return await self._exchange(target, connection, request)
                except ConnectionFailed:
                    pass  # closed by the receiver while idle: once more on a new connection
            return await self._exchange(target, await self._open(target), request)

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    def _reused(self, target: Target) -> _Connection | None:
        idle = self._idle.get((target.secure, target.host, target.port))
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if connection.usable(now):
                return connection
            connection.close()
        return None

    async def _open(self, target: Target) -> _Connection:
        tls = self._context() if target.secure else None
        try:
            reader, writer = await asyncio.open_connection(
                target.host, target.port, ssl=tls, limit=MAX_HEAD
            )
        except OSError as failure:
            if isinstance(failure, TimeoutError):
                raise
            named = isinstance(failure, socket.gaierror | ssl.SSLError)  # else every address failed
            what = str(failure) if named else "All connection attempts failed"
            raise ConnectionFailed(CONNECT, what) from failure
        return _Connection(reader, writer)

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context(cafile=_trusted_roots())
        return self._tls

    async def _exchange(self, target: Target, connection: _Connection, request: bytes) -> int:
        """Send the request and read the whole answer; the connection goes back to the idle
        ones when the receiver keeps it open, else it is closed."""
        kept = False
        try:
            connection.writer.write(request)
            await connection.writer.drain()
            status, kept = await _answer(connection.reader)
        except asyncio.IncompleteReadError as failure:
            said = "without sending a response" if not failure.partial else "in its response"
            raise ConnectionFailed(PROTOCOL, f"Server disconnected {said}.") from None
        except asyncio.LimitOverrunError:
            raise ConnectionFailed(PROTOCOL, "The response's headers are too long") from None
        except OSError as failure:
            if isinstance(failure, TimeoutError):
                raise
            raise ConnectionFailed(READ, str(failure)) from failure
        finally:
            if kept:
                connection.idle_since = time.monotonic()
                key = (target.secure, target.host, target.port)
                self._idle.setdefault(key, []).append(connection)
            else:
                connection.close()
        return status


def _request(target: Target, body: bytes, headers: Mapping[str, str]) -> bytes:
    lines = [
        f"POST {target.path} HTTP/1.1",
        f"Host: {target.host_header}",
        *(f"{name}: {value}" for name, value in headers.items()),
        "Accept: */*",
        f"Content-Length: {len(body)}",
        "",
        "",
    ]
    return "\r\n".join(lines).encode("latin-1") + body


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one answer (1xx interim answers skipped): its status and whether the
    connection stays open."""
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, _, rest = head.decode("latin-1").partition("\r\n")
        version, _, remainder = status_line.partition(" ")
        code = remainder[:3]
        if not version.startswith("HTTP/1.") or not code.isdigit():
            raise ConnectionFailed(PROTOCOL, f"Not an HTTP/1.x response: {status_line[:80]!r}")
        status = int(code)
        if status >= 200:
            break
    fields: dict[str, str] = {}
    for line in rest.split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            fields[name.strip().lower()] = value.strip().lower()
    connection = fields.get("connection", "")
    kept = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    if status in (204, 304):
        return status, kept
    if "chunked" in fields.get("transfer-encoding", ""):
        await _skip_chunks(reader)
    elif "content-length" in fields:
        length = fields["content-length"]
        if not length.isdigit():
            raise ConnectionFailed(PROTOCOL, f"Content-Length is not a number: {length!r}")
        await reader.readexactly(int(length))
    else:  # the body ends with the connection
        await reader.read()
        kept = False
    return status, kept


async def _skip_chunks(reader: asyncio.StreamReader) -> None:
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size_text = size_line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ConnectionFailed(
                PROTOCOL, f"A chunk's size is not a number: {size_text[:20]!r}"
            ) from None
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailer fields
                pass
            return
        await reader.readexactly(size + 2)


def _trusted_roots() -> str | None:
    """The certificate authorities an https receiver's certificate is checked against:
    certifi's bundle where it is installed (the roots the sender trusted when it used
    httpx), else the system's."""
    try:
        import certifi
    except ImportError:
        return None
    return certifi.where()
