"""Create and archive use cases: single and batch."""

from __future__ import annotations

from collections.abc import Sequence

from localspot.crm import associations, batch_rules, pipeline_properties, type_rules
from localspot.crm.context import CrmContext, RecordUseCaseStorage
from localspot.crm.errors import Conflict
from localspot.crm.links_storage import LinkTarget
from localspot.crm.model import BatchOutcome, CreateInput, PropertyProblem, Record
from localspot.crm.owner_properties import add_owner_problems
from localspot.crm.properties import (
    Definitions,
    invalid_values_error,
    load_definitions,
    missing_required,
    returned_names,
)
from localspot.crm.records_storage import NewRecord


def _check_create(
    check: pipeline_properties.PipelineCheck, item: CreateInput
) -> tuple[dict[str, str], tuple[PropertyProblem, ...]]:
    values, problems = check.check_create(item.properties)
    problems += missing_required(check.definitions, values, problems)
    return {n: v for n, v in values.items() if v != ""}, problems


def _new_record(
    definitions: Definitions,
    values: dict[str, str],
    trace: str | None,
    links: tuple[LinkTarget, ...] = (),
) -> NewRecord:
    unique = definitions.unique_names().intersection(values)
    return NewRecord(values, frozenset(unique), trace, links=links)


async def create_one(
    ctx: CrmContext[RecordUseCaseStorage], item: CreateInput
) -> tuple[Record, tuple[str, ...]]:
    definitions = await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)
    check = await pipeline_properties.prepare(
        ctx.store, ctx.portal_id, definitions, [item.properties], creating=True
    )
    checked = [_check_create(check, item)]
    ((values, problems),) = await add_owner_problems(ctx.store, ctx.portal_id, definitions, checked)
    if problems:
        raise invalid_values_error(problems, ctx.portal_id)
    (links,) = await associations.inline_targets(ctx, [item.associations])
    type_rules.check_links(ctx.object_type.type_id, [links])
    (values,) = await type_rules.derive(ctx, [values])
    record = _new_record(definitions, values, item.object_write_trace_id, links)
    now = ctx.clock.now_ms()
    result = await ctx.store.insert_records(ctx.portal_id, ctx.object_type.type_id, [record], now)
    if 0 in result.clashes:
        raise Conflict(batch_rules.clash_message(ctx.object_type, result.clashes[0].holder_id))
    return result.records[0], returned_names(ctx.object_type, values)


async def batch_create(
    ctx: CrmContext[RecordUseCaseStorage], inputs: Sequence[CreateInput]
) -> BatchOutcome:
    requested_at = ctx.clock.now_ms()
    batch_rules.check_batch_size(len(inputs), ctx.max_batch_inputs)
    definitions = await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)
    check = await pipeline_properties.prepare(
        ctx.store, ctx.portal_id, definitions, [i.properties for i in inputs], creating=True
    )
    checked = [_check_create(check, item) for item in inputs]
    checked = await add_owner_problems(ctx.store, ctx.portal_id, definitions, checked)
    traces = [item.object_write_trace_id for item in inputs]
    errors = batch_rules.input_errors([p for _, p in checked], traces, ctx.portal_id)
    valid = [(i, values) for i, (values, problems) in enumerate(checked) if not problems]
    links = await associations.inline_targets(ctx, [inputs[i].associations for i, _ in valid])
    type_rules.check_links(ctx.object_type.type_id, links)
    derived = await type_rules.derive(ctx, [values for _, values in valid])
    valid = [(i, values) for (i, _), values in zip(valid, derived, strict=True)]
    records = [
        _new_record(definitions, values, traces[i], found)
        for (i, values), found in zip(valid, links, strict=True)
    ]
    started_at = ctx.clock.now_ms()
    result = await ctx.store.insert_records(
        ctx.portal_id, ctx.object_type.type_id, records, started_at
    )
    for position, clash in result.clashes.items():
        trace = traces[valid[position][0]]
        errors.append(
            batch_rules.clash_error(
                ctx.object_type, clash.property_name, clash.value, clash.holder_id, trace
            )
        )
    created = [(result.records[p], valid[p][1]) for p in sorted(result.records)]
    return BatchOutcome(
        system_columns=ctx.object_type.system_columns,
        results=tuple(record for record, _ in created),
        errors=tuple(errors),
        requested_at=requested_at,
        started_at=started_at,
        completed_at=ctx.clock.now_ms(),
        returned_properties={r.id: returned_names(ctx.object_type, v) for r, v in created},
    )


async def archive(
    ctx: CrmContext[RecordUseCaseStorage], ids: Sequence[str], *, batch: bool
) -> None:
    """DELETE and batch archive: unknown or already archived ids are not an error (204)."""
    if batch:
        batch_rules.check_batch_size(len(ids), ctx.max_batch_inputs)
    record_ids = [i for i in map(batch_rules.parse_record_id, ids) if i is not None]
    if record_ids:
        now = ctx.clock.now_ms()
        await ctx.store.archive_records(ctx.portal_id, ctx.object_type.type_id, record_ids, now)
