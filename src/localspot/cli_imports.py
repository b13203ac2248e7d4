"""``localspot import FILE.csv``: a CSV of one object type (header: property names) run as
an import of the Imports API (``crm/import_jobs.py``), in this process.

The file is copied into the import files' folder a chunk at a time, started as an import
named after it (creates only: ``importOperations`` CREATE for the type) and run slice by
slice, so the command holds two slices of rows at most, whatever the file's size, and
applies the API's own rules (values, unique values, owners, pipelines; history with source
``IMPORT``). A valid row is written even when others fail; at the end the command lists
the rows that failed, with their line and reasons, and exits non-zero if any did. The
import stays listed in the portal's imports (``GET /crm/v3/imports``) with its errors.
"""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from localspot.clock import SystemClock
from localspot.config import Settings
from localspot.crm import accounts
from localspot.crm.import_jobs import ImportLimits, JobsContext, Upload, run_import, start_import
from localspot.crm.imports import RowProblem, header_problems
from localspot.crm.jobs_storage import IMPORT, Job, RowError
from localspot.crm.model import ObjectType
from localspot.crm.properties import load_definitions
from localspot.crm.storage import Store
from localspot.crm.type_registry import TypeRegistry
from localspot.store.job_files import JobFiles, default_data_dir

CHUNK_BYTES = 1 << 20
PROGRESS_EVERY_S = 0.25
ERROR_PAGE = 1000


@dataclass(frozen=True, slots=True)
class CsvImportResult:
    portal_id: int
    object_type: ObjectType
    job: Job | None
    """None when the header was refused (nothing started)."""
    total_rows: int = 0
    header: tuple[RowProblem, ...] = ()
    failed: tuple[RowError, ...] = ()
    """The first row errors (at most the ``shown`` asked for), in line order."""

    @property
    def created(self) -> int:
        return int(self.job.counters.get("CREATED_OBJECTS", 0)) if self.job else 0

    @property
    def errors(self) -> int:
        return int(self.job.counters.get("ERRORS", 0)) if self.job else 0


def read_header(path: Path) -> list[str]:
    """The first row of the file, its names trimmed (one line: the rest stays on disk)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        first = next(csv.reader(handle), None)
    return [name.strip() for name in first or []]


def _request(path: Path, object_type: ObjectType, header: list[str]) -> str:
    mappings = [
        {"columnObjectTypeId": object_type.type_id, "columnName": name, "propertyName": name}
        for name in header
    ]
    return json.dumps(
        {
            "name": path.name,
            "importOperations": {object_type.type_id: "CREATE"},
            "files": [
                {
                    "fileName": path.name,
                    "fileFormat": "CSV",
                    "fileImportPage": {"hasHeader": True, "columnMappings": mappings},
                }
            ],
        }
    )


def _upload(files: JobFiles, path: Path) -> Upload:
    writer = files.new_upload()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                writer.write(chunk)
    except BaseException:
        writer.discard()
        raise
    return Upload(path.name, writer.finish())


async def _failed_rows(store: Store, job: Job, shown: int) -> tuple[RowError, ...]:
    found: list[RowError] = []
    after = 0
    while len(found) < shown:
        page = await store.job_errors(job.portal_id, job.id, after, ERROR_PAGE)
        found += [stored.error for stored in page]
        if len(page) < ERROR_PAGE:
            break
        after = page[-1].id
    return tuple(found[:shown])


async def import_csv(
    store: Store,
    settings: Settings,
    path: Path,
    portal: int | None,
    type_name: str,
    progress: Callable[[int], Callable[[int], None]],
    shown: int,
) -> CsvImportResult:
    """Start and run the import; ``progress(total)`` gives the callback told of rows done."""
    portal_id = await accounts.portal_or_default(store, portal)
    await accounts.require_portal(store, portal_id)
    registry = TypeRegistry(lambda: store)
    _, object_type = await registry.resolve(portal_id, type_name)
    header = read_header(path)
    definitions = await load_definitions(store, portal_id, object_type)
    refused = tuple(header_problems(definitions, header)) if header else ()
    if not header or refused:
        problems = refused or (RowProblem(0, "the file is empty: a header row is needed"),)
        return CsvImportResult(portal_id, object_type, None, header=problems)
    files = JobFiles(settings.data_dir or default_data_dir(settings.database_url))
    ctx = JobsContext(
        store=store,
        files=files,
        clock=SystemClock(),
        portal_id=portal_id,
        types=await registry.view(portal_id),
        limits=ImportLimits(settings.import_file_bytes, settings.import_file_rows),
    )
    upload = await asyncio.to_thread(_upload, files, path)
    job = await start_import(ctx, _request(path, object_type, header), [upload])
    advance = progress(sum(f.rows for f in job.files))
    job = await _run(ctx, job, advance)
    failed = await _failed_rows(store, job, shown)
    return CsvImportResult(
        portal_id, object_type, job, sum(f.rows for f in job.files), failed=failed
    )


async def _run(ctx: JobsContext, job: Job, advance: Callable[[int], None]) -> Job:
    """Run the import here, telling ``advance`` of the rows done as its slices commit; a
    server on the same database that claimed it first runs it instead (then follow it)."""
    claim = await ctx.store.claim_job(job.id)
    runner = asyncio.create_task(run_import(ctx, claim)) if claim is not None else None
    done = 0
    while True:
        if runner is not None:
            await asyncio.wait({runner}, timeout=PROGRESS_EVERY_S)
        else:
            await asyncio.sleep(PROGRESS_EVERY_S)
        found = await ctx.store.job(ctx.portal_id, job.id, IMPORT)
        if found is None:  # the portal was reset or deleted meanwhile
            return job
        job = found
        advance(job.position - done)
        done = job.position
        if runner is not None and runner.done():
            runner.result()  # an unexpected failure surfaces here
            return job
        if runner is None and job.state in ("DONE", "FAILED", "CANCELED"):
            return job
