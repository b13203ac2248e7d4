"""Where the webhook sender's requests are signed and sent: in a delivery process of its
own (``webhook_worker_link.py``) or on the server's event loop (``InlinePoster``);
``webhook_worker_link.poster_for`` chooses.

The HTTP work of a request (signing about 25 KB twice, the client, the answer) costs the
process that does it about 3 µs of CPU per event. A single server process keeps one core
busy and leaves the other to such work, so there it goes to a process of its own: with
SQLite the server then kept up with batch updates' events, at a higher rate of writes.
When the server's processes are as many as the cores (several workers on PostgreSQL),
no core is left over, and another process only adds the cost of handing requests across
(batch update with delivery fell from 0.78 to 0.74 of its rate without, with a sender in
each worker): there the sending worker (``webhook_election.py``) sends on its own loop
(bench/README.md, "Delivery in a process of its own").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from localspot.crm import webhook_delivery as rules
from localspot.http.webhook_client import WebhookClient
from localspot.http.webhook_worker import body_of, post


@dataclass(frozen=True, slots=True)
class Posted:
    """What became of one request: the headers sent, the receiver's status (None: no
    answer), why there was none."""

    headers: dict[str, str]
    status: int | None
    error: str | None


class Poster(Protocol):
    async def post(self, url: str, secret: str, carried: str) -> Posted:
        """Send the request of the rows ``carried`` (``webhook_event_lines.carried_text``)."""
        ...

    async def aclose(self) -> None: ...


class InlinePoster:
    """Signs and sends on the calling event loop."""

    def __init__(self) -> None:
        self._client = WebhookClient(rules.TIMEOUT_SECONDS)

    async def post(self, url: str, secret: str, carried: str) -> Posted:
        return Posted(*await post(self._client, url, secret, body_of(carried)))

    async def aclose(self) -> None:
        await self._client.aclose()
