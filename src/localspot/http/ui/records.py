"""Records pages: the portals, a portal's object types, a type's records table (columns,
free-text search, property filters, sort, paging) and one record's page (with its timeline
events)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.response import Redirect

from localspot.crm import inspection, timeline_view
from localspot.crm.inspector_storage import InspectorStorage
from localspot.crm.search import OPERATOR_ORDER, FilterInput
from localspot.http.ui.portal_scope import portal_context, portal_types
from localspot.http.ui.render import page
from localspot.http.ui.session import UI_PATH

PAGE_SIZES = (25, 50, 100)
LISTED = frozenset({"IN", "NOT_IN"})
FILTER_ROWS = 3


def parse_filters(
    names: list[str] | None, operators: list[str] | None, values: list[str] | None
) -> tuple[FilterInput, ...]:
    """The form's filter rows (property, operator, value); rows without a property are
    blank. ``IN`` takes comma-separated values, ``BETWEEN`` ``low,high``."""
    found = []
    for name, operator, value in zip(names or (), operators or (), values or (), strict=False):
        if not name.strip():
            continue
        op = operator.strip().upper() or "EQ"
        if op in LISTED:
            items = tuple(v.strip() for v in value.split(",") if v.strip())
            found.append(FilterInput(name.strip(), op, values=items))
        elif op == "BETWEEN":
            low, _, high = value.partition(",")
            found.append(FilterInput(name.strip(), op, low.strip(), high.strip()))
        else:
            found.append(FilterInput(name.strip(), op, value))
    return tuple(found)


def _columns(values: list[str] | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.strip() for v in values or () for n in v.split(",") if n.strip()))


def _query_link(request: Request[Any, Any, State], **changes: str | None) -> str:
    """This page's address with some parameters changed (None drops one)."""
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    pairs += [(k, v) for k, v in changes.items() if v is not None]
    return f"{request.url.path}?{urlencode(pairs)}"


def _filter_rows(filters: tuple[FilterInput, ...]) -> list[tuple[str, str, str]]:
    rows = []
    for f in filters:
        shown = ",".join(f.values) if f.values is not None else (f.value or "")
        if f.operator == "BETWEEN":
            shown = f"{f.value or ''},{f.high_value or ''}"
        rows.append((f.property_name, f.operator, shown))
    return rows + [("", "EQ", "")] * max(FILTER_ROWS - len(rows), 1)


class RecordsController(Controller):
    path = "/"

    @get("/")
    async def home(self, request: Request[Any, Any, State]) -> Response[str]:
        store: InspectorStorage = request.app.state.store
        return page(request, "portals.html", portals=await store.portals(), portal_id=None)

    @get("/portals/{portal_id:int}")
    async def portal_home(self, portal_id: int) -> Redirect:
        return Redirect(f"{UI_PATH}/portals/{portal_id}/records", status_code=303)

    @get("/portals/{portal_id:int}/records")
    async def object_types(
        self, request: Request[Any, Any, State], portal_id: int
    ) -> Response[str]:
        types = await portal_types(request, portal_id)
        return page(request, "types.html", portal_id=portal_id, types=types.all_types())

    @get("/portals/{portal_id:int}/records/{object_type:str}")
    async def table(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        object_type: str,
        q: str | None = None,
        columns: list[str] | None = None,
        fp: list[str] | None = None,
        fo: list[str] | None = None,
        fv: list[str] | None = None,
        sort: str | None = None,
        direction: str = "asc",
        after: str | None = None,
        limit: int = 25,
    ) -> Response[str]:
        ctx = await portal_context(request, portal_id, object_type)
        filters = parse_filters(fp, fo, fv)
        view = inspection.TableView(
            columns=_columns(columns),
            query=(q or "").strip() or None,
            filters=filters,
            sort=(sort, direction == "desc") if sort else None,
            after=after or None,
            limit=limit if limit in PAGE_SIZES else PAGE_SIZES[0],
        )
        found = await inspection.table_page(ctx, view)
        custom = await ctx.store.custom_properties(portal_id, ctx.object_type.type_id)
        every = sorted(
            [*ctx.object_type.properties.values(), *custom], key=lambda d: (d.label.lower(), d.name)
        )
        return page(
            request,
            "records.html",
            portal_id=portal_id,
            object_type=ctx.object_type,
            view=view,
            found=found,
            properties=every,
            operators=OPERATOR_ORDER,
            page_sizes=PAGE_SIZES,
            filter_rows=_filter_rows(filters),
            link=lambda **changes: _query_link(request, **changes),
        )

    @get("/portals/{portal_id:int}/records/{object_type:str}/{record_id:str}")
    async def record(
        self, request: Request[Any, Any, State], portal_id: int, object_type: str, record_id: str
    ) -> Response[str]:
        ctx = await portal_context(request, portal_id, object_type)
        view = await inspection.record_view(ctx, record_id)
        shown = sorted(
            view.definitions.by_name.values(), key=lambda d: (d.group_name, d.label.lower())
        )
        return page(
            request,
            "record.html",
            portal_id=portal_id,
            object_type=ctx.object_type,
            view=view,
            definitions=shown,
            timeline=await timeline_view.record_timeline(
                ctx.store, portal_id, ctx.object_type.type_id, view.record.id
            ),
        )
