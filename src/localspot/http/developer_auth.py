"""The developer API's guard: the developer API key in the ``hapikey`` query parameter (as the
official SDKs send it when made with ``api_key=``) opens one app, and the path's ``appId``
must be that app. It guards the Webhooks API and the CRM extensions' app settings."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from localspot.clock import Clock
from localspot.crm import apps, webhooks
from localspot.crm.card_migrations import MigrationCall
from localspot.crm.extension_settings import ExtensionCall

KEY_PARAMETER = "hapikey"


async def developer_guard(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    key_app = await apps.authenticate(
        connection.app.state.store, connection.query_params.get(KEY_PARAMETER)
    )
    webhooks.check_app(key_app, int(connection.path_params["app_id"]))
    connection.state.app_id = key_app


def _now(connection: ASGIConnection[Any, Any, Any, Any]) -> int:
    clock: Clock = connection.app.state.clock
    return clock.now_ms()


def app_call(connection: ASGIConnection[Any, Any, Any, Any]) -> webhooks.AppCall:
    """The call's app (the guard's) and the server's clock."""
    return webhooks.AppCall(connection.app.state.store, connection.state.app_id, _now(connection))


def extension_call(connection: ASGIConnection[Any, Any, Any, Any]) -> ExtensionCall:
    """The same for the CRM extensions' settings."""
    return ExtensionCall(connection.app.state.store, connection.state.app_id, _now(connection))


def migration_call(connection: ASGIConnection[Any, Any, Any, Any]) -> MigrationCall:
    """The same for a CRM card migration."""
    return MigrationCall(connection.app.state.store, connection.state.app_id, _now(connection))
