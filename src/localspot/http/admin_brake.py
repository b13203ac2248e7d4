"""A brake on guessing the admin token: after ``MAX_FAILURES`` wrong tokens from one client
address within ``WINDOW_S``, that client's admin requests get 429 for ``LOCKOUT_S``, the
right token included (answering it would tell the guesser it was right). A client that
only ever sends the right token is never counted nor slowed; a success clears the count.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from localspot.crm.errors import HubSpotError

MAX_FAILURES = 10
WINDOW_S = 60.0
LOCKOUT_S = 60.0
MAX_CLIENTS = 10_000
"""Clients tracked at once; the oldest is forgotten first (memory stays bounded)."""


class AdminLockedOut(HubSpotError):
    status = 429
    category = "RATE_LIMITS"

    def __init__(self, retry_after: float) -> None:
        seconds = max(1, round(retry_after))
        super().__init__(
            f"Too many wrong admin tokens from this client; retry in {seconds} seconds.",
            headers={"retry-after": str(seconds)},
        )


class AdminBrake:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}

    def check(self, client: str) -> None:
        """Raise ``AdminLockedOut`` while ``client`` is locked out."""
        until = self._locked_until.get(client)
        if until is None:
            return
        remaining = until - self._now()
        if remaining > 0:
            raise AdminLockedOut(remaining)
        del self._locked_until[client]

    def failed(self, client: str) -> None:
        now = self._now()
        failures = self._failures.pop(client, None) or deque(maxlen=MAX_FAILURES)
        while failures and failures[0] <= now - WINDOW_S:
            failures.popleft()
        failures.append(now)
        self._failures[client] = failures  # re-inserted: the dict's order is by recency
        if len(failures) >= MAX_FAILURES:
            self._locked_until[client] = now + LOCKOUT_S
            del self._failures[client]
        while len(self._failures) > MAX_CLIENTS:
            del self._failures[next(iter(self._failures))]

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)
