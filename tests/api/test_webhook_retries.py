"""Webhook delivery on a server of this module's own (it moves the clock, stops and starts
again): retries on HubSpot's schedule as the clock is advanced (same ``eventId``, growing
``attemptNumber``, given up after the tenth retry), ``maxConcurrentRequests``, CRM writes
that stay fast while the receiver hangs, a restart that loses no event, and two servers on
one PostgreSQL database that deliver each event once."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from admin_support import AdminServer
from webhook_delivery_support import OBJECTS, Subscribed, subscribe
from webhook_receiver import Receiver, assert_signed, receiving

from conftest import Server, scratch_postgres, start_server, stop_server
from localspot.crm.webhook_delivery import JITTER, MAX_RETRIES, RETRY_DELAYS_MS, TIMEOUT_SECONDS


@dataclass
class Running:
    """The module's server, which a test may stop and start again on the same database."""

    database_url: str
    admin_token: str
    server: Server
    admin: AdminServer

    def stop(self) -> None:
        self.admin.close()
        stop_server(self.server)

    def start(self) -> None:
        self.server = start_server(
            self.database_url, env={"LOCALSPOT_ADMIN_TOKEN": self.admin_token}
        )
        self.admin = _admin(self.server, self.admin_token)


def _admin(server: Server, token: str) -> AdminServer:
    headers = {"Authorization": f"Bearer {token}"}
    return AdminServer(server, httpx.Client(base_url=server.base_url, headers=headers))


@pytest.fixture(scope="module")
def running(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Running]:
    with ExitStack() as stack:
        if backend == "postgres":
            request.getfixturevalue("postgres_url")  # skips when there is no PostgreSQL
            # a database of its own: the session's server would deliver its events too
            database_url = stack.enter_context(scratch_postgres("localspot_hooks"))
        else:
            folder = Path(tmp_path_factory.mktemp("hooks"))
            database_url = "sqlite:///" + str(folder / "hooks.db")
        token = secrets.token_urlsafe(16)
        server = start_server(database_url, env={"LOCALSPOT_ADMIN_TOKEN": token})
        found = Running(database_url, token, server, _admin(server, token))
        try:
            yield found
        finally:
            found.admin.close()
            stop_server(found.server)


@pytest.fixture
def admin(running: Running) -> Iterator[AdminServer]:
    running.admin.admin.post("/_localspot/time/freeze")
    try:
        yield running.admin
    finally:
        running.admin.admin.post("/_localspot/time/reset")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as found:
        yield found


def advance(admin: AdminServer, ms: int) -> None:
    moved = admin.admin.post("/_localspot/time/advance", json={"ms": ms})
    assert moved.status_code == 200, moved.text


def wait_for_deliveries(
    s: Subscribed, check: Any, timeout: float = 15, **params: Any
) -> list[dict[str, Any]]:
    """Poll the admin API until ``check(deliveries)`` holds (bounded by ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        found = s.deliveries(**params)
        if check(found):
            return found
        assert time.monotonic() < deadline, f"timed out; deliveries: {found}"
        time.sleep(0.05)


def test_failed_requests_are_retried_on_the_clock_with_the_same_event_ids(
    admin: AdminServer, receiver: Receiver
) -> None:
    s = subscribe(admin, receiver.url, {"eventType": "contact.creation"})
    receiver.statuses = [500, 404]
    contact = s.create("contacts", email="retry@hooks.example")
    receiver.wait_for(lambda r: len(r) == 1)
    first = wait_for_deliveries(s, lambda d: len(d) == 1)[0]
    assert (first["status"], first["state"], first["error"]) == (
        500,
        "retrying",
        "The receiver answered 500",
    )
    delay = RETRY_DELAYS_MS[0]
    assert (
        first["attemptedAt"] + delay * (1 - JITTER)
        <= first["nextRetryAt"]
        <= first["attemptedAt"] + delay
    )
    advance(admin, RETRY_DELAYS_MS[0])
    receiver.wait_for(lambda r: len(r) == 2)
    wait_for_deliveries(s, lambda d: len(d) == 2)  # its retry is set from the clock
    advance(admin, RETRY_DELAYS_MS[1])
    receiver.wait_for(lambda r: len(r) == 3)
    attempts = [r.events[0] for r in receiver.requests]
    assert [e["attemptNumber"] for e in attempts] == [0, 1, 2]
    assert len({e["eventId"] for e in attempts}) == 1
    assert {e["objectId"] for e in attempts} == {int(contact)}
    assert len({e["occurredAt"] for e in attempts}) == 1
    for request in receiver.requests:
        assert_signed(request, s.client_secret, receiver.url)
    states = wait_for_deliveries(s, lambda d: len(d) == 3)
    assert [(d["status"], d["state"]) for d in states] == [
        (200, "delivered"),
        (404, "retrying"),
        (500, "retrying"),
    ]


def test_events_are_given_up_after_the_tenth_retry(admin: AdminServer, receiver: Receiver) -> None:
    s = subscribe(admin, receiver.url, {"eventType": "contact.creation"})
    receiver.status = 503
    s.create("contacts", email="never@hooks.example")
    for attempt in range(MAX_RETRIES):
        receiver.wait_for(lambda r, n=attempt: len(r) == n + 1)
        wait_for_deliveries(s, lambda d, n=attempt: len(d) == n + 1)
        advance(admin, RETRY_DELAYS_MS[attempt])
    receiver.wait_for(lambda r: len(r) == MAX_RETRIES + 1)
    last = wait_for_deliveries(s, lambda d: len(d) == MAX_RETRIES + 1)[0]
    assert (last["state"], last["nextRetryAt"]) == ("failed", None)
    assert [r.events[0]["attemptNumber"] for r in receiver.requests] == list(range(11))
    receiver.status = 200
    advance(admin, RETRY_DELAYS_MS[-1] * 2)
    marker = s.create("contacts", email="after@hooks.example")
    receiver.wait_for(lambda r: len(r) == MAX_RETRIES + 2)
    assert [e["objectId"] for e in receiver.requests[-1].events] == [int(marker)]


def test_writes_stay_fast_while_the_receiver_hangs_and_requests_are_throttled(
    admin: AdminServer, receiver: Receiver
) -> None:
    s = subscribe(admin, receiver.url, {"eventType": "contact.creation"}, max_concurrent=6)
    portals = [admin.new_portal() for _ in range(7)]  # a request holds one portal's events
    for portal_id, _ in portals:
        installed = admin.admin.put(f"/_localspot/apps/{s.app_id}/portals/{portal_id}")
        assert installed.status_code in (200, 201, 204), installed.text
    receiver.hang()
    s.create("contacts", email="hang0@hooks.example")
    receiver.wait_for(lambda r: len(r) == 1)
    slowest = 0.0
    for i, (_, crm) in enumerate(portals * 2):
        started = time.perf_counter()
        made = crm.post(f"{OBJECTS}/contacts", json={"properties": {"email": f"h{i}@x.io"}})
        slowest = max(slowest, time.perf_counter() - started)
        assert made.status_code == 201
    receiver.wait_for(lambda r: len(r) >= 6)
    assert slowest < 1.0  # a write never waits for the receiver (its timeout is 5 s)
    # maxConcurrentRequests: a seventh request only once one of the six has timed out
    first = receiver.requests[0].at
    offsets = [round(r.at - first, 2) for r in receiver.requests]
    assert all(o >= TIMEOUT_SECONDS - 0.5 for o in offsets[6:]), offsets
    receiver.let_go()
    events = receiver.wait_for_events(15)
    assert len({e["eventId"] for e in events}) == 15


def test_two_servers_on_one_postgres_deliver_each_event_once(
    backend: str, running: Running, admin: AdminServer, receiver: Receiver
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite is one server's file")
    s = subscribe(admin, receiver.url, {"eventType": "contact.creation"})
    token = s.crm.headers["Authorization"]
    other = start_server(running.database_url, env={"LOCALSPOT_ADMIN_TOKEN": running.admin_token})
    try:
        with httpx.Client(
            base_url=other.base_url, headers={"Authorization": token}, timeout=30
        ) as second:
            for i in range(40):
                client = s.crm if i % 2 else second
                inputs = [{"properties": {"email": f"two{i}-{j}@hooks.example"}} for j in range(5)]
                made = client.post(f"{OBJECTS}/contacts/batch/create", json={"inputs": inputs})
                assert made.status_code == 201, made.text
            events = receiver.wait_for_events(200)
    finally:
        stop_server(other)
    assert len(events) == 200 == len({e["eventId"] for e in events})


def test_a_restart_loses_no_event(running: Running, receiver: Receiver) -> None:
    s = subscribe(running.admin, receiver.url, {"eventType": "contact.creation"})
    receiver.hang()
    made = [s.create("contacts", email=f"restart{i}@hooks.example") for i in range(12)]
    receiver.wait_for(lambda r: len(r) >= 1)
    running.stop()  # in-flight requests are cut short and their events let go
    receiver.let_go()
    receiver.clear()
    running.start()
    events = receiver.wait_for_events(12)
    assert sorted({e["objectId"] for e in events}) == sorted(int(i) for i in made)
