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
from localspot.crm import accounts
from localspot.crm.accounts_storage import AccountsStorage
from localspot.crm.errors import MissingScopes
from localspot.crm.model import ObjectType, Principal
from localspot.crm.type_registry import TypeRegistry


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    store: AccountsStorage = connection.app.state.store
    clock: Clock = connection.app.state.clock
    return await accounts.authenticate(store, bearer_token(connection), clock)


async def required_scopes(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler, portal_id: int
) -> tuple[str, ...]:
    """The scopes of which the token needs one (none: no scope check)."""
    access = handler.opt.get("access")
    if access is None:
        return ()
    if "scopes" in handler.opt:
        return tuple(handler.opt["scopes"])
    if "scope" in handler.opt:
        return (str(handler.opt["scope"]),)
    registry: TypeRegistry = connection.app.state.registry
    path_type = str(connection.path_params.get("object_type", ""))
    _, object_type = await registry.resolve(portal_id, path_type)
    return (_scope_of(handler, access, object_type),)


def _scope_of(handler: BaseRouteHandler, access: str, object_type: ObjectType) -> str:
    by_type = handler.opt.get("schema_scopes", {})
    if access == "write" and object_type.type_id in by_type:
        return str(by_type[object_type.type_id])
    return object_type.read_scope if access == "read" else object_type.write_scope


async def auth_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    principal = await authenticate(connection)
    connection.state.principal = principal
    scopes = await required_scopes(connection, handler, principal.portal_id)
    if scopes and not principal.scopes.intersection(scopes):
        raise MissingScopes(scopes)
