"""The apps and webhooks roles of ``SqlStore`` (``crm/apps_storage.py``,
``crm/webhooks_storage.py``), over ``apps_sql`` and ``webhooks_sql``."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TypeVar

from localspot.crm.apps_storage import App, InstallOutcome, NewApp
from localspot.crm.webhooks_storage import (
    ActiveSubscription,
    NewSubscription,
    Subscription,
    SubscriptionCreated,
    WebhookSettings,
)
from localspot.store import apps_sql, webhooks_sql
from localspot.store.runs import Runs

T = TypeVar("T")


class AppsSqlStore(Runs):
    """Mixed into ``SqlStore``, which says how a transaction runs."""

    async def create_app(self, new: NewApp, portal_id: int) -> App | None:
        return await self._write(lambda c: apps_sql.create_app(c, new, portal_id))

    async def apps(self, ids: Collection[int] | None = None) -> Sequence[App]:
        return await self._read(lambda c: apps_sql.all_apps(c, ids))

    async def app_of_key(self, developer_key_hash: str) -> int | None:
        return await self._lookup(lambda c: apps_sql.app_of_key(c, developer_key_hash))

    async def install_app(self, app_id: int, portal_id: int) -> InstallOutcome:
        return await self._write(lambda c: apps_sql.install_app(c, app_id, portal_id))

    async def uninstall_app(self, app_id: int, portal_id: int) -> InstallOutcome:
        return await self._write(lambda c: apps_sql.uninstall_app(c, app_id, portal_id))

    async def client_secret(self, app_id: int) -> str | None:
        return await self._lookup(lambda c: apps_sql.client_secret(c, app_id))

    async def webhook_settings(self, app_id: int) -> WebhookSettings | None:
        return await self._lookup(lambda c: webhooks_sql.settings_of(c, app_id))

    async def save_webhook_settings(
        self, app_id: int, target_url: str, max_concurrent_requests: int, at: int
    ) -> WebhookSettings:
        limit = max_concurrent_requests
        return await self._write(
            lambda c: webhooks_sql.save_settings(c, app_id, target_url, limit, at)
        )

    async def clear_webhook_settings(self, app_id: int) -> bool:
        return await self._write(lambda c: webhooks_sql.clear_settings(c, app_id))

    async def subscriptions(self, app_id: int) -> Sequence[Subscription]:
        return await self._read(lambda c: webhooks_sql.subscriptions_of(c, app_id))

    async def create_subscription(
        self, app_id: int, new: NewSubscription, at: int, *, limit: int
    ) -> SubscriptionCreated:
        return await self._write(
            lambda c: webhooks_sql.create_subscription(c, app_id, new, at, limit)
        )

    async def set_subscriptions_active(
        self, app_id: int, changes: Mapping[int, bool], at: int
    ) -> Sequence[Subscription]:
        return await self._write(lambda c: webhooks_sql.set_active(c, app_id, changes, at))

    async def delete_subscription(self, app_id: int, subscription_id: int) -> bool:
        return await self._write(
            lambda c: webhooks_sql.delete_subscription(c, app_id, subscription_id)
        )

    async def installed_property(self, app_id: int, object_type: str, name: str) -> bool:
        return await self._lookup(
            lambda c: webhooks_sql.installed_property(c, app_id, object_type, name)
        )

    async def active_subscriptions(
        self,
        portal_id: int,
        object_type: str,
        actions: Collection[str],
        property_names: Collection[str] | None = None,
    ) -> Sequence[ActiveSubscription]:
        return await self._lookup(
            lambda c: webhooks_sql.active_for(c, portal_id, object_type, actions, property_names)
        )
