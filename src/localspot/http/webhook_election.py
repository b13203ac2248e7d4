"""Which of a server's worker processes sends webhooks: one of them.

Every worker writes events into the outbox, but one sender delivers them all. Each sender's
round costs mostly per statement (claiming, recording what ended), not per event, so two
workers each running a sender paid twice for the same events: on PostgreSQL with two
workers, batch update with every changed property subscribed kept 0.81 of its rate with a
sender in each worker and 0.87 with one (bench/README.md, "One sender a server"). Several
servers sharing a database still each run a sender (claims keep each event to one).

The workers of one ``localspot serve`` share a lock file named after the serve process;
the worker holding an exclusive ``flock`` on it sends. The lock ends with its process, so
when that worker dies another takes over within ``RETRY_SECONDS`` (the supervisor's new
worker or one of the others). Events written by the other workers reach the sender by its
poll (``webhook_sender.POLL_SECONDS``) instead of a wake-up.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import tempfile
from pathlib import Path
from typing import IO

from localspot.crm.webhook_outbox_storage import WebhookOutboxStorage
from localspot.http.webhook_sender import WebhookSender

RETRY_SECONDS = 2.0
"""How often a worker that does not send asks again."""


def lock_path(server_pid: int) -> Path:
    """The lock file of the workers of the serve process ``server_pid``."""
    return Path(tempfile.gettempdir()) / f"localspot-webhook-sender-{server_pid}.lock"


class SenderElection:
    """An exclusive lock on the server's lock file, held while this process sends."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._held: IO[str] | None = None

    def try_take(self) -> bool:
        """Whether this process holds the lock now (it keeps it until ``release``). The
        holder writes its process id into the file (diagnostics, and the tests' way to find
        it)."""
        if self._held is not None:
            return True
        file = open(self._path, "a+")  # noqa: SIM115 - held open as long as the lock
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            file.close()
            return False
        file.truncate(0)
        file.write(str(os.getpid()))
        file.flush()
        self._held = file
        return True

    def release(self) -> None:
        """Let go (the file stays: unlinking it could leave a waiting worker locking a file
        no other worker sees)."""
        held, self._held = self._held, None
        if held is not None:
            held.close()


async def send_when_chosen(
    sender: WebhookSender, store: WebhookOutboxStorage, election: SenderElection | None
) -> None:
    """Run ``sender`` once this process holds the election (at once without one: a server of
    one process), until cancelled."""
    if election is None:
        await sender.run(store)
        return
    while not election.try_take():
        await asyncio.sleep(RETRY_SECONDS)
    try:
        await sender.run(store)
    finally:
        election.release()
