"""The Imports API's use cases (hubspot-behaviour §20): start an import from uploaded
files, read imports and their row errors, cancel one, and run one in the background.

Starting checks everything a file can get wrong as a whole (the request, the file's
format, encoding and size, its columns against the mappings, HubSpot's limits) and answers
400 or 429 with nothing stored; then the import is a ``STARTED`` job and its files are kept.
The runner (``http/jobs.py``) claims it: ``PROCESSING``, slices of ``SLICE_ROWS`` rows,
each judged by ``import_rows`` and written with the job's new position in one transaction,
then ``DONE``. A stop resumes at the position; a file that is gone, or a request that no
longer fits the portal (a property deleted meanwhile), ends it ``FAILED`` with the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Final, Protocol

from localspot.clock import Clock
from localspot.crm.context import CrmContext, RecordUseCaseStorage
from localspot.crm.errors import HubSpotError, ResourceNotFound, ValidationError
from localspot.crm.import_requests import (
    FilePlan,
    ImportRequest,
    mapped_types,
    parse_request,
    plan_file,
)
from localspot.crm.import_rows import Planned, SliceErrors, SliceRows, plan_slice
from localspot.crm.job_files_storage import FileProblem, JobFilesStorage, RowReader, StoredUpload
from localspot.crm.jobs_storage import (
    IMPORT,
    ImportSlice,
    Job,
    JobClaim,
    JobFile,
    JobsStorage,
    JobWritesStorage,
    NewJob,
    StoredRowError,
)
from localspot.crm.model import Principal
from localspot.crm.properties import Definitions, load_definitions
from localspot.crm.type_registry import PortalTypes

STARTED: Final = "STARTED"
PROCESSING: Final = "PROCESSING"
DONE: Final = "DONE"
FAILED: Final = "FAILED"
CANCELED: Final = "CANCELED"
SLICE_ROWS = 2000
DAY_MS = 86_400_000
MAX_PAGE = 1000


class ImportStorage(RecordUseCaseStorage, JobsStorage, JobWritesStorage, Protocol):
    """What imports use: the record use cases' roles and the jobs roles."""


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """HubSpot's: 512 MB and 1,048,576 rows per file, 80,000,000 rows a day."""

    file_bytes: int = 512 * 2**20
    file_rows: int = 1_048_576
    daily_rows: int = 80_000_000


@dataclass(frozen=True, slots=True)
class JobsContext:
    store: ImportStorage
    files: JobFilesStorage
    clock: Clock
    portal_id: int
    types: PortalTypes
    limits: ImportLimits = ImportLimits()


@dataclass(frozen=True, slots=True)
class Upload:
    file_name: str
    stored: StoredUpload


class LimitExceeded(HubSpotError):
    """HubSpot answers a file or a day over its import limits with a 429."""

    status = 429
    category = "RATE_LIMITS"


def not_found(job_id: str) -> ResourceNotFound:
    return ResourceNotFound(f"Import {job_id} does not exist", context={"importId": [job_id]})


async def _definitions(ctx: JobsContext, request: ImportRequest) -> dict[str, Definitions]:
    return {
        t.type_id: await load_definitions(ctx.store, ctx.portal_id, t)
        for t in mapped_types(request, ctx.types)
    }


def _matched(request: ImportRequest, uploads: Sequence[Upload]) -> list[Upload]:
    """The upload of each file of the request, by name."""
    by_name = {u.file_name: u for u in uploads}
    missing = [f.file_name for f in request.files if f.file_name not in by_name]
    if missing or len(uploads) != len(request.files):
        sent = sorted(by_name)
        raise ValidationError(
            f"The files sent ({', '.join(sent) or 'none'}) are not the files of the"
            f" importRequest ({', '.join(f.file_name for f in request.files)})",
            context={"fileName": missing or sent},
        )
    return [by_name[f.file_name] for f in request.files]


async def _scan(
    ctx: JobsContext, request: ImportRequest, uploads: Sequence[Upload]
) -> list[JobFile]:
    files: list[JobFile] = []
    for file, upload in zip(request.files, uploads, strict=True):
        if upload.stored.size > ctx.limits.file_bytes:
            raise LimitExceeded(
                f"{file.file_name} is {upload.stored.size} bytes; an import file may have at most"
                f" {ctx.limits.file_bytes}"
            )
        try:
            scan = await asyncio.to_thread(
                ctx.files.scan, upload.stored, file.file_format, ctx.limits.file_rows + 1
            )
        except FileProblem as problem:
            raise ValidationError(
                f"{file.file_name}: {problem.message}", context={"errorType": [problem.code]}
            ) from None
        rows = scan.rows + (0 if file.has_header else 1)
        if rows > ctx.limits.file_rows:
            raise LimitExceeded(
                f"{file.file_name} has more than {ctx.limits.file_rows} rows, the limit of an"
                " import file"
            )
        if file.has_header and not scan.header:
            raise ValidationError(f"{file.file_name} is empty: its header row is missing")
        plan_file(request, len(files), scan.header, ctx.types, await _definitions(ctx, request))
        files.append(JobFile(file.file_name, file.file_format, rows))
    return files


async def _check_daily(ctx: JobsContext, rows: int) -> None:
    since = ctx.clock.now_ms() - DAY_MS
    _, used = await ctx.store.usage_since(ctx.portal_id, IMPORT, since)
    if used + rows > ctx.limits.daily_rows:
        raise LimitExceeded(
            f"This import's {rows} rows would pass the {ctx.limits.daily_rows} rows a portal may"
            " import in 24 hours"
        )


async def start_import(
    ctx: JobsContext, request_text: str | None, uploads: Sequence[Upload]
) -> Job:
    """Check the request and its files, then store the import ``STARTED``; on any refusal
    the uploads are discarded and nothing is stored."""
    try:
        if request_text is None:
            raise ValidationError("The importRequest form field is required")
        request = parse_request(request_text)
        matched = _matched(request, uploads)
        files = await _scan(ctx, request, matched)
        await _check_daily(ctx, sum(f.rows for f in files))
        counters = {"TOTAL_ROWS": sum(f.rows for f in files)}
        new = NewJob(IMPORT, request.name, STARTED, request_text, tuple(files), counters)
        job = await ctx.store.create_job(ctx.portal_id, new, ctx.clock.now_ms())
    except BaseException:
        for upload in uploads:
            ctx.files.discard(upload.stored)
        raise
    for index, upload in enumerate(matched):
        ctx.files.keep(upload.stored, ctx.portal_id, job.id, index)
    return job


def _job_id(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 19 else -1


async def get_import(ctx: JobsContext, job_id: str) -> Job:
    found = await ctx.store.job(ctx.portal_id, _job_id(job_id), IMPORT)
    if found is None:
        raise not_found(job_id)
    return found


async def list_imports(
    ctx: JobsContext, after: str | None, limit: int | None
) -> tuple[list[Job], str | None]:
    size = max(1, min(limit or 100, MAX_PAGE))
    cursor = _job_id(after) if after else None
    found = list(await ctx.store.jobs(ctx.portal_id, IMPORT, cursor, size + 1))
    page, rest = found[:size], found[size:]
    return page, (str(page[-1].id) if rest else None)


async def cancel_import(ctx: JobsContext, job_id: str) -> Job:
    before = await get_import(ctx, job_id)
    after = await ctx.store.cancel_job(ctx.portal_id, before.id, IMPORT, ctx.clock.now_ms())
    if after is None:
        raise not_found(job_id)
    if after.state != CANCELED or before.state == CANCELED:
        raise ValidationError(
            f"Import {job_id} is {before.state}: only a STARTED or PROCESSING import can be"
            " canceled",
            context={"importId": [job_id], "state": [before.state]},
        )
    return after


async def import_errors(
    ctx: JobsContext, job_id: str, after: str | None, limit: int | None
) -> tuple[Job, Sequence[StoredRowError], str | None]:
    job = await get_import(ctx, job_id)
    size = max(1, min(limit or 100, MAX_PAGE))
    cursor = _job_id(after) if after else 0
    found = await ctx.store.job_errors(ctx.portal_id, job.id, max(cursor, 0), size + 1)
    page, rest = list(found[:size]), found[size:]
    return job, page, (str(page[-1].id) if rest else None)


def _order(plans: Sequence[FilePlan]) -> list[int]:
    """Files without common columns first: the records they link to are written before."""
    return sorted(range(len(plans)), key=lambda i: bool(plans[i].foreign_keys))


class _Run:
    """One claimed import, from its position to its end."""

    def __init__(self, ctx: JobsContext, job: Job, request: ImportRequest) -> None:
        self.ctx, self.job, self.request = ctx, job, request
        principal = Principal(ctx.portal_id, frozenset())
        self.contexts = {
            t.type_id: CrmContext(ctx.store, ctx.clock, principal, t, types=ctx.types)
            for t in mapped_types(request, ctx.types)
        }

    async def plans(self) -> list[FilePlan]:
        definitions = await _definitions(self.ctx, self.request)
        plans = []
        for index, file in enumerate(self.request.files):
            header: list[str] = []
            if file.has_header:
                reader = self._open(index, 0)
                header = (reader.read(1) or [[]])[0]
                reader.close()
            plans.append(plan_file(self.request, index, header, self.ctx.types, definitions))
        return plans

    def _open(self, index: int, skip: int) -> RowReader:
        file = self.job.files[index]
        return self.ctx.files.open_rows(
            self.ctx.portal_id, self.job.id, index, file.file_format, skip
        )

    async def run(self) -> str:
        plans = await self.plans()
        position, start = self.job.position, 0
        for index in _order(plans):
            end = start + self.job.files[index].rows
            if position < end:
                state = await self._file(plans[index], index, position - start, position)
                if state != PROCESSING:
                    return state
                position = end
            start = end
        return DONE

    async def _file(self, plan: FilePlan, index: int, done: int, position: int) -> str:
        """The file's rows from ``done`` on, a slice at a time. A slice is judged while the
        one before it is written (the store writes in a thread of its own); a slice whose
        keys the slice before it wrote is judged again once that write has committed."""
        header = 1 if plan.request.has_header else 0
        reader = self._open(index, done + header)
        pending: asyncio.Task[str] | None = None
        written: set[tuple[str, str]] = set()
        try:
            while rows := await asyncio.to_thread(reader.read, SLICE_ROWS):
                piece = SliceRows(
                    plan, rows, done + header + 1, self.request.date_format, str(self.job.id), index
                )
                planned = await plan_slice(self.contexts, piece)
                keys = _keys(plan, rows)
                if pending is not None:
                    state, pending = await pending, None
                    if state != PROCESSING:
                        return state
                    if keys & written:
                        planned = await plan_slice(self.contexts, piece)
                pending = asyncio.create_task(self._write(planned, position, len(rows)))
                written = keys
                done, position = done + len(rows), position + len(rows)
            return PROCESSING if pending is None else await pending
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                with suppress(asyncio.CancelledError):
                    await pending
            reader.close()

    async def _write(self, planned: tuple[Planned, SliceErrors], position: int, rows: int) -> str:
        slice_plan, judge = planned
        written = await self.ctx.store.write_import_slice(
            self.ctx.portal_id,
            ImportSlice(
                self.job.id,
                position,
                rows,
                slice_plan.writes,
                slice_plan.links,
                slice_plan.errors,
                self.ctx.clock.now_ms(),
            ),
            judge,
        )
        return written.state or CANCELED


def _keys(plan: FilePlan, rows: Sequence[list[str]]) -> set[tuple[str, str]]:
    """The key values the rows name, by object type."""
    found: set[tuple[str, str]] = set()
    for columns in plan.types:
        if columns.key is not None:
            column, type_id = columns.key[0], columns.object_type.type_id
            found.update((type_id, r[column].strip()) for r in rows if len(r) > column)
    return found


async def run_import(ctx: JobsContext, claim: JobClaim) -> None:
    """Run a claimed import to its end (or until it is canceled or gone)."""
    job = await ctx.store.start_job(ctx.portal_id, claim.job_id, PROCESSING, ctx.clock.now_ms())
    if job is None or job.state != PROCESSING:
        return
    failure: str | None = None
    try:
        state = await _Run(ctx, job, parse_request(job.request)).run()
    except FileProblem as problem:
        state, failure = FAILED, problem.message
    except HubSpotError as error:
        state, failure = FAILED, error.message
    if state in (DONE, FAILED):
        await ctx.store.finish_job(
            ctx.portal_id, job.id, state, ctx.clock.now_ms(), failure=failure
        )
    if state != PROCESSING:
        ctx.files.drop_job(ctx.portal_id, job.id)
