"""Webhooks API v3: an app's settings and event subscriptions (hubspot-behaviour §17).

Every use case takes the app the developer API key opened (``apps.authenticate``); the
path's ``appId`` must be that app (another app's id is a 404, as an unknown one is, so a
key cannot learn which app ids exist).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from localspot.crm import object_types, webhook_events
from localspot.crm.app_urls import check_app_url
from localspot.crm.apps import app_not_found
from localspot.crm.batch_rules import check_batch_size, reject_duplicates
from localspot.crm.errors import Conflict, ResourceNotFound, ValidationError
from localspot.crm.model import InputError
from localspot.crm.webhooks_storage import (
    NewSubscription,
    Subscription,
    WebhookSettings,
    WebhooksStorage,
)

MAX_SUBSCRIPTIONS = 1000
"""Per app (HubSpot's developer changelog, "new limits for developer accounts")."""
MAX_BATCH = 100
MIN_CONCURRENT = 6
"""HubSpot's webhooks guide: the concurrency limit "must be a number greater than five"."""
MAX_CONCURRENT = 2**31 - 1
MAX_ID = 2**31 - 1
"""HubSpot's app and subscription ids are int32: a larger one can name nothing."""


@dataclass(frozen=True, slots=True)
class AppCall:
    """One call of the Webhooks API: the app the key opened and the path's ``appId``."""

    store: WebhooksStorage
    app_id: int
    now: int


@dataclass(frozen=True, slots=True)
class BatchUpdated:
    results: tuple[Subscription, ...]
    errors: tuple[InputError, ...]


def check_app(key_app: int, path_app: int) -> None:
    if key_app != path_app:
        raise app_not_found(path_app)


def check_target_url(url: str) -> str:
    """An absolute https URL, or http to a local receiver (compatibility.md)."""
    return check_app_url(url, "targetUrl", "target URL")


def check_concurrency(value: int) -> int:
    low = f"greater than {MIN_CONCURRENT - 1}"
    bound = low if value < MIN_CONCURRENT else f"at most {MAX_CONCURRENT}"
    if not MIN_CONCURRENT <= value <= MAX_CONCURRENT:
        raise ValidationError(
            f"throttling.maxConcurrentRequests must be {bound}",
            context={"maxConcurrentRequests": [str(value)]},
        )
    return value


async def get_settings(call: AppCall) -> WebhookSettings:
    found = await call.store.webhook_settings(call.app_id)
    if found is None:
        raise ResourceNotFound(
            f"No webhook settings for app {call.app_id}", context={"appId": [str(call.app_id)]}
        )
    return found


async def configure(call: AppCall, target_url: str, max_concurrent: int) -> WebhookSettings:
    url, limit = check_target_url(target_url), check_concurrency(max_concurrent)
    return await call.store.save_webhook_settings(call.app_id, url, limit, call.now)


async def clear(call: AppCall) -> None:
    """Removing settings that are not there is no error."""
    await call.store.clear_webhook_settings(call.app_id)


async def _known_property(call: AppCall, object_type: str, name: str) -> bool:
    """A default property of the type, or a custom one of a portal the app is installed in."""
    if name in object_types.resolve(object_type).properties:
        return True
    return await call.store.installed_property(call.app_id, object_type, name)


async def plan(
    call: AppCall,
    event_type: str,
    object_type_id: str | None,
    property_name: str | None,
    active: bool | None,
) -> NewSubscription:
    """A checked subscription: the event type, its object type and property."""
    event = webhook_events.parse(event_type)
    object_type = webhook_events.object_type_of(event, object_type_id)
    name = (property_name or "").strip()
    context = {"propertyName": [property_name or ""], "eventType": [event_type]}
    if event.action != webhook_events.PROPERTY_CHANGE:
        if name:
            message = "propertyName is only allowed for propertyChange subscriptions"
            raise ValidationError(message, context=context)
        return NewSubscription(event_type, object_type, event.action, None, bool(active))
    if not name:
        message = "propertyName is required for propertyChange subscriptions"
        raise ValidationError(message, context=context)
    webhook_events.check_property_allowed(object_type, name)
    if not await _known_property(call, object_type, name):
        raise ValidationError(
            f"Property {name} does not exist for object type {object_type}", context=context
        )
    return NewSubscription(event_type, object_type, event.action, name, bool(active))


async def create(call: AppCall, new: NewSubscription) -> Subscription:
    created = await call.store.create_subscription(
        call.app_id, new, call.now, limit=MAX_SUBSCRIPTIONS
    )
    if created.duplicate_of is not None:
        raise Conflict(
            f"The app already has a subscription to {new.event_type}"
            + (f" of {new.property_name}" if new.property_name else "")
            + f": {created.duplicate_of}",
            context={"id": [str(created.duplicate_of)]},
        )
    if created.subscription is None:
        raise ValidationError(
            f"An app can have at most {MAX_SUBSCRIPTIONS} webhook subscriptions",
            context={"limit": [str(MAX_SUBSCRIPTIONS)]},
        )
    return created.subscription


def subscription_not_found(subscription_id: int | str) -> ResourceNotFound:
    return ResourceNotFound(
        f"Subscription {subscription_id} not found", context={"id": [str(subscription_id)]}
    )


async def all_of(call: AppCall) -> Sequence[Subscription]:
    return await call.store.subscriptions(call.app_id)


async def get(call: AppCall, subscription_id: int) -> Subscription:
    for found in await call.store.subscriptions(call.app_id):
        if found.id == subscription_id:
            return found
    raise subscription_not_found(subscription_id)


def _possible(subscription_id: int) -> bool:
    return 0 < subscription_id <= MAX_ID


async def update(call: AppCall, subscription_id: int, active: bool | None) -> Subscription:
    if active is None or not _possible(subscription_id):
        return await get(call, subscription_id)
    done = await call.store.set_subscriptions_active(
        call.app_id, {subscription_id: active}, call.now
    )
    if not done:
        raise subscription_not_found(subscription_id)
    return done[0]


async def archive(call: AppCall, subscription_id: int) -> None:
    found = _possible(subscription_id)
    if not found or not await call.store.delete_subscription(call.app_id, subscription_id):
        raise subscription_not_found(subscription_id)


async def update_batch(call: AppCall, changes: Sequence[tuple[int, bool]]) -> BatchUpdated:
    """Up to ``MAX_BATCH`` distinct ids; unknown ones become 207 errors."""
    check_batch_size(len(changes), MAX_BATCH)
    reject_duplicates(str(i) for i, _ in changes)
    possible = {i: active for i, active in changes if _possible(i)}
    done = await call.store.set_subscriptions_active(call.app_id, possible, call.now)
    found = {s.id for s in done}
    missing = [i for i, _ in changes if i not in found]
    errors = (
        (
            InputError(  # the shape of the 207 example in HubSpot's webhooks spec
                "SUBSCRIPTION_ID_NOT_FOUND",
                f"Failed to find subscriptions by id `{', '.join(map(str, missing))}`. "
                "Try again using a different subscriptionId.",
                context={"subscriptionIds": tuple(str(i) for i in missing)},
                sub_category="SubscriptionErrors.SUBSCRIPTION_IDS_NOT_FOUND",
            ),
        )
        if missing
        else ()
    )
    return BatchUpdated(tuple(done), errors)
