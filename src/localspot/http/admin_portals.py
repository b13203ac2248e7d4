"""Admin routes for portals: create, delete, reset, snapshot, restore, seeded ids."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.crm import accounts, portal_admin
from localspot.crm.storage import Store
from localspot.crm.type_registry import TypeRegistry
from localspot.http.openapi_specs import admin_error_responses
from localspot.snapshot_codec import encode_snapshot, from_snapshot
from localspot.wire import admin as w

ERRORS = admin_error_responses()
SNAPSHOT_BYTES = 1_000_000_000
"""A restore takes a whole portal, far above the API's usual body limit."""


def store_of(request: Request[Any, Any, State]) -> Store:
    store: Store = request.app.state.store
    return store


def registry_of(request: Request[Any, Any, State]) -> TypeRegistry:
    """The portal's custom types change with a reset, restore or delete."""
    registry: TypeRegistry = request.app.state.registry
    return registry


async def reset_portal(request: Request[Any, Any, State], portal_id: int, *, keep: bool) -> None:
    """Empty the portal (the admin API's and the inspector's way)."""
    try:
        await portal_admin.reset(store_of(request), portal_id, keep_custom_properties=keep)
    finally:
        registry_of(request).invalidate(portal_id)


async def snapshot_bytes(request: Request[Any, Any, State], portal_id: int) -> bytes:
    return encode_snapshot(await portal_admin.snapshot(store_of(request), portal_id))


async def restore_portal(
    request: Request[Any, Any, State], portal_id: int, snapshot: w.PortalSnapshot
) -> None:
    try:
        await portal_admin.restore(store_of(request), portal_id, from_snapshot(snapshot))
    finally:
        registry_of(request).invalidate(portal_id)


class PortalsController(Controller):
    path = "/portals"
    tags = ["Admin"]

    @post("/", status_code=HTTP_201_CREATED, responses=ERRORS, summary="Create a portal")
    async def create_portal(
        self, request: Request[Any, Any, State], data: w.PortalCreateRequest
    ) -> w.PortalCreated:
        spec = accounts.token_spec(data.scopes) if data.with_token else None
        store = store_of(request)
        if spec is None:
            return w.PortalCreated(
                await accounts.create_portal(store, data.name, data.tier, data.timezone)
            )
        portal_id, token = await accounts.create_portal_with_token(
            store, data.name, data.tier, data.timezone, spec
        )
        return w.PortalCreated(portal_id, token)

    @delete("/{portal_id:int}", responses=ERRORS, summary="Delete a portal and its tokens")
    async def delete_portal(self, request: Request[Any, Any, State], portal_id: int) -> None:
        await portal_admin.delete(store_of(request), portal_id)
        registry_of(request).invalidate(portal_id)
        request.app.state.faults.clear(portal_id)
        request.app.state.journal.clear(portal_id)

    @post(
        "/{portal_id:int}/reset",
        status_code=HTTP_204_NO_CONTENT,
        responses=ERRORS,
        summary="Remove every record, association and (unless kept) custom property",
    )
    async def reset_portal(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        data: w.PortalResetRequest | None = None,
    ) -> None:
        await reset_portal(request, portal_id, keep=data.keep_custom_properties if data else False)

    @get(
        "/{portal_id:int}/snapshot",
        responses={**ERRORS, 200: ResponseSpec(w.PortalSnapshot, description="The portal")},
        summary="The portal as JSON (byte-stable)",
    )
    async def snapshot(self, request: Request[Any, Any, State], portal_id: int) -> Response[bytes]:
        return Response(await snapshot_bytes(request, portal_id), media_type="application/json")

    @put(
        "/{portal_id:int}/snapshot",
        status_code=HTTP_204_NO_CONTENT,
        responses=ERRORS,
        request_max_body_size=SNAPSHOT_BYTES,
        summary="Replace the portal's contents with a snapshot",
    )
    async def restore(
        self, request: Request[Any, Any, State], portal_id: int, data: w.PortalSnapshot
    ) -> None:
        await restore_portal(request, portal_id, data)

    @put(
        "/{portal_id:int}/id-seed",
        status_code=HTTP_204_NO_CONTENT,
        responses=ERRORS,
        summary="Make new record ids come from a seeded sequence (null: the database's)",
    )
    async def seed_ids(
        self, request: Request[Any, Any, State], portal_id: int, data: w.IdSeedRequest
    ) -> None:
        await portal_admin.seed_ids(store_of(request), portal_id, data.seed)
