"""A real HTTP receiver for webhook requests on 127.0.0.1: a threaded ``http.server`` that
records every request (method, path, headers, raw body) and answers with a chosen status,
or holds requests until told to let go (a hanging receiver). Tests wait on its condition
variable with a deadline, never on a timer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = 0.0
    """When it arrived (``time.monotonic()``)."""

    @property
    def events(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = json.loads(self.body)
        return found


class Receiver:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.status = 200
        self.statuses: list[int] = []
        """Answered first, one per request, before ``status``."""
        self._changed = threading.Condition()
        self._release = threading.Event()
        self._release.set()
        self.hanging = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                seen = Received(
                    "POST", self.path, dict(self.headers.items()), body, time.monotonic()
                )
                with receiver._changed:
                    receiver.requests.append(seen)
                    status = receiver.statuses.pop(0) if receiver.statuses else receiver.status
                    receiver.hanging += 0 if receiver._release.is_set() else 1
                    receiver._changed.notify_all()
                receiver._release.wait(30)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def hang(self) -> None:
        """Hold every request from now on until ``let_go``."""
        self._release.clear()

    def let_go(self) -> None:
        self._release.set()

    def clear(self) -> None:
        with self._changed:
            self.requests.clear()
            self.statuses.clear()
            self.status = 200

    def wait_for(self, check: Callable[[list[Received]], bool], timeout: float = 15) -> None:
        """Until ``check`` holds for the requests received (AssertionError at the deadline)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not check(self.requests):
                left = deadline - time.monotonic()
                assert left > 0, f"timed out; received {len(self.requests)} requests"
                self._changed.wait(left)

    def wait_for_events(self, count: int, timeout: float = 15) -> list[dict[str, Any]]:
        """Every event received, once ``count`` were (repeats of an event count once)."""
        self.wait_for(lambda found: len(_ids(found)) >= count, timeout)
        return self.events()

    def events(self) -> list[dict[str, Any]]:
        with self._changed:
            return [e for r in self.requests for e in r.events]


def _ids(found: list[Received]) -> set[int]:
    return {int(e["eventId"]) for r in found for e in r.events}


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()


def v3_signature(secret: str, url: str, body: bytes, timestamp: str) -> str:
    """HubSpot's documented v3 check, computed independently of the server's code."""
    message = b"POST" + url.encode() + body + timestamp.encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def v1_signature(secret: str, body: bytes) -> str:
    return hashlib.sha256(secret.encode() + body).hexdigest()


def assert_signed(received: Received, secret: str, url: str) -> None:
    headers = {k.lower(): v for k, v in received.headers.items()}
    timestamp = headers["x-hubspot-request-timestamp"]
    assert abs(int(timestamp) - time.time() * 1000) < 60_000
    assert headers["x-hubspot-signature-v3"] == v3_signature(secret, url, received.body, timestamp)
    assert headers["x-hubspot-signature-version"] == "v1"
    assert headers["x-hubspot-signature"] == v1_signature(secret, received.body)
    assert headers["content-type"] == "application/json"
    assert headers["x-hubspot-timeout-millis"] == "5000"
    assert headers["user-agent"] == (
        "HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio-http-client)"
        " - WebhooksExecutorDaemon-executor"
    )
