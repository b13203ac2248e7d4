"""The auth guard: bearer token → ``Principal``, and the scope a route needs.

A route says which scope it needs in its ``opt``: ``{"access": "read"}`` or
``{"access": "write"}``; the object type in the path names the actual scope (for calls,
HubSpot uses the contacts scopes).
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from localspot.clock import Clock
from localspot.crm import accounts, object_types
from localspot.crm.accounts_storage import AccountsStorage
from localspot.crm.errors import MissingScopes
from localspot.crm.model import Principal


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    store: AccountsStorage = connection.app.state.store
    clock: Clock = connection.app.state.clock
    return await accounts.authenticate(store, bearer_token(connection), clock)


def required_scope(handler: BaseRouteHandler, path_params: dict[str, Any]) -> str | None:
    access = handler.opt.get("access")
    if access is None:
        return None
    if "scope" in handler.opt:
        return str(handler.opt["scope"])
    object_type = object_types.resolve(str(path_params.get("object_type", "")))
    by_type = handler.opt.get("schema_scopes", {})
    if access == "write" and object_type.type_id in by_type:
        return str(by_type[object_type.type_id])
    return object_type.read_scope if access == "read" else object_type.write_scope


async def auth_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    principal = await authenticate(connection)
    connection.state.principal = principal
    scope = required_scope(handler, connection.path_params)
    if scope is not None and scope not in principal.scopes:
        raise MissingScopes([scope])
