"""The jobs roles: imports and exports that run in the background, their state kept in the
database so that a restart resumes them (``crm/import_jobs.py``, ``crm/export_jobs.py``).

``JobsStorage`` is a job's life: created, claimed by one process at a time (a hold in
wall-clock milliseconds, renewed with every slice), canceled, finished. ``JobWritesStorage``
is what a running job writes: an import's slice of rows (its records, links and row errors,
and the job's new position, all in one transaction), an export's progress, and the errors
endpoint's pages. ``ExportReadsStorage`` is what an export of a whole object type reads:
its records a page at a time, as plain rows. The rules every role keeps are in
``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

from localspot.crm.records_storage import NewRecord, UniqueClash
from localspot.crm.search_storage import SearchQuery

IMPORT: Final = "IMPORT"
EXPORT: Final = "EXPORT"


@dataclass(frozen=True, slots=True)
class JobFile:
    """A file of an import as it was uploaded: its name, format and how many data rows it
    holds (counted when it was uploaded)."""

    name: str
    file_format: str
    rows: int


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    portal_id: int
    kind: str
    name: str
    state: str
    request: str
    """The request as the client sent it (JSON text): what a resumed job runs again."""
    created_at: int
    updated_at: int
    started_at: int | None = None
    completed_at: int | None = None
    position: int = 0
    """Rows done (an import: data rows of its files, in order; an export: records written)."""
    counters: Mapping[str, int] = field(default_factory=dict)
    files: tuple[JobFile, ...] = ()
    failure: str | None = None
    link_key: str | None = None
    """An export's key for signing its download links."""
    result_size: int | None = None
    """An export's file size in bytes, once written."""


@dataclass(frozen=True, slots=True)
class NewJob:
    kind: str
    name: str
    state: str
    request: str
    files: tuple[JobFile, ...] = ()
    counters: Mapping[str, int] = field(default_factory=dict)
    link_key: str | None = None


@dataclass(frozen=True, slots=True)
class JobClaim:
    portal_id: int
    job_id: int
    kind: str


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of one row of an import file (HubSpot's ``PublicImportError``)."""

    line_number: int
    error_type: str
    message: str
    row_data: tuple[str, ...] = ()
    object_type_id: str | None = None
    column_number: int | None = None
    invalid_value: str | None = None
    file_index: int = 0
    """Which file of the import (its place in ``importRequest.files``)."""


@dataclass(frozen=True, slots=True)
class StoredRowError:
    id: int
    created_at: int
    error: RowError


@dataclass(slots=True)
class RowWrite:
    """One record a row writes: a create (``record_id`` None) or the values of an update.
    Not frozen, for ``NewRecord``'s reason: an import builds one per row."""

    row: int
    """The row's place in its slice (links and errors name rows by it)."""
    type_id: str
    record: NewRecord
    record_id: int | None = None


@dataclass(frozen=True, slots=True)
class RowLink:
    """An association a row asks for, from the row's record of ``from_type`` to a record of
    ``to_type``: ``to_id``, or (None) the row's own record of that type."""

    row: int
    from_type: str
    to_type: str
    type_id: int
    reverse_type_id: int
    category: str
    to_id: int | None = None


class SliceJudge(Protocol):
    """The domain's word on what the store finds while writing a slice."""

    def clash(self, row: int, type_id: str, clash: UniqueClash) -> RowError: ...

    def missing(self, row: int, type_id: str, record_id: int) -> RowError: ...


@dataclass(frozen=True, slots=True)
class ImportSlice:
    job_id: int
    position: int
    """Where the slice starts: written only while the job is still there, and still there."""
    rows: int
    """How many rows the slice consumes (its errors' rows included)."""
    writes: Sequence[RowWrite]
    links: Sequence[RowLink]
    errors: Sequence[tuple[int, RowError]]
    """(row, error): the rows the domain refused."""
    at: int


@dataclass(frozen=True, slots=True)
class SliceWritten:
    state: str | None
    """The job's state when the slice was written (None: the job is gone); only a job still
    ``PROCESSING`` at the slice's position gets the slice written."""
    created: int = 0
    updated: int = 0
    errors: int = 0


class JobsStorage(Protocol):
    async def create_job(self, portal_id: int, new: NewJob, at: int) -> Job: ...

    async def job(self, portal_id: int, job_id: int, kind: str | None = None) -> Job | None: ...

    async def jobs(
        self, portal_id: int, kind: str | None, after: int | None, limit: int
    ) -> Sequence[Job]:
        """Newest first; ``after``: ids below it (the paging cursor)."""
        ...

    async def cancel_job(self, portal_id: int, job_id: int, kind: str, at: int) -> Job | None:
        """``CANCELED`` when not finished yet; the job as it is afterwards."""
        ...

    async def claim_job(self, job_id: int | None = None) -> JobClaim | None:
        """An unfinished job nobody holds (queued, or cut short by a stop), now held; with
        ``job_id``, that job only (the command line runs the import it started)."""
        ...

    async def release_job(self, claim: JobClaim) -> None: ...

    async def start_job(self, portal_id: int, job_id: int, state: str, at: int) -> Job | None:
        """Into ``state`` (its first start time kept) while it is not finished."""
        ...

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
        """Finished (unless it was canceled meanwhile), and let go."""
        ...

    async def usage_since(self, portal_id: int, kind: str, since: int) -> tuple[int, int]:
        """(jobs, rows of their files) of ``kind`` the portal started since ``since``."""
        ...


ExportRow = tuple[int, Mapping[str, str], int, int]
"""(id, properties, created_at, updated_at): what a row of an export's file is made of."""


class ExportReadsStorage(Protocol):
    async def export_rows(
        self, portal_id: int, type_id: str, after: int, limit: int
    ) -> Sequence[ExportRow]:
        """Up to ``limit`` live records of the type with ids above ``after``, in id order:
        plain rows, not ``Record`` objects (an export reads millions)."""
        ...

    async def export_matches(
        self, portal_id: int, type_id: str, query: SearchQuery, after: int
    ) -> tuple[Sequence[ExportRow], int | None]:
        """The rows of the next ``query.limit`` matches with ids above ``after`` (in id
        order, the query's sort aside), and the id to go on after (None: no more)."""
        ...


class JobWritesStorage(Protocol):
    async def write_import_slice(
        self, portal_id: int, piece: ImportSlice, judge: SliceJudge
    ) -> SliceWritten:
        """One transaction: the slice's creates and updates (by the API's own write paths),
        the links between them, the row errors, and the job's new position and counters."""
        ...

    async def export_progress(
        self, portal_id: int, job_id: int, position: int, at: int
    ) -> str | None:
        """Record an export's position and renew its hold; the job's state (None: gone)."""
        ...

    async def job_errors(
        self, portal_id: int, job_id: int, after: int, limit: int
    ) -> Sequence[StoredRowError]:
        """The import's row errors with ids above ``after``, in order."""
        ...
