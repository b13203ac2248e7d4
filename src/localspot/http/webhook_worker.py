"""The webhook sender's delivery process: signs and POSTs the requests the sender hands it.

A request's HTTP work (signing 25 KB, the client, the answer) is most of what delivery
costs the process that does it, and in the server's own process it was taken from the
CRM requests being served (one interpreter lock; bench/README.md, "Delivery in a process
of its own"). So the sender (``webhook_sender.py``) keeps the outbox and the database, and
this process, started by it on a socket pair (``webhook_worker_link.py``), does the rest on
the machine's other core.

Each request comes as a frame: two big-endian lengths, then ``[job, url, secret]`` as JSON
and the outbox rows it carries (``webhook_event_lines.carried_text``), from which this
process makes the body: the rows' short event lines are about a quarter of the body, and the
server neither builds the body nor writes it to this process. Each answer goes back as
one length and ``[job, headers, status, error]``: the headers sent (for the deliveries
log), the receiver's status (None when there was none) and, when there was no answer,
why. The process ends when the sender's end of the socket closes (the server stopping, or
dying): requests still in flight are dropped, and the sender records them as failed
attempts to be tried again.

Run as ``python -m localspot.http.webhook_worker FD``, FD being its end of the socket pair.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import sys
import time

import orjson

from localspot.crm import webhook_delivery as rules
from localspot.crm import webhook_event_lines as lines
from localspot.http.webhook_client import ConnectionFailed, WebhookClient, as_sent

REQUEST_HEAD = struct.Struct(">II")
"""A request frame's head: the lengths of its JSON part and of its rows."""
ANSWER_HEAD = struct.Struct(">I")
"""An answer frame's head: the length of its JSON."""
USER_AGENT = (
    "HubSpot Connect 2.0 (http://dev.hubspot.com/) (namespace: webhooks-nio-http-client)"
    " - WebhooksExecutorDaemon-executor"
)
"""The ``User-Agent`` of HubSpot's Webhooks API requests (captured deliveries): receivers
that tell HubSpot's requests by it tell localspot's the same way."""
TIMEOUT_MILLIS = str(int(rules.TIMEOUT_SECONDS * 1000))
"""``X-HubSpot-Timeout-Millis``: how long the sender waits for an answer (HubSpot sends the
header; its value here is localspot's timeout, docs/compatibility.md)."""


def signed_headers(url: str, secret: str, body: bytes) -> dict[str, str]:
    timestamp = str(time.time_ns() // 1_000_000)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-HubSpot-Signature": rules.sign_v1(secret, body),
        "X-HubSpot-Signature-Version": rules.SIGNATURE_VERSION,
        "X-HubSpot-Signature-v3": rules.sign_v3(secret, "POST", as_sent(url), body, timestamp),
        "X-HubSpot-Request-Timestamp": timestamp,
        "X-HubSpot-Timeout-Millis": TIMEOUT_MILLIS,
    }


def body_of(carried: bytes | str) -> bytes:
    """The request body of the rows a request carries."""
    return lines.request_body(lines.carried_from(orjson.loads(carried)))


async def post(
    client: WebhookClient, url: str, secret: str, body: bytes
) -> tuple[dict[str, str], int | None, str | None]:
    """One signed request: the headers sent, the answer's status, why there was none."""
    headers = signed_headers(url, secret, body)
    try:
        return headers, await client.post(url, body, headers), None
    except TimeoutError:
        return headers, None, f"No answer within {rules.TIMEOUT_SECONDS:g} seconds"
    except ConnectionFailed as failure:
        return headers, None, f"Connection failed: {failure}"


class _Answers:
    """Answers to write back when the event loop's current turn ends: the requests that
    end in one turn wake the server once."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self._waiting: list[bytes] = []

    def send(self, answer: bytes) -> None:
        if not self._waiting:
            asyncio.get_running_loop().call_soon(self._flush)
        self._waiting += (ANSWER_HEAD.pack(len(answer)), answer)

    def _flush(self) -> None:
        frames, self._waiting = self._waiting, []
        if not self._writer.is_closing():
            self._writer.writelines(frames)


async def _answer(
    client: WebhookClient, answers: _Answers, job: int, url: str, secret: str, body: bytes
) -> None:
    headers, status, error = await post(client, url, secret, body)
    answers.send(orjson.dumps([job, headers, status, error]))


async def serve(sock: socket.socket) -> None:
    """Take requests from ``sock`` until the other end closes it."""
    reader, writer = await asyncio.open_connection(sock=sock)
    client = WebhookClient(rules.TIMEOUT_SECONDS)
    answers = _Answers(writer)
    tasks: set[asyncio.Task[None]] = set()
    try:
        while True:
            try:
                meta_length, rows_length = REQUEST_HEAD.unpack(
                    await reader.readexactly(REQUEST_HEAD.size)
                )
                job, url, secret = orjson.loads(await reader.readexactly(meta_length))
                body = body_of(await reader.readexactly(rows_length))
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            task = asyncio.create_task(_answer(client, answers, job, url, secret, body))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await client.aclose()
        writer.close()


def main() -> None:
    sock = socket.socket(fileno=int(sys.argv[1]))
    asyncio.run(serve(sock))


if __name__ == "__main__":
    main()
