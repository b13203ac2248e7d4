"""Batch upsert (hubspot-behaviour §3.3): by a unique property, update the record that holds the
value or create one that holds it; each result says whether it is ``new``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from localspot.crm import batch_rules, pipeline_properties
from localspot.crm.context import CrmContext, RecordUseCaseStorage
from localspot.crm.errors import ValidationError
from localspot.crm.model import BatchOutcome, PropertyProblem, UpdateInput
from localspot.crm.owner_properties import add_owner_problems
from localspot.crm.properties import (
    load_definitions,
    missing_required,
    returned_names,
)
from localspot.crm.records_storage import NewRecord


def _id_property(inputs: Sequence[UpdateInput]) -> str:
    chosen = {item.id_property for item in inputs}
    if None in chosen or len(chosen) != 1:
        raise ValidationError(
            "Every upsert input needs the same idProperty: the name of a unique-value property.",
            context={"idProperty": sorted(n for n in chosen if n)},
        )
    return str(chosen.pop())


def _check(
    check: pipeline_properties.PipelineCheck,
    item: UpdateInput,
    name: str,
    current: Mapping[str, str] | None,
    exists: bool,
) -> tuple[dict[str, str], tuple[PropertyProblem, ...]]:
    given = {**item.properties, name: item.id}
    if exists:
        return check.check_update(given, current)
    values, problems = check.check_create(given)
    return values, problems + missing_required(check.definitions, values, problems)


async def batch_upsert(
    ctx: CrmContext[RecordUseCaseStorage], inputs: Sequence[UpdateInput]
) -> BatchOutcome:
    requested_at = ctx.clock.now_ms()
    batch_rules.check_batch_size(len(inputs), ctx.max_batch_inputs)
    name = _id_property(inputs)
    batch_rules.reject_duplicates(item.id for item in inputs)
    definitions = await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)
    batch_rules.check_id_property(definitions, name, ctx.portal_id)
    holders = await ctx.store.resolve_unique(
        ctx.portal_id, ctx.object_type.type_id, name, [item.id for item in inputs]
    )
    check = await pipeline_properties.prepare(
        ctx.store, ctx.portal_id, definitions, [i.properties for i in inputs], creating=True
    )
    pairs = [(i.properties, holders.get(i.id)) for i in inputs]
    current = await pipeline_properties.current_values(ctx.store, ctx.portal_id, check, pairs)
    checked = [
        _check(check, item, name, now, item.id in holders)
        for item, now in zip(inputs, current, strict=True)
    ]
    checked = await add_owner_problems(ctx.store, ctx.portal_id, definitions, checked)
    traces = [item.object_write_trace_id for item in inputs]
    errors = batch_rules.input_errors([p for _, p in checked], traces, ctx.portal_id)
    valid = [i for i, (_, problems) in enumerate(checked) if not problems]
    unique = definitions.unique_names()
    items = [
        (
            inputs[i].id,
            NewRecord(
                checked[i][0],
                unique.intersection(checked[i][0]),
                traces[i],
            ),
        )
        for i in valid
    ]
    started_at = ctx.clock.now_ms()
    records, created, clashes = await ctx.store.upsert_records(
        ctx.portal_id, ctx.object_type.type_id, name, items, started_at
    )
    for position, clash in clashes.items():
        errors.append(
            batch_rules.clash_error(
                ctx.object_type,
                clash.property_name,
                clash.value,
                clash.holder_id,
                traces[valid[position]],
            )
        )
    return BatchOutcome(
        system_columns=ctx.object_type.system_columns,
        results=tuple(records[p] for p in sorted(records)),
        errors=tuple(errors),
        requested_at=requested_at,
        started_at=started_at,
        completed_at=ctx.clock.now_ms(),
        created_flags={records[p].id: created[p] for p in records},
        returned_properties={
            records[p].id: returned_names(ctx.object_type, checked[valid[p]][0]) for p in records
        },
    )
