"""HubSpot's delivery rules for webhook requests (hubspot-behaviour §17.5): how events are
put into requests, how a request is signed, which answers count as delivered, and when a
failed request's events are tried again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from localspot.crm.webhook_outbox_storage import OutboxRow

MAX_EVENTS_PER_REQUEST = 100
TIMEOUT_SECONDS = 5.0
"""A receiver that takes longer has failed the request (HubSpot: five seconds)."""
MINUTE, HOUR = 60_000, 3_600_000
RETRY_DELAYS_MS = (
    1 * MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    30 * MINUTE,
    1 * HOUR,
    2 * HOUR,
    4 * HOUR,
    8 * HOUR,
    8 * HOUR,
)
"""The waits before each of the ten retries: about 24 hours in all (HubSpot: up to 10
retries spread over the next 24 hours). Each wait is shortened by up to ``JITTER`` at
random, so the waits never add up to more than the schedule and a test can move the clock
by ``RETRY_DELAYS_MS[n]`` to reach retry ``n + 1``."""
MAX_RETRIES = len(RETRY_DELAYS_MS)
JITTER = 0.2
SIGNATURE_VERSION = "v1"
"""``X-HubSpot-Signature-Version`` of Webhooks API requests (the v1 signature), beside the
v3 signature HubSpot adds to every request."""


@dataclass(frozen=True, slots=True)
class Batch:
    """One request: rows of one app in one portal, at most 100 events in all."""

    rows: tuple[OutboxRow, ...]

    @property
    def first(self) -> OutboxRow:
        return self.rows[0]

    @property
    def event_count(self) -> int:
        return sum(r.event_count for r in self.rows)


def batches(rows: Sequence[OutboxRow]) -> list[Batch]:
    """The claimed rows as requests: by app and portal, each row in the first request of
    its app and portal with room for it (up to 100 events; a row is never split: it holds
    at most 100), requests in the order they were begun. A write's events fill rows of 100
    and a last, shorter one: with the rows simply in claimed order each such tail went
    alone (85 events a request on bench/webhooks.py's writes); first fit puts the tails of
    several writes together, and every request costs the sender, the delivery process and
    the receiver the same whatever its size. HubSpot gives no order between requests."""
    found: list[list[OutboxRow]] = []
    open_ones: dict[tuple[int, int], list[list[OutboxRow]]] = {}
    for row in rows:
        candidates = open_ones.setdefault((row.app_id, row.portal_id), [])
        for batch in candidates:
            if sum(r.event_count for r in batch) + row.event_count <= MAX_EVENTS_PER_REQUEST:
                batch.append(row)
                break
        else:
            found.append([row])
            candidates.append(found[-1])
    return [Batch(tuple(batch)) for batch in found]


def delivered(status: int) -> bool:
    """Any 2xx answer; every other answer (and no answer in time) is a failure."""
    return 200 <= status < 300


def retry_at(attempts_made: int, now: int, rng: random.Random) -> int | None:
    """When a row that has failed ``attempts_made`` times is tried again; None: given up."""
    if attempts_made > MAX_RETRIES:
        return None
    delay = RETRY_DELAYS_MS[attempts_made - 1]
    return now + delay - int(delay * JITTER * rng.random())


DECODED_IN_SIGNED_URI = {
    "%3A": ":",
    "%2F": "/",
    "%3F": "?",
    "%40": "@",
    "%21": "!",
    "%24": "$",
    "%27": "'",
    "%28": "(",
    "%29": ")",
    "%2A": "*",
    "%2C": ",",
    "%3B": ";",
}
"""The escapes HubSpot's guide to validating requests says to decode in the URI of a v3
signature; every other escape (``%26``, ``%3D``, ``%20``...) stays as it is."""
_SIGNED_ESCAPE = re.compile("|".join(DECODED_IN_SIGNED_URI), re.IGNORECASE)


def signed_uri(uri: str) -> str:
    """The URI as a v3 signature covers it (``DECODED_IN_SIGNED_URI``)."""
    return _SIGNED_ESCAPE.sub(lambda m: DECODED_IN_SIGNED_URI[m[0].upper()], uri)


def sign_v3(secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    """``X-HubSpot-Signature-v3``: base64 of the HMAC-SHA256, keyed by the app's client
    secret, of method, URI (``signed_uri``), body and ``X-HubSpot-Request-Timestamp``."""
    message = method.encode() + signed_uri(uri).encode() + body + timestamp.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sign_v1(secret: str, body: bytes) -> str:
    """``X-HubSpot-Signature`` (v1): hex SHA-256 of the client secret followed by the body."""
    return hashlib.sha256(secret.encode() + body).hexdigest()
