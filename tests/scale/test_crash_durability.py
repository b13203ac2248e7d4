"""Every kind of acknowledged write is committed when it is answered, and survives a SIGKILL.

One server runs every step (setup, then the write under test, last). Right after each
answer, another connection to the database must find no transaction of the server left
open: a later request's statements on the server's connection could otherwise commit it
and hide that the answer came first. The server is SIGKILLed right after the last answer;
a new one on the same database must show every write.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from conftest import Server, start_server

CALLS = "/crm/v3/objects/calls"
CONTACTS = "/crm/v3/objects/contacts"
PROPS = "/crm/v3/properties/calls"
V4_OBJECTS = "/crm/v4/objects"
V4_BATCH = "/crm/v4/associations/calls/contacts/batch"
PORTALS = "/_localspot/portals"
CALL_TIME = "2026-01-15T10:30:00.000Z"
CALL_TO_CONTACT = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194}
UNIQUE = "crash_ref"


@dataclass
class Spot:
    """One server's clients, and what the steps remember across restarts."""

    admin: httpx.Client
    memo: dict[str, Any]
    clients: list[httpx.Client] = field(default_factory=list)
    portal_client: httpx.Client | None = None

    @property
    def crm(self) -> httpx.Client:
        """A client of the portal the first step made."""
        if self.portal_client is None:
            self.portal_client = self.client(self.memo["token"])
        return self.portal_client

    def close(self) -> None:
        for client in [self.admin, *self.clients]:
            client.close()

    def expect(self, response: httpx.Response, status: int) -> Any:
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    def portal(self) -> tuple[int, httpx.Client]:
        """A new portal (admin API, with a token) and a client for it."""
        body = self.expect(self.admin.post(f"{PORTALS}/", json={"withToken": True}), 201)
        return int(body["id"]), self.client(body["token"])

    def client(self, token: str) -> httpx.Client:
        client = _client(str(self.admin.base_url), token)
        self.clients.append(client)
        return client

    def call(self, title: str = "setup", client: httpx.Client | None = None) -> str:
        body = {"properties": {"hs_timestamp": CALL_TIME, "hs_call_title": title}}
        return str(self.expect((client or self.crm).post(CALLS, json=body), 201)["id"])

    def contact(self) -> str:
        body = {"properties": {"lastname": uuid.uuid4().hex[:8]}}
        return str(self.expect(self.crm.post(CONTACTS, json=body), 201)["id"])

    def linked(self, *contacts: str) -> str:
        """A call associated (v4, with type 194) with each contact."""
        call_id = self.call()
        for contact in contacts:
            path = f"{V4_OBJECTS}/calls/{call_id}/associations/contacts/{contact}"
            self.expect(self.crm.put(path, json=[CALL_TO_CONTACT]), 201)
        return call_id

    def title(self, call_id: str) -> str | None:
        response = self.crm.get(f"{CALLS}/{call_id}", params={"properties": "hs_call_title"})
        return self.expect(response, 200)["properties"]["hs_call_title"]  # type: ignore[no-any-return]

    def contacts_of(self, call_id: str) -> list[str]:
        response = self.crm.get(f"{V4_OBJECTS}/calls/{call_id}/associations/contacts")
        return sorted(str(r["toObjectId"]) for r in self.expect(response, 200)["results"])

    def status(self, path: str) -> int:
        return self.crm.get(path).status_code


Check = Callable[[Spot], None]
Step = Callable[[Spot], Check]
"""Does its setup, then the write under test (asserting its answer), last; returns how to
see that write after the restart."""


def portal_with_token(spot: Spot) -> Check:
    body = spot.expect(spot.admin.post(f"{PORTALS}/", json={"withToken": True}), 201)
    spot.memo["token"] = body["token"]
    return lambda s: _equal(s.status(CALLS), 200)


def record_create(spot: Spot) -> Check:
    call_id = spot.call("created")
    return lambda s: _equal(s.title(call_id), "created")


def record_update(spot: Spot) -> Check:
    call_id = spot.call()
    body = {"properties": {"hs_call_title": "updated"}}
    spot.expect(spot.crm.patch(f"{CALLS}/{call_id}", json=body), 200)
    return lambda s: _equal(s.title(call_id), "updated")


def record_archive(spot: Spot) -> Check:
    call_id = spot.call()
    spot.expect(spot.crm.delete(f"{CALLS}/{call_id}"), 204)
    return lambda s: _equal(s.status(f"{CALLS}/{call_id}"), 404)


def batch_create(spot: Spot) -> Check:
    inputs = [{"properties": {"hs_timestamp": CALL_TIME, "hs_call_title": f"b{i}"}} for i in (0, 1)]
    body = spot.expect(spot.crm.post(f"{CALLS}/batch/create", json={"inputs": inputs}), 201)
    ids = {r["properties"]["hs_call_title"]: r["id"] for r in body["results"]}
    return lambda s: _equal({t: s.title(i) for t, i in ids.items()}, {"b0": "b0", "b1": "b1"})


def batch_update(spot: Spot) -> Check:
    ids = [spot.call(), spot.call()]
    inputs = [{"id": i, "properties": {"hs_call_title": f"u-{i}"}} for i in ids]
    spot.expect(spot.crm.post(f"{CALLS}/batch/update", json={"inputs": inputs}), 200)
    return lambda s: _equal([s.title(i) for i in ids], [f"u-{i}" for i in ids])


def batch_upsert(spot: Spot) -> Check:
    prop = _text_property(UNIQUE, hasUniqueValue=True)
    spot.expect(spot.crm.post(PROPS, json=prop), 201)
    body = {"properties": {"hs_timestamp": CALL_TIME, UNIQUE: "held"}}
    held = str(spot.expect(spot.crm.post(CALLS, json=body), 201)["id"])
    inputs = [
        {
            "id": ref,
            "idProperty": UNIQUE,
            "properties": {"hs_timestamp": CALL_TIME, "hs_call_title": ref},
        }
        for ref in ("held", "fresh")
    ]
    spot.expect(spot.crm.post(f"{CALLS}/batch/upsert", json={"inputs": inputs}), 200)

    def check(s: Spot) -> None:
        read = {"inputs": [{"id": "held"}, {"id": "fresh"}], "idProperty": UNIQUE}
        read["properties"] = ["hs_call_title"]
        results = s.expect(s.crm.post(f"{CALLS}/batch/read", json=read), 200)["results"]
        titles = {r["properties"]["hs_call_title"] for r in results}
        assert titles == {"held", "fresh"} and held in {r["id"] for r in results}

    return check


def batch_archive(spot: Spot) -> Check:
    ids = [spot.call(), spot.call()]
    inputs = [{"id": i} for i in ids]
    spot.expect(spot.crm.post(f"{CALLS}/batch/archive", json={"inputs": inputs}), 204)
    return lambda s: _equal([s.status(f"{CALLS}/{i}") for i in ids], [404, 404])


def property_create(spot: Spot) -> Check:
    spot.expect(spot.crm.post(PROPS, json=_text_property("crash_made")), 201)
    return lambda s: _equal(s.status(f"{PROPS}/crash_made"), 200)


def property_update(spot: Spot) -> Check:
    spot.expect(spot.crm.post(PROPS, json=_text_property("crash_changed")), 201)
    spot.expect(spot.crm.patch(f"{PROPS}/crash_changed", json={"label": "Changed"}), 200)
    return lambda s: _equal(s.expect(s.crm.get(f"{PROPS}/crash_changed"), 200)["label"], "Changed")


def property_delete(spot: Spot) -> Check:
    spot.expect(spot.crm.post(PROPS, json=_text_property("crash_gone")), 201)
    spot.expect(spot.crm.delete(f"{PROPS}/crash_gone"), 204)
    return lambda s: _equal(s.status(f"{PROPS}/crash_gone"), 404)


def group_create(spot: Spot) -> Check:
    group = {"name": "crash_group", "label": "Crash", "displayOrder": 1}
    spot.expect(spot.crm.post(f"{PROPS}/groups", json=group), 201)
    return lambda s: _equal(s.status(f"{PROPS}/groups/crash_group"), 200)


def v4_create(spot: Spot) -> Check:
    contact, call_id = spot.contact(), spot.call()
    path = f"{V4_OBJECTS}/calls/{call_id}/associations/contacts/{contact}"
    spot.expect(spot.crm.put(path, json=[CALL_TO_CONTACT]), 201)
    return lambda s: _equal(s.contacts_of(call_id), [contact])


def v4_delete(spot: Spot) -> Check:
    """The issue's case: removed from the contact's side, answered 204, back after a crash."""
    contact = spot.contact()
    call_id = spot.linked(contact)
    spot.expect(
        spot.crm.delete(f"{V4_OBJECTS}/contacts/{contact}/associations/calls/{call_id}"), 204
    )
    return lambda s: _equal(s.contacts_of(call_id), [])


def v4_batch_create(spot: Spot) -> Check:
    contacts, call_id = [spot.contact(), spot.contact()], spot.call()
    inputs = [
        {"from": {"id": call_id}, "to": {"id": c}, "types": [CALL_TO_CONTACT]} for c in contacts
    ]
    spot.expect(spot.crm.post(f"{V4_BATCH}/create", json={"inputs": inputs}), 201)
    return lambda s: _equal(s.contacts_of(call_id), sorted(contacts))


def v4_batch_default(spot: Spot) -> Check:
    contacts, call_id = [spot.contact(), spot.contact()], spot.call()
    inputs = [{"from": {"id": call_id}, "to": {"id": c}} for c in contacts]
    spot.expect(spot.crm.post(f"{V4_BATCH}/associate/default", json={"inputs": inputs}), 200)
    return lambda s: _equal(s.contacts_of(call_id), sorted(contacts))


def v4_batch_archive(spot: Spot) -> Check:
    first, second = spot.contact(), spot.contact()
    calls = [spot.linked(first), spot.linked(second)]
    inputs = [
        {"from": {"id": calls[0]}, "to": [{"id": first}]},
        {"from": {"id": calls[1]}, "to": [{"id": second}]},
    ]
    spot.expect(spot.crm.post(f"{V4_BATCH}/archive", json={"inputs": inputs}), 204)
    return lambda s: _equal([s.contacts_of(c) for c in calls], [[], []])


def v4_labels_archive(spot: Spot) -> Check:
    first, second = spot.contact(), spot.contact()
    call_id = spot.linked(first, second)
    inputs = [
        {"from": {"id": call_id}, "to": {"id": c}, "types": [CALL_TO_CONTACT]}
        for c in (first, second)
    ]
    spot.expect(spot.crm.post(f"{V4_BATCH}/labels/archive", json={"inputs": inputs}), 204)
    return lambda s: _equal(s.contacts_of(call_id), [])


def v3_associate(spot: Spot) -> Check:
    contact, call_id = spot.contact(), spot.call()
    path = f"{CALLS}/{call_id}/associations/contacts/{contact}/194"
    spot.expect(spot.crm.put(path), 200)
    return lambda s: _equal(s.contacts_of(call_id), [contact])


def v3_remove(spot: Spot) -> Check:
    contact = spot.contact()
    call_id = spot.linked(contact)
    spot.expect(spot.crm.delete(f"{CALLS}/{call_id}/associations/contacts/{contact}/194"), 204)
    return lambda s: _equal(s.contacts_of(call_id), [])


def admin_reset(spot: Spot) -> Check:
    portal_id, crm = spot.portal()
    spot.call(client=crm)
    spot.expect(spot.admin.post(f"{PORTALS}/{portal_id}/reset"), 204)
    token = crm.headers["Authorization"]
    return lambda s: _equal(_call_ids(s, token), [])


def admin_restore(spot: Spot) -> Check:
    portal_id, crm = spot.portal()
    kept = spot.call("kept", client=crm)
    snapshot = spot.admin.get(f"{PORTALS}/{portal_id}/snapshot")
    assert snapshot.status_code == 200, snapshot.text
    spot.call("dropped", client=crm)
    headers = {"content-type": "application/json"}
    restored = spot.admin.put(
        f"{PORTALS}/{portal_id}/snapshot", content=snapshot.content, headers=headers
    )
    assert restored.status_code == 204, restored.text
    token = crm.headers["Authorization"]
    return lambda s: _equal(_call_ids(s, token), [kept])


def admin_delete_portal(spot: Spot) -> Check:
    portal_id, crm = spot.portal()
    assert spot.admin.delete(f"{PORTALS}/{portal_id}").status_code in (200, 204)
    token = crm.headers["Authorization"]

    def check(s: Spot) -> None:
        assert s.crm.get(CALLS, headers={"Authorization": token}).status_code == 401

    return check


STEPS: list[Step] = [
    portal_with_token,
    record_create,
    record_update,
    record_archive,
    batch_create,
    batch_update,
    batch_upsert,
    batch_archive,
    property_create,
    property_update,
    property_delete,
    group_create,
    v4_create,
    v4_batch_create,
    v4_batch_default,
    v4_batch_archive,
    v4_labels_archive,
    v3_associate,
    v3_remove,
    admin_reset,
    admin_restore,
    admin_delete_portal,
    v4_delete,  # the case last: the SIGKILL follows its answer
]


def _equal(actual: Any, expected: Any) -> None:
    assert actual == expected


def _text_property(name: str, **overrides: Any) -> dict[str, Any]:
    body = {"name": name, "label": name, "type": "string", "fieldType": "text"}
    return {**body, "groupName": "call_information", **overrides}


def _call_ids(spot: Spot, authorization: str) -> list[str]:
    response = spot.crm.get(CALLS, headers={"Authorization": authorization})
    return sorted(r["id"] for r in spot.expect(response, 200)["results"])


def _client(base_url: str, token: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


@contextmanager
def running(url: str, admin_token: str, memo: dict[str, Any]) -> Iterator[tuple[Server, Spot]]:
    """A server on ``url``, SIGKILLed (never stopped) when the block ends."""
    server = start_server(url, env={"LOCALSPOT_ADMIN_TOKEN": admin_token})
    spot = Spot(_client(server.base_url, admin_token), memo)
    try:
        yield server, spot
    finally:
        server.process.kill()
        server.process.wait()
        spot.close()
        if server.process.stderr:
            server.process.stderr.close()


def committed_probe(url: str, pid: int) -> Callable[[], bool]:
    """Whether the server at ``pid`` holds no transaction open, judged from a connection of
    this process right after an answer.

    SQLite: taking the write lock must succeed within 50 ms. It has to be judged early: any
    later statement on the server's connection commits a transaction left open, and the
    server's idle indexer reads after 0.3 s without requests. Nothing else holds the lock
    right after an answer (checkpoints are passive until the log is far larger than here).
    PostgreSQL: none of the server's sessions may stay idle in a transaction (a background
    ``ANALYZE`` may pass through that state, so it is polled for up to 5 s)."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")

        def sqlite_free() -> bool:
            with closing(sqlite3.connect(path, timeout=0.05, isolation_level=None)) as conn:
                try:
                    conn.execute("BEGIN IMMEDIATE")  # waits out the busy timeout
                except sqlite3.OperationalError:
                    return False
                conn.execute("ROLLBACK")
                return True

        return sqlite_free

    sql = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE application_name = %s AND state LIKE 'idle in transaction%%'"
    )

    def postgres_free() -> bool:
        deadline = time.monotonic() + 5
        with psycopg.connect(url, autocommit=True) as conn:
            while time.monotonic() < deadline:
                row = conn.execute(sql, (f"localspot {pid}",)).fetchone()
                if row is not None and row[0] == 0:
                    return True
        return False

    return postgres_free


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_every_acknowledged_write_is_committed_and_survives_a_sigkill(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """After each answer another connection must find no transaction left open (the next
    request would otherwise commit it and hide the loss); after the last answer the server
    is SIGKILLed, and a new one on the same database must show every write."""
    url = (
        f"sqlite:///{tmp_path / 'durable.db'}"
        if kind == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    admin_token, memo = secrets.token_urlsafe(16), {}
    checks: list[tuple[str, Check]] = []
    with running(url, admin_token, memo) as (server, spot):
        committed = committed_probe(url, server.process.pid)
        for step in STEPS:
            checks.append((step.__name__, step(spot)))
            assert committed(), f"{step.__name__}: answered with its transaction still open"
    with running(url, admin_token, memo) as (_, spot):
        for name, check in checks:
            try:
                check(spot)
            except AssertionError as error:
                raise AssertionError(f"{name}: acknowledged, then lost in a SIGKILL") from error
