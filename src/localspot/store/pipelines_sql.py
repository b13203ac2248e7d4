"""The pipelines role's SQL, one function of a ``Connection`` per method, for both databases.

New pipeline and stage ids are numeric strings, numbered per portal from ``FIRST_ID`` (the
highest ``number`` of the portal's pipelines and stages, of every type, plus one), under a
per-portal lock, so concurrent creates on PostgreSQL never pick the same id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, union_all

from localspot.crm.pipeline_defaults import default_pipelines
from localspot.crm.pipelines_storage import AuditEntry, Pipeline, Stage, audit_object
from localspot.store.dialect import dialect_of
from localspot.store.schema import pipeline_audits, pipeline_stages, pipelines

FIRST_ID = 10_000_001
TABLES = (pipeline_audits, pipeline_stages, pipelines)


def _stage_of(row: Any) -> Stage:
    return Stage(
        id=row.id,
        label=row.label,
        display_order=row.display_order,
        metadata=dict(row.metadata),
        created_at=row.created_at,
        updated_at=row.updated_at,
        archived=bool(row.archived),
        archived_at=row.archived_at,
        write_permissions=row.write_permissions,
    )


def all_pipelines(conn: Connection, portal_id: int) -> list[tuple[str, Pipeline]]:
    """(type id, pipeline) for every pipeline of the portal, archived ones included."""
    stage_rows = conn.execute(
        select(pipeline_stages)
        .where(pipeline_stages.c.portal_id == portal_id)
        .order_by(pipeline_stages.c.display_order, pipeline_stages.c.label, pipeline_stages.c.id)
    )
    stages: dict[tuple[str, str], list[Stage]] = {}
    for row in stage_rows:
        stages.setdefault((row.object_type, row.pipeline_id), []).append(_stage_of(row))
    rows = conn.execute(
        select(pipelines)
        .where(pipelines.c.portal_id == portal_id)
        .order_by(pipelines.c.object_type, pipelines.c.display_order, pipelines.c.label)
    )
    return [
        (
            row.object_type,
            Pipeline(
                id=row.id,
                label=row.label,
                display_order=row.display_order,
                stages=tuple(stages.get((row.object_type, row.id), ())),
                created_at=row.created_at,
                updated_at=row.updated_at,
                archived=bool(row.archived),
                archived_at=row.archived_at,
            ),
        )
        for row in rows
    ]


def pipelines_of(conn: Connection, portal_id: int, type_id: str) -> list[Pipeline]:
    return [p for t, p in all_pipelines(conn, portal_id) if t == type_id]


def _next_number(conn: Connection, portal_id: int) -> int:
    numbers = union_all(
        select(func.max(pipelines.c.number).label("n")).where(pipelines.c.portal_id == portal_id),
        select(func.max(pipeline_stages.c.number).label("n")).where(
            pipeline_stages.c.portal_id == portal_id
        ),
    ).subquery()
    highest = conn.execute(select(func.max(numbers.c.n))).scalar()
    return max(int(highest or 0) + 1, FIRST_ID)


def _number(key: str) -> int | None:
    return int(key) if key.isascii() and key.isdigit() and len(key) < 18 else None


def _with_ids(conn: Connection, portal_id: int, pipeline: Pipeline) -> Pipeline:
    wanted = (pipeline.id is None) + sum(s.id is None for s in pipeline.stages)
    if not wanted:
        return pipeline
    dialect_of(conn).serialize(conn, f"pipeline-ids:{portal_id}")
    fresh = iter(str(n) for n in range(_next_number(conn, portal_id), 1 << 62))
    pipeline_id = pipeline.id if pipeline.id is not None else next(fresh)
    stages = tuple(s if s.id is not None else replace(s, id=next(fresh)) for s in pipeline.stages)
    return replace(pipeline, id=pipeline_id, stages=stages)


def _pipeline_row(portal_id: int, type_id: str, p: Pipeline) -> dict[str, Any]:
    key = str(p.id)
    return {
        "portal_id": portal_id,
        "object_type": type_id,
        "id": key,
        "label": p.label,
        "display_order": p.display_order,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "archived": p.archived,
        "archived_at": p.archived_at,
        "number": _number(key),
    }


def _stage_row(portal_id: int, type_id: str, pipeline_id: str, s: Stage) -> dict[str, Any]:
    key = str(s.id)
    return {
        "portal_id": portal_id,
        "object_type": type_id,
        "id": key,
        "pipeline_id": pipeline_id,
        "label": s.label,
        "display_order": s.display_order,
        "metadata": dict(s.metadata),
        "write_permissions": s.write_permissions,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "archived": s.archived,
        "archived_at": s.archived_at,
        "number": _number(key),
    }


def _audit_rows(portal_id: int, type_id: str, p: Pipeline) -> list[dict[str, Any]]:
    items: list[tuple[str | None, Pipeline | Stage]] = [(None, p)] if p.change else []
    items += [(s.id, s) for s in p.stages if s.change]
    return [
        {
            "portal_id": portal_id,
            "object_type": type_id,
            "pipeline_id": p.id,
            "stage_id": stage_id,
            "action": item.change,
            "timestamp": item.updated_at,
            "raw_object": audit_object(item),
        }
        for stage_id, item in items
    ]


def save_pipeline(conn: Connection, portal_id: int, type_id: str, pipeline: Pipeline) -> Pipeline:
    saved = _with_ids(conn, portal_id, pipeline)
    key = str(saved.id)
    conn.execute(
        delete(pipelines).where(
            pipelines.c.portal_id == portal_id,
            pipelines.c.object_type == type_id,
            pipelines.c.id == key,
        )
    )
    conn.execute(
        delete(pipeline_stages).where(
            pipeline_stages.c.portal_id == portal_id,
            pipeline_stages.c.object_type == type_id,
            pipeline_stages.c.pipeline_id == key,
        )
    )
    write_pipelines(conn, portal_id, [(type_id, saved)])
    audits = _audit_rows(portal_id, type_id, saved)
    if audits:
        conn.execute(insert(pipeline_audits), audits)
    stages = tuple(replace(s, change=None) for s in saved.stages)
    return replace(saved, stages=stages, change=None)


def write_pipelines(
    conn: Connection, portal_id: int, found: Iterable[tuple[str, Pipeline]]
) -> None:
    rows, stage_rows = [], []
    for type_id, p in found:
        rows.append(_pipeline_row(portal_id, type_id, p))
        stage_rows += [_stage_row(portal_id, type_id, str(p.id), s) for s in p.stages]
    if rows:
        conn.execute(insert(pipelines), rows)
    if stage_rows:
        conn.execute(insert(pipeline_stages), stage_rows)


def write_defaults(conn: Connection, portal_id: int) -> None:
    """A new portal's default pipelines (``crm/pipeline_defaults.py``)."""
    write_pipelines(conn, portal_id, default_pipelines())


def clear(conn: Connection, portal_id: int) -> None:
    for table in TABLES:
        conn.execute(delete(table).where(table.c.portal_id == portal_id))


def audits_of(
    conn: Connection, portal_id: int, type_id: str, pipeline_id: str, stage_id: str | None
) -> Sequence[AuditEntry]:
    at = pipeline_audits.c
    chosen = at.stage_id.is_(None) if stage_id is None else at.stage_id == stage_id
    rows = conn.execute(
        select(pipeline_audits)
        .where(
            at.portal_id == portal_id,
            at.object_type == type_id,
            at.pipeline_id == pipeline_id,
            chosen,
        )
        .order_by(at.id.desc())
    )
    return [
        AuditEntry(r.action, str(r.stage_id or r.pipeline_id), r.timestamp, dict(r.raw_object))
        for r in rows
    ]
