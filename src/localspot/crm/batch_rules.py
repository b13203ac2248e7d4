"""HubSpot's rules that every batch write shares: size limits, duplicate ids, idProperty,
and how per-input failures are reported (``InputError``s that become a 207's ``errors``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from localspot.crm.errors import ValidationError
from localspot.crm.model import InputError, ObjectType, PropertyProblem
from localspot.crm.properties import Definitions, invalid_values_message, problem_details


def check_batch_size(count: int, maximum: int) -> None:
    if count == 0:
        raise ValidationError(
            "The request must contain at least one input.", context={"inputs": []}
        )
    if count > maximum:
        raise ValidationError(
            f"The maximum number of inputs supported in a batch request is {maximum}. "
            "Please reduce the number of items and try again",
            context={"maxInputs": [str(maximum)], "inputs": [str(count)]},
        )


def reject_duplicates(ids: Iterable[str]) -> None:
    """Duplicate ids fail the whole request, with or without trace ids (nothing is written)."""
    seen: set[str] = set()
    duplicates: dict[str, None] = {}
    for object_id in ids:
        if object_id in seen:
            duplicates[object_id] = None
        seen.add(object_id)
    if duplicates:
        listed = ", ".join(duplicates)
        raise ValidationError(
            f"Duplicate IDs found in batch input: [{listed}]. IDs must be unique",
            context={"ids": list(duplicates)},
        )


def check_id_property(definitions: Definitions, name: str, portal_id: int) -> None:
    definition = definitions.by_name.get(name)
    if definition is None or not definition.has_unique_value:
        type_id = definitions.object_type.type_id
        raise ValidationError(
            f"Unable to perform update/upsert by non-unique {type_id} property {name} "
            f"in portal ID {portal_id}",
            context={"idProperty": [name]},
        )


def is_ascii_digits(text: str) -> bool:
    """``0-9`` only: ``str.isdigit`` and ``int()`` also take ``３``, ``٣`` and ``²``."""
    return text.isascii() and text.isdigit()


def parse_record_id(raw: str) -> int | None:
    """Record ids are positive integers in ASCII digits, nothing around them; anything
    else (`` 1``, ``３``) can never be found."""
    if not is_ascii_digits(raw) or len(raw) > 18:
        return None
    value = int(raw)
    return value if value > 0 else None


def trace_context(trace_id: str | None) -> dict[str, tuple[str, ...]]:
    return {"objectWriteTraceId": (trace_id,)} if trace_id else {}


def invalid_input_error(
    problems: tuple[PropertyProblem, ...], portal_id: int, trace_id: str | None
) -> InputError:
    return InputError(
        category="VALIDATION_ERROR",
        message=invalid_values_message(problems, portal_id),
        context=trace_context(trace_id),
        problems=problems,
    )


def not_found_errors(
    object_type: ObjectType, missing: Sequence[tuple[str, str | None]]
) -> tuple[InputError, ...]:
    """One error for all untraced ids, one per traced input (so callers can match traces)."""
    message = (
        f"Could not get some {object_type.error_label} objects, they may be deleted or not "
        "exist. Check that ids are valid."
    )
    untraced = tuple(object_id for object_id, trace in missing if not trace)
    errors = [
        InputError("OBJECT_NOT_FOUND", message, {"ids": (object_id,), **trace_context(trace)})
        for object_id, trace in missing
        if trace
    ]
    if untraced:
        errors.insert(0, InputError("OBJECT_NOT_FOUND", message, {"ids": untraced}))
    return tuple(errors)


def clash_error(
    object_type: ObjectType, name: str, value: str, holder_id: int, trace_id: str | None
) -> InputError:
    return InputError(
        category="CONFLICT",
        message=clash_message(object_type, holder_id),
        context={
            "propertyName": (name,),
            "propertyValue": (value,),
            "existingId": (str(holder_id),),
            **trace_context(trace_id),
        },
    )


def clash_message(object_type: ObjectType, holder_id: int) -> str:
    """Modelled on contacts' ``Contact already exists. Existing ID: <id>``."""
    return f"{object_type.singular.capitalize()} already exists. Existing ID: {holder_id}"


def whole_request_fails_on_invalid(trace_ids: Iterable[str | None]) -> bool:
    """HubSpot answers invalid values with a 207 only in multi-status mode, which a caller
    turns on by sending ``objectWriteTraceId``; otherwise the whole batch is a 400."""
    return not any(trace_ids)


def input_errors(
    problems_by_input: Sequence[tuple[PropertyProblem, ...]],
    traces: Sequence[str | None],
    portal_id: int,
) -> list[InputError]:
    """Invalid inputs of a batch: a whole-request 400 unless the caller sent trace ids
    (multi-status mode), in which case one ``InputError`` per invalid input."""
    everything = tuple(p for problems in problems_by_input for p in problems)
    if everything and whole_request_fails_on_invalid(traces):
        raise ValidationError(
            invalid_values_message(everything, portal_id), details=problem_details(everything)
        )
    return [
        invalid_input_error(problems, portal_id, trace)
        for problems, trace in zip(problems_by_input, traces, strict=True)
        if problems
    ]
