"""The webhook outbox role's SQL: the sender's claims and outcomes, and the deliveries the
admin API shows. Plain functions of a ``Connection``, for both databases.

A claim is one transaction: the due rows nobody holds, oldest due first, locked with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL (another server's claim in flight is skipped, not
waited for), then marked held by this sender until a wall-clock time. A sender that stops
lets go of its rows; one that crashes holds them until the hold ends, when another claims
them again (at least once, with the same event ids).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, func, or_, select

from localspot.crm.webhook_outbox_storage import Delivery, DeliveryOutcome, OutboxRow
from localspot.store.bulk import fetch, run_many
from localspot.store.dialect import dialect_of
from localspot.store.webhook_outbox_schema import webhook_deliveries, webhook_outbox

Q = webhook_outbox.c
D = webhook_deliveries.c


def claim(
    conn: Connection,
    now: int,
    wall: int,
    holder: str,
    hold_ms: int,
    limit: int,
    skip_apps: Collection[int],
) -> list[OutboxRow]:
    """One statement takes the rows (an ``UPDATE`` of the due rows' ids, chosen with
    ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``RETURNING`` them); one more reads their
    apps' settings and secrets."""
    dialect = dialect_of(conn)
    skipped = f" AND app_id NOT IN ({dialect.id_set})" if skip_apps else ""
    params: list[Any] = [wall + hold_ms, holder, now, wall]
    params += [dialect.id_list(skip_apps)] if skip_apps else []
    rows = fetch(
        conn,
        "UPDATE webhook_outbox SET held_until = ?, held_by = ? WHERE id IN"
        " (SELECT id FROM webhook_outbox WHERE next_attempt_at <= ?"
        f" AND (held_until IS NULL OR held_until < ?){skipped}"
        f" ORDER BY next_attempt_at, id LIMIT ?{dialect.skip_locked})"
        " RETURNING id, portal_id, app_id, events, event_count, attempts, next_attempt_at",
        [*params, limit],
    )
    if not rows:
        return []
    apps_of = _apps(conn, {r.app_id for r in rows})
    found = [
        OutboxRow(
            r.id, r.portal_id, r.app_id, r.events, r.event_count, r.attempts, *apps_of[r.app_id]
        )
        for r in sorted(rows, key=lambda r: (r.next_attempt_at, r.id))
        if r.app_id in apps_of
    ]
    orphans = [r.id for r in rows if r.app_id not in apps_of]  # the app is gone
    if orphans:
        dialect.delete_ids(conn, "webhook_outbox", "id", orphans)
    return found


def _apps(conn: Connection, app_ids: Collection[int]) -> dict[int, tuple[str | None, int, str]]:
    """Each app's target URL (None without settings), concurrency and client secret."""
    dialect = dialect_of(conn)
    rows = fetch(
        conn,
        "SELECT a.id, w.target_url, w.max_concurrent_requests, a.client_secret FROM apps a"
        " LEFT JOIN webhook_settings w ON w.app_id = a.id"
        f" WHERE a.id IN ({dialect.id_set})",
        [dialect.id_list(app_ids)],
    )
    return {r.id: (r.target_url, r.max_concurrent_requests or 1, r.client_secret) for r in rows}


def release(conn: Connection, holder: str, ids: Collection[int]) -> None:
    if ids:
        dialect = dialect_of(conn)
        fetch(
            conn,
            "UPDATE webhook_outbox SET held_until = NULL, held_by = NULL"
            f" WHERE held_by = ? AND id IN ({dialect.id_set}) RETURNING id",
            [holder, dialect.id_list(ids)],
        )


DELIVERY_COLUMNS = (
    "portal_id",
    "app_id",
    "attempted_at",
    "target_url",
    "events",
    "event_count",
    "headers",
    "status",
    "latency_ms",
    "error",
    "state",
    "next_retry_at",
)


def finish(conn: Connection, holder: str, outcomes: Sequence[DeliveryOutcome]) -> None:
    """Only requests whose rows are still in the outbox, held by ``holder``, are recorded:
    a portal reset (or deletion) while a request was in flight leaves no trace of it."""
    if not outcomes:
        return
    dialect = dialect_of(conn)
    ids = [i for o in outcomes for i in (*o.done, *(r for r, _ in o.retry))]
    kept = {
        r.id
        for r in fetch(
            conn,
            f"SELECT id FROM webhook_outbox WHERE held_by = ? AND id IN ({dialect.id_set})",
            [holder, dialect.id_list(ids)],
        )
    }
    done = [i for o in outcomes for i in o.done if i in kept]
    if done:
        dialect.delete_ids(conn, "webhook_outbox", "id", done)
    run_many(
        conn,
        "UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ?,"
        " held_until = NULL, held_by = NULL WHERE id = ?",
        [(at, row_id) for o in outcomes for row_id, at in o.retry if row_id in kept],
    )
    recorded = [
        _row(o.delivery)
        for o in outcomes
        if any(i in kept for i in (*o.done, *(r for r, _ in o.retry)))
    ]
    dialect.insert_rows(conn, "webhook_deliveries", DELIVERY_COLUMNS, recorded)


def _row(d: Delivery) -> tuple[Any, ...]:
    return (
        d.portal_id,
        d.app_id,
        d.attempted_at,
        d.target_url,
        d.body,
        d.event_count,
        d.headers,
        d.status,
        d.latency_ms,
        d.error,
        d.state,
        d.next_retry_at,
    )


def next_attempt(conn: Connection, wall: int) -> int | None:
    found = conn.execute(
        select(func.min(Q.next_attempt_at)).where(or_(Q.held_until.is_(None), Q.held_until < wall))
    ).scalar()
    return int(found) if found is not None else None


def deliveries(
    conn: Connection, portal_id: int, state: str | None, app_id: int | None, limit: int
) -> list[Delivery]:
    query = select(webhook_deliveries).where(D.portal_id == portal_id)
    if state is not None:
        query = query.where(D.state == state)
    if app_id is not None:
        query = query.where(D.app_id == app_id)
    rows = conn.execute(query.order_by(D.id.desc()).limit(limit))
    return [
        Delivery(
            portal_id=r.portal_id,
            app_id=r.app_id,
            attempted_at=r.attempted_at,
            target_url=r.target_url,
            body=r.events,
            event_count=r.event_count,
            headers=r.headers,
            status=r.status,
            latency_ms=r.latency_ms,
            error=r.error,
            state=r.state,
            next_retry_at=r.next_retry_at,
            id=r.id,
        )
        for r in rows
    ]


def backlog(conn: Connection) -> tuple[int, int]:
    """Rows and events waiting in the outbox (bench and diagnostics)."""
    row = conn.execute(select(func.count(), func.coalesce(func.sum(Q.event_count), 0))).one()
    return int(row[0]), int(row[1])
