"""Admin routes for owners: HubSpot has no API to create them (they are the portal's users),
so a test makes them here and reads them back through ``/crm/v3/owners``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.crm import accounts, owners
from localspot.crm.owners_storage import Owner
from localspot.crm.property_types import format_datetime
from localspot.http.admin_portals import ERRORS, store_of
from localspot.http.admin_runtime import clock_of
from localspot.wire import admin as w


def admin_owner(owner: Owner) -> w.AdminOwner:
    return w.AdminOwner(
        id=str(owner.id),
        user_id=owner.user_id,
        email=owner.email,
        first_name=owner.first_name,
        last_name=owner.last_name,
        created_at=format_datetime(owner.created_at),
        updated_at=format_datetime(owner.updated_at),
        archived=owner.archived,
    )


class OwnersAdminController(Controller):
    path = "/portals/{portal_id:int}/owners"
    tags = ["Admin"]

    @post("/", status_code=HTTP_201_CREATED, responses=ERRORS, summary="Create an owner")
    async def create_owner(
        self, request: Request[Any, Any, State], portal_id: int, data: w.OwnerCreateRequest
    ) -> w.AdminOwner:
        owner = await owners.create(
            store_of(request),
            portal_id,
            data.email,
            clock_of(request).now_ms(),
            first_name=data.first_name,
            last_name=data.last_name,
        )
        return admin_owner(owner)

    @get("/", responses=ERRORS, summary="Every owner of the portal, archived ones too")
    async def list_owners(
        self, request: Request[Any, Any, State], portal_id: int
    ) -> w.AdminOwnerCollection:
        store = store_of(request)
        await accounts.require_portal(store, portal_id)
        found = await owners.all_of(store, portal_id)
        return w.AdminOwnerCollection([admin_owner(o) for o in found])

    @post(
        "/{owner_id:int}/archive",
        status_code=HTTP_204_NO_CONTENT,
        responses=ERRORS,
        summary="Archive an owner (as when a user leaves the portal)",
    )
    async def archive_owner(
        self, request: Request[Any, Any, State], portal_id: int, owner_id: int
    ) -> None:
        store = store_of(request)
        await accounts.require_portal(store, portal_id)
        await owners.archive(store, portal_id, owner_id, clock_of(request).now_ms())
