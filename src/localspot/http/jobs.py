"""The background runner of imports and exports (``crm/import_jobs.py``,
``crm/export_jobs.py``), a lifespan task like the list filler (``http/list_fills.py``).

A request that starts a job wakes it; it also looks every ``POLL_SECONDS`` for unfinished
jobs nobody holds: at start (a job cut short when the server stopped resumes from its
position) and when another process stopped holding one (several workers on PostgreSQL).
Jobs run one after another; the event loop is free between slices. A job that fails on
something unexpected ends ``FAILED`` with the reason (never left half-done and silent).
Every ``SWEEP_SECONDS`` the files of jobs that are gone (a reset or a deleted portal) are
removed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import suppress
from typing import Any

from localspot.crm import export_jobs, import_jobs
from localspot.crm.import_jobs import ImportLimits, JobsContext
from localspot.crm.jobs_storage import EXPORT, JobClaim
from localspot.http.idle_indexing import Activity

POLL_SECONDS = 2.0
SWEEP_SECONDS = 60.0
log = logging.getLogger("localspot.jobs")


class JobRunner:
    def __init__(self, activity: Activity) -> None:
        self._activity = activity
        self._wake = asyncio.Event()
        self._wake.set()  # look at once when the server starts
        self._swept = 0.0

    def wake(self) -> None:
        self._wake.set()

    async def run(self, state: Any) -> None:
        """Run until cancelled; ``state`` is the app's (store, files, clock, registry)."""
        while True:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            self._wake.clear()
            try:
                await self._run_all(state)
                await self._sweep(state)
            except Exception:  # the job stays where it was: claimed again when its hold ends
                log.exception("running a job failed")

    async def _run_all(self, state: Any) -> None:
        while (claim := await state.store.claim_job()) is not None:
            ctx = JobsContext(
                store=state.store,
                files=state.job_files,
                clock=state.clock,
                portal_id=claim.portal_id,
                types=await state.registry.view(claim.portal_id),
                limits=ImportLimits(
                    state.settings.import_file_bytes, state.settings.import_file_rows
                ),
            )
            with self._activity.busy():
                await self._run_one(ctx, claim)

    async def _run_one(self, ctx: JobsContext, claim: JobClaim) -> None:
        try:
            if claim.kind == EXPORT:
                await export_jobs.run_export(ctx, claim)
            else:
                await import_jobs.run_import(ctx, claim)
        except asyncio.CancelledError:  # the server stops: the next start resumes it
            await ctx.store.release_job(claim)
            raise
        except Exception as error:
            log.exception("job %s failed", claim.job_id)
            failure = f"internal error: {type(error).__name__}: {error}"
            await ctx.store.finish_job(
                claim.portal_id, claim.job_id, "FAILED", ctx.clock.now_ms(), failure=failure
            )
            ctx.files.drop_job(claim.portal_id, claim.job_id)

    async def _sweep(self, state: Any) -> None:
        """The files of jobs whose rows are gone (reset, restored or deleted portals)."""
        if time.monotonic() - self._swept < SWEEP_SECONDS:
            return
        self._swept = time.monotonic()
        for portal_id, job_id in await asyncio.to_thread(state.job_files.kept_jobs):
            if await state.store.job(portal_id, job_id) is None:
                state.job_files.drop_job(portal_id, job_id)
