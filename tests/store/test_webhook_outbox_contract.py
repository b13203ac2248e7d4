"""Store contract, webhook outbox role: ``claim_outbox``, ``release_outbox``,
``finish_deliveries``, ``next_outbox_attempt``, ``webhook_deliveries`` (paged back),
``pending_webhook_work``; and the events the record writes put in the outbox in their own
transaction.

The outbox is database-wide (a sender claims any portal's events), so each test opens an
empty database of its own (``fresh_store``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

from localspot.crm.apps_storage import NewApp
from localspot.crm.records_storage import NewRecord, RecordChange
from localspot.crm.storage import Store
from localspot.crm.webhook_event_lines import CarriedRow, request_body
from localspot.crm.webhook_outbox_storage import (
    DELIVERIES_KEPT,
    PRUNE_EVERY,
    Delivery,
    DeliveryOutcome,
    OutboxRow,
    PendingWork,
)
from localspot.crm.webhooks_storage import NewSubscription

from .conftest import AT, FreshStore, Run

HOLD = 60_000
CREATED = NewSubscription("contact.creation", "0-1", "creation", None, True)
CITY = NewSubscription("contact.propertyChange", "0-1", "propertyChange", "city", True)


def subscribed(store: Store, run: Run, *subscriptions: NewSubscription) -> tuple[int, int]:
    """A portal and an app installed in it, with settings and these subscriptions."""
    portal = run(store.create_portal("outbox"))
    app = run(store.create_app(NewApp("Hooks", "secret", uuid.uuid4().hex, AT), portal))
    assert app is not None
    run(store.save_webhook_settings(app.id, "http://127.0.0.1:9/hooks", 7, AT))
    for new in subscriptions:
        assert run(store.create_subscription(app.id, new, AT, limit=1000)).subscription
    return portal, app.id


def events_of(rows: list[OutboxRow]) -> list[dict[str, object]]:
    """The events as a request of the rows would carry them."""
    carried = [
        CarriedRow(r.id, r.attempts, r.portal_id, r.app_id, r.occurred_at, r.events) for r in rows
    ]
    return list(json.loads(request_body(carried)))


def delivery(row: OutboxRow, state: str) -> Delivery:
    return Delivery(
        row.portal_id, row.app_id, AT, "http://x", "[]", 1, "{}", 200, 3, None, state, None
    )


def test_writes_fill_the_outbox_and_a_claim_holds_rows_once(fresh_store: FreshStore) -> None:
    with fresh_store() as opened:
        store, run = opened.store, opened.run
        portal, app_id = subscribed(store, run, CREATED, CITY)
        made = run(store.insert_records(portal, "0-1", [NewRecord({"city": "Oslo"})], AT))
        contact = made.records[0].id
        run(store.apply_updates(portal, "0-1", [RecordChange(contact, {"city": "Oslo"})], AT + 1))
        run(store.apply_updates(portal, "0-1", [RecordChange(contact, {"city": "Rome"})], AT + 2))
        assert run(store.next_outbox_attempt()) == 0  # first attempts are due at once
        rows = list(run(store.claim_outbox(AT, "one", HOLD, 10)))
        assert [(r.portal_id, r.app_id, r.attempts, r.target_url) for r in rows] == [
            (portal, app_id, 0, "http://127.0.0.1:9/hooks")
        ] * 2  # the update to the same value made no row
        assert (rows[0].max_concurrent_requests, rows[0].client_secret) == (7, "secret")
        kinds = [(e["subscriptionType"], e.get("propertyValue")) for e in events_of(rows)]
        assert kinds == [
            ("contact.creation", None),
            ("contact.propertyChange", "Oslo"),
            ("contact.propertyChange", "Rome"),
        ]
        assert run(store.claim_outbox(AT, "two", HOLD, 10)) == []  # held by "one"
        run(store.release_outbox("one", [rows[1].id]))
        again = run(store.claim_outbox(AT, "two", HOLD, 10))
        assert [r.id for r in again] == [rows[1].id]
        retry_at = AT + 60_000
        run(
            store.finish_deliveries(
                "one",
                [DeliveryOutcome(delivery(rows[0], "retrying"), (), ((rows[0].id, retry_at),))],
            )
        )
        assert run(store.claim_outbox(AT, "three", HOLD, 10)) == []  # not due yet
        assert run(store.next_outbox_attempt()) == retry_at
        (retried,) = run(store.claim_outbox(retry_at, "three", HOLD, 10))
        assert (retried.id, retried.attempts) == (rows[0].id, 1)
        run(
            store.finish_deliveries(
                "one", [DeliveryOutcome(delivery(retried, "delivered"), (retried.id,), ())]
            )
        )
        assert run(store.claim_outbox(retry_at, "four", HOLD, 10)) == []  # "one" no longer held it
        run(
            store.finish_deliveries(
                "three", [DeliveryOutcome(delivery(retried, "delivered"), (retried.id,), ())]
            )
        )
        run(
            store.finish_deliveries(
                "two", [DeliveryOutcome(delivery(again[0], "failed"), (again[0].id,), ())]
            )
        )
        assert run(store.next_outbox_attempt()) is None
        shown = run(store.webhook_deliveries(portal))
        assert [d.state for d in shown] == ["failed", "delivered", "retrying"]  # newest first
        assert [d.state for d in run(store.webhook_deliveries(portal, state="delivered"))] == [
            "delivered"
        ]
        assert run(store.webhook_deliveries(portal, app_id=app_id + 1)) == []
        assert len(run(store.webhook_deliveries(portal, limit=1))) == 1


def test_a_reset_clears_the_outbox_and_an_uninstalled_app_gets_nothing(
    fresh_store: FreshStore,
) -> None:
    with fresh_store() as opened:
        store, run = opened.store, opened.run
        portal, app_id = subscribed(store, run, CREATED)
        run(store.insert_records(portal, "0-1", [NewRecord({})], AT))
        (row,) = run(store.claim_outbox(AT, "one", HOLD, 10))
        assert run(store.reset_portal(portal, keep_custom_properties=False))
        run(
            store.finish_deliveries(
                "one", [DeliveryOutcome(delivery(row, "delivered"), (row.id,), ())]
            )
        )
        assert run(store.webhook_deliveries(portal)) == []  # its rows were gone: no trace
        run(store.install_app(app_id, portal))
        run(store.uninstall_app(app_id, portal))
        run(store.insert_records(portal, "0-1", [NewRecord({})], AT))
        assert run(store.next_outbox_attempt()) is None


def test_a_claim_whose_hold_ended_is_taken_over(fresh_store: FreshStore) -> None:
    with fresh_store() as opened:
        store, run = opened.store, opened.run
        portal, _ = subscribed(store, run, CREATED)
        run(store.insert_records(portal, "0-1", [NewRecord({})], AT))
        (row,) = run(store.claim_outbox(AT, "one", -1, 10))  # ended at once: a crashed sender
        assert run(store.next_outbox_attempt()) == 0
        (again,) = run(store.claim_outbox(AT, "two", HOLD, 10))
        assert again.id == row.id
        assert run(store.claim_outbox(AT, "three", HOLD, 10)) == []
        assert run(store.next_outbox_attempt()) is None  # held
        late = DeliveryOutcome(delivery(row, "delivered"), (row.id,), ())
        run(store.finish_deliveries("one", [late]))
        assert run(store.webhook_deliveries(portal)) == []  # "one" held it no more
        run(
            store.finish_deliveries(
                "two", [DeliveryOutcome(delivery(again, "failed"), (row.id,), ())]
            )
        )
        assert [d.state for d in run(store.webhook_deliveries(portal))] == ["failed"]
        assert run(store.claim_outbox(AT, "three", HOLD, 10)) == []  # gone from the outbox


def test_an_emptied_outbox_never_gives_a_row_id_again(fresh_store: FreshStore) -> None:
    """An event's ``eventId`` comes from its row's id: a receiver that drops repeated ids
    would drop the events of a row that got a delivered row's id."""
    with fresh_store() as opened:
        store, run = opened.store, opened.run
        portal, _ = subscribed(store, run, CREATED)
        seen: list[int] = []
        for round_ in range(3):
            run(store.insert_records(portal, "0-1", [NewRecord({"city": str(round_)})], AT))
            (row,) = run(store.claim_outbox(AT, "one", HOLD, 10))
            run(
                store.finish_deliveries(
                    "one", [DeliveryOutcome(delivery(row, "delivered"), (row.id,), ())]
                )
            )
            assert run(store.next_outbox_attempt()) is None  # the outbox is empty again
            seen.append(row.id)
        assert seen == sorted(set(seen)) and len(seen) == 3


def test_each_portal_keeps_its_newest_deliveries(fresh_store: FreshStore) -> None:
    """Every request's body is kept for the admin API: under steady load they would fill
    the disk, so each portal keeps its newest 1000, pruned when the deliveries' ids pass a
    multiple of 100."""
    assert (DELIVERIES_KEPT, PRUNE_EVERY) == (1000, 100)
    with fresh_store() as opened:
        store, run = opened.store, opened.run
        busy, _ = subscribed(store, run, CREATED)
        quiet, _ = subscribed(store, run, CREATED)
        run(store.insert_records(busy, "0-1", [NewRecord({})], AT))
        run(store.insert_records(quiet, "0-1", [NewRecord({})], AT))
        made = 0

        def record(portal: int, count: int) -> None:
            """``count`` requests of the portal's row, numbered by ``attempted_at``."""
            nonlocal made
            claimed = run(store.claim_outbox(AT, "one", HOLD, 10))
            (row,) = [r for r in claimed if r.portal_id == portal]
            retried = DeliveryOutcome(delivery(row, "retrying"), (), ((row.id, AT),))
            run(
                store.finish_deliveries(
                    "one",
                    [
                        replace(retried, delivery=replace(retried.delivery, attempted_at=at))
                        for at in range(made, made + count)
                    ],
                )
            )
            made += count
            run(store.release_outbox("one", [r.id for r in claimed if r.id != row.id]))

        def kept(portal: int) -> list[int]:
            return sorted(d.attempted_at for d in run(store.webhook_deliveries(portal, limit=5000)))

        record(busy, 1150)  # ids 1-1150
        assert kept(busy) == list(range(150, 1150))
        record(quiet, 5)  # ids 1151-1155: no multiple of 100 passed, nothing looked at
        record(busy, 5)  # 1156-1160
        assert kept(busy) == list(range(150, 1150)) + list(range(1155, 1160))
        record(busy, 100)  # 1161-1260
        assert kept(busy) == list(range(255, 1150)) + list(range(1155, 1260))
        assert kept(quiet) == list(range(1150, 1155))


def test_pending_work_per_app_and_deliveries_paged_back(fresh_store: FreshStore) -> None:
    with fresh_store() as opened:
        store, run = opened.store, opened.run
        portal, app_id = subscribed(store, run, CREATED)
        assert run(store.pending_webhook_work(portal)) == []
        run(store.insert_records(portal, "0-1", [NewRecord({}), NewRecord({})], AT))
        run(store.insert_records(portal, "0-1", [NewRecord({})], AT))
        assert run(store.pending_webhook_work(portal)) == [PendingWork(app_id, 2, 3, None)]
        assert run(store.pending_webhook_work(portal + 1000)) == []
        pair, single = run(store.claim_outbox(AT, "one", HOLD, 10))
        retry_at = AT + 60_000
        outcomes = [
            DeliveryOutcome(delivery(pair, "retrying"), (), ((pair.id, retry_at),)),
            DeliveryOutcome(delivery(single, "delivered"), (single.id,), ()),
        ]
        run(store.finish_deliveries("one", outcomes))
        assert run(store.pending_webhook_work(portal)) == [PendingWork(app_id, 1, 2, retry_at)]
        newest, oldest = run(store.webhook_deliveries(portal))
        assert run(store.webhook_deliveries(portal, limit=1)) == [newest]
        assert run(store.webhook_deliveries(portal, before_id=newest.id)) == [oldest]
        assert run(store.webhook_deliveries(portal, before_id=oldest.id)) == []
