"""What a write did, as webhook events (hubspot-behaviour §17.5).

A record write tells the store what happened to which records (``Happening``: created,
a property changed, archived, merged, linked or unlinked, purged for privacy); the store
looks up the subscriptions those happenings reach (one query) and this module turns each
(happening, subscription) pair into the event HubSpot would send, as a plain dict. The
event's ``eventId`` and ``attemptNumber`` are added when it is sent (they depend on the
outbox row and the attempt).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from localspot.crm import association_types, object_types
from localspot.crm.webhook_event_lines import CHANGE_FLAGS, CHANGE_SOURCE
from localspot.crm.webhook_events import GENERIC, PROPERTY_CHANGE
from localspot.crm.webhooks_storage import ActiveSubscription

CREATION = "creation"
DELETION = "deletion"
MERGE = "merge"
ASSOCIATION_CHANGE = "associationChange"
PRIVACY_DELETION = "privacyDeletion"


@dataclass(frozen=True, slots=True)
class LinkChange:
    """One direction of an association that was added or removed."""

    to_type: str
    to_id: int
    type_id: int
    category: str
    removed: bool


@dataclass(slots=True)
class Happening:
    """Something a write did to one record of ``object_type``. Not frozen: a batch update
    makes hundreds (one per changed value), and a frozen dataclass's ``__init__`` cost five
    times as much (0.8 µs against 0.15 µs each)."""

    object_type: str
    object_id: int
    action: str
    property_name: str | None = None
    property_value: str | None = None
    merged_ids: tuple[int, ...] = ()
    properties_moved: int = 0
    link: LinkChange | None = None


def created(object_type: str, object_id: int, properties: Mapping[str, str]) -> list[Happening]:
    """A new record: its creation, and a property change for each value it was given."""
    found = [Happening(object_type, object_id, CREATION)]
    found += changed(object_type, object_id, {n: v for n, v in properties.items() if v != ""})
    return found


def changed(object_type: str, object_id: int, values: Mapping[str, str]) -> list[Happening]:
    """The values that really changed (the caller leaves out the unchanged ones)."""
    return [
        Happening(object_type, object_id, PROPERTY_CHANGE, name, value)
        for name, value in sorted(values.items())
    ]


@dataclass(frozen=True, slots=True)
class Wanted:
    """What a write's happenings can reach: the lookup's parameters."""

    object_types: frozenset[str]
    actions: frozenset[str]
    property_names: frozenset[str]


def wanted(happenings: Iterable[Happening]) -> Wanted:
    types: set[str] = set()
    actions: set[str] = set()
    names: set[str] = set()
    for h in happenings:
        types.add(h.object_type)
        actions.add(h.action)
        if h.property_name is not None:
            names.add(h.property_name)
    return Wanted(frozenset(types), frozenset(actions), frozenset(names))


@dataclass(frozen=True, slots=True)
class Reachable:
    """A subscription a write's happenings can reach, with the type it watches."""

    subscription: ActiveSubscription
    object_type: str


LEGACY_LINKED_TYPES = frozenset({"0-1", "0-2", "0-3", "0-5", "0-7", "0-8"})
"""The types whose links a legacy ``*.associationChange`` reports (HubSpot's changelog of
the association events: contact, company, deal, ticket, product, line item); a link to a
note, a call or a custom object reaches only the generic ``object.associationChange``."""


def reached(
    reachable: Sequence[Reachable],
    happenings: Iterable[Happening],
    portal_id: int,
    at: int,
    change_source: str = CHANGE_SOURCE,
) -> dict[int, list[tuple[Target, Happening]]]:
    """Each app's (subscription reached, happening) pairs, in the order of the happenings:
    one event each (``event``)."""
    by_key = targets(reachable, portal_id, at, change_source)
    found: dict[int, list[tuple[Target, Happening]]] = defaultdict(list)
    for h in happenings:
        legacy_reaches = h.link is None or h.link.to_type in LEGACY_LINKED_TYPES
        for t in by_key.get((h.object_type, h.action, h.property_name), ()):
            if t.generic or legacy_reaches:
                found[t.app_id].append((t, h))
    return dict(found)


def targets(
    reachable: Sequence[Reachable], portal_id: int, at: int, change_source: str = CHANGE_SOURCE
) -> dict[tuple[str, str, str | None], list[Target]]:
    """The subscriptions reached, by what they watch: (object type, action, property name
    or None), each key's in the order of ``reachable``."""
    by_key: dict[tuple[str, str, str | None], list[Target]] = defaultdict(list)
    for r in reachable:
        s = r.subscription
        generic = s.event_type.startswith(GENERIC + ".")
        target = Target(s.app_id, _base(s, portal_id, at), generic, change_source)
        by_key[(r.object_type, s.action, s.property_name)].append(target)
    return by_key


@dataclass(frozen=True, slots=True)
class Target:
    """A subscription reached: its app, the fields its events share (in HubSpot's order,
    first in every event), whether it is one of the generic ``object.*`` types, and the
    write's ``changeSource``."""

    app_id: int
    base: dict[str, Any]
    generic: bool
    change_source: str = CHANGE_SOURCE


def _base(s: ActiveSubscription, portal_id: int, at: int) -> dict[str, Any]:
    """The fields every event of the subscription in this write shares."""
    return {
        "subscriptionId": s.subscription_id,
        "portalId": portal_id,
        "appId": s.app_id,
        "occurredAt": at,
        "subscriptionType": s.event_type,
    }


def event(target: Target, h: Happening) -> dict[str, Any]:
    """The event HubSpot sends for a happening that reached a subscription, without
    ``eventId`` and ``attemptNumber`` (sent first and before ``objectId``:
    ``webhook_event_lines.request_body``), its fields in the order of captured events: the
    shared fields, ``objectId``, the generic types' ``objectTypeId``, a creation's or
    deletion's ``changeFlag``, a property change's name and value, ``changeSource`` (and a
    generic property change's ``isSensitive``: no property here is sensitive), then the
    fields of a merge or an association change."""
    event = {**target.base, "objectId": h.object_id}
    if target.generic:
        event["objectTypeId"] = h.object_type
    flag = CHANGE_FLAGS.get(h.action)
    if flag is not None:
        event["changeFlag"] = flag
    if h.action == PROPERTY_CHANGE:
        event["propertyName"] = h.property_name
        event["propertyValue"] = h.property_value
    event["changeSource"] = target.change_source
    if h.action == PROPERTY_CHANGE and target.generic:
        event["isSensitive"] = False
    elif h.action == MERGE:
        event["primaryObjectId"] = h.object_id
        event["mergedObjectIds"] = list(h.merged_ids)
        event["newObjectId"] = h.object_id
        event["numberOfPropertiesMoved"] = h.properties_moved
    elif h.link is not None:
        event.update(_link_fields(h, h.link, target.generic))
    return event


def _link_fields(h: Happening, link: LinkChange, generic: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "associationType": f"{_label(h.object_type)}_TO_{_label(link.to_type)}",
        "fromObjectId": h.object_id,
        "toObjectId": link.to_id,
        "associationRemoved": link.removed,
        "isPrimaryAssociation": link.type_id in _primary_type_ids(),
    }
    if generic:
        fields["fromObjectTypeId"] = h.object_type
        fields["toObjectTypeId"] = link.to_type
        fields["associationTypeId"] = link.type_id
        fields["associationCategory"] = link.category
    return fields


def _label(type_id: str) -> str:
    """``CONTACT``, ``LINE_ITEM``...: the names of HubSpot's ``associationType`` values."""
    found = object_types.builtin_key(type_id)
    return found.error_label if found is not None else type_id.upper().replace("-", "_")


@cache
def _primary_type_ids() -> frozenset[int]:
    """HubSpot's "Primary" association types (a contact's or deal's primary company...)."""
    return frozenset(k.type_id for k in association_types.BUILTIN.kinds if k.label == "Primary")
