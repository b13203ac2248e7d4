"""A server of several worker processes sends webhooks from one of them (PostgreSQL: SQLite
runs in one process): every event is delivered once whichever worker wrote it, and when the
sending worker dies another takes over."""

from __future__ import annotations

import fcntl
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from admin_support import AdminServer, admin_server
from webhook_delivery_support import OBJECTS, Subscribed, subscribe
from webhook_receiver import Receiver, receiving

from conftest import scratch_postgres
from localspot.http.webhook_election import RETRY_SECONDS, lock_path


@pytest.fixture
def two_workers(postgres_url: str) -> Iterator[AdminServer]:
    """A server of two workers on a database of its own (the session's server would
    deliver the events too)."""
    with scratch_postgres("localspot_one_sender") as url, admin_server(url, "--workers", "2") as s:
        yield s


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as found:
        yield found


def create_contacts(s: Subscribed, base_url: str, label: str, count: int) -> None:
    """One contact a request, each on a new connection: the workers share them."""
    token = s.crm.headers["Authorization"]
    for i in range(count):
        with httpx.Client(base_url=base_url, headers={"Authorization": token}) as crm:
            body = {"properties": {"email": f"{label}{i}@one-sender.example"}}
            made = crm.post(f"{OBJECTS}/contacts", json=body)
            assert made.status_code == 201, made.text


def sender_pid(server_pid: int) -> int:
    """The worker holding the server's sender lock (it wrote its process id there)."""
    path = lock_path(server_pid)
    with open(path) as file, pytest.raises(BlockingIOError):  # held by a worker
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return int(Path(path).read_text())


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_one_worker_sends_every_event_once_and_another_takes_over(
    two_workers: AdminServer, receiver: Receiver
) -> None:
    s = subscribe(two_workers, receiver.url, {"eventType": "contact.creation"})
    server_pid = two_workers.server.process.pid
    create_contacts(s, two_workers.base_url, "first", 20)
    events = receiver.wait_for_events(20)
    assert len(events) == 20 == len({e["eventId"] for e in events})
    sending = sender_pid(server_pid)
    assert parent_of(sending) == server_pid  # one of the server's workers

    os.kill(sending, signal.SIGKILL)
    create_contacts(s, two_workers.base_url, "after", 5)
    events = receiver.wait_for_events(25, timeout=15 + RETRY_SECONDS)
    assert len(events) == 25 == len({e["eventId"] for e in events})
    taken_over = sender_pid(server_pid)
    assert taken_over != sending and parent_of(taken_over) == server_pid
