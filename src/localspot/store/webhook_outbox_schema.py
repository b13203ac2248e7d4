"""The tables of webhook delivery, on the shared ``schema.metadata``. Added by migration 0011;
``webhook_claims`` by 0016, which took the holds out of the outbox's rows.

``webhook_outbox`` holds the events no request has delivered yet, written in the same
transaction as the change that caused them (``store/webhook_emit_sql.py``), so a server that
stops or crashes loses none. A row is one app's events of one write in one portal (at most
100, the most one delivery request carries); an event's ``eventId`` is the row's id times
100 plus its position in the row, so it never changes between attempts; ids are never used
twice (SQLite's ``AUTOINCREMENT``, migration 0017: without it SQLite gives an emptied table's
next row the id of a deleted one, and a receiver that drops repeated ``eventId``s would
drop new events). A row leaves the outbox when its events are delivered or given up on.

``webhook_claims`` says which sender holds a row and until when, apart from the row: on
SQLite an ``UPDATE`` rewrites the whole row, and an outbox row carries up to 100 events'
text, which a claim and a release would otherwise write twice for every delivery.

``webhook_deliveries`` is what each delivery request did (the admin API's deliveries), a row
per request. Both tables carry a ``portal_id``: a portal's reset and deletion take them.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from localspot.crm.webhook_event_lines import EVENTS_PER_ROW
from localspot.store.schema import RecordId, metadata

__all__ = ["EVENTS_PER_ROW", "TABLES", "webhook_claims", "webhook_deliveries", "webhook_outbox"]

webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    Column("id", RecordId, primary_key=True, autoincrement=True),
    Column("portal_id", RecordId, nullable=False),
    Column("app_id", BigInteger, nullable=False),
    Column("events", Text, nullable=False),
    Column("event_count", Integer, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", BigInteger, nullable=False, server_default="0"),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_webhook_outbox_due", "next_attempt_at", "id"),
    Index("ix_webhook_outbox_portal", "portal_id"),
    sqlite_autoincrement=True,
)
"""``events``: the events without ``eventId`` and ``attemptNumber``, one JSON object a line
(the sender adds both to each object's text without parsing it). ``attempts``: requests
made so far (the next one's ``attemptNumber``). ``next_attempt_at``: when the next attempt
is due on the server's clock (0: at once, for a first attempt)."""

webhook_claims = Table(
    "webhook_claims",
    metadata,
    Column("outbox_id", RecordId, primary_key=True, autoincrement=False),
    Column("portal_id", RecordId, nullable=False),
    Column("held_by", String(64), nullable=False),
    Column("held_until", BigInteger, nullable=False),
)
"""The sender that claimed an outbox row (``held_by``) and until when (wall-clock epoch ms),
so that servers sharing a database send each row once. A row without a claim, or whose
claim has ended, is free; the primary key lets one claim in at a time."""

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", RecordId, primary_key=True, autoincrement=True),
    Column("portal_id", RecordId, nullable=False),
    Column("app_id", BigInteger, nullable=False),
    Column("attempted_at", BigInteger, nullable=False),
    Column("target_url", Text, nullable=False),
    Column("events", Text, nullable=False),
    Column("event_count", Integer, nullable=False),
    Column("headers", Text, nullable=False),
    Column("status", Integer, nullable=True),
    Column("latency_ms", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Column("state", String(16), nullable=False),
    Column("next_retry_at", BigInteger, nullable=True),
    Index("ix_webhook_deliveries_portal", "portal_id", "id"),
)
"""One row per request: the body as sent (``events``), the request headers, the answer's
status (NULL: none, see ``error``), the latency, and the outcome: ``delivered``,
``retrying`` (at ``next_retry_at`` on the server's clock) or ``failed`` (given up)."""

TABLES = (webhook_outbox, webhook_claims, webhook_deliveries)
