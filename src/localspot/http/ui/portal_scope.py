"""The inspector acts for a portal as the admin does: with every scope, on any of the
portal's types (built-in and custom)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State

from localspot.crm import accounts
from localspot.crm.context import CrmContext
from localspot.crm.list_rules import ListsContext
from localspot.crm.model import Principal
from localspot.crm.storage import Store
from localspot.crm.type_registry import PortalTypes, TypeRegistry
from localspot.http.admin_portals import store_of


def principal_of(portal_id: int) -> Principal:
    return Principal(portal_id, frozenset(accounts.all_scopes()))


async def portal_types(request: Request[Any, Any, State], portal_id: int) -> PortalTypes:
    """The portal's types; a 404 for a portal that does not exist."""
    await accounts.require_portal(store_of(request), portal_id)
    registry: TypeRegistry = request.app.state.registry
    return await registry.view(portal_id)


async def portal_context(
    request: Request[Any, Any, State], portal_id: int, object_type: str
) -> CrmContext[Store]:
    await accounts.require_portal(store_of(request), portal_id)
    registry: TypeRegistry = request.app.state.registry
    types, resolved = await registry.resolve(portal_id, object_type)
    return CrmContext(
        store=store_of(request),
        clock=request.app.state.clock,
        principal=principal_of(portal_id),
        object_type=resolved,
        max_batch_inputs=request.app.state.settings.max_batch_inputs,
        types=types,
    )


async def lists_scope(request: Request[Any, Any, State], portal_id: int) -> ListsContext[Store]:
    """The Lists use cases' context for the portal (a 404 for a portal that does not exist):
    a list id names a list of this portal only."""
    return ListsContext(
        store=store_of(request),
        clock=request.app.state.clock,
        portal_id=portal_id,
        types=await portal_types(request, portal_id),
    )
