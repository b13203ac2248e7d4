"""Read use cases (get, list, batch read) and which properties a result shows.

HubSpot's rule (hubspot-behaviour §3.4): without ``properties`` a result shows the type's default
properties; with it, the requested names that exist plus the defaults. A requested property
that exists but was never set shows ``null``; an unknown name is left out, silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from localspot.crm import batch_rules, merges
from localspot.crm.context import CrmContext, RecordUseCaseStorage, resolve_ids
from localspot.crm.errors import ObjectNotFound, ValidationError
from localspot.crm.model import HistoryEntry, InputError, Record
from localspot.crm.properties import Definitions, load_definitions
from localspot.crm.property_types import format_datetime

MAX_LIST_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Selection:
    properties: tuple[str, ...]
    history: tuple[str, ...]
    system_columns: Mapping[str, str]
    """The object type's system properties (``ObjectType.system_columns``)."""


@dataclass(frozen=True, slots=True)
class ReadOutcome:
    records: tuple[Record, ...]
    errors: tuple[InputError, ...]
    selection: Selection
    started_at: int
    completed_at: int


def select(
    definitions: Definitions, properties: Sequence[str], with_history: Sequence[str]
) -> Selection:
    defaults = definitions.object_type.default_properties
    known = [name for name in properties if name in definitions.by_name]
    shown = tuple(dict.fromkeys([*known, *defaults])) if properties else defaults
    history = tuple(dict.fromkeys(n for n in with_history if n in definitions.by_name))
    return Selection(shown, history, definitions.object_type.system_columns)


def _column_value(record: Record, column: str) -> str:
    if column == "id":
        return str(record.id)
    return format_datetime(record.updated_at if column == "updated_at" else record.created_at)


def system_values(record: Record, system_columns: Mapping[str, str]) -> dict[str, str]:
    return {name: _column_value(record, column) for name, column in system_columns.items()}


def visible_properties(record: Record, selection: Selection) -> dict[str, str | None]:
    system = system_values(record, selection.system_columns)
    return {name: system.get(name, record.properties.get(name)) for name in selection.properties}


def visible_history(record: Record, selection: Selection) -> dict[str, tuple[HistoryEntry, ...]]:
    """Newest first. System properties have a single version: their current value."""
    system = system_values(record, selection.system_columns)
    stored = record.history or {}
    shown: dict[str, tuple[HistoryEntry, ...]] = {}
    for name in selection.history:
        if name in system:
            column = selection.system_columns[name]
            at = record.updated_at if column == "updated_at" else record.created_at
            shown[name] = (HistoryEntry(system[name], at, "API"),)
        else:
            shown[name] = stored.get(name, ())
    return shown


async def _definitions(ctx: CrmContext[RecordUseCaseStorage]) -> Definitions:
    return await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)


async def get_one(
    ctx: CrmContext[RecordUseCaseStorage],
    object_id: str,
    *,
    id_property: str | None,
    archived: bool,
    properties: Sequence[str],
    with_history: Sequence[str],
) -> tuple[Record, Selection]:
    definitions = await _definitions(ctx)
    selection = select(definitions, properties, with_history)
    (record_id,) = await resolve_ids(ctx, definitions, [(id_property, object_id)])
    found = (
        {}
        if record_id is None
        else await ctx.store.read_records(
            ctx.portal_id,
            ctx.object_type.type_id,
            [record_id],
            archived=archived,
            history_names=selection.history,
        )
    )
    if record_id is None or record_id not in found:
        return await _merged_record(ctx, object_id, id_property, archived, selection)
    return found[record_id], selection


async def _merged_record(
    ctx: CrmContext[RecordUseCaseStorage],
    object_id: str,
    id_property: str | None,
    archived: bool,
    selection: Selection,
) -> tuple[Record, Selection]:
    """An id merged into another record answers with that record (one lookup, on a miss)."""
    target = None if id_property or archived else await merges.merged_into(ctx, object_id)
    found = (
        {}
        if target is None
        else await ctx.store.read_records(
            ctx.portal_id, ctx.object_type.type_id, [target], history_names=selection.history
        )
    )
    if target is None or target not in found:
        raise ObjectNotFound(object_id)
    return found[target], selection


async def _with_merged(
    ctx: CrmContext[RecordUseCaseStorage],
    ids: Sequence[str],
    record_ids: list[int | None],
    found: dict[int, Record],
    selection: Selection,
) -> list[int | None]:
    """``record_ids`` with each merged-away id replaced by the record it was merged into
    (``found`` gains those records); no query when every id was found."""
    misses = [raw for raw, i in zip(ids, record_ids, strict=True) if i not in found]
    targets = await merges.merged_targets(ctx, [m for m in misses if "\x00" not in m])
    if not targets:
        return record_ids
    found.update(
        await ctx.store.read_records(
            ctx.portal_id,
            ctx.object_type.type_id,
            set(targets.values()) - found.keys(),
            history_names=selection.history,
        )
    )
    return [
        targets.get(raw, i) if i not in found else i for raw, i in zip(ids, record_ids, strict=True)
    ]


async def list_page(
    ctx: CrmContext[RecordUseCaseStorage],
    *,
    after: str | None,
    limit: int,
    archived: bool,
    properties: Sequence[str],
    with_history: Sequence[str],
) -> tuple[Sequence[Record], int | None, Selection]:
    if not 1 <= limit <= MAX_LIST_LIMIT:
        raise ValidationError(
            f"limit must be between 1 and {MAX_LIST_LIMIT}, got {limit}",
            context={"limit": [str(limit)]},
        )
    selection = select(await _definitions(ctx), properties, with_history)
    start = batch_rules.parse_record_id(after) if after else None
    if after and start is None:
        raise ValidationError(f"Invalid after token: {after}", context={"after": [after]})
    page = await ctx.store.list_records(
        ctx.portal_id,
        ctx.object_type.type_id,
        after=start,
        limit=limit,
        archived=archived,
        history_names=selection.history,
    )
    return page.records, page.next_after, selection


async def batch_read(
    ctx: CrmContext[RecordUseCaseStorage],
    ids: Sequence[str],
    *,
    id_property: str | None,
    archived: bool,
    properties: Sequence[str],
    with_history: Sequence[str],
    max_history_inputs: int,
) -> ReadOutcome:
    started_at = ctx.clock.now_ms()
    batch_rules.check_batch_size(len(ids), ctx.max_batch_inputs)
    if with_history and len(ids) > max_history_inputs:
        raise ValidationError(
            "The maximum number of inputs supported in a batch request for property "
            f"histories is {max_history_inputs}. Please reduce the number of items and try again"
        )
    definitions = await _definitions(ctx)
    selection = select(definitions, properties, with_history)
    record_ids = await resolve_ids(ctx, definitions, [(id_property, i) for i in ids])
    wanted = {i for i in record_ids if i is not None}
    found = await ctx.store.read_records(
        ctx.portal_id,
        ctx.object_type.type_id,
        wanted,
        archived=archived,
        history_names=selection.history,
    )
    if id_property is None and not archived:
        record_ids = await _with_merged(ctx, ids, record_ids, found, selection)
    missing = [(raw, None) for raw, i in zip(ids, record_ids, strict=True) if i not in found]
    records = tuple(found[i] for i in dict.fromkeys(record_ids) if i in found)
    return ReadOutcome(
        records,
        batch_rules.not_found_errors(ctx.object_type, list(dict.fromkeys(missing))),
        selection,
        started_at,
        ctx.clock.now_ms(),
    )
