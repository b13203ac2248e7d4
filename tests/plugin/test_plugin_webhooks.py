"""The example of docs/testing.md's "Testing a webhook handler": a handler that checks
HubSpot's v3 signature, served on 127.0.0.1 and tested with the ``localspot`` fixture's
``webhooks`` helpers (events delivered, retries on the moved clock), and the helpers' own
behaviour."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from localspot.testing import LocalSpot


class NewContacts:
    """The code under test: a webhook handler that keeps the ids of new contacts, refusing
    requests whose v3 signature does not verify and failing while ``down``."""

    def __init__(self, client_secret: str) -> None:
        self.secret = client_secret
        self.ids: list[int] = []
        self.down = False

    def verified(self, method: str, url: str, body: bytes, headers: Any) -> bool:
        timestamp = headers["X-HubSpot-Request-Timestamp"]
        message = method.encode() + url.encode() + body + timestamp.encode()
        digest = hmac.new(self.secret.encode(), message, hashlib.sha256).digest()
        expected = base64.b64encode(digest).decode()
        return hmac.compare_digest(expected, headers["X-HubSpot-Signature-v3"])

    def handle(self, url: str, body: bytes, headers: Any) -> int:
        if not self.verified("POST", url, body, headers):
            return 401
        if self.down:
            return 503
        for event in json.loads(body):
            if event["subscriptionType"] == "contact.creation":
                self.ids.append(event["objectId"])
        return 204


def serve(handler: NewContacts) -> tuple[ThreadingHTTPServer, str]:
    """The handler behind a real HTTP server on a free loopback port."""

    class Endpoint(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            url = f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"
            self.send_response(handler.handle(url, body, self.headers))
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/hubspot/webhooks"


@pytest.fixture
def handler(localspot: LocalSpot) -> Iterator[NewContacts]:
    app = localspot.apps.create("Contact sync")
    found = NewContacts(app["clientSecret"])
    server, url = serve(found)
    localspot.webhooks.configure(app, url)
    localspot.webhooks.subscribe(app, "contact.creation")
    yield found
    server.shutdown()
    server.server_close()


def test_the_handler_keeps_new_contacts(localspot: LocalSpot, handler: NewContacts) -> None:
    contact = localspot.client.crm.contacts.basic_api.create({"properties": {"email": "a@x.io"}})
    (event,) = localspot.webhooks.wait_for_events(1, subscription_type="contact.creation")
    assert event["objectId"] == int(contact.id)
    assert handler.ids == [int(contact.id)]


def test_a_failed_delivery_comes_again_when_the_clock_moves(
    localspot: LocalSpot, handler: NewContacts
) -> None:
    handler.down = True
    localspot.client.crm.contacts.basic_api.create({"properties": {"email": "b@x.io"}})
    localspot.time.freeze()
    (failed,) = localspot.webhooks.wait_for_deliveries(1, state="retrying")
    assert failed["status"] == 503
    handler.down = False
    localspot.time.advance(60_000)  # HubSpot's first retry comes within a minute
    (event,) = localspot.webhooks.wait_for_events(1)
    assert event["attemptNumber"] == 1
    assert len(handler.ids) == 1


def test_an_unreachable_receiver_and_the_reset_that_clears_deliveries(
    localspot: LocalSpot,
) -> None:
    app = localspot.apps.create()
    localspot.webhooks.configure(app, "http://127.0.0.1:9/nowhere")
    made = localspot.webhooks.subscribe(app, "object.creation", object_type_id="calls")
    assert (made["eventType"], made["objectTypeId"], made["active"]) == (
        "object.creation",
        "0-48",
        True,
    )
    calls = localspot.client.crm.objects.calls.basic_api
    calls.create({"properties": {"hs_timestamp": "2026-01-15T10:00:00Z"}})
    (failed,) = localspot.webhooks.wait_for_deliveries(1)
    assert (failed["status"], failed["state"]) == (None, "retrying")
    assert failed["error"].startswith("Connection failed: ConnectError")
    with pytest.raises(TimeoutError, match="^0 of 1 webhook events delivered$"):
        localspot.webhooks.wait_for_events(1, timeout=0.2)
    localspot.reset()
    assert localspot.webhooks.deliveries() == []
