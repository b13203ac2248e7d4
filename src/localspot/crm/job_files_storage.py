"""The files of imports and exports: where an upload goes while it streams in, the rows a
job reads back, and the file an export writes. The domain never touches a file itself;
``store/job_files.py`` keeps them on disk, next to the database (``data_dir``).

Reading and writing are synchronous and streaming (a row reader holds one buffer of its
file, an export writer appends rows): callers run long scans in a worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

CSV: Final = "CSV"
XLSX: Final = "XLSX"


@dataclass(frozen=True, slots=True)
class StoredUpload:
    """An uploaded file kept under ``key`` until it is kept for a job or discarded."""

    key: str
    size: int


@dataclass(frozen=True, slots=True)
class FileScan:
    header: tuple[str, ...]
    """The first row's cells (the column names when the file has a header)."""
    rows: int
    """Rows after the header (every row when the file has none)."""


class FileProblem(Exception):
    """A file that can't be read as its format: ``code`` is HubSpot's error type."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class UploadWriter(Protocol):
    size: int

    def write(self, chunk: bytes) -> None: ...

    def finish(self) -> StoredUpload: ...

    def discard(self) -> None: ...


class RowReader(Protocol):
    def read(self, count: int) -> list[list[str]]:
        """The next ``count`` rows (fewer at the end of the file)."""
        ...

    def close(self) -> None: ...


class ExportWriter(Protocol):
    def write_rows(self, rows: Sequence[Sequence[str]]) -> None: ...

    def finish(self) -> int:
        """The file is complete: its size in bytes."""
        ...

    def discard(self) -> None: ...


class JobFilesStorage(Protocol):
    def new_upload(self) -> UploadWriter: ...

    def scan(self, upload: StoredUpload, file_format: str, max_rows: int) -> FileScan:
        """Read the whole file once (encoding, format, rows); ``FileProblem`` when it can't
        be read, or has more than ``max_rows`` rows. Slow for large files: run in a thread."""
        ...

    def keep(self, upload: StoredUpload, portal_id: int, job_id: int, index: int) -> None:
        """The upload becomes file ``index`` of the job."""
        ...

    def discard(self, upload: StoredUpload) -> None: ...

    def open_rows(
        self, portal_id: int, job_id: int, index: int, file_format: str, skip: int
    ) -> RowReader:
        """The job's file ``index`` from row ``skip`` on (the header is row 0);
        ``FileProblem`` when it is gone."""
        ...

    def new_export(self, portal_id: int, job_id: int, file_format: str) -> ExportWriter: ...

    def export_path(self, portal_id: int, job_id: int, file_format: str) -> str | None: ...

    def drop_job(self, portal_id: int, job_id: int) -> None:
        """Remove every file of the job (an import's uploads, an export's file)."""
        ...

    def kept_jobs(self) -> list[tuple[int, int]]:
        """(portal, job) of every job that has files."""
        ...
