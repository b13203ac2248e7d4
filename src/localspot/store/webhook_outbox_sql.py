"""The webhook outbox role's SQL: the sender's claims and outcomes, and the deliveries the
admin API shows. Plain functions of a ``Connection``, for both databases.

A claim is one transaction: the due rows nobody holds, oldest due first, locked with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL (another server's claim in flight is skipped, not
waited for), get a claim (``webhook_claims``: this sender until a wall-clock time; the
rows themselves, events and all, are not written). A sender that stops lets go of its
rows; one that crashes holds them until the hold ends, when another claims them again (at
least once, with the same event ids).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, case, func, select

from localspot.crm.webhook_outbox_storage import (
    DELIVERIES_KEPT,
    PRUNE_EVERY,
    Delivery,
    DeliveryOutcome,
    OutboxRow,
    PendingWork,
)
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
    """One statement takes the rows (an ``INSERT`` of claims for the due rows' ids, chosen
    with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; a claim that ended is taken over, one
    another transaction just made is not), one reads them with their apps' settings and
    secrets; on PostgreSQL both are one statement, the claim in its ``WITH``."""
    dialect = dialect_of(conn)
    skipped = f" AND o.app_id NOT IN ({dialect.id_set})" if skip_apps else ""
    params: list[Any] = [holder, wall + hold_ms, now]
    params += [dialect.id_list(skip_apps)] if skip_apps else []
    params += [wall, limit, wall]
    take = (
        "INSERT INTO webhook_claims (outbox_id, portal_id, held_by, held_until)"
        " SELECT o.id, o.portal_id, ?, ? FROM webhook_outbox o WHERE o.next_attempt_at <= ?"
        f"{skipped} AND {_UNHELD} ORDER BY o.next_attempt_at, o.id LIMIT ?{dialect.skip_locked}"
        " ON CONFLICT (outbox_id) DO UPDATE SET held_by = excluded.held_by,"
        " held_until = excluded.held_until WHERE webhook_claims.held_until < ?"
        " RETURNING outbox_id"
    )
    if dialect.writes_in_with:  # one round trip
        joined = f"WITH claimed AS ({take}) {_CLAIMED} JOIN claimed c ON c.outbox_id = o.id"
        rows = fetch(conn, joined, params)
    else:
        claimed = fetch(conn, take, params)
        if not claimed:
            return []
        rows = fetch(
            conn,
            f"{_CLAIMED} WHERE o.id IN ({dialect.id_set})",
            [dialect.id_list([r.outbox_id for r in claimed])],
        )
    found = [
        OutboxRow(
            r.id,
            r.portal_id,
            r.app_id,
            r.events,
            r.event_count,
            r.attempts,
            r.created_at,
            r.target_url,  # None: the app's settings were cleared
            r.max_concurrent_requests or 1,
            r.client_secret,
        )
        for r in sorted(rows, key=lambda r: (r.next_attempt_at, r.id))
        if r.installed is not None
    ]
    orphans = [r.id for r in rows if r.installed is None]  # the app is gone
    if orphans:
        dialect.delete_ids(conn, "webhook_outbox", "id", orphans)
        dialect.delete_ids(conn, "webhook_claims", "outbox_id", orphans)
    return found


_CLAIMED = (
    "SELECT o.id, o.portal_id, o.app_id, o.events, o.event_count, o.attempts,"
    " o.created_at, o.next_attempt_at, a.id AS installed, w.target_url,"
    " w.max_concurrent_requests, a.client_secret FROM webhook_outbox o"
    " LEFT JOIN apps a ON a.id = o.app_id LEFT JOIN webhook_settings w ON w.app_id = o.app_id"
)
"""The claimed rows ``o`` with their apps' settings and secrets (no app: it is gone)."""

_UNHELD = (
    "NOT EXISTS (SELECT 1 FROM webhook_claims c WHERE c.outbox_id = o.id AND c.held_until >= ?)"
)
"""The outbox row ``o`` has no claim that holds at the wall-clock time given."""


def release(conn: Connection, holder: str, ids: Collection[int]) -> None:
    if ids:
        dialect = dialect_of(conn)
        fetch(
            conn,
            "DELETE FROM webhook_claims"
            f" WHERE held_by = ? AND outbox_id IN ({dialect.id_set}) RETURNING outbox_id",
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
    if dialect_of(conn).writes_in_with:
        recorded, last = _finish_at_once(conn, holder, outcomes)
    else:
        recorded, last = _finish_by_steps(conn, holder, outcomes)
    if recorded:
        _prune(conn, {o.delivery.portal_id for o in outcomes}, recorded, last)


def _rows_of(outcome: DeliveryOutcome) -> tuple[int, ...]:
    return (*outcome.done, *(row_id for row_id, _ in outcome.retry))


def _finish_by_steps(
    conn: Connection, holder: str, outcomes: Sequence[DeliveryOutcome]
) -> tuple[int, int]:
    """A statement a step: the claims let go (those still held: the rows kept), the
    delivered rows deleted, the failed ones' next attempts, the requests recorded. The
    requests recorded, and the deliveries' newest id."""
    dialect = dialect_of(conn)
    ids = [i for o in outcomes for i in _rows_of(o)]
    kept = {
        r.outbox_id
        for r in fetch(
            conn,
            "DELETE FROM webhook_claims"
            f" WHERE held_by = ? AND outbox_id IN ({dialect.id_set}) RETURNING outbox_id",
            [holder, dialect.id_list(ids)],
        )
    }
    done = [i for o in outcomes for i in o.done if i in kept]
    if done:
        dialect.delete_ids(conn, "webhook_outbox", "id", done)
    run_many(
        conn,
        "UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
        [(at, row_id) for o in outcomes for row_id, at in o.retry if row_id in kept],
    )
    recorded = [_row(o.delivery) for o in outcomes if any(i in kept for i in _rows_of(o))]
    dialect.insert_rows(conn, "webhook_deliveries", DELIVERY_COLUMNS, recorded)
    if not recorded:
        return 0, 0
    (last,) = fetch(conn, "SELECT max(id) FROM webhook_deliveries", [])[0]
    return len(recorded), int(last)


_FINISH_AT_ONCE = (
    "WITH kept AS (DELETE FROM webhook_claims WHERE held_by = ?"
    " AND outbox_id = ANY(CAST(? AS bigint[])) RETURNING outbox_id),"
    " gone AS (DELETE FROM webhook_outbox WHERE id = ANY(CAST(? AS bigint[]))"
    " AND id IN (SELECT outbox_id FROM kept)),"
    " retried AS (UPDATE webhook_outbox o SET attempts = o.attempts + 1, next_attempt_at = r.at"
    " FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS r(id, at)"
    " WHERE o.id = r.id AND o.id IN (SELECT outbox_id FROM kept)),"
    f" logged AS (INSERT INTO webhook_deliveries ({', '.join(DELIVERY_COLUMNS)})"
    f" SELECT {', '.join(DELIVERY_COLUMNS)} FROM jsonb_to_recordset(CAST(? AS jsonb)) AS d("
    "portal_id bigint, app_id bigint, attempted_at bigint, target_url text, events text,"
    " event_count integer, headers text, status integer, latency_ms integer, error text,"
    " state text, next_retry_at bigint, row_ids bigint[])"
    " WHERE d.row_ids && ARRAY(SELECT outbox_id FROM kept) RETURNING id)"
    " SELECT count(*) AS recorded, coalesce(max(id), 0) AS last FROM logged"
)
"""``_finish_by_steps`` as one statement (one round trip): every part reads the claims let
go (``kept``) from the statement's ``RETURNING``; a request is recorded when one of the
rows it carried (``row_ids``) was still held."""


def _finish_at_once(
    conn: Connection, holder: str, outcomes: Sequence[DeliveryOutcome]
) -> tuple[int, int]:
    retried = sorted(pair for o in outcomes for pair in o.retry)
    deliveries = [
        {**dict(zip(DELIVERY_COLUMNS, _row(o.delivery), strict=True)), "row_ids": _rows_of(o)}
        for o in outcomes
    ]
    ((recorded, last),) = fetch(
        conn,
        _FINISH_AT_ONCE,
        [
            holder,
            sorted(i for o in outcomes for i in _rows_of(o)),
            sorted(i for o in outcomes for i in o.done),
            [row_id for row_id, _ in retried],
            [at for _, at in retried],
            orjson.dumps(deliveries).decode(),
        ],
    )
    return int(recorded), int(last)


def _prune(conn: Connection, portal_ids: Collection[int], recorded: int, last: int) -> None:
    """Keep the newest ``DELIVERIES_KEPT`` requests of the portals given, when the
    deliveries' ids (one sequence for all portals; ``last`` the newest) just passed a
    multiple of ``PRUNE_EVERY`` with the ``recorded`` requests: rarely."""
    if last // PRUNE_EVERY == (last - recorded) // PRUNE_EVERY:
        return
    run_many(
        conn,
        "DELETE FROM webhook_deliveries WHERE portal_id = ? AND id <= ("
        "SELECT id FROM webhook_deliveries WHERE portal_id = ?"
        " ORDER BY id DESC LIMIT 1 OFFSET ?)",
        [(portal_id, portal_id, DELIVERIES_KEPT) for portal_id in sorted(portal_ids)],
    )


def _row(d: Delivery) -> tuple[Any, ...]:
    return (
        d.portal_id,
        d.app_id,
        d.attempted_at,
        d.target_url,
        d.carried,
        d.event_count,
        d.headers,
        d.status,
        d.latency_ms,
        d.error,
        d.state,
        d.next_retry_at,
    )


def next_attempt(conn: Connection, wall: int) -> int | None:
    """The first due time of a row no sender holds (the due index, in order, up to the
    first such row)."""
    found = fetch(
        conn,
        f"SELECT o.next_attempt_at FROM webhook_outbox o WHERE {_UNHELD}"
        " ORDER BY o.next_attempt_at, o.id LIMIT 1",
        [wall],
    )
    return int(found[0].next_attempt_at) if found else None


def deliveries(
    conn: Connection,
    portal_id: int,
    state: str | None,
    app_id: int | None,
    limit: int,
    before_id: int | None = None,
) -> list[Delivery]:
    query = select(webhook_deliveries).where(D.portal_id == portal_id)
    if before_id is not None:
        query = query.where(D.id < before_id)
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
            carried=r.events,
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


def pending(conn: Connection, portal_id: int) -> list[PendingWork]:
    """Through the outbox's portal index: a row attempted already waits for its retry at
    ``next_attempt_at``; one never attempted is due at once."""
    retry = case((Q.attempts > 0, Q.next_attempt_at))
    query = (
        select(Q.app_id, func.count(), func.sum(Q.event_count), func.min(retry))
        .where(Q.portal_id == portal_id)
        .group_by(Q.app_id)
        .order_by(Q.app_id)
    )
    return [
        PendingWork(int(app), int(rows), int(events), None if at is None else int(at))
        for app, rows, events, at in conn.execute(query)
    ]


def backlog(conn: Connection) -> tuple[int, int]:
    """Rows and events waiting in the outbox (bench and diagnostics)."""
    row = conn.execute(select(func.count(), func.coalesce(func.sum(Q.event_count), 0))).one()
    return int(row[0]), int(row[1])
