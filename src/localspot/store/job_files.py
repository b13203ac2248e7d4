"""The files of imports and exports on disk (``crm/job_files_storage.py``), under one
directory (the ``data_dir`` setting; by default beside a SQLite database):

- ``uploads/<random>``: an upload while it streams in and is checked;
- ``imports/<portal>/<job>/<index>.csv|xlsx``: an import's files, until the import ends;
- ``exports/<portal>/<job>.csv|xlsx``: an export's file (``.part`` while it is written).

CSV is read as UTF-8 (a byte order mark is dropped) with the standard library's reader,
XLSX with openpyxl in its read-only mode and written in its write-only mode: neither holds a
whole file in memory. Rows whose cells are all empty are skipped, when counting and when
reading alike, so a job's position always names the same row.
"""

from __future__ import annotations

import csv
import os
import re
import secrets
import shutil
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import IO, Any

from sqlalchemy.engine import make_url

from localspot.crm.job_files_storage import (
    CSV,
    XLSX,
    ExportWriter,
    FileProblem,
    FileScan,
    RowReader,
    StoredUpload,
    UploadWriter,
)

SUFFIX = {CSV: "csv", XLSX: "xlsx"}
csv.field_size_limit(2**24)


def _cell(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds") + ("" if value.tzinfo else "Z")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _blank(row: Sequence[str]) -> bool:
    return not any(row)  # every cell an empty string


def _csv_rows(handle: IO[str]) -> Iterator[list[str]]:
    return (row for row in csv.reader(handle) if not _blank(row))


class _Workbook:
    """A read-only workbook over its own file handle (openpyxl judges a path by its name,
    and stored uploads have none)."""

    def __init__(self, path: Path) -> None:
        import openpyxl  # here: most commands and servers never read or write XLSX

        self.handle = path.open("rb")
        try:
            self.book = openpyxl.load_workbook(self.handle, read_only=True, data_only=True)
        except BaseException:
            self.handle.close()
            raise

    def close(self) -> None:
        self.book.close()
        self.handle.close()


def _xlsx_rows(path: Path) -> tuple[_Workbook, Iterator[list[str]]]:
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = _Workbook(path)
        book = workbook.book
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        message = f"The file is not an XLSX spreadsheet ({error})"
        raise FileProblem("INVALID_FILE_TYPE", message) from None
    if len(book.worksheets) != 1:
        workbook.close()
        count = len(book.worksheets)
        raise FileProblem("INVALID_SHEET_COUNT", f"The spreadsheet has {count} sheets, not one")
    sheet = book.worksheets[0]
    cells = ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
    return workbook, (_trimmed(row) for row in cells if not _blank(row))


def _trimmed(row: list[str]) -> list[str]:
    """Spreadsheets end rows at their last cell written: empty trailing cells go."""
    end = len(row)
    while end and row[end - 1] == "":
        end -= 1
    return row[:end]


class _Upload:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = 0
        self._handle: IO[bytes] | None = path.open("wb")

    def write(self, chunk: bytes) -> None:
        assert self._handle is not None
        self._handle.write(chunk)
        self.size += len(chunk)

    def finish(self) -> StoredUpload:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        return StoredUpload(str(self.path), self.size)

    def discard(self) -> None:
        self.finish()
        self.path.unlink(missing_ok=True)


class _CsvReader:
    def __init__(self, path: Path, skip: int) -> None:
        self._handle = path.open(newline="", encoding="utf-8-sig", errors="replace")
        self._rows = _csv_rows(self._handle)
        for _ in islice(self._rows, skip):
            pass

    def read(self, count: int) -> list[list[str]]:
        return list(islice(self._rows, count))

    def close(self) -> None:
        self._handle.close()


class _XlsxReader:
    def __init__(self, path: Path, skip: int) -> None:
        self._book, self._rows = _xlsx_rows(path)
        for _ in islice(self._rows, skip):
            pass

    def read(self, count: int) -> list[list[str]]:
        return list(islice(self._rows, count))

    def close(self) -> None:
        self._book.close()


class _CsvExport:
    def __init__(self, path: Path) -> None:
        self.path, self.part = path, path.with_name(path.name + ".part")
        self._handle = self.part.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._handle)

    def write_rows(self, rows: Sequence[Sequence[str]]) -> None:
        self._writer.writerows(rows)

    def finish(self) -> int:
        self._handle.close()
        os.replace(self.part, self.path)
        return self.path.stat().st_size

    def discard(self) -> None:
        self._handle.close()
        self.part.unlink(missing_ok=True)


class _XlsxExport:
    def __init__(self, path: Path) -> None:
        import openpyxl

        self.path, self.part = path, path.with_name(path.name + ".part")
        self._book = openpyxl.Workbook(write_only=True)
        self._sheet = self._book.create_sheet()

    def write_rows(self, rows: Sequence[Sequence[str]]) -> None:
        for row in rows:
            self._sheet.append(list(row))

    def finish(self) -> int:
        with self.part.open("wb") as handle:
            self._book.save(handle)
        os.replace(self.part, self.path)
        return self.path.stat().st_size

    def discard(self) -> None:
        self._book.close()
        self.part.unlink(missing_ok=True)


def _scan_csv(path: Path, max_rows: int) -> FileScan:
    header: tuple[str, ...] = ()
    count = 0
    try:
        with path.open(newline="", encoding="utf-8-sig", errors="strict") as handle:
            for row in _csv_rows(handle):
                if count == 0:
                    header = tuple(row)
                count += 1
                if count > max_rows + 1:
                    break
    except UnicodeDecodeError as error:
        message = (
            f"The file is not UTF-8 text: byte {error.object[error.start]:#04x} at {error.start}"
        )
        raise FileProblem("INVALID_FILE_TYPE", message) from None
    except csv.Error as error:
        raise FileProblem("COULD_NOT_PARSE_ROW", f"The file is not CSV: {error}") from None
    return FileScan(header, max(count - 1, 0))


def _scan_xlsx(path: Path, max_rows: int) -> FileScan:
    book, rows = _xlsx_rows(path)
    try:
        header = tuple(next(rows, []))
        count = sum(1 for _ in islice(rows, max_rows + 1))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        message = f"The spreadsheet can't be read ({error})"
        raise FileProblem("INVALID_SPREADSHEET", message) from None
    finally:
        book.close()
    return FileScan(header, count)


class JobFiles:
    """``JobFilesStorage`` over a directory."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _dir(self, *parts: str) -> Path:
        path = self.root.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _import_file(self, portal_id: int, job_id: int, index: int, file_format: str) -> Path:
        return (
            self.root / "imports" / str(portal_id) / str(job_id) / f"{index}.{SUFFIX[file_format]}"
        )

    def new_upload(self) -> UploadWriter:
        return _Upload(self._dir("uploads") / secrets.token_hex(16))

    def scan(self, upload: StoredUpload, file_format: str, max_rows: int) -> FileScan:
        path = Path(upload.key)
        return _scan_xlsx(path, max_rows) if file_format == XLSX else _scan_csv(path, max_rows)

    def keep(self, upload: StoredUpload, portal_id: int, job_id: int, index: int) -> None:
        target = self._dir("imports", str(portal_id), str(job_id))
        os.replace(upload.key, target / str(index))

    def discard(self, upload: StoredUpload) -> None:
        Path(upload.key).unlink(missing_ok=True)

    def open_rows(
        self, portal_id: int, job_id: int, index: int, file_format: str, skip: int
    ) -> RowReader:
        path = self.root / "imports" / str(portal_id) / str(job_id) / str(index)
        if not path.is_file():
            raise FileProblem("FILE_NOT_FOUND", f"The import's file {index} is gone ({path})")
        return _XlsxReader(path, skip) if file_format == XLSX else _CsvReader(path, skip)

    def _export_file(self, portal_id: int, job_id: int, file_format: str) -> Path:
        return self.root / "exports" / str(portal_id) / f"{job_id}.{SUFFIX[file_format]}"

    def new_export(self, portal_id: int, job_id: int, file_format: str) -> ExportWriter:
        self._dir("exports", str(portal_id))
        path = self._export_file(portal_id, job_id, file_format)
        return _XlsxExport(path) if file_format == XLSX else _CsvExport(path)

    def export_path(self, portal_id: int, job_id: int, file_format: str) -> str | None:
        path = self._export_file(portal_id, job_id, file_format)
        return str(path) if path.is_file() else None

    def drop_job(self, portal_id: int, job_id: int) -> None:
        shutil.rmtree(self.root / "imports" / str(portal_id) / str(job_id), ignore_errors=True)
        for suffix in SUFFIX.values():
            for name in (f"{job_id}.{suffix}", f"{job_id}.{suffix}.part"):
                (self.root / "exports" / str(portal_id) / name).unlink(missing_ok=True)

    def kept_jobs(self) -> list[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        for portal_dir in self._numbered(self.root / "imports"):
            found |= {(int(portal_dir.name), int(d.name)) for d in self._numbered(portal_dir)}
        for portal_dir in self._numbered(self.root / "exports"):
            for file in portal_dir.iterdir():
                stem = file.name.split(".", 1)[0]
                if stem.isdigit():
                    found.add((int(portal_dir.name), int(stem)))
        return sorted(found)

    @staticmethod
    def _numbered(path: Path) -> list[Path]:
        return [p for p in path.iterdir() if p.name.isdigit()] if path.is_dir() else []


def default_data_dir(database_url: str) -> str:
    """Beside a SQLite database file (``<file>.files``); else ``localspot-files/<database>``
    here. Servers of one database share it; those of another database, whose portals and
    jobs are numbered alike, must never meet its files (an upload of job 1 of one database
    replaced another's)."""
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and ":memory:" not in database_url:
        return database_url[len(prefix) :].split("?", 1)[0] + ".files"
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", make_url(database_url).database or "default")
    return os.path.join("localspot-files", name.replace(".", "_") if name in (".", "..") else name)
