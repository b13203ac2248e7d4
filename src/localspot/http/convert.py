"""Domain ⇄ wire: one small function per shape."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from localspot.crm.model import (
    AssociationInput,
    BatchOutcome,
    CreateInput,
    HistoryEntry,
    InputError,
    Record,
    UpdateInput,
)
from localspot.crm.property_types import format_datetime
from localspot.crm.reads import Selection, visible_history, visible_properties
from localspot.wire import objects as w
from localspot.wire.errors import ErrorDetail, StandardError

ObjectT = TypeVar("ObjectT", bound=w.SimplePublicObject)


def property_text(value: w.PropertyValue) -> str:
    """JSON scalars become HubSpot's strings: ``null`` clears like ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def property_texts(values: dict[str, w.PropertyValue]) -> dict[str, str]:
    return {name: property_text(value) for name, value in values.items()}


def update_input(item: w.SimplePublicObjectBatchInput) -> UpdateInput:
    return UpdateInput(
        id=str(item.id),
        properties=property_texts(item.properties),
        id_property=item.id_property,
        object_write_trace_id=item.object_write_trace_id,
    )


def create_input(item: w.SimplePublicObjectInputForCreate) -> CreateInput:
    associations = tuple(
        AssociationInput(
            str(a.to.id), tuple((t.association_category, t.association_type_id) for t in a.types)
        )
        for a in item.associations
    )
    return CreateInput(property_texts(item.properties), item.object_write_trace_id, associations)


def value_with_timestamp(entry: HistoryEntry) -> w.ValueWithTimestamp:
    return w.ValueWithTimestamp(
        value=entry.value,
        timestamp=format_datetime(entry.timestamp),
        source_type=entry.source_type,
        source_id=entry.source_id,
    )


def simple_object(
    record: Record,
    selection: Selection,
    cls: type[ObjectT] = w.SimplePublicObject,  # type: ignore[assignment]
) -> ObjectT:
    history = None
    if selection.history:
        shown = visible_history(record, selection)
        history = {n: [value_with_timestamp(e) for e in entries] for n, entries in shown.items()}
    return cls(
        id=str(record.id),
        properties=visible_properties(record, selection),
        created_at=format_datetime(record.created_at),
        updated_at=format_datetime(record.updated_at),
        archived=record.archived,
        archived_at=format_datetime(record.archived_at) if record.archived_at else None,
        properties_with_history=history,
    )


def with_associations(
    shown: w.SimplePublicObjectWithAssociations,
    linked: Mapping[str, Sequence[tuple[int, str]]] | None,
) -> w.SimplePublicObjectWithAssociations:
    """``associations`` of a v3 read: type name → the far ends with the link's type name."""
    if linked:
        shown.associations = {
            name: w.CollectionResponseAssociatedId(
                [w.AssociatedId(str(to_id), kind) for to_id, kind in entries]
            )
            for name, entries in linked.items()
        }
    return shown


def standard_error(error: InputError) -> StandardError:
    details = [
        ErrorDetail(message=p.message, code=p.code, context={"propertyName": [p.name]})
        for p in error.problems
    ]
    return StandardError(
        status="error",
        category=error.category,
        message=error.message,
        context={k: list(v) for k, v in error.context.items()},
        errors=details,
        links={},
        sub_category=error.sub_category,
    )


def written_selection(outcome: BatchOutcome, record: Record) -> Selection:
    return Selection(outcome.returned_properties.get(record.id, ()), (), outcome.system_columns)


def batch_response(
    outcome: BatchOutcome,
) -> w.BatchResponseSimplePublicObject | w.BatchResponseSimplePublicObjectWithErrors:
    results: list[w.SimplePublicObject] = [
        simple_object(r, written_selection(outcome, r)) for r in outcome.results
    ]
    return batch_body(
        results,
        outcome.errors,
        outcome.requested_at,
        outcome.started_at,
        outcome.completed_at,
    )


def batch_body(
    results: Sequence[w.SimplePublicObject],
    errors: Sequence[InputError],
    requested_at: int | None,
    started_at: int,
    completed_at: int,
) -> w.BatchResponseSimplePublicObject | w.BatchResponseSimplePublicObjectWithErrors:
    common: dict[str, Any] = {
        "status": "COMPLETE",
        "results": list(results),
        "requested_at": format_datetime(requested_at) if requested_at is not None else None,
        "started_at": format_datetime(started_at),
        "completed_at": format_datetime(completed_at),
    }
    if not errors:
        return w.BatchResponseSimplePublicObject(**common)
    return w.BatchResponseSimplePublicObjectWithErrors(
        **common,
        num_errors=len(errors),
        errors=[standard_error(e) for e in errors],
    )


def upsert_response(
    outcome: BatchOutcome,
) -> w.BatchResponseSimplePublicUpsertObject | w.BatchResponseSimplePublicUpsertObjectWithErrors:
    results: list[w.SimplePublicUpsertObject] = []
    for record in outcome.results:
        shown: w.SimplePublicObject = simple_object(record, written_selection(outcome, record))
        fields = {f: getattr(shown, f) for f in shown.__struct_fields__}
        results.append(
            w.SimplePublicUpsertObject(**fields, new=outcome.created_flags.get(record.id, False))
        )
    common: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "requested_at": format_datetime(outcome.requested_at),
        "started_at": format_datetime(outcome.started_at),
        "completed_at": format_datetime(outcome.completed_at),
    }
    if not outcome.errors:
        return w.BatchResponseSimplePublicUpsertObject(**common)
    return w.BatchResponseSimplePublicUpsertObjectWithErrors(
        **common,
        num_errors=len(outcome.errors),
        errors=[standard_error(e) for e in outcome.errors],
    )
