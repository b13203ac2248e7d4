"""The outbox's event lines (short for the common kinds, full for the others) make, in the
request body, exactly what serialising each event's dict writes, for every kind."""

from __future__ import annotations

from typing import Any

import orjson

from conftest import WEBHOOK_EVENT_HEAD
from localspot.crm import webhook_happenings as wh
from localspot.crm.webhook_event_lines import CarriedRow, body_text, carried_text, request_body
from localspot.crm.webhook_outbox_storage import Delivery
from localspot.crm.webhooks_storage import ActiveSubscription
from localspot.store.webhook_emit_sql import _change_lines, _texts

BASE = {
    "subscriptionId": 1,
    "portalId": 2,
    "appId": 3,
    "occurredAt": 4,
    "subscriptionType": "contact.propertyChange",
}
HAPPENINGS = [
    wh.Happening("0-1", 5, "propertyChange", 'na"me\u00e9', 'v\n"\\x\u2028\U0001f600'),
    wh.Happening("0-1", 6, "creation"),
    wh.Happening("0-1", 7, "deletion"),
    wh.Happening("0-1", 8, "privacyDeletion"),
    wh.Happening("0-1", 9, "merge", merged_ids=(3,), properties_moved=2),
    wh.Happening(
        "0-1", 10, "associationChange", link=wh.LinkChange("0-2", 11, 1, "HUBSPOT_DEFINED", False)
    ),
    wh.Happening("0-1", 12, "propertyChange", "a", None),
]


def sent(event_id: int, event: dict[str, Any], attempts: int) -> dict[str, Any]:
    """The event as sent: ``eventId`` first, ``attemptNumber`` just before ``objectId``."""
    found: dict[str, Any] = {"eventId": event_id}
    for key, value in event.items():
        if key == "objectId":
            found["attemptNumber"] = attempts
        found[key] = value
    return found


def test_every_kind_of_event_is_sent_as_its_dict_would_be() -> None:
    pairs = [
        (wh.Target(3, {**BASE, "subscriptionType": f"{kind}.{h.action}"}, kind == "object"), h)
        for kind in ("contact", "object")
        for h in HAPPENINGS
    ]
    texts = _texts(pairs)
    row = CarriedRow(7, 2, BASE["portalId"], BASE["appId"], BASE["occurredAt"], "\n".join(texts))
    expected = [sent(700 + n, wh.event(t, h), 2) for n, (t, h) in enumerate(pairs)]
    assert request_body([row]) == orjson.dumps(expected)  # the same keys in the same order
    assert all(list(e)[:8] == WEBHOOK_EVENT_HEAD for e in orjson.loads(request_body([row])))
    assert orjson.loads(request_body([row]))[0]["propertyValue"] == 'v\n"\\x\u2028\U0001f600'
    assert texts[1] == "1\tcontact.creation\t6"  # the plain kinds' lines are short
    flagged = orjson.loads(request_body([row]))
    assert [e.get("changeFlag") for e in flagged[1:3]] == ["CREATED", "DELETED"]
    assert flagged[len(HAPPENINGS)]["isSensitive"] is False
    assert texts[len(HAPPENINGS)].startswith("{")  # a generic subscription's are full


def test_the_rows_a_request_carried_are_kept_and_read_back_as_its_body() -> None:
    rows = [
        CarriedRow(1, 0, 2, 3, 4, "5\tcontact.creation\t6"),
        CarriedRow(2, 1, 2, 3, 5, '{"a":1}'),
    ]
    kept = carried_text(rows)
    assert body_text(kept) == request_body(rows).decode()
    assert list(orjson.loads(body_text(kept))[0]) == WEBHOOK_EVENT_HEAD + [
        "changeFlag",
        "changeSource",
    ]
    assert orjson.loads(body_text(kept)) == [
        {
            "eventId": 100,
            "subscriptionId": 5,
            "portalId": 2,
            "appId": 3,
            "occurredAt": 4,
            "subscriptionType": "contact.creation",
            "attemptNumber": 0,
            "objectId": 6,
            "changeFlag": "CREATED",
            "changeSource": "INTEGRATION",
        },
        {"eventId": 200, "a": 1, "attemptNumber": 1},
    ]
    earlier = '[{"eventId":100,"attemptNumber":0}]'  # kept whole before rows were kept
    kept_whole = Delivery(2, 3, 4, "http://x", earlier, 1, "{}", 204, 1, None, "delivered", None)
    assert kept_whole.body == earlier


def test_a_plain_updates_lines_are_those_of_its_happenings() -> None:
    """A batch update's lines are written straight from the changed values; they are the
    lines its happenings would make, subscription by subscription, app by app."""
    subscriptions = [
        ActiveSubscription(11, 1, "contact.propertyChange", "propertyChange", "city"),
        ActiveSubscription(12, 2, "contact.propertyChange", "propertyChange", "city"),
        ActiveSubscription(13, 1, "object.propertyChange", "propertyChange", "city"),
        ActiveSubscription(14, 2, "contact.propertyChange", "propertyChange", "zip"),
        ActiveSubscription(15, 1, "contact.propertyChange", "propertyChange", "unwatched"),
    ]
    reachable = [wh.Reachable(s, "0-1") for s in subscriptions]
    changed = {7: {"zip": "0150", "city": 'O"slo', "name": "x"}, 3: {"city": ""}}
    happenings = [h for i, values in changed.items() for h in wh.changed("0-1", i, values)]
    by_app = wh.reached(reachable, happenings, 2, 4)
    made = _change_lines(reachable, "0-1", changed, 2, 4)
    assert made == {app: _texts(pairs) for app, pairs in by_app.items()}
    assert [len(found) for _, found in sorted(made.items())] == [4, 3]
