"""The webhook event catalogue against HubSpot's schema: every event type HubSpot lists is
either accepted (with its object type and action) or refused by name as one localspot does
not serve; the generic types take any built-in type and no custom one."""

from __future__ import annotations

from typing import get_args

import pytest

from localspot.crm import webhook_events
from localspot.crm.errors import ValidationError
from localspot.crm.object_types import all_types
from localspot.wire.webhooks import EventType

HUBSPOT_EVENT_TYPES = get_args(EventType)


def test_every_hubspot_event_type_is_accepted_or_refused_by_name() -> None:
    accepted, refused = [], []
    for name in HUBSPOT_EVENT_TYPES:
        try:
            event = webhook_events.parse(name)
        except ValidationError as error:
            assert error.message.startswith(f"Subscriptions to {name} are not supported")
            refused.append(name)
        else:
            assert f"{name.partition('.')[0]}.{event.action}" == name
            accepted.append(name)
    assert len(HUBSPOT_EVENT_TYPES) == 48
    assert sorted(refused) == [
        "conversation.creation",
        "conversation.deletion",
        "conversation.newMessage",
        "conversation.privacyDeletion",
        "conversation.propertyChange",
        "event.completed",
    ]


@pytest.mark.parametrize("name", ["contact.teleported", "product.associationChange", "x"])
def test_names_outside_the_catalogue_are_not_valid(name: str) -> None:
    with pytest.raises(ValidationError, match="is not a valid webhook event type"):
        webhook_events.parse(name)


def test_generic_types_take_every_builtin_type_by_id_name_or_alias() -> None:
    event = webhook_events.parse("object.merge")
    for object_type in all_types():
        for key in (object_type.type_id, object_type.name, *object_type.aliases):
            assert webhook_events.object_type_of(event, key.upper()) == object_type.type_id
    with pytest.raises(ValidationError, match="not available for object type 2-7"):
        webhook_events.object_type_of(event, "2-7")


def test_a_legacy_type_names_its_own_object_type() -> None:
    event = webhook_events.parse("line_item.restore")
    assert webhook_events.object_type_of(event, None) == "0-8"
    assert webhook_events.object_type_of(event, "line_items") == "0-8"
    with pytest.raises(ValidationError, match="does not match event type line_item.restore"):
        webhook_events.object_type_of(event, "0-7")
