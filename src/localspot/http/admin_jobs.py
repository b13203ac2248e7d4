"""Admin route for a portal's imports and exports: what runs, how far it got, what failed."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.params import Parameter

from localspot.crm import accounts
from localspot.crm.jobs_storage import Job
from localspot.crm.property_types import format_datetime
from localspot.http.admin_portals import ERRORS, store_of
from localspot.wire import admin_jobs as w


def _when(at: int | None) -> str | None:
    return None if at is None else format_datetime(at)


def admin_job(job: Job) -> w.AdminJob:
    return w.AdminJob(
        id=str(job.id),
        kind=job.kind,
        name=job.name,
        state=job.state,
        position=job.position,
        counters=dict(job.counters),
        created_at=format_datetime(job.created_at),
        updated_at=format_datetime(job.updated_at),
        started_at=_when(job.started_at),
        completed_at=_when(job.completed_at),
        failure=job.failure,
    )


class JobsAdminController(Controller):
    path = "/portals/{portal_id:int}/jobs"
    tags = ["Admin"]

    @get("/", responses=ERRORS, summary="The portal's imports and exports, newest first")
    async def list_jobs(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        limit: int = Parameter(query="limit", default=100, required=False, ge=1, le=1000),
    ) -> w.AdminJobCollection:
        store = store_of(request)
        await accounts.require_portal(store, portal_id)
        found = await store.jobs(portal_id, None, None, limit)
        return w.AdminJobCollection([admin_job(job) for job in found])
