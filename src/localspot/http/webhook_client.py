"""The webhook sender's HTTP client: a ``POST`` with a body, the answer's status.

The delivery process (``webhook_worker.py``) makes a request for every 100 events or so,
and its CPU is a core the server's requests may need. ``aiohttp`` (its HTTP
parser is compiled) spends a fraction of what ``httpx`` did on one (on this machine, a
30 KB body to a local receiver: 150-270 µs of CPU against 1.0-1.2 ms). Connections are
kept open between requests (idle ones closed after ``IDLE_SECONDS``); an answer's body is
read (so the connection can be used again) and dropped; redirects are not followed.

A request that finds a kept connection closed by the receiver without an answer (a
server ending idle connections) goes once more on a new connection: delivery is
at-least-once. Failures carry the kinds deliveries have always named: no connection,
a connection that broke, an answer that is not HTTP.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping

import aiohttp
from yarl import URL

IDLE_SECONDS = 5.0
"""How long an idle connection is kept for the next request."""

CONNECT, READ, PROTOCOL = "ConnectError", "ReadError", "RemoteProtocolError"
"""The kinds of failure a delivery's error names (the names the sender's errors have always
had): no connection, a connection that broke, an answer that is not one."""


class ConnectionFailed(Exception):
    """No answer: the connection could not be made, broke, or the answer was not HTTP.
    Its text is the kind and what happened: ``ConnectError: All connection attempts
    failed``."""

    def __init__(self, kind: str, what: str) -> None:
        super().__init__(f"{kind}: {what}")


class _Dropped(Exception):
    """A connection broke before its answer: maybe a kept one the receiver had closed."""


class WebhookClient:
    """POSTs to receivers over kept-alive connections; one instance per sender, used on one
    event loop (its session is made there on the first request)."""

    def __init__(self, timeout: float) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """The answer's status. Raises ``TimeoutError`` when there is no full answer within
        the timeout, ``ConnectionFailed`` when there is none at all."""
        try:
            return await self._send(url, body, headers, fresh=False)
        except _Dropped:
            return await self._send(url, body, headers, fresh=True)

    async def _send(self, url: str, body: bytes, headers: Mapping[str, str], *, fresh: bool) -> int:
        """One attempt; not ``fresh`` (it may have used a kept connection): a connection
        that broke before an answer raises ``_Dropped``, for the caller to go again."""
        session = self._opened()
        try:
            async with session.post(
                _as_configured(url), data=body, headers=dict(headers), allow_redirects=False
            ) as answer:
                await answer.read()
                return answer.status
        except aiohttp.ServerDisconnectedError:
            if not fresh:
                raise _Dropped from None
            raise ConnectionFailed(
                PROTOCOL, "Server disconnected without sending a response."
            ) from None
        except aiohttp.ClientConnectorCertificateError as failure:
            raise ConnectionFailed(CONNECT, str(failure.certificate_error)) from None
        except aiohttp.ClientConnectorError:
            raise ConnectionFailed(CONNECT, "All connection attempts failed") from None
        except aiohttp.ClientResponseError as failure:  # the answer could not be parsed
            raise ConnectionFailed(
                PROTOCOL, f"Not an HTTP/1.x response: {failure.message}"
            ) from None
        except aiohttp.ClientPayloadError as failure:
            raise ConnectionFailed(PROTOCOL, f"The response's body broke off: {failure}") from None
        except aiohttp.ClientOSError as failure:
            if not fresh:
                raise _Dropped from None
            raise ConnectionFailed(READ, str(failure)) from None

    def _opened(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=0, keepalive_timeout=IDLE_SECONDS, ssl=_trusted_context()
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                auto_decompress=False,
                skip_auto_headers=("User-Agent",),
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def as_sent(url: str) -> str:
    """The target URL as the request line carries it (``_as_configured``): what a receiver
    sees, and so what the v3 signature covers."""
    return url if url.isascii() else str(_as_configured(url))


def _as_configured(url: str) -> URL:
    """The target URL exactly as the app's settings hold it: ``yarl`` would otherwise
    decode escapes such as ``%2F`` in the query, and the receiver would see a URI other
    than the one it was given (and the v3 signature covers). A URL with characters
    outside ASCII cannot go out as it is: ``yarl`` escapes those."""
    return URL(url, encoded=url.isascii())


def _trusted_context() -> ssl.SSLContext:
    """The certificate authorities an https receiver's certificate is checked against:
    certifi's bundle where it is installed (the roots the sender trusted when it used
    httpx), else the system's."""
    try:
        import certifi
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())
