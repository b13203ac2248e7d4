"""The example of docs/testing.md: a small HubSpot client tested with the ``localspot``
fixture (the pytest plugin), through the official SDK, with faults, frozen time, the
journal and snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hubspot import Client
from hubspot.crm.objects.calls import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
)

from localspot.testing import LocalSpot


class CallSync:
    """The code under test: logs calls from a phone system and records their outcomes,
    retrying HubSpot's 429s with a backoff."""

    def __init__(
        self, client: Client, *, retries: int = 3, wait: Callable[[float], None] = lambda s: None
    ) -> None:
        self.calls = client.crm.objects.calls
        self.retries = retries
        self.wait = wait

    def _with_retries(self, send: Callable[[], Any]) -> Any:
        for attempt in range(self.retries + 1):
            try:
                return send()
            except ApiException as error:
                if error.status != 429 or attempt == self.retries:
                    raise
                self.wait(2**attempt)
        raise AssertionError("unreachable")

    def log(self, titles: list[str], at: str) -> list[str]:
        inputs = [{"properties": {"hs_timestamp": at, "hs_call_title": t}} for t in titles]
        body = BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs)
        created = self._with_retries(lambda: self.calls.batch_api.create(body))
        return [record.id for record in created.results]

    def record_outcomes(self, outcomes: dict[str, str]) -> None:
        inputs = [
            {"id": call_id, "properties": {"hs_call_status": status}}
            for call_id, status in outcomes.items()
        ]
        body = BatchInputSimplePublicObjectBatchInput(inputs=inputs)
        self._with_retries(lambda: self.calls.batch_api.update(body))


def test_outcomes_are_written_in_one_batch(localspot: LocalSpot) -> None:
    sync = CallSync(localspot.client)
    ids = sync.log(["intro", "demo"], at="2026-01-15T10:00:00Z")
    sync.record_outcomes({ids[0]: "COMPLETED", ids[1]: "NO_ANSWER"})
    updates = localspot.journal.entries(path="*/batch/update")
    assert len(updates) == 1
    assert updates[0]["requestBody"]["inputs"][1] == {
        "id": ids[1],
        "properties": {"hs_call_status": "NO_ANSWER"},
    }


def test_a_429_is_retried_after_a_backoff(localspot: LocalSpot) -> None:
    waits: list[float] = []
    sync = CallSync(localspot.client, wait=waits.append)
    (call_id,) = sync.log(["retry me"], at="2026-01-15T10:00:00Z")
    localspot.faults.add(status=429, method="POST", path="*/batch/update", times=1)
    sync.record_outcomes({call_id: "COMPLETED"})
    statuses = [e["status"] for e in localspot.journal.entries(path="*/batch/update")]
    assert statuses == [429, 200]
    assert waits == [1]


def test_a_daily_limit_is_not_retried_forever(localspot: LocalSpot) -> None:
    sync = CallSync(localspot.client, retries=2)
    localspot.faults.add(status=429, policy="DAILY", path="*/batch/create")
    try:
        sync.log(["never"], at="2026-01-15T10:00:00Z")
    except ApiException as error:
        assert error.status == 429
    assert len(localspot.journal.entries(path="*/batch/create")) == 3


def test_calls_carry_the_frozen_clock(localspot: LocalSpot) -> None:
    localspot.time.freeze("2026-03-01T09:00:00Z")
    (call_id,) = CallSync(localspot.client).log(["frozen"], at="2026-03-01T08:55:00Z")
    record = localspot.client.crm.objects.calls.basic_api.get_by_id(call_id)
    assert record.created_at.isoformat() == "2026-03-01T09:00:00+00:00"


def test_seeded_ids_make_every_run_alike(localspot: LocalSpot) -> None:
    localspot.seed_ids(42)
    first = CallSync(localspot.client).log(["a", "b"], at="2026-01-15T10:00:00Z")
    localspot.reset()
    assert CallSync(localspot.client).log(["a", "b"], at="2026-01-15T10:00:00Z") == first


def test_a_snapshot_brings_back_the_state_of_before(localspot: LocalSpot) -> None:
    sync = CallSync(localspot.client)
    (call_id,) = sync.log(["kept"], at="2026-01-15T10:00:00Z")
    before = localspot.snapshot()
    sync.record_outcomes({call_id: "FAILED"})
    localspot.restore(before)
    assert localspot.snapshot() == before


def test_each_test_starts_with_an_empty_portal(localspot: LocalSpot) -> None:
    """Runs after tests that left calls, rules and journal entries behind."""
    assert localspot.client.crm.objects.calls.basic_api.get_page().results == []
    assert [e["path"] for e in localspot.journal.entries()] == ["/crm/v3/objects/calls"]
    assert localspot.faults.list() == []
