"""Imports API v3 handlers: ``/crm/v3/imports`` (and the dated ``/crm/imports/2026-03``).

Starting an import reads the multipart body as a stream (``http/uploads.py``) and wakes the
job runner (``http/jobs.py``), which does the work in the background.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK

from localspot.crm import import_jobs
from localspot.crm.import_jobs import JobsContext
from localspot.http.job_shapes import (
    action_response,
    error_page,
    jobs_context,
    public_import,
)
from localspot.http.openapi_specs import error_responses, upload_error_responses
from localspot.http.uploads import read_import_form
from localspot.wire import imports as w

SCOPE = {"access": "write", "scopes": ["crm.import"]}
ONE = "/{import_id:str}"
AFTER = Parameter(query="after", default=None, required=False)
LIMIT = Parameter(query="limit", default=None, required=False, ge=1, le=2**31 - 1)
UNLIMITED = 2**62
"""Litestar's own body cap is off here: ``http/body_limits.py`` caps the upload."""


@dataclass
class ImportUpload(Operation):
    """The start operation's body, which the handler reads as a stream: HubSpot's form."""

    def __post_init__(self) -> None:
        fields = {
            "files": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
            "importRequest": Schema(type=OpenAPIType.STRING),
        }
        form = Schema(type=OpenAPIType.OBJECT, properties=fields)  # type: ignore[arg-type]
        self.request_body = RequestBody(
            content={"multipart/form-data": OpenAPIMediaType(schema=form)}, required=True
        )


def _max_file_bytes(ctx: JobsContext) -> int:
    return ctx.limits.file_bytes


class ImportsController(Controller):
    path = "/"
    tags = ["Imports"]

    @post(
        "/",
        opt=SCOPE,
        status_code=HTTP_200_OK,
        responses=upload_error_responses(),
        summary="Start an import",
        operation_class=ImportUpload,
        request_max_body_size=UNLIMITED,
    )
    async def create(self, request: Request[Any, Any, State]) -> w.PublicImportResponse:
        ctx = await jobs_context(request)
        text, uploads = await read_import_form(request, ctx.files, _max_file_bytes(ctx))
        job = await import_jobs.start_import(ctx, text, uploads)
        request.app.state.jobs.wake()
        return public_import(job)

    @get("/", opt=SCOPE, responses=error_responses(), summary="List the portal's imports")
    async def get_page(
        self,
        request: Request[Any, Any, State],
        after: str | None = AFTER,
        limit: int | None = LIMIT,
    ) -> w.CollectionResponsePublicImportResponseForwardPaging:
        found, next_after = await import_jobs.list_imports(
            await jobs_context(request), after, limit
        )
        paging = w.ForwardPaging(w.NextPage(next_after)) if next_after else None
        return w.CollectionResponsePublicImportResponseForwardPaging(
            [public_import(job) for job in found], paging
        )

    @get(ONE, opt=SCOPE, responses=error_responses(), summary="Read an import")
    async def get_by_id(
        self, request: Request[Any, Any, State], import_id: str
    ) -> w.PublicImportResponse:
        return public_import(await import_jobs.get_import(await jobs_context(request), import_id))

    @post(
        ONE + "/cancel",
        opt=SCOPE,
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Cancel an import",
    )
    async def cancel(self, request: Request[Any, Any, State], import_id: str) -> w.ActionResponse:
        ctx = await jobs_context(request)
        requested = ctx.clock.now_ms()
        job = await import_jobs.cancel_import(ctx, import_id)
        return action_response(job, requested)

    @get(ONE + "/errors", opt=SCOPE, responses=error_responses(), summary="An import's errors")
    async def get_errors(
        self,
        request: Request[Any, Any, State],
        import_id: str,
        after: str | None = AFTER,
        limit: int | None = LIMIT,
        include_error_message: bool = Parameter(
            query="includeErrorMessage", default=False, required=False
        ),
        include_row_data: bool = Parameter(query="includeRowData", default=False, required=False),
    ) -> w.CollectionResponsePublicImportErrorForwardPaging:
        job, found, next_after = await import_jobs.import_errors(
            await jobs_context(request), import_id, after, limit
        )
        flags = (include_error_message, include_row_data)
        return error_page(job.id, found, next_after, flags)
