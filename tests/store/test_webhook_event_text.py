"""The outbox's event texts, written straight into a subscription's shared text for the
common kinds, are exactly what serialising each event's dict writes, for every kind."""

from __future__ import annotations

import orjson

from localspot.crm import webhook_happenings as wh
from localspot.store.webhook_emit_sql import _texts

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


def test_every_kind_of_event_reads_as_its_dict_would() -> None:
    plain = wh.Target(3, BASE, generic=False)
    generic = wh.Target(3, {**BASE, "subscriptionType": "object.propertyChange"}, generic=True)
    pairs = [(t, h) for t in (plain, generic) for h in HAPPENINGS]
    texts = _texts(pairs)
    assert texts == [orjson.dumps(wh.event(t, h)).decode() for t, h in pairs]
    assert orjson.loads(texts[0])["propertyValue"] == 'v\n"\\x\u2028\U0001f600'
