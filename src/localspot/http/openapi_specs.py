"""The error and 207 responses each route declares in ``/openapi.json``."""

from __future__ import annotations

from typing import Any

from litestar.openapi.datastructures import ResponseSpec

from localspot.wire import objects as w
from localspot.wire.errors import Error


def error_responses() -> dict[int, ResponseSpec]:
    described = {
        400: "Invalid input (VALIDATION_ERROR)",
        401: "Missing or unknown token (INVALID_AUTHENTICATION)",
        403: "The token lacks a required scope (MISSING_SCOPES)",
        404: "Unknown record, object type or route",
        409: "A unique value is already held by another record (CONFLICT)",
    }
    return {
        status: ResponseSpec(data_container=Error, description=text, generate_examples=False)
        for status, text in described.items()
    }


def upload_error_responses() -> dict[int, ResponseSpec]:
    """A start of an import or export: also a body that is no form (415, an import) and
    HubSpot's limits on files and jobs (429)."""
    extra = {
        415: "The body is not multipart/form-data (VALIDATION_ERROR)",
        429: "Over an import or export limit (RATE_LIMITS)",
    }
    specs = {
        status: ResponseSpec(data_container=Error, description=text, generate_examples=False)
        for status, text in extra.items()
    }
    return {**error_responses(), **specs}


def admin_error_responses() -> dict[int, ResponseSpec]:
    """The admin API's: those of every route, plus the lockout after wrong admin tokens."""
    locked = ResponseSpec(
        data_container=Error,
        description="Too many wrong admin tokens from this client (RATE_LIMITS)",
        generate_examples=False,
    )
    return {**error_responses(), 429: locked}


def batch_responses(*, upsert: bool = False) -> dict[int, ResponseSpec]:
    partial = (
        w.BatchResponseSimplePublicUpsertObjectWithErrors
        if upsert
        else w.BatchResponseSimplePublicObjectWithErrors
    )
    return multi_status(partial)


def multi_status(partial: type[Any]) -> dict[int, ResponseSpec]:
    """The error responses plus a 207 whose body is ``partial``."""
    multi = ResponseSpec(
        data_container=partial,
        description="Some inputs failed (multi-status)",
        generate_examples=False,
    )
    return {**error_responses(), 207: multi}
