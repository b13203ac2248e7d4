"""The developer apps installed in a portal as the inspector shows them: each app's webhook
settings and subscriptions, and its events waiting in the outbox for the portal. Never an
app's client secret or developer API key (``App`` carries neither)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from localspot.crm.apps_storage import App, AppsStorage
from localspot.crm.webhook_outbox_storage import PendingWork, WebhookOutboxStorage
from localspot.crm.webhooks_storage import Subscription, WebhookSettings, WebhooksStorage


class AppOverviewStorage(AppsStorage, WebhooksStorage, WebhookOutboxStorage, Protocol):
    """The apps, their webhook settings and subscriptions, and the outbox."""


@dataclass(frozen=True, slots=True)
class AppOverview:
    app: App
    settings: WebhookSettings | None
    subscriptions: tuple[Subscription, ...]
    pending: PendingWork | None
    """None: nothing waits for the app in this portal."""


async def installed_apps(store: AppOverviewStorage, portal_id: int) -> Sequence[AppOverview]:
    """The apps installed in the portal, by id (the caller checks that the portal exists)."""
    apps = [a for a in await store.apps() if portal_id in a.portal_ids]
    pending = {p.app_id: p for p in await store.pending_webhook_work(portal_id)}
    return [
        AppOverview(
            app,
            await store.webhook_settings(app.id),
            tuple(await store.subscriptions(app.id)),
            pending.get(app.id),
        )
        for app in apps
    ]
