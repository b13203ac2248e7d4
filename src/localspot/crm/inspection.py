"""What the web inspector shows of records: a page of a type's records (plain keyset pages by
id, or search's index when the view filters, searches or sorts) and one record with
everything about it (history, associations, lists, pipeline stage).

Both are made of the API's own use cases (``reads``, ``search``, ``associations``), so the
inspector shows exactly what the API would answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from localspot.crm import associations, reads, search
from localspot.crm.associations import Linked
from localspot.crm.context import CrmContext, RecordUseCaseStorage
from localspot.crm.list_memberships_storage import ListMembershipsStorage
from localspot.crm.lists_storage import ListsStorage
from localspot.crm.model import ObjectType, Record
from localspot.crm.pipeline_defaults import PIPELINE_PROPERTIES
from localspot.crm.properties import Definitions, load_definitions
from localspot.crm.search import FilterInput, SearchRequest, SearchStorage

COUNTED = search.MAX_RESULTS + 1
"""Matches counted for the table: one past the pages search reaches says "more" (an exact
count of a broad filter is most of its time at a million records)."""
LINKS_SHOWN = 100
"""Linked records shown per type on a record's page (HubSpot's page size for links)."""


class InspectionStorage(
    RecordUseCaseStorage, SearchStorage, ListsStorage, ListMembershipsStorage, Protocol
):
    """Records, search, links, pipelines and lists: everything a record's page shows."""


Ctx = CrmContext[InspectionStorage]


@dataclass(frozen=True, slots=True)
class TableView:
    """What the records table asks for: columns, free text, filters (ANDed), one sort."""

    columns: tuple[str, ...]
    query: str | None = None
    filters: tuple[FilterInput, ...] = ()
    sort: tuple[str, bool] | None = None
    after: str | None = None
    limit: int = 25

    @property
    def searches(self) -> bool:
        return bool(self.query or self.filters or self.sort)


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    values: Mapping[str, str | None]
    """Each column's value as the API shows it (system properties included)."""


@dataclass(frozen=True, slots=True)
class TablePage:
    rows: tuple[Row, ...]
    columns: tuple[str, ...]
    """The requested columns that exist, in the order asked (defaults when none were)."""
    total: int | None
    """Search's total, at most ``COUNTED``; None for keyset pages (counting a million
    records costs a scan)."""

    @property
    def more_than_counted(self) -> bool:
        return self.total is not None and self.total >= COUNTED

    next_after: str | None


async def table_page(ctx: Ctx, view: TableView) -> TablePage:
    definitions = await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)
    columns = tuple(c for c in view.columns if c in definitions.by_name)
    columns = columns or ctx.object_type.default_properties
    if not view.searches:
        records, next_after, selection = await reads.list_page(
            ctx,
            after=view.after,
            limit=view.limit,
            archived=False,
            properties=columns,
            with_history=(),
        )
        following = None if next_after is None else str(next_after)
        return TablePage(_rows(records, selection), columns, None, following)
    offset = int(view.after) if view.after and view.after.isdigit() else 0
    filters = view.filters
    # A view sorted by a property lists the records that have a value for it (HubSpot's
    # search would list the others last). The condition comes first in its group, so when
    # it and the filters all match many records, search's index walks the sort property's
    # entries in order and reads one page, instead of sorting every match (seconds at a
    # million records).
    if view.sort and view.sort[0] not in ctx.object_type.system_columns:
        filters = (FilterInput(view.sort[0], "HAS_PROPERTY"), *filters)
    request = SearchRequest(
        groups=(filters,) if filters else (),
        sort=view.sort,
        query=view.query or None,
        properties=columns,
        limit=view.limit,
        after=offset,
    )
    page, selection = await search.run(ctx, request, count_limit=COUNTED)
    end = offset + view.limit
    further = str(end) if end < min(page.total, search.MAX_RESULTS) else None
    return TablePage(_rows(page.records, selection), columns, page.total, further)


def _rows(records: Sequence[Record], selection: reads.Selection) -> tuple[Row, ...]:
    return tuple(Row(r.id, reads.visible_properties(r, selection)) for r in records)


@dataclass(frozen=True, slots=True)
class LinkedGroup:
    to_type: ObjectType
    links: tuple[Linked, ...]
    more: bool


@dataclass(frozen=True, slots=True)
class ListEntry:
    list_id: int
    name: str
    processing_type: str
    added_at: int


@dataclass(frozen=True, slots=True)
class StagePlace:
    pipeline_id: str
    pipeline: str
    stage_id: str
    stage: str


@dataclass(frozen=True, slots=True)
class RecordView:
    record: Record
    definitions: Definitions
    linked: tuple[LinkedGroup, ...]
    lists: tuple[ListEntry, ...]
    stage: StagePlace | None


async def record_view(ctx: Ctx, record_id: str) -> RecordView:
    definitions = await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)
    names = tuple(definitions.by_name)
    record, _ = await reads.get_one(
        ctx, record_id, id_property=None, archived=False, properties=names, with_history=names
    )
    return RecordView(
        record,
        definitions,
        await _linked(ctx, record.id),
        await _lists(ctx, record.id),
        await _stage(ctx, record),
    )


async def _linked(ctx: Ctx, record_id: int) -> tuple[LinkedGroup, ...]:
    groups = []
    for to_type in _linkable(ctx):
        page = await associations.page(ctx, str(record_id), to_type.type_id, None, LINKS_SHOWN)
        if page.results:
            groups.append(LinkedGroup(to_type, page.results, page.next_after is not None))
    return tuple(groups)


def _linkable(ctx: Ctx) -> Sequence[ObjectType]:
    return [t for t in ctx.types.all_types() if ctx.types.links.types_between(ctx.object_type, t)]


async def _lists(ctx: Ctx, record_id: int) -> tuple[ListEntry, ...]:
    found = await ctx.store.record_lists(ctx.portal_id, ctx.object_type.type_id, [record_id])
    entries = found.get(record_id, ())
    if not entries:
        return ()
    lists = {x.id: x for x in await ctx.store.lists_of(ctx.portal_id, [e.list_id for e in entries])}
    return tuple(
        ListEntry(e.list_id, lists[e.list_id].name, lists[e.list_id].processing_type, e.added_at)
        for e in entries
        if e.list_id in lists
    )


async def _stage(ctx: Ctx, record: Record) -> StagePlace | None:
    names = PIPELINE_PROPERTIES.get(ctx.object_type.type_id)
    if names is None:
        return None
    pipeline_id, stage_id = (record.properties.get(n, "") for n in names)
    pipelines = await ctx.store.pipelines_of(ctx.portal_id, ctx.object_type.type_id)
    pipeline = next((p for p in pipelines if p.id == pipeline_id), None)
    if pipeline is None:
        return None
    stage = next((s for s in pipeline.stages if s.id == stage_id), None)
    return StagePlace(pipeline_id, pipeline.label, stage_id, stage.label if stage else "")
