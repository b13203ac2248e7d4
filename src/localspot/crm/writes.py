"""Update use cases: single PATCH and batch update.

Each use case checks everything it can before it writes (limits, duplicates, idProperty,
values), then makes exactly one store call, so a request that fails as a whole writes
nothing and a written input is written atomically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from localspot.crm import batch_rules, pipeline_properties, type_rules
from localspot.crm.context import CrmContext, RecordUseCaseStorage, resolve_ids
from localspot.crm.errors import Conflict, ObjectNotFound
from localspot.crm.model import BatchOutcome, InputError, Record, UpdateInput
from localspot.crm.owner_properties import add_owner_problems
from localspot.crm.pipeline_properties import PipelineCheck, current_values
from localspot.crm.properties import (
    Definitions,
    invalid_values_error,
    load_definitions,
    returned_names,
)
from localspot.crm.records_storage import RecordChange


@dataclass(frozen=True, slots=True)
class _Planned:
    """An input whose values passed the checks, waiting for its record id."""

    source: UpdateInput
    values: dict[str, str]


async def _plan(
    ctx: CrmContext[RecordUseCaseStorage],
    check: PipelineCheck,
    inputs: Sequence[UpdateInput],
    current: Sequence[Mapping[str, str] | None],
) -> tuple[list[_Planned], list[InputError]]:
    checked = [check.check_update(i.properties, c) for i, c in zip(inputs, current, strict=True)]
    checked = await add_owner_problems(ctx.store, ctx.portal_id, check.definitions, checked)
    traces = [item.object_write_trace_id for item in inputs]
    errors = batch_rules.input_errors([p for _, p in checked], traces, ctx.portal_id)
    planned = [
        _Planned(item, values)
        for item, (values, problems) in zip(inputs, checked, strict=True)
        if not problems
    ]
    return planned, errors


def _change(definitions: Definitions, object_id: int, planned: _Planned) -> RecordChange:
    unique = definitions.unique_names().intersection(planned.values)
    return RecordChange(
        object_id,
        planned.values,
        frozenset(unique),
        planned.source.object_write_trace_id,
    )


async def _derived(
    ctx: CrmContext[RecordUseCaseStorage], resolved: list[tuple[_Planned, int | None]]
) -> list[tuple[_Planned, int | None]]:
    """The planned values with what the type derives from them (line items' amount)."""
    known = [(p, i) for p, i in resolved if i is not None]
    derived = await type_rules.derive_updates(ctx, [(i, p.values) for p, i in known])
    by_id = {i: _Planned(p.source, v) for (p, i), v in zip(known, derived, strict=True)}
    return [(by_id[i] if i is not None else p, i) for p, i in resolved]


async def batch_update(
    ctx: CrmContext[RecordUseCaseStorage], inputs: Sequence[UpdateInput]
) -> BatchOutcome:
    requested_at = ctx.clock.now_ms()
    batch_rules.check_batch_size(len(inputs), ctx.max_batch_inputs)
    batch_rules.reject_duplicates(item.id for item in inputs)
    definitions = await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)
    keys = [(item.id_property, item.id) for item in inputs]
    record_ids = dict(zip(keys, await resolve_ids(ctx, definitions, keys), strict=True))
    check = await pipeline_properties.prepare(
        ctx.store, ctx.portal_id, definitions, [i.properties for i in inputs], creating=False
    )
    current = await current_values(
        ctx.store, ctx.portal_id, check, inputs, lambda i: record_ids[(i.id_property, i.id)]
    )
    planned, errors = await _plan(ctx, check, inputs, current)
    resolved = [(p, record_ids[(p.source.id_property, p.source.id)]) for p in planned]
    batch_rules.reject_duplicates(str(object_id) for _, object_id in resolved if object_id)
    resolved = await _derived(ctx, resolved)
    changes = [_change(definitions, object_id, p) for p, object_id in resolved if object_id]
    started_at = ctx.clock.now_ms()
    result = await ctx.store.apply_updates(
        ctx.portal_id, ctx.object_type.type_id, changes, started_at
    )
    missing = [
        (p.source.id, p.source.object_write_trace_id)
        for p, object_id in resolved
        if object_id is None or object_id in result.missing
    ]
    errors.extend(batch_rules.not_found_errors(ctx.object_type, missing))
    for p, object_id in resolved:
        clash = result.clashes.get(object_id) if object_id else None
        if clash:
            trace = p.source.object_write_trace_id
            errors.append(
                batch_rules.clash_error(
                    ctx.object_type, clash.property_name, clash.value, clash.holder_id, trace
                )
            )
    returned = {
        object_id: returned_names(ctx.object_type, p.values)
        for p, object_id in resolved
        if object_id is not None and object_id in result.records
    }
    return BatchOutcome(
        system_columns=ctx.object_type.system_columns,
        results=tuple(result.records[object_id] for object_id in returned),
        errors=tuple(errors),
        requested_at=requested_at,
        started_at=started_at,
        completed_at=ctx.clock.now_ms(),
        returned_properties=returned,
    )


async def update_one(
    ctx: CrmContext[RecordUseCaseStorage],
    object_id: str,
    id_property: str | None,
    values: dict[str, str],
) -> tuple[Record, tuple[str, ...]]:
    """PATCH: a bad value is a 400, an unknown id a 404, a taken unique value a 409."""
    definitions = await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)
    (record_id,) = await resolve_ids(ctx, definitions, [(id_property, object_id)])
    check = await pipeline_properties.prepare(
        ctx.store, ctx.portal_id, definitions, [values], creating=False
    )
    (current,) = await current_values(
        ctx.store, ctx.portal_id, check, [UpdateInput(object_id, values)], lambda _: record_id
    )
    checked = [check.check_update(values, current)]
    ((normalised, problems),) = await add_owner_problems(
        ctx.store, ctx.portal_id, definitions, checked
    )
    if problems:
        raise invalid_values_error(problems, ctx.portal_id)
    if record_id is None:
        raise ObjectNotFound(object_id)
    (normalised,) = await type_rules.derive_updates(ctx, [(record_id, normalised)])
    change = _change(definitions, record_id, _Planned(UpdateInput(object_id, values), normalised))
    now = ctx.clock.now_ms()
    result = await ctx.store.apply_updates(ctx.portal_id, ctx.object_type.type_id, [change], now)
    if record_id in result.clashes:
        clash = result.clashes[record_id]
        raise Conflict(batch_rules.clash_message(ctx.object_type, clash.holder_id))
    if record_id not in result.records:
        raise ObjectNotFound(object_id)
    return result.records[record_id], returned_names(ctx.object_type, normalised)
