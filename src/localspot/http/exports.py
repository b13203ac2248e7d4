"""Exports API v3 handlers: ``/crm/v3/exports`` (and the dated ``/crm/exports/2026-03``),
and the download link's route, ``/_localspot/exports/{portal}/{export}/file``, which
takes no token: the link's signature and expiry are its credential, as HubSpot's are.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.params import Parameter
from litestar.response import File
from litestar.status_codes import HTTP_202_ACCEPTED

from localspot.crm import export_jobs
from localspot.crm.errors import ResourceNotFound
from localspot.crm.export_jobs import COMPLETE, FAILED, Link
from localspot.crm.jobs_storage import Job
from localspot.crm.property_types import format_datetime
from localspot.http.job_shapes import jobs_context
from localspot.http.openapi_specs import error_responses, upload_error_responses
from localspot.wire import exports as w
from localspot.wire.errors import StandardError

SCOPE = {"access": "write", "scopes": ["crm.export"]}
DOWNLOAD = "/_localspot/exports/{portal_id:int}/{export_id:int}/file"
SUFFIX = {"CSV": "csv", "XLSX": "xlsx"}


def _download_url(request: Request[Any, Any, State], job: Job, link: Link) -> str:
    base = str(request.base_url).rstrip("/")
    path = DOWNLOAD.replace("{portal_id:int}", str(job.portal_id)).replace(
        "{export_id:int}", str(job.id)
    )
    return f"{base}{path}?expires={link.expires}&signature={link.signature}"


def _status(job: Job) -> Any:
    if job.state == FAILED:
        return COMPLETE
    return job.state if job.state in ("PENDING", "PROCESSING", "COMPLETE", "CANCELED") else COMPLETE


def status_response(
    request: Request[Any, Any, State], job: Job, requested_at: int
) -> w.ActionResponseWithSingleResultURI:
    link = export_jobs.new_link(job, request.app.state.clock)
    failed = job.state == FAILED
    errors = [
        StandardError(
            status="error",
            category="EXPORT_FAILED",
            message=job.failure or "The export failed",
            context={},
            errors=[],
            links={},
        )
    ]
    return w.ActionResponseWithSingleResultURI(
        completed_at=format_datetime(job.completed_at or job.updated_at),
        started_at=format_datetime(job.started_at or job.created_at),
        status=_status(job),
        requested_at=format_datetime(requested_at),
        result=_download_url(request, job, link) if link else None,
        num_errors=1 if failed else None,
        errors=errors if failed else None,
    )


class ExportsController(Controller):
    path = "/"
    tags = ["Exports"]

    @post(
        "/export/async",
        opt=SCOPE,
        status_code=HTTP_202_ACCEPTED,
        responses=upload_error_responses(),
        summary="Start an export",
    )
    async def start(
        self, request: Request[Any, Any, State], data: w.PublicExportRequest
    ) -> w.TaskLocator:
        ctx = await jobs_context(request)
        job = await export_jobs.start_export(ctx, msgspec.to_builtins(data))
        request.app.state.jobs.wake()
        base = str(request.base_url).rstrip("/")
        status = f"{base}{request.url.path.rsplit('/export/async', 1)[0]}"
        status += f"/export/async/tasks/{job.id}/status"
        return w.TaskLocator(str(job.id), {"status": status})

    @get(
        "/export/async/tasks/{task_id:str}/status",
        opt=SCOPE,
        responses=error_responses(),
        summary="An export's status and, once COMPLETE, its file's link",
    )
    async def get_status(
        self, request: Request[Any, Any, State], task_id: str
    ) -> w.ActionResponseWithSingleResultURI:
        ctx = await jobs_context(request)
        job = await export_jobs.get_export(ctx, task_id)
        return status_response(request, job, ctx.clock.now_ms())

    @get(
        "/export/{export_id:str}",
        opt=SCOPE,
        responses=error_responses(),
        summary="An export's details",
    )
    async def get_export(
        self, request: Request[Any, Any, State], export_id: str
    ) -> w.PublicExportResponse:
        job = await export_jobs.get_export(await jobs_context(request), export_id)
        given = msgspec.json.decode(job.request)
        return w.PublicExportResponse(
            created_at=format_datetime(job.created_at),
            export_state="DONE" if job.state == COMPLETE else job.state,
            export_type=str(given.get("exportType", "VIEW")),
            id=str(job.id),
            object_properties=[str(p) for p in given.get("objectProperties") or []],
            object_type=str(given.get("objectType", "")),
            updated_at=format_datetime(job.updated_at),
            export_name=job.name,
            record_count=job.position,
        )


@get(DOWNLOAD, include_in_schema=False)
async def download_export(
    request: Request[Any, Any, State],
    portal_id: int,
    export_id: int,
    expires: int = Parameter(query="expires", default=0, required=False),
    signature: str = Parameter(query="signature", default="", required=False),
) -> File:
    """The export's file while the link is valid; 403 once it expired (a new status read
    gives a new link)."""
    state = request.app.state
    link = Link(expires, signature)
    job = await export_jobs.open_link(state.store, state.clock, portal_id, export_id, link)
    kind = export_jobs.file_format(job)
    path = state.job_files.export_path(portal_id, export_id, kind)
    if path is None:
        raise ResourceNotFound(f"The file of export {export_id} is gone")
    return File(path=path, filename=f"{job.name}.{SUFFIX[kind]}")
