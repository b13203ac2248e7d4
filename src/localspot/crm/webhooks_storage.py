"""The webhooks role: each app's webhook settings and event subscriptions (Webhooks API v3),
and the lookup a record write makes to learn which subscriptions its events reach.

Settings and subscriptions belong to an app, not to a portal: they apply in every portal
the app is installed in (``apps_storage``). ``active_subscriptions`` is the one query the
write path needs: the active subscriptions of the apps installed in a portal for an object
type and actions (and changed properties), found through the installations' primary key
and the subscriptions' ``(app_id, object_type, action, property_name)`` index. The rules
every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    target_url: str
    max_concurrent_requests: int
    created_at: int
    updated_at: int


@dataclass(frozen=True, slots=True)
class NewSubscription:
    event_type: str
    """As HubSpot shows it: ``contact.propertyChange``, ``object.creation``..."""
    object_type: str
    """The type id the events are about (``0-1``), for legacy and generic event types alike."""
    action: str
    """``creation``, ``deletion``, ``propertyChange``, ``merge``, ``restore``,
    ``associationChange`` or ``privacyDeletion``."""
    property_name: str | None
    """Only for ``propertyChange``."""
    active: bool


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    event_type: str
    object_type: str
    action: str
    property_name: str | None
    active: bool
    created_at: int
    updated_at: int


@dataclass(frozen=True, slots=True)
class SubscriptionCreated:
    subscription: Subscription | None = None
    duplicate_of: int | None = None
    """The id of the app's subscription with the same event type, object type and property
    (nothing written)."""
    over_limit: bool = False
    """The app has ``limit`` subscriptions already (nothing written)."""


@dataclass(frozen=True, slots=True)
class ActiveSubscription:
    """What an event of a record write needs to know of a subscription it reaches."""

    subscription_id: int
    app_id: int
    event_type: str
    action: str
    property_name: str | None


class WebhooksStorage(Protocol):
    async def webhook_settings(self, app_id: int) -> WebhookSettings | None: ...

    async def save_webhook_settings(
        self, app_id: int, target_url: str, max_concurrent_requests: int, at: int
    ) -> WebhookSettings:
        """Create or replace the app's settings (a replacement keeps ``created_at``)."""
        ...

    async def clear_webhook_settings(self, app_id: int) -> bool:
        """False when the app had no settings."""
        ...

    async def subscriptions(self, app_id: int) -> Sequence[Subscription]:
        """The app's subscriptions, by id."""
        ...

    async def create_subscription(
        self, app_id: int, new: NewSubscription, at: int, *, limit: int
    ) -> SubscriptionCreated:
        """One transaction: nothing is written when the app holds the same subscription or
        ``limit`` of them already (creates of one app take turns)."""
        ...

    async def set_subscriptions_active(
        self, app_id: int, changes: Mapping[int, bool], at: int
    ) -> Sequence[Subscription]:
        """Set ``active`` of the app's subscriptions with these ids (``updated_at`` moves
        only where the value changes); returns those found, by id."""
        ...

    async def delete_subscription(self, app_id: int, subscription_id: int) -> bool: ...

    async def installed_property(self, app_id: int, object_type: str, name: str) -> bool:
        """Whether a portal the app is installed in has a live custom property ``name`` of
        ``object_type`` (one indexed query)."""
        ...

    async def active_subscriptions(
        self,
        portal_id: int,
        object_type: str,
        actions: Collection[str],
        property_names: Collection[str] | None = None,
    ) -> Sequence[ActiveSubscription]:
        """The active subscriptions of the apps installed in the portal for events of
        ``object_type`` with one of ``actions``, by id (one indexed query); with
        ``property_names``, ``propertyChange`` ones only for those properties."""
        ...
