"""Imports and exports as HubSpot's wire shapes, and each request's jobs context."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from litestar import Request
from litestar.datastructures import State

from localspot.crm.import_jobs import ImportLimits, JobsContext
from localspot.crm.import_requests import LEGACY_TYPE_NAMES
from localspot.crm.jobs_storage import Job, StoredRowError
from localspot.crm.property_types import format_datetime
from localspot.crm.type_registry import TypeRegistry
from localspot.wire import imports as w

TYPE_NAMES = {type_id: name for name, type_id in LEGACY_TYPE_NAMES.items()}


def limits_of(request: Request[Any, Any, State]) -> ImportLimits:
    settings = request.app.state.settings
    return ImportLimits(settings.import_file_bytes, settings.import_file_rows)


async def jobs_context(request: Request[Any, Any, State]) -> JobsContext:
    portal_id: int = request.state.principal.portal_id
    registry: TypeRegistry = request.app.state.registry
    return JobsContext(
        store=request.app.state.store,
        files=request.app.state.job_files,
        clock=request.app.state.clock,
        portal_id=portal_id,
        types=await registry.view(portal_id),
        limits=limits_of(request),
    )


def _request_json(job: Job) -> dict[str, Any] | None:
    try:
        found = json.loads(job.request)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _mapped_types(given: dict[str, Any] | None) -> list[str]:
    found: dict[str, None] = {}
    for file in (given or {}).get("files") or []:
        page = file.get("fileImportPage") if isinstance(file, dict) else None
        for mapping in (page or {}).get("columnMappings") or []:
            type_id = mapping.get("columnObjectTypeId") if isinstance(mapping, dict) else None
            if isinstance(type_id, str):
                found[type_id] = None
    return list(found)


def public_import(job: Job) -> w.PublicImportResponse:
    given = _request_json(job)
    counters = dict(job.counters)
    counters["PROCESSED_ROWS"] = job.position
    return w.PublicImportResponse(
        created_at=format_datetime(job.created_at),
        id=str(job.id),
        mapped_object_type_ids=_mapped_types(given),
        metadata=w.PublicImportMetadata(
            counters=counters,
            file_ids=[f"{job.id}{index:03d}" for index in range(len(job.files))],
            object_lists=[],
        ),
        opt_out_import=bool((given or {}).get("optOutImport") is True),
        state=job.state,
        updated_at=format_datetime(job.updated_at),
        import_name=job.name,
        import_request_json=given,
        import_source="API",
    )


def action_response(job: Job, requested_at: int) -> w.ActionResponse:
    done = job.completed_at if job.completed_at is not None else job.updated_at
    return w.ActionResponse(
        completed_at=format_datetime(done),
        started_at=format_datetime(job.started_at or job.created_at),
        status="COMPLETE",
        requested_at=format_datetime(requested_at),
    )


def _error(found: StoredRowError, job_id: int, message: bool, row: bool) -> w.PublicImportError:
    e = found.error
    return w.PublicImportError(
        created_at=found.created_at,
        error_type=e.error_type,
        id=str(found.id),
        source_data=w.ImportRowCore(
            row_data=list(e.row_data) if row else [],
            contains_encrypted_properties=False,
            line_number=e.line_number,
            file_id=int(f"{job_id}{e.file_index:03d}"),
            additional_row_data=[],
        ),
        error_message=e.message if message else None,
        invalid_value=e.invalid_value,
        invalid_value_to_display=e.invalid_value,
        known_column_number=e.column_number,
        object_type=TYPE_NAMES.get(e.object_type_id or ""),
        object_type_id=e.object_type_id,
    )


def error_page(
    job_id: int,
    found: Sequence[StoredRowError],
    next_after: str | None,
    flags: tuple[bool, bool],
) -> w.CollectionResponsePublicImportErrorForwardPaging:
    """``flags``: whether to show each error's message and its row's cells."""
    message, row = flags
    paging = w.ForwardPaging(w.NextPage(next_after)) if next_after else None
    return w.CollectionResponsePublicImportErrorForwardPaging(
        [_error(e, job_id, message, row) for e in found], paging
    )
