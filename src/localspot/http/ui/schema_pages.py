"""Schema pages: a portal's object types (built-in and custom schemas) and owners; per type
its property groups and properties, pipelines and stages, and association types (labels).
Each part is read through the API's own use case."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State

from localspot.crm import owners, pipelines, property_admin, property_groups
from localspot.crm.pipeline_defaults import PIPELINE_PROPERTIES
from localspot.http.admin_portals import store_of
from localspot.http.ui.portal_scope import portal_context, portal_types
from localspot.http.ui.render import page


class SchemaController(Controller):
    path = "/portals/{portal_id:int}/schema"

    @get("/")
    async def overview(self, request: Request[Any, Any, State], portal_id: int) -> Response[str]:
        types = await portal_types(request, portal_id)
        return page(
            request,
            "schema.html",
            section="schema",
            portal_id=portal_id,
            types=types.all_types(),
            schemas=[s for s in types.schemas if not s.archived],
            owners=await owners.all_of(store_of(request), portal_id),
        )

    @get("/{object_type:str}")
    async def object_type(
        self, request: Request[Any, Any, State], portal_id: int, object_type: str
    ) -> Response[str]:
        ctx = await portal_context(request, portal_id, object_type)
        groups = await property_groups.list_groups(ctx)
        every = await property_admin.list_properties(ctx, archived=False)
        by_group: dict[str, list[Any]] = {}
        for definition in sorted(every, key=lambda d: (d.display_order, d.label.lower())):
            by_group.setdefault(definition.group_name, []).append(definition)
        has_pipelines = ctx.object_type.type_id in PIPELINE_PROPERTIES
        kinds = [k for k in ctx.types.links.kinds if k.from_type == ctx.object_type.type_id]
        names = {t.type_id: t.name for t in ctx.types.all_types()}
        return page(
            request,
            "schema_type.html",
            section="schema",
            portal_id=portal_id,
            object_type=ctx.object_type,
            groups=groups,
            by_group=by_group,
            pipelines=await pipelines.list_pipelines(ctx) if has_pipelines else [],
            live_stages=pipelines.live_stages,
            kinds=sorted(kinds, key=lambda k: (names.get(k.to_type, k.to_type), k.type_id)),
            type_names=names,
        )
