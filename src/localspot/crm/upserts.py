"""Batch upsert (hubspot-behaviour §3.3): by a unique property, update the record that holds the
value or create one that holds it; each result says whether it is ``new``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from localspot.crm import batch_rules, pipeline_properties, type_rules
from localspot.crm.context import CrmContext, RecordUseCaseStorage
from localspot.crm.errors import ValidationError
from localspot.crm.model import BatchOutcome, PropertyProblem, UpdateInput
from localspot.crm.owner_properties import add_owner_problems
from localspot.crm.properties import (
    load_definitions,
    missing_required,
    returned_names,
)
from localspot.crm.records_storage import NewRecord, RecordsStorage


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


async def _derived(
    ctx: CrmContext[RecordsStorage], planned: Sequence[tuple[int | None, dict[str, str]]]
) -> list[dict[str, str]]:
    """What the type derives (line items' amount): from the stored record's values for an
    input that updates one, as a create does for one that creates a record."""
    updates = [(i, v) for i, v in planned if i is not None]
    creates = [v for i, v in planned if i is None]
    updated = iter(await type_rules.derive_updates(ctx, updates))
    created = iter(await type_rules.derive(ctx, creates) if creates else [])
    return [next(updated) if i is not None else next(created) for i, _ in planned]


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
    current = await pipeline_properties.current_values(
        ctx.store, ctx.portal_id, check, inputs, lambda i: holders.get(i.id)
    )
    checked = [
        _check(check, item, name, now, item.id in holders)
        for item, now in zip(inputs, current, strict=True)
    ]
    checked = await add_owner_problems(ctx.store, ctx.portal_id, definitions, checked)
    traces = [item.object_write_trace_id for item in inputs]
    errors = batch_rules.input_errors([p for _, p in checked], traces, ctx.portal_id)
    creating = [item.id not in holders for item in inputs]
    refused = type_rules.refuse_unassociated_creates(ctx.object_type.type_id, creating)
    errors.extend(
        type_rules.unassociated_lead(traces[i]) for i in sorted(refused) if not checked[i][1]
    )
    valid = [i for i, (_, problems) in enumerate(checked) if not problems and i not in refused]
    values = await _derived(ctx, [(holders.get(inputs[i].id), checked[i][0]) for i in valid])
    unique = definitions.unique_names()
    items = [
        (inputs[i].id, NewRecord(v, unique.intersection(v), traces[i]))
        for i, v in zip(valid, values, strict=True)
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
            records[p].id: returned_names(ctx.object_type, values[p]) for p in records
        },
    )
