"""Handlers of ``/crm/v3/properties/{objectType}``: properties and property groups."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.crm import property_admin as admin
from localspot.crm import property_groups as group_admin
from localspot.crm.errors import HubSpotError
from localspot.crm.model import PropertyGroup
from localspot.crm.owner_properties import with_owner_options
from localspot.crm.pipeline_properties import live_definitions
from localspot.crm.property_types import format_datetime
from localspot.http.objects import crm_context
from localspot.http.openapi_specs import error_responses, multi_status
from localspot.http.property_shapes import changes, draft, group_body, property_body
from localspot.wire import properties as w
from localspot.wire.errors import StandardError

PARTIAL = multi_status(w.BatchResponsePropertyWithErrors)
READ = {"access": "read", "scope": "crm.schemas.contacts.read"}
WRITE = {"access": "write", "scope": "crm.schemas.contacts.write"}


def _batch_error(error: HubSpotError) -> StandardError:
    return StandardError(
        status="error",
        category=error.category,
        message=error.message,
        context={k: list(v) for k, v in error.context.items()},
        errors=[],
        links={},
    )


def _batch(
    results: list[w.Property], errors: list[StandardError], started: int, completed: int
) -> w.BatchResponseProperty | w.BatchResponsePropertyWithErrors:
    common: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "started_at": format_datetime(started),
        "completed_at": format_datetime(completed),
    }
    if errors:
        return w.BatchResponsePropertyWithErrors(**common, num_errors=len(errors), errors=errors)
    return w.BatchResponseProperty(**common)


class PropertiesController(Controller):
    path = "/{object_type:str}"
    tags = ["Properties"]

    @get("/", opt=READ, responses=error_responses(), summary="List properties")
    async def list_properties(
        self, request: Request[Any, Any, State], object_type: str, archived: bool = False
    ) -> w.CollectionResponsePropertyNoPaging:
        ctx = await crm_context(request, object_type)
        found = await admin.list_properties(ctx, archived)
        found = await live_definitions(ctx.store, ctx.portal_id, ctx.object_type, found)
        found = await with_owner_options(ctx.store, ctx.portal_id, found)
        return w.CollectionResponsePropertyNoPaging([property_body(d) for d in found])

    @post("/", opt=WRITE, status_code=HTTP_201_CREATED, responses=error_responses())
    async def create_property(
        self, request: Request[Any, Any, State], object_type: str, data: w.PropertyCreate
    ) -> w.Property:
        created = await admin.create_property(await crm_context(request, object_type), draft(data))
        return property_body(created)

    @get("/groups", opt=READ, responses=error_responses(), summary="List property groups")
    async def list_groups(
        self, request: Request[Any, Any, State], object_type: str
    ) -> w.CollectionResponsePropertyGroupNoPaging:
        groups = await group_admin.list_groups(await crm_context(request, object_type))
        return w.CollectionResponsePropertyGroupNoPaging([group_body(g) for g in groups])

    @post("/groups", opt=WRITE, status_code=HTTP_201_CREATED, responses=error_responses())
    async def create_group(
        self, request: Request[Any, Any, State], object_type: str, data: w.PropertyGroupCreate
    ) -> w.PropertyGroup:
        group = PropertyGroup(data.name, data.label, data.display_order)
        return group_body(
            await group_admin.create_group(await crm_context(request, object_type), group)
        )

    @get("/groups/{group_name:str}", opt=READ, responses=error_responses())
    async def read_group(
        self, request: Request[Any, Any, State], object_type: str, group_name: str
    ) -> w.PropertyGroup:
        return group_body(
            await group_admin.get_group(await crm_context(request, object_type), group_name)
        )

    @patch("/groups/{group_name:str}", opt=WRITE, responses=error_responses())
    async def update_group(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        group_name: str,
        data: w.PropertyGroupUpdate,
    ) -> w.PropertyGroup:
        ctx = await crm_context(request, object_type)
        updated = await group_admin.update_group(ctx, group_name, data.label, data.display_order)
        return group_body(updated)

    @delete(
        "/groups/{group_name:str}",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
    )
    async def delete_group(
        self, request: Request[Any, Any, State], object_type: str, group_name: str
    ) -> None:
        await group_admin.delete_group(await crm_context(request, object_type), group_name)

    @get("/{property_name:str}", opt=READ, responses=error_responses(), summary="Read a property")
    async def read_property(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        property_name: str,
        archived: bool = False,
    ) -> w.Property:
        ctx = await crm_context(request, object_type)
        found = [await admin.get_property(ctx, property_name, archived)]
        live = await live_definitions(ctx.store, ctx.portal_id, ctx.object_type, found)
        (shown,) = await with_owner_options(ctx.store, ctx.portal_id, live)
        return property_body(shown)

    @patch("/{property_name:str}", opt=WRITE, responses=error_responses())
    async def update_property(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        property_name: str,
        data: w.PropertyUpdate,
    ) -> w.Property:
        ctx = await crm_context(request, object_type)
        return property_body(await admin.update_property(ctx, property_name, changes(data)))

    @delete(
        "/{property_name:str}",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
    )
    async def archive_property(
        self, request: Request[Any, Any, State], object_type: str, property_name: str
    ) -> None:
        await admin.archive_property(await crm_context(request, object_type), property_name)

    @post("/batch/create", opt=WRITE, status_code=HTTP_201_CREATED, responses=PARTIAL)
    async def batch_create(
        self, request: Request[Any, Any, State], object_type: str, data: w.BatchInputPropertyCreate
    ) -> Response[w.BatchResponseProperty]:
        ctx = await crm_context(request, object_type)
        started = ctx.clock.now_ms()
        outcomes = await admin.batch_create(ctx, [draft(item) for item in data.inputs])
        results = [property_body(o) for o in outcomes if not isinstance(o, HubSpotError)]
        errors = [_batch_error(o) for o in outcomes if isinstance(o, HubSpotError)]
        body = _batch(results, errors, started, ctx.clock.now_ms())
        return Response(body, status_code=207 if errors else HTTP_201_CREATED)

    @post("/batch/read", opt=READ, status_code=HTTP_200_OK, responses=PARTIAL)
    async def batch_read(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        data: w.BatchReadInputPropertyName,
    ) -> Response[w.BatchResponseProperty]:
        ctx = await crm_context(request, object_type)
        started = ctx.clock.now_ms()
        names = [item.name for item in data.inputs]
        found, missing = await admin.batch_read(ctx, names, data.archived)
        found = await live_definitions(ctx.store, ctx.portal_id, ctx.object_type, found)
        found = await with_owner_options(ctx.store, ctx.portal_id, found)
        errors = [_batch_error(admin.property_not_found(name)) for name in missing]
        body = _batch([property_body(d) for d in found], errors, started, ctx.clock.now_ms())
        return Response(body, status_code=207 if errors else HTTP_200_OK)

    @post("/batch/archive", opt=WRITE, status_code=HTTP_204_NO_CONTENT, responses=error_responses())
    async def batch_archive(
        self, request: Request[Any, Any, State], object_type: str, data: w.BatchInputPropertyName
    ) -> None:
        names = [item.name for item in data.inputs]
        await admin.archive_properties(await crm_context(request, object_type), names)
