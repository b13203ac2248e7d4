"""HubSpot's rules for pipeline and stage inputs (hubspot-behaviour §10): labels, display
orders, stage metadata per object type, and the errors that name what was wrong."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.pipeline_defaults import DEALS, PIPELINE_PROPERTIES, TICKETS
from localspot.crm.property_admin import check_display_order

MAX_LABEL = 255
MAX_STAGES = 100
TICKET_STATES = ("OPEN", "CLOSED")


@dataclass(frozen=True, slots=True)
class StageInput:
    """A stage as the caller sent it; None means "not given" (a PATCH leaves it alone)."""

    label: str | None = None
    display_order: int | None = None
    metadata: Mapping[str, str] | None = None
    stage_id: str | None = None
    archived: bool | None = None


@dataclass(frozen=True, slots=True)
class PipelineInput:
    label: str | None = None
    display_order: int | None = None
    stages: tuple[StageInput, ...] | None = None
    archived: bool | None = None


def check_supported(type_id: str, name: str) -> None:
    if type_id not in PIPELINE_PROPERTIES:
        raise ValidationError(
            f"Object type {name} does not support pipelines", context={"objectType": [name]}
        )


def checked_label(label: str | None, what: str) -> str:
    text = (label or "").strip()
    if not text:
        raise ValidationError(f"{what} label must not be blank", context={"label": [""]})
    if len(text) > MAX_LABEL or "\x00" in text:
        message = f"{what} label must be at most {MAX_LABEL} characters, without NUL"
        raise ValidationError(message, context={"label": [text[:MAX_LABEL]]})
    return text


def checked_order(value: int | None) -> int:
    check_display_order(value)
    return value if value is not None else 0


def _probability(raw: str | None) -> str:
    try:
        value = float(raw) if raw is not None else None
    except ValueError:
        value = None
    if raw is None:
        raise ValidationError(
            "Deal stages need metadata.probability, a number from 0.0 to 1.0",
            context={"probability": []},
        )
    if value is None or not 0.0 <= value <= 1.0:
        raise ValidationError(
            f"metadata.probability must be a number from 0.0 to 1.0, got {raw}",
            context={"probability": [raw]},
        )
    return str(value)


def checked_metadata(type_id: str, metadata: Mapping[str, str] | None) -> dict[str, str]:
    """Deals need ``probability`` (0.0-1.0); tickets take ``ticketState`` (OPEN or CLOSED,
    OPEN when not given: HubSpot's schema calls it optional); ``isClosed`` follows from
    them, as HubSpot shows it."""
    given = {k: v for k, v in (metadata or {}).items() if k != "isClosed"}
    if any("\x00" in k or "\x00" in v for k, v in given.items()):
        raise ValidationError("Stage metadata must not contain NUL characters")
    if type_id == DEALS:
        given["probability"] = _probability(given.get("probability"))
        closed = given["probability"] in ("0.0", "1.0")
        return {**given, "isClosed": str(closed).lower()}
    if type_id == TICKETS:
        state = given.setdefault("ticketState", "OPEN")
        if state not in TICKET_STATES:
            raise ValidationError(
                "metadata.ticketState must be OPEN or CLOSED", context={"ticketState": [state]}
            )
        return {**given, "isClosed": str(state == "CLOSED").lower()}
    return given


def check_unique_labels(labels: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for label in labels:
        key = label.casefold()
        if key in seen:
            raise ValidationError(
                f"{what} labels must be unique; {label!r} is used twice",
                context={"label": [label]},
            )
        seen.add(key)


def check_stage_count(count: int) -> None:
    if count == 0:
        raise ValidationError("A pipeline needs at least one stage", context={"stages": []})
    if count > MAX_STAGES:
        raise ValidationError(
            f"A pipeline can have at most {MAX_STAGES} stages",
            context={"stages": [str(count)]},
        )


def pipeline_not_found(pipeline_id: str) -> ResourceNotFound:
    return ResourceNotFound(
        f"Unable to find pipeline {pipeline_id}", context={"pipelineId": [pipeline_id]}
    )


def stage_not_found(pipeline_id: str, stage_id: str) -> ResourceNotFound:
    return ResourceNotFound(
        f"Unable to find stage {stage_id} in pipeline {pipeline_id}",
        context={"pipelineId": [pipeline_id], "stageId": [stage_id]},
    )


def in_use(what: str, key: str, count: int) -> ValidationError:
    return ValidationError(
        f"The {what} {key} can't be deleted: {count} records are in it. Move them first, or "
        "send the validate flag as false.",
        context={"id": [key], "records": [str(count)]},
    )
