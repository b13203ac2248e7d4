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

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from localspot.crm.webhook_outbox_storage import Delivery, DeliveryOutcome, OutboxRow
from localspot.store.apps_schema import apps, webhook_settings
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
    dialect = dialect_of(conn)
    skipped = f" AND app_id NOT IN ({dialect.id_set})" if skip_apps else ""
    params: list[Any] = [now, wall]
    params += [dialect.id_list(skip_apps)] if skip_apps else []
    due = fetch(
        conn,
        "SELECT id FROM webhook_outbox WHERE next_attempt_at <= ?"
        f" AND (held_until IS NULL OR held_until < ?){skipped}"
        f" ORDER BY next_attempt_at, id LIMIT ?{dialect.skip_locked}",
        [*params, limit],
    )
    ids = [r.id for r in due]
    if not ids:
        return []
    conn.execute(
        update(webhook_outbox)
        .where(Q.id.in_(ids))
        .values(held_until=wall + hold_ms, held_by=holder)
    )
    w, a = webhook_settings.c, apps.c
    rows = conn.execute(
        select(
            Q.id,
            Q.portal_id,
            Q.app_id,
            Q.events,
            Q.event_count,
            Q.attempts,
            w.target_url,
            w.max_concurrent_requests,
            a.client_secret,
        )
        .select_from(webhook_outbox)
        .join(apps, a.id == Q.app_id)
        .outerjoin(webhook_settings, w.app_id == Q.app_id)
        .where(Q.id.in_(ids))
        .order_by(Q.next_attempt_at, Q.id)
    )
    found = [
        OutboxRow(
            r.id,
            r.portal_id,
            r.app_id,
            r.events,
            r.event_count,
            r.attempts,
            r.target_url,
            r.max_concurrent_requests or 1,
            r.client_secret,
        )
        for r in rows
    ]
    orphans = set(ids) - {r.id for r in found}  # the app is gone: nobody to send them to
    if orphans:
        conn.execute(delete(webhook_outbox).where(Q.id.in_(sorted(orphans))))
    return found


def release(conn: Connection, holder: str, ids: Collection[int]) -> None:
    if ids:
        conn.execute(
            update(webhook_outbox)
            .where(Q.id.in_(sorted(ids)), Q.held_by == holder)
            .values(held_until=None, held_by=None)
        )


def finish(conn: Connection, holder: str, outcomes: Sequence[DeliveryOutcome]) -> None:
    done = sorted(i for o in outcomes for i in o.done)
    if done:
        conn.execute(delete(webhook_outbox).where(Q.id.in_(done), Q.held_by == holder))
    run_many(
        conn,
        "UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ?,"
        " held_until = NULL, held_by = NULL WHERE id = ? AND held_by = ?",
        [(at, row_id, holder) for o in outcomes for row_id, at in o.retry],
    )
    if outcomes:
        conn.execute(insert(webhook_deliveries), [_row(o.delivery) for o in outcomes])


def _row(d: Delivery) -> dict[str, Any]:
    return {
        "portal_id": d.portal_id,
        "app_id": d.app_id,
        "attempted_at": d.attempted_at,
        "target_url": d.target_url,
        "events": d.body,
        "event_count": d.event_count,
        "headers": d.headers,
        "status": d.status,
        "latency_ms": d.latency_ms,
        "error": d.error,
        "state": d.state,
        "next_retry_at": d.next_retry_at,
    }


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
