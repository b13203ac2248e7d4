"""Where the webhook sender's requests are signed and sent: its delivery process
(``http/webhook_worker.py``, driven through ``http/webhook_worker_link.py``: a real child
process posting to real receivers on 127.0.0.1, killed for real) or inline
(``http/webhook_posting.py``)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import signal
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from localspot.crm.webhook_event_lines import CarriedRow, carried_text
from localspot.http.webhook_posting import InlinePoster, Poster
from localspot.http.webhook_worker_link import LOST, DeliveryWorker, poster_for

CARRIED = carried_text([CarriedRow(1, 0, 2, 3, 4, '{"subscriptionType":"contact.creation"}')])
"""The rows a request carries: the poster makes the body from them."""
BODY = b'[{"eventId":100,"subscriptionType":"contact.creation","attemptNumber":0}]'
SECRET = "the-client-secret"


class Receiver:
    """Reads each request whole; answers 204, or nothing at all when ``hang``."""

    def __init__(self, *, hang: bool = False) -> None:
        self.hang = hang
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.got_one = asyncio.Event()
        self.release = asyncio.Event()
        """Set: a hanging receiver answers after all."""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode()
                request_line, *lines = head.split("\r\n")
                headers = {
                    k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines if x)
                }
                headers[":target"] = request_line.split(" ")[1]
                body = await reader.readexactly(int(headers["content-length"]))
                self.requests.append((headers, body))
                self.got_one.set()
                if self.hang:
                    await self.release.wait()
                writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def run(
    receiver: Receiver,
    test: Callable[[str, DeliveryWorker], Awaitable[None]],
    poster: Callable[[], Poster] = DeliveryWorker,
) -> None:
    async def main() -> None:
        server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hooks?portal=1"
        worker: Any = poster()
        try:
            await asyncio.wait_for(test(url, worker), 30)
        finally:
            await worker.aclose()
            server.close()

    asyncio.run(main())


@pytest.mark.parametrize("poster", [DeliveryWorker, InlinePoster], ids=["process", "inline"])
def test_an_escaped_target_url_is_sent_as_configured_and_signed_as_hubspot_decodes_it(
    poster: Callable[[], Poster],
) -> None:
    """HubSpot's guide to validating requests: the v3 signature's URI has these escapes
    decoded (%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B) and no others."""
    receiver = Receiver()
    escaped = "/hooks/a%20b?next=a%26b&sig=x%3Dy&path=%2Fx%2fy&at=%40&list=%28a%2Cb%29"
    signed = "/hooks/a%20b?next=a%26b&sig=x%3Dy&path=/x/y&at=@&list=(a,b)"

    async def test(url: str, worker: DeliveryWorker) -> None:
        origin = url.removesuffix("/hooks?portal=1")
        posted = await worker.post(origin + escaped, SECRET, CARRIED)
        assert (posted.status, posted.error) == (204, None)
        [(sent, body)] = receiver.requests
        assert sent[":target"] == escaped
        message = b"POST" + (origin + signed).encode() + body
        message += sent["x-hubspot-request-timestamp"].encode()
        digest = hmac.new(SECRET.encode(), message, hashlib.sha256).digest()
        assert sent["x-hubspot-signature-v3"] == base64.b64encode(digest).decode()

    run(receiver, test, poster)


def test_a_target_url_beyond_ascii_goes_out_escaped() -> None:
    receiver = Receiver()

    async def test(url: str, worker: DeliveryWorker) -> None:
        origin = url.removesuffix("/hooks?portal=1")
        posted = await worker.post(origin + "/hooks/für?q=ü", SECRET, CARRIED)
        assert (posted.status, posted.error) == (204, None)
        [(sent, body)] = receiver.requests
        assert sent[":target"] == "/hooks/f%C3%BCr?q=%C3%BC"
        message = b"POST" + (origin + sent[":target"]).encode() + body
        message += sent["x-hubspot-request-timestamp"].encode()
        digest = hmac.new(SECRET.encode(), message, hashlib.sha256).digest()
        assert sent["x-hubspot-signature-v3"] == base64.b64encode(digest).decode()

    run(receiver, test, InlinePoster)


@pytest.mark.parametrize("poster", [DeliveryWorker, InlinePoster], ids=["process", "inline"])
def test_a_request_goes_out_signed_and_its_status_and_headers_come_back(
    poster: Callable[[], Poster],
) -> None:
    receiver = Receiver()

    async def test(url: str, worker: DeliveryWorker) -> None:
        posted = await worker.post(url, SECRET, CARRIED)
        assert (posted.status, posted.error) == (204, None)
        [(sent, body)] = receiver.requests
        assert body == BODY
        assert sent["content-type"] == "application/json"
        assert sent["x-hubspot-signature"] == hashlib.sha256(SECRET.encode() + BODY).hexdigest()
        timestamp = sent["x-hubspot-request-timestamp"]
        message = b"POST" + url.encode() + BODY + timestamp.encode()
        digest = hmac.new(SECRET.encode(), message, hashlib.sha256).digest()
        assert sent["x-hubspot-signature-v3"] == base64.b64encode(digest).decode()
        assert {k.lower(): v for k, v in posted.headers.items()} == {
            k: v
            for k, v in sent.items()
            if k.startswith(("x-hubspot", "content-type", "user-agent"))
        }

    run(receiver, test, poster)


def test_a_receiver_that_is_not_there_is_a_connection_failure() -> None:
    async def test(url: str, worker: DeliveryWorker) -> None:
        closed = url.replace(url.split(":")[2].split("/")[0], "1")  # port 1: nobody listens
        posted = await worker.post(closed, SECRET, CARRIED)
        assert posted.status is None
        assert posted.error == "Connection failed: ConnectError: All connection attempts failed"
        assert posted.headers["X-HubSpot-Signature-Version"] == "v1"

    run(Receiver(), test)


def test_a_killed_process_loses_its_requests_and_the_next_request_starts_another() -> None:
    receiver = Receiver(hang=True)

    async def test(url: str, worker: DeliveryWorker) -> None:
        waiting = asyncio.create_task(worker.post(url, SECRET, CARRIED))
        await receiver.got_one.wait()
        first = worker.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert await waiting == LOST
        receiver.hang = False
        receiver.release.set()
        posted = await worker.post(url, SECRET, CARRIED)
        assert (posted.status, posted.error) == (204, None)
        assert worker.pid not in (None, first)

    run(receiver, test)


def test_closing_the_link_ends_the_process() -> None:
    async def test(url: str, worker: DeliveryWorker) -> None:
        assert (await worker.post(url, SECRET, CARRIED)).status == 204
        pid = worker.pid
        assert pid is not None
        await worker.aclose()
        assert worker.pid is None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        raise AssertionError(f"the delivery process {pid} is still running")

    run(Receiver(), test)


def test_a_server_of_as_many_processes_as_cores_sends_inline() -> None:
    cores = os.cpu_count() or 1
    assert isinstance(poster_for(cores), InlinePoster)
    assert isinstance(poster_for(cores + 1), InlinePoster)
    one = poster_for(1)
    assert isinstance(one, DeliveryWorker if cores > 1 else InlinePoster)
