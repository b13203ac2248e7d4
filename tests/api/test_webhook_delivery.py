"""Webhook delivery (hubspot-behaviour §17.5) on the session's server: every event kind
reaches a real receiver on 127.0.0.1 with HubSpot's fields and verified v1 and v3
signatures; batches of at most 100 events; silence for inactive subscriptions, apps
without settings and uninstalled apps; property changes only when a value changes; and the
admin API's deliveries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from admin_support import AdminServer, shared_admin
from import_support import column, import_request, run_import
from webhook_delivery_support import OBJECTS, Subscribed, subscribe
from webhook_receiver import Receiver, assert_signed, receiving

from conftest import WEBHOOK_EVENT_HEAD, Server, assert_hubspot_error

V4 = "/crm/v4/objects"


@pytest.fixture(scope="module")
def admin(server: Server) -> Iterator[AdminServer]:
    yield from shared_admin(server)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


def common(s: Subscribed, key: str, object_id: str, **extra: Any) -> dict[str, Any]:
    """An event as HubSpot sends it, minus ``eventId`` and ``occurredAt`` (checked apart):
    an app's API write is ``INTEGRATION``, a creation and a deletion carry their
    ``changeFlag``, a generic property change ``isSensitive`` (captured events)."""
    subscription_type = key.split(":")[0]
    flag = {"creation": "CREATED", "deletion": "DELETED"}.get(subscription_type.split(".")[1])
    return {
        "subscriptionId": s.subscriptions[key],
        "portalId": s.portal_id,
        "appId": s.app_id,
        "subscriptionType": subscription_type,
        "attemptNumber": 0,
        "objectId": int(object_id),
        "changeSource": "INTEGRATION",
        **({"changeFlag": flag} if flag else {}),
        **({"isSensitive": False} if subscription_type == "object.propertyChange" else {}),
        **extra,
    }


def stripped(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k not in ("eventId", "occurredAt")} for e in events]


def by_type(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        found.setdefault(event["subscriptionType"], []).append(event)
    return found


def test_record_events_arrive_signed_with_hubspots_fields(
    admin: AdminServer, receiver: Receiver
) -> None:
    s = subscribe(
        admin,
        receiver.url,
        {"eventType": "contact.creation"},
        {"eventType": "contact.propertyChange", "propertyName": "firstname"},
        {"eventType": "contact.deletion"},
        {"eventType": "object.creation", "objectTypeId": "0-48"},
        {
            "eventType": "object.propertyChange",
            "objectTypeId": "0-48",
            "propertyName": "hs_call_title",
        },
    )
    contact = s.create("contacts", email="first@hooks.example", firstname="Ada")
    events = receiver.wait_for_events(2)
    assert stripped(events) == [
        common(s, "contact.creation", contact),
        common(
            s,
            "contact.propertyChange:firstname",
            contact,
            propertyName="firstname",
            propertyValue="Ada",
        ),
    ]
    assert [list(e)[:8] for e in events] == [WEBHOOK_EVENT_HEAD] * 2
    assert len({e["eventId"] for e in events}) == 2
    assert all(isinstance(e["occurredAt"], int) and e["occurredAt"] > 0 for e in events)
    assert_signed(receiver.requests[0], s.client_secret, receiver.url)
    call = s.create("calls", hs_timestamp="2026-01-15T10:30:00.000Z", hs_call_title="Hi")
    events = receiver.wait_for_events(4)[2:]
    assert [list(e)[:8] for e in events] == [WEBHOOK_EVENT_HEAD] * 2
    generic = {"objectTypeId": "0-48"}
    assert stripped(events) == [
        common(s, "object.creation", call, **generic),
        common(
            s,
            "object.propertyChange:hs_call_title",
            call,
            propertyName="hs_call_title",
            propertyValue="Hi",
            **generic,
        ),
    ]
    updated = s.crm.patch(f"{OBJECTS}/contacts/{contact}", json={"properties": {"firstname": "Bo"}})
    assert updated.status_code == 200, updated.text
    archived = s.crm.delete(f"{OBJECTS}/contacts/{contact}")
    assert archived.status_code == 204
    events = receiver.wait_for_events(6)[4:]
    assert stripped(events) == [
        common(
            s,
            "contact.propertyChange:firstname",
            contact,
            propertyName="firstname",
            propertyValue="Bo",
        ),
        common(s, "contact.deletion", contact),
    ]
    for request in receiver.requests:
        assert_signed(request, s.client_secret, receiver.url)


def test_merge_and_privacy_deletion(admin: AdminServer, receiver: Receiver) -> None:
    s = subscribe(
        admin,
        receiver.url,
        {"eventType": "contact.merge"},
        {"eventType": "contact.privacyDeletion"},
        {"eventType": "contact.deletion"},
        {"eventType": "contact.propertyChange", "propertyName": "city"},
        {"eventType": "object.merge", "objectTypeId": "0-2"},
    )
    primary = s.create("contacts", email="keep@hooks.example")
    other = s.create("contacts", email="gone@hooks.example", city="Oslo")
    receiver.wait_for_events(1)  # the city set on creation
    merged = s.crm.post(
        f"{OBJECTS}/contacts/merge", json={"primaryObjectId": primary, "objectIdToMerge": other}
    )
    assert merged.status_code == 200, merged.text
    events = by_type(receiver.wait_for_events(3)[1:])
    merge = events["contact.merge"][0]
    assert list(merge)[:8] == WEBHOOK_EVENT_HEAD
    assert merge["primaryObjectId"] == int(primary) == merge["objectId"] == merge["newObjectId"]
    assert merge["mergedObjectIds"] == [int(other)]
    assert merge["numberOfPropertiesMoved"] >= 1
    moved = events["contact.propertyChange"][0]
    assert (moved["objectId"], moved["propertyValue"]) == (int(primary), "Oslo")
    company_a, company_b = s.create("companies", name="A"), s.create("companies", name="B")
    combined = s.crm.post(
        f"{OBJECTS}/companies/merge",
        json={"primaryObjectId": company_a, "objectIdToMerge": company_b},
    )
    assert combined.status_code == 200
    generic = receiver.wait_for_events(4)[3]
    assert generic["subscriptionType"] == "object.merge" and generic["objectTypeId"] == "0-2"
    assert generic["mergedObjectIds"] == [int(company_b)]
    gone = s.crm.post(f"{OBJECTS}/contacts/gdpr-delete", json={"objectId": primary})
    assert gone.status_code == 204, gone.text
    last = stripped(receiver.wait_for_events(6)[4:])
    assert sorted(last, key=lambda e: e["subscriptionType"]) == [
        common(s, "contact.deletion", primary),
        common(s, "contact.privacyDeletion", primary),
    ]


def test_association_changes_in_both_directions(admin: AdminServer, receiver: Receiver) -> None:
    s = subscribe(
        admin,
        receiver.url,
        {"eventType": "contact.associationChange"},
        {"eventType": "company.associationChange"},
        {"eventType": "object.associationChange", "objectTypeId": "0-48"},
    )
    contact = s.create("contacts", email="linked@hooks.example")
    company = s.create("companies", name="Linked")
    linked = s.crm.put(f"{V4}/contacts/{contact}/associations/default/companies/{company}")
    assert linked.status_code == 200, linked.text
    events = by_type(receiver.wait_for_events(2))
    assert stripped(events["contact.associationChange"]) == [
        common(
            s,
            "contact.associationChange",
            contact,
            associationType="CONTACT_TO_COMPANY",
            fromObjectId=int(contact),
            toObjectId=int(company),
            associationRemoved=False,
            isPrimaryAssociation=False,
        )
    ]
    assert stripped(events["company.associationChange"]) == [
        common(
            s,
            "company.associationChange",
            company,
            associationType="COMPANY_TO_CONTACT",
            fromObjectId=int(company),
            toObjectId=int(contact),
            associationRemoved=False,
            isPrimaryAssociation=False,
        )
    ]
    again = s.crm.put(f"{V4}/contacts/{contact}/associations/default/companies/{company}")
    assert again.status_code == 200
    removed = s.crm.delete(f"{V4}/contacts/{contact}/associations/companies/{company}")
    assert removed.status_code == 204, removed.text
    later = receiver.wait_for_events(4)[2:]  # the repeated link was no change: no events
    assert sorted((e["subscriptionType"], e["associationRemoved"]) for e in later) == [
        ("company.associationChange", True),
        ("contact.associationChange", True),
    ]
    call = s.crm.post(
        f"{OBJECTS}/calls",
        json={
            "properties": {"hs_timestamp": "2026-01-15T10:30:00.000Z"},
            "associations": [
                {
                    "to": {"id": contact},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194}],
                }
            ],
        },
    )
    assert call.status_code == 201, call.text
    with_call = receiver.wait_for_events(5)
    # One transaction's events come in one request: a link to a call reaches no legacy
    # contact.associationChange (HubSpot's legacy events cover six types), only object.*.
    assert [e["subscriptionType"] for e in with_call[4:]] == ["object.associationChange"]
    generic = with_call[4]
    call_id = int(call.json()["id"])
    assert stripped([generic]) == [
        common(
            s,
            "object.associationChange",
            str(call_id),
            objectTypeId="0-48",
            associationType="CALL_TO_CONTACT",
            fromObjectId=call_id,
            toObjectId=int(contact),
            associationRemoved=False,
            isPrimaryAssociation=False,
            fromObjectTypeId="0-48",
            toObjectTypeId="0-1",
            associationTypeId=194,
            associationCategory="HUBSPOT_DEFINED",
        )
    ]


def test_more_than_100_events_go_in_requests_of_at_most_100(
    admin: AdminServer, receiver: Receiver
) -> None:
    s = subscribe(
        admin,
        receiver.url,
        {"eventType": "contact.creation"},
        {"eventType": "contact.propertyChange", "propertyName": "firstname"},
    )
    inputs = [{"properties": {"firstname": f"n{i}"}} for i in range(100)]
    made = s.crm.post(f"{OBJECTS}/contacts/batch/create", json={"inputs": inputs})
    assert made.status_code == 201, made.text
    more = s.crm.post(f"{OBJECTS}/contacts/batch/create", json={"inputs": inputs[:30]})
    assert more.status_code == 201
    events = receiver.wait_for_events(260)
    assert len(events) == 260 and len({e["eventId"] for e in events}) == 260
    assert len(receiver.requests) >= 3
    assert all(1 <= len(r.events) <= 100 for r in receiver.requests)
    for request in receiver.requests:
        assert len({e["portalId"] for e in request.events}) == 1
        assert_signed(request, s.client_secret, receiver.url)


def test_an_imports_changes_are_sent_as_import_changes(
    admin: AdminServer, receiver: Receiver
) -> None:
    s = subscribe(
        admin,
        receiver.url,
        {"eventType": "contact.creation"},
        {"eventType": "contact.propertyChange", "propertyName": "firstname"},
        {"eventType": "object.propertyChange", "objectTypeId": "0-1", "propertyName": "lastname"},
    )
    kept = s.create("contacts", email="kept@hooks.example", firstname="Ada")
    receiver.wait_for_events(2)
    mappings = [
        column("0-1", "Email", "email", idColumnType="HUBSPOT_ALTERNATE_ID"),
        column("0-1", "First", "firstname"),
        column("0-1", "Last", "lastname"),
    ]
    rows = b"Email,First,Last\nkept@hooks.example,Bea,\nnew@hooks.example,Cy,Doe\n"
    job = run_import(s.crm, import_request([("people.csv", mappings)]), {"people.csv": rows})
    assert job["state"] == "DONE", job
    found = s.crm.post(
        f"{OBJECTS}/contacts/search",
        json={
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": "email", "operator": "EQ", "value": "new@hooks.example"}
                    ]
                }
            ]
        },
    )
    assert found.status_code == 200, found.text
    made = found.json()["results"][0]["id"]
    events = receiver.wait_for_events(6)[2:]
    imported = {"changeSource": "IMPORT"}
    first = "contact.propertyChange:firstname"
    last = "object.propertyChange:lastname"
    assert sorted(stripped(events), key=lambda e: (e["objectId"], e["subscriptionId"])) == sorted(
        [
            common(s, first, kept, propertyName="firstname", propertyValue="Bea", **imported),
            common(s, "contact.creation", made, **imported),
            common(s, first, made, propertyName="firstname", propertyValue="Cy", **imported),
            common(
                s,
                last,
                made,
                propertyName="lastname",
                propertyValue="Doe",
                objectTypeId="0-1",
                **imported,
            ),
        ],
        key=lambda e: (e["objectId"], e["subscriptionId"]),
    )
    for request in receiver.requests:
        assert_signed(request, s.client_secret, receiver.url)


def test_dates_and_datetimes_are_sent_as_epoch_milliseconds(
    admin: AdminServer, receiver: Receiver
) -> None:
    s = subscribe(admin, receiver.url)
    birthday = {
        "name": "birthday",
        "label": "Birthday",
        "type": "date",
        "fieldType": "date",
        "groupName": "contactinformation",
    }
    defined = s.crm.post("/crm/v3/properties/contacts", json=birthday)
    assert defined.status_code == 201, defined.text
    with s.developer() as dev:
        for body in (
            {"eventType": "deal.propertyChange", "propertyName": "closedate"},
            {"eventType": "contact.propertyChange", "propertyName": "birthday"},
            {"eventType": "contact.propertyChange", "propertyName": "firstname"},
        ):
            made = dev.post(f"/webhooks/v3/{s.app_id}/subscriptions", json={"active": True, **body})
            assert made.status_code == 201, made.text
    s.create("deals", dealname="D", closedate="2026-01-15T10:30:00Z")
    contact = s.create("contacts", birthday="2000-02-29", firstname="2026-01-15")
    update = {"inputs": [{"id": contact, "properties": {"birthday": ""}}]}
    cleared = s.crm.post(f"{OBJECTS}/contacts/batch/update", json=update)
    assert cleared.status_code == 200, cleared.text
    events = receiver.wait_for_events(4)
    assert [(e["propertyName"], e["propertyValue"]) for e in events] == [
        ("closedate", "1768473000000"),
        ("birthday", "951782400000"),
        ("firstname", "2026-01-15"),  # a text property's value as it is
        ("birthday", ""),
    ]


def test_silence_without_active_subscription_settings_or_installation(
    admin: AdminServer, receiver: Receiver
) -> None:
    portal = admin.new_portal()
    s = subscribe(
        admin,
        receiver.url,
        {"eventType": "contact.creation"},
        {"eventType": "contact.propertyChange", "propertyName": "firstname"},
        portal=portal,
    )
    with s.developer() as dev:
        paused = dev.patch(
            f"/webhooks/v3/{s.app_id}/subscriptions/{s.subscriptions['contact.creation']}",
            json={"active": False},
        )
        assert paused.status_code == 200
    other = subscribe(admin, receiver.url, {"eventType": "contact.creation"}, portal=portal)
    with other.developer() as dev:
        assert dev.delete(f"/webhooks/v3/{other.app_id}/settings").status_code == 204
    s.create("contacts", email="paused@hooks.example")  # inactive, and no settings: silent
    contact = s.create("contacts", email="marker@hooks.example", firstname="Mark")
    unchanged = s.crm.patch(
        f"{OBJECTS}/contacts/{contact}", json={"properties": {"firstname": "Mark"}}
    )
    assert unchanged.status_code == 200  # the same value: no property change
    uninstalled = admin.admin.delete(f"/_localspot/apps/{s.app_id}/portals/{s.portal_id}")
    assert uninstalled.status_code == 204, uninstalled.text
    s.create("contacts", email="gone@hooks.example", firstname="Gone")
    admin.admin.put(f"/_localspot/apps/{s.app_id}/portals/{s.portal_id}")
    s.create("contacts", email="back@hooks.example", firstname="Back")
    events = receiver.wait_for_events(2)
    assert [(e["objectId"] > 0, e["propertyValue"]) for e in events] == [
        (True, "Mark"),
        (True, "Back"),
    ]
    waited = _delivered(s, 2)
    assert sum(d["eventCount"] for d in waited) == 2


def _delivered(s: Subscribed, count: int, timeout: float = 15) -> list[dict[str, Any]]:
    """The portal's deliveries, once they hold ``count`` delivered events (bounded)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = s.deliveries(state="delivered")
        if sum(d["eventCount"] for d in found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_the_admin_api_shows_each_request(admin: AdminServer, receiver: Receiver) -> None:
    s = subscribe(admin, receiver.url, {"eventType": "deal.creation"})
    first = s.create("deals", dealname="One")
    second = s.create("deals", dealname="Two")
    receiver.wait_for_events(2)
    found = _delivered(s, 2)
    assert [d["eventIds"] for d in found] == [[e["eventId"] for e in d["events"]] for d in found]
    objects = [e["objectId"] for d in reversed(found) for e in d["events"]]
    assert objects == [int(first), int(second)]  # newest first
    delivery = found[0]
    assert delivery["appId"] == s.app_id and delivery["portalId"] == s.portal_id
    assert delivery["targetUrl"] == receiver.url
    assert (delivery["status"], delivery["state"], delivery["error"]) == (200, "delivered", None)
    assert delivery["nextRetryAt"] is None and delivery["latencyMs"] >= 0
    assert delivery["requestHeaders"]["X-HubSpot-Signature-Version"] == "v1"
    assert set(delivery["requestHeaders"]) >= {
        "Content-Type",
        "X-HubSpot-Signature",
        "X-HubSpot-Signature-v3",
        "X-HubSpot-Request-Timestamp",
    }
    assert s.deliveries(state="failed") == []
    assert len(s.deliveries(limit=1)) == 1
    assert s.deliveries(appId=s.app_id + 1000) == []
    url = f"/_localspot/portals/{s.portal_id}/webhooks/deliveries"
    assert_hubspot_error(
        s.admin.get(url, params={"state": "lost"}),
        400,
        category="VALIDATION_ERROR",
        message="state must be one of delivered, retrying, failed, not 'lost'",
        context={"state": ["lost"]},
        errors=[],
    )
    missing = s.admin.get("/_localspot/portals/999999999/webhooks/deliveries")
    assert missing.status_code == 404


def test_a_write_without_apps_writes_no_outbox_row(admin: AdminServer) -> None:
    portal_id, crm = admin.new_portal()
    made = crm.post(f"{OBJECTS}/contacts", json={"properties": {"email": "none@hooks.example"}})
    assert made.status_code == 201
    found = admin.admin.get(f"/_localspot/portals/{portal_id}/webhooks/deliveries")
    assert found.json() == {"results": []}
