"""The jobs roles of ``SqlStore`` (``crm/jobs_storage.py``), over ``jobs_sql``.

An import's slice runs as background work (``_background_write``): on a SQLite file in a
worker thread on a connection of its own, so the event loop keeps serving while it writes.
Holds are wall-clock times (not the injected clock, which tests move at will): a process
renews its hold with every slice; a hold not renewed for ``HOLD_MS`` (the process stopped)
lets another process, or the next start, claim the job and go on from its position.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import partial
from typing import TypeVar

from localspot.crm.jobs_storage import (
    ExportRow,
    ImportSlice,
    Job,
    JobClaim,
    NewJob,
    SliceJudge,
    SliceWritten,
    StoredRowError,
)
from localspot.crm.search_storage import SearchQuery
from localspot.store import export_reads_sql, jobs_sql
from localspot.store.runs import Runs

T = TypeVar("T")
HOLD_MS = 10_000


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class JobsSqlStore(Runs):
    """Mixed into ``SqlStore``, which says how a transaction runs."""

    async def create_job(self, portal_id: int, new: NewJob, at: int) -> Job:
        return await self._write(lambda c: jobs_sql.create_job(c, portal_id, new, at))

    async def job(self, portal_id: int, job_id: int, kind: str | None = None) -> Job | None:
        return await self._read(lambda c: jobs_sql.find_job(c, portal_id, job_id, kind))

    async def jobs(
        self, portal_id: int, kind: str | None, after: int | None, limit: int
    ) -> Sequence[Job]:
        return await self._read(lambda c: jobs_sql.list_jobs(c, portal_id, kind, after, limit))

    async def cancel_job(self, portal_id: int, job_id: int, kind: str, at: int) -> Job | None:
        return await self._write(lambda c: jobs_sql.cancel_job(c, portal_id, job_id, kind, at))

    async def claim_job(self, job_id: int | None = None) -> JobClaim | None:
        """A read first: the runner looks every few seconds, and mostly finds nothing."""
        now = wall_ms()
        if not await self._lookup(lambda c: jobs_sql.any_free(c, now)):
            return None
        return await self._write(lambda c: jobs_sql.claim_job(c, now, now + HOLD_MS, job_id))

    async def release_job(self, claim: JobClaim) -> None:
        await self._write(lambda c: jobs_sql.release_job(c, claim.job_id))

    async def start_job(self, portal_id: int, job_id: int, state: str, at: int) -> Job | None:
        return await self._write(lambda c: jobs_sql.start_job(c, portal_id, job_id, state, at))

    async def finish_job(
        self,
        portal_id: int,
        job_id: int,
        state: str,
        at: int,
        *,
        failure: str | None = None,
        result_size: int | None = None,
    ) -> None:
        work = partial(
            jobs_sql.finish_job,
            portal_id=portal_id,
            job_id=job_id,
            state=state,
            at=at,
            failure=failure,
            result_size=result_size,
        )
        await self._write(work)

    async def usage_since(self, portal_id: int, kind: str, since: int) -> tuple[int, int]:
        return await self._read(lambda c: jobs_sql.usage_since(c, portal_id, kind, since))

    async def write_import_slice(
        self, portal_id: int, piece: ImportSlice, judge: SliceJudge
    ) -> SliceWritten:
        work = partial(
            jobs_sql.write_import_slice,
            portal_id=portal_id,
            piece=piece,
            judge=judge,
            held_until=wall_ms() + HOLD_MS,
        )
        return await self._background_write(work)

    async def export_progress(
        self, portal_id: int, job_id: int, position: int, at: int
    ) -> str | None:
        held_until = wall_ms() + HOLD_MS
        return await self._write(
            lambda c: jobs_sql.export_progress(c, portal_id, job_id, position, held_until, at)
        )

    async def export_rows(
        self, portal_id: int, type_id: str, after: int, limit: int
    ) -> Sequence[ExportRow]:
        return await self._long_read(
            lambda c: export_reads_sql.export_rows(c, portal_id, type_id, after, limit)
        )

    async def export_matches(
        self, portal_id: int, type_id: str, query: SearchQuery, after: int
    ) -> tuple[Sequence[ExportRow], int | None]:
        return await self._long_read(
            lambda c: export_reads_sql.export_matches(c, portal_id, type_id, query, after)
        )

    async def job_errors(
        self, portal_id: int, job_id: int, after: int, limit: int
    ) -> Sequence[StoredRowError]:
        return await self._read(lambda c: jobs_sql.job_errors(c, portal_id, job_id, after, limit))
