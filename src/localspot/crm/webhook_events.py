"""HubSpot's webhook event types, and which of them localspot accepts (hubspot-behaviour
§17.3).

An event type is ``<object>.<action>``. The legacy object prefixes (``contact``, ``company``,
``deal``, ``ticket``, ``product``, ``line_item``) name their object type; the generic
``object.*`` types name it with ``objectTypeId``, for any built-in type HubSpot lists for
generic subscriptions (every type localspot serves; custom objects only in private apps, so
not through this API). ``conversation.*`` and ``event.completed`` are HubSpot's too, but
localspot serves neither conversations nor custom behavioral events: they are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from localspot.crm import object_types
from localspot.crm.errors import ValidationError

PROPERTY_CHANGE = "propertyChange"
RECORD_ACTIONS = ("creation", "deletion", PROPERTY_CHANGE, "merge", "restore")
LINKED_ACTIONS = (*RECORD_ACTIONS, "associationChange")
LEGACY: dict[str, tuple[str, tuple[str, ...]]] = {
    "contact": ("0-1", (*LINKED_ACTIONS, "privacyDeletion")),
    "company": ("0-2", LINKED_ACTIONS),
    "deal": ("0-3", LINKED_ACTIONS),
    "ticket": ("0-5", LINKED_ACTIONS),
    "product": ("0-7", RECORD_ACTIONS),
    "line_item": ("0-8", LINKED_ACTIONS),
}
"""Legacy prefix → (its type id, the actions HubSpot offers for it)."""
GENERIC = "object"
UNSERVED = {
    "conversation": ("creation", "deletion", "newMessage", "privacyDeletion", PROPERTY_CHANGE),
    "event": ("completed",),
}
"""HubSpot's event types of things localspot does not serve."""
NOT_SUBSCRIBABLE = {
    "0-49": ("hs_email_html", "hs_email_subject"),
    "0-18": ("hs_communication_body",),
}
"""Properties HubSpot takes no propertyChange subscriptions for."""


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    object_type: str | None
    """None for the generic types until ``objectTypeId`` names it."""
    action: str

    @property
    def generic(self) -> bool:
        return self.object_type is None


def parse(name: str) -> EventType:
    """One of the event types localspot accepts, or a 400 saying why not."""
    prefix, _, action = name.partition(".")
    if prefix in LEGACY and action in LEGACY[prefix][1]:
        return EventType(name, LEGACY[prefix][0], action)
    if prefix == GENERIC and action in LINKED_ACTIONS:
        return EventType(name, None, action)
    context = {"eventType": [name]}
    if action in UNSERVED.get(prefix, ()):
        raise ValidationError(
            f"Subscriptions to {name} are not supported: localspot serves CRM object events "
            "only (no conversations or custom behavioral events)",
            context=context,
        )
    raise ValidationError(f"{name} is not a valid webhook event type", context=context)


def object_type_of(event: EventType, object_type_id: str | None) -> str:
    """The type id the subscription's events are about."""
    given = (object_type_id or "").strip()
    context = {"objectTypeId": [object_type_id or ""], "eventType": [event.name]}
    if event.object_type is not None:
        if given and _builtin_id(given) != event.object_type:
            raise ValidationError(
                f"objectTypeId {given} does not match event type {event.name}", context=context
            )
        return event.object_type
    if not given:
        raise ValidationError(
            f"objectTypeId is required for the generic event type {event.name}",
            context=context,
        )
    found = _builtin_id(given)
    if found is None:
        raise ValidationError(
            f"Generic webhook subscriptions are not available for object type {given}",
            context=context,
        )
    return found


def _builtin_id(name_or_id: str) -> str | None:
    found = object_types.builtin_key(name_or_id)
    return found.type_id if found is not None else None


def check_property_allowed(object_type: str, property_name: str) -> None:
    if property_name in NOT_SUBSCRIBABLE.get(object_type, ()):
        raise ValidationError(
            f"propertyChange subscriptions to {property_name} are not supported",
            context={"propertyName": [property_name]},
        )
