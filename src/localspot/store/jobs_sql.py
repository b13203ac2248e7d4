"""Imports and exports (``crm/jobs_storage.py``) as functions of a ``Connection``, each run
inside the caller's transaction.

A job is held by one process at a time: ``claim_job`` takes an unfinished job whose hold
ran out (a conditional update decides between processes), and every slice renews the hold.
An import's slice is written by the API's own write paths (``records_sql.insert_records``
and ``apply_updates``, so DYNAMIC lists follow, and ``associations_sql.add_links``) in the
transaction that moves the job's position: a stop loses at most the slice under way, and
the next start goes on from the position, never writing a row twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, Final

import orjson
from sqlalchemy import Connection, insert, select

from localspot.crm.jobs_storage import (
    ImportSlice,
    Job,
    JobClaim,
    JobFile,
    NewJob,
    RowError,
    RowWrite,
    SliceJudge,
    SliceWritten,
    StoredRowError,
)
from localspot.crm.links_storage import Link
from localspot.crm.records_storage import RecordChange
from localspot.store.associations_sql import add_links
from localspot.store.bulk import fetch, run_many
from localspot.store.dialect import dialect_of
from localspot.store.jobs_schema import import_errors, jobs
from localspot.store.records_sql import apply_updates, insert_records

UNFINISHED: Final = ("STARTED", "PENDING", "PROCESSING")
"""States of a job not finished yet (imports start ``STARTED``, exports ``PENDING``)."""
RUNNING: Final = "PROCESSING"
CANCELED: Final = "CANCELED"
_COLUMNS = (
    "id, portal_id, kind, name, state, request, files, counters, position, created_at,"
    " updated_at, started_at, completed_at, failure, link_key, result_size"
)


def _job(row: Any) -> Job:
    files = tuple(JobFile(f["name"], f["format"], f["rows"]) for f in orjson.loads(row.files))
    return Job(
        id=int(row.id),
        portal_id=int(row.portal_id),
        kind=row.kind,
        name=row.name,
        state=row.state,
        request=row.request,
        created_at=row.created_at,
        updated_at=row.updated_at,
        started_at=row.started_at,
        completed_at=row.completed_at,
        position=row.position,
        counters=orjson.loads(row.counters),
        files=files,
        failure=row.failure,
        link_key=row.link_key,
        result_size=row.result_size,
    )


def _files_text(files: Sequence[JobFile]) -> str:
    shown = [{"name": f.name, "format": f.file_format, "rows": f.rows} for f in files]
    return orjson.dumps(shown).decode()


def create_job(conn: Connection, portal_id: int, new: NewJob, at: int) -> Job:
    row = {
        "portal_id": portal_id,
        "kind": new.kind,
        "name": new.name,
        "state": new.state,
        "request": new.request,
        "files": _files_text(new.files),
        "counters": orjson.dumps(dict(new.counters)).decode(),
        "position": 0,
        "created_at": at,
        "updated_at": at,
        "link_key": new.link_key,
    }
    job_id = conn.execute(insert(jobs).returning(jobs.c.id), row).scalar_one()
    found = find_job(conn, portal_id, int(job_id), None)
    assert found is not None
    return found


def find_job(
    conn: Connection, portal_id: int, job_id: int, kind: str | None, *, lock: bool = False
) -> Job | None:
    lock_text = dialect_of(conn).row_lock if lock else ""
    rows = fetch(
        conn,
        f"SELECT {_COLUMNS} FROM jobs WHERE id = ? AND portal_id = ?{lock_text}",
        [job_id, portal_id],
    )
    if not rows or (kind is not None and rows[0].kind != kind):
        return None
    return _job(rows[0])


def list_jobs(
    conn: Connection, portal_id: int, kind: str | None, after: int | None, limit: int
) -> list[Job]:
    query = select(jobs).where(jobs.c.portal_id == portal_id)
    if kind is not None:
        query = query.where(jobs.c.kind == kind)
    if after is not None:
        query = query.where(jobs.c.id < after)
    rows = conn.execute(query.order_by(jobs.c.id.desc()).limit(limit)).all()
    return [_job(row) for row in rows]


def cancel_job(conn: Connection, portal_id: int, job_id: int, kind: str, at: int) -> Job | None:
    found = find_job(conn, portal_id, job_id, kind, lock=True)
    if found is None or found.state not in UNFINISHED:
        return found
    conn.exec_driver_sql(
        dialect_of(conn).sql(
            "UPDATE jobs SET state = ?, updated_at = ?, completed_at = ? WHERE id = ?"
        ),
        (CANCELED, at, at, job_id),
    )
    return find_job(conn, portal_id, job_id, kind)


_FREE = (
    " FROM jobs WHERE state IN ('STARTED', 'PENDING', 'PROCESSING')"
    " AND (held_until IS NULL OR held_until < ?)"
)


def any_free(conn: Connection, now: int) -> bool:
    return bool(fetch(conn, f"SELECT 1{_FREE} LIMIT 1", [now]))


def claim_job(
    conn: Connection, now: int, held_until: int, job_id: int | None = None
) -> JobClaim | None:
    """The oldest unfinished job nobody holds (or job ``job_id``), held until ``held_until``."""
    only = "" if job_id is None else " AND id = ?"
    free = fetch(
        conn,
        f"SELECT id, portal_id, kind{_FREE}{only} ORDER BY id LIMIT 20",
        [now] if job_id is None else [now, job_id],
    )
    for row in free:
        taken = conn.exec_driver_sql(
            dialect_of(conn).sql(
                "UPDATE jobs SET held_until = ? WHERE id = ?"
                " AND state IN ('STARTED', 'PENDING', 'PROCESSING')"
                " AND (held_until IS NULL OR held_until < ?)"
            ),
            (held_until, row.id, now),
        ).rowcount
        if taken:
            return JobClaim(int(row.portal_id), int(row.id), row.kind)
    return None


def release_job(conn: Connection, job_id: int) -> None:
    conn.exec_driver_sql(
        dialect_of(conn).sql("UPDATE jobs SET held_until = NULL WHERE id = ?"), (job_id,)
    )


def start_job(conn: Connection, portal_id: int, job_id: int, state: str, at: int) -> Job | None:
    found = find_job(conn, portal_id, job_id, None, lock=True)
    if found is None or found.state not in UNFINISHED:
        return found
    conn.exec_driver_sql(
        dialect_of(conn).sql(
            "UPDATE jobs SET state = ?, updated_at = ?, started_at = COALESCE(started_at, ?)"
            " WHERE id = ?"
        ),
        (state, at, at, job_id),
    )
    return find_job(conn, portal_id, job_id, None)


def finish_job(
    conn: Connection,
    portal_id: int,
    job_id: int,
    state: str,
    at: int,
    failure: str | None,
    result_size: int | None,
) -> None:
    conn.exec_driver_sql(
        dialect_of(conn).sql(
            "UPDATE jobs SET state = ?, updated_at = ?, completed_at = ?, failure = ?,"
            " result_size = ?, held_until = NULL"
            " WHERE id = ? AND portal_id = ? AND state IN ('STARTED', 'PENDING', 'PROCESSING')"
        ),
        (state, at, at, failure, result_size, job_id, portal_id),
    )


def usage_since(conn: Connection, portal_id: int, kind: str, since: int) -> tuple[int, int]:
    rows = fetch(
        conn,
        "SELECT files FROM jobs WHERE portal_id = ? AND kind = ? AND created_at >= ?",
        [portal_id, kind, since],
    )
    files = [f for row in rows for f in orjson.loads(row.files)]
    return len(rows), sum(int(f["rows"]) for f in files)


def export_progress(
    conn: Connection, portal_id: int, job_id: int, position: int, held_until: int, at: int
) -> str | None:
    found = find_job(conn, portal_id, job_id, None, lock=True)
    if found is None or found.state != RUNNING:
        return None if found is None else found.state
    conn.exec_driver_sql(
        dialect_of(conn).sql(
            "UPDATE jobs SET position = ?, held_until = ?, updated_at = ? WHERE id = ?"
        ),
        (position, held_until, at, job_id),
    )
    return RUNNING


def job_errors(
    conn: Connection, portal_id: int, job_id: int, after: int, limit: int
) -> list[StoredRowError]:
    rows = conn.execute(
        select(import_errors)
        .where(import_errors.c.job_id == job_id, import_errors.c.portal_id == portal_id)
        .where(import_errors.c.id > after)
        .order_by(import_errors.c.id)
        .limit(limit)
    ).all()
    return [
        StoredRowError(
            row.id,
            row.created_at,
            RowError(
                line_number=row.line_number,
                error_type=row.error_type,
                message=row.message,
                row_data=tuple(orjson.loads(row.row_data)),
                object_type_id=row.object_type_id,
                column_number=row.column_number,
                invalid_value=row.invalid_value,
                file_index=row.file_index,
            ),
        )
        for row in rows
    ]


class _SliceWriter:
    """The writes of one slice, by type in order of first appearance: creates, then updates;
    the ids they got, for the links; the errors the store found."""

    def __init__(self, conn: Connection, portal_id: int, piece: ImportSlice, judge: SliceJudge):
        self.conn, self.portal_id, self.piece, self.judge = conn, portal_id, piece, judge
        self.ids: dict[tuple[int, str], int] = {}
        self.errors: list[tuple[int, RowError]] = []
        self.created = self.updated = 0

    def write(self) -> None:
        by_type: dict[str, list[RowWrite]] = defaultdict(list)
        for write in self.piece.writes:
            by_type[write.type_id].append(write)
        for type_id, writes in by_type.items():
            self._create(type_id, [w for w in writes if w.record_id is None])
            self._update(type_id, [w for w in writes if w.record_id is not None])

    def _create(self, type_id: str, writes: Sequence[RowWrite]) -> None:
        if not writes:
            return
        at = self.piece.at
        made, clashes = insert_records(
            self.conn, self.portal_id, type_id, [w.record for w in writes], at
        )
        for position, record in made.items():
            self.ids[(writes[position].row, type_id)] = record.id
        for position, clash in clashes.items():
            self.errors.append(
                (writes[position].row, self.judge.clash(writes[position].row, type_id, clash))
            )
        self.created += len(made)

    def _update(self, type_id: str, writes: Sequence[RowWrite]) -> None:
        if not writes:
            return
        changes = [
            RecordChange(
                int(w.record_id or 0),
                w.record.properties,
                w.record.unique_names,
                w.record.source_id,
                w.record.source_type,
            )
            for w in writes
        ]
        result = apply_updates(self.conn, self.portal_id, type_id, changes, self.piece.at)
        for write, change in zip(writes, changes, strict=True):
            object_id = change.object_id
            if object_id in result.records:
                self.ids[(write.row, type_id)] = object_id
                self.updated += 1
            elif object_id in result.clashes:
                self.errors.append(
                    (write.row, self.judge.clash(write.row, type_id, result.clashes[object_id]))
                )
            else:
                self.errors.append((write.row, self.judge.missing(write.row, type_id, object_id)))

    def links(self) -> list[Link]:
        links: list[Link] = []
        for want in self.piece.links:
            from_id = self.ids.get((want.row, want.from_type))
            to_id = want.to_id if want.to_id is not None else self.ids.get((want.row, want.to_type))
            if from_id is None or to_id is None:
                continue
            links.append(
                Link(want.from_type, from_id, want.to_type, to_id, want.type_id, want.category)
            )
            links.append(
                Link(
                    want.to_type,
                    to_id,
                    want.from_type,
                    from_id,
                    want.reverse_type_id,
                    want.category,
                )
            )
        return links


def write_import_slice(
    conn: Connection, portal_id: int, piece: ImportSlice, judge: SliceJudge, held_until: int
) -> SliceWritten:
    found = find_job(conn, portal_id, piece.job_id, None, lock=True)
    if found is None:
        return SliceWritten(None)
    if found.state != RUNNING or found.position != piece.position:
        return SliceWritten(found.state)
    dialect_of(conn).lazy_commit(conn)
    writer = _SliceWriter(conn, portal_id, piece, judge)
    writer.write()
    add_links(conn, portal_id, writer.links(), piece.at)
    errors = sorted([*piece.errors, *writer.errors], key=lambda e: e[0])
    _insert_errors(conn, portal_id, piece.job_id, [e for _, e in errors], piece.at)
    counters = _added(
        found.counters,
        {
            "CREATED_OBJECTS": writer.created,
            "UPDATED_OBJECTS": writer.updated,
            "ERRORS": len(errors),
        },
    )
    conn.exec_driver_sql(
        dialect_of(conn).sql(
            "UPDATE jobs SET position = ?, counters = ?, updated_at = ?, held_until = ?"
            " WHERE id = ?"
        ),
        (
            piece.position + piece.rows,
            orjson.dumps(counters).decode(),
            piece.at,
            held_until,
            piece.job_id,
        ),
    )
    return SliceWritten(RUNNING, writer.created, writer.updated, len(errors))


def _added(counters: Mapping[str, int], more: Mapping[str, int]) -> dict[str, int]:
    total = dict(counters)
    for name, count in more.items():
        total[name] = total.get(name, 0) + count
    return total


def _insert_errors(
    conn: Connection, portal_id: int, job_id: int, errors: Sequence[RowError], at: int
) -> None:
    if not errors:
        return
    last = fetch(conn, "SELECT MAX(id) AS top FROM import_errors WHERE job_id = ?", [job_id])
    start = int(last[0].top or 0) + 1
    run_many(
        conn,
        "INSERT INTO import_errors (job_id, id, portal_id, created_at, file_index, line_number,"
        " error_type, message, object_type_id, column_number, invalid_value, row_data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                job_id,
                start + offset,
                portal_id,
                at,
                e.file_index,
                e.line_number,
                e.error_type,
                e.message,
                e.object_type_id,
                e.column_number,
                e.invalid_value,
                orjson.dumps(list(e.row_data)).decode(),
            )
            for offset, e in enumerate(errors)
        ],
    )
