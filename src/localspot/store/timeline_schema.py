"""The tables of timeline event templates and events, on the shared ``schema.metadata``.
Added by migration 0012.

Templates belong to an app (like ``webhook_subscriptions``), so they carry no
``portal_id``; their tokens are a JSON list in the template's row (a token is only ever
read, written or removed with its template). Events belong to a portal: the primary key
(portal, template, event id) makes an event id unique per template within a portal, and a
portal's deletion, reset and snapshots take its events with it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table, Text

from localspot.store.schema import JsonMap, RecordId, metadata

timeline_event_templates = Table(
    "timeline_event_templates",
    metadata,
    Column("id", RecordId, primary_key=True, autoincrement=True),
    Column("app_id", BigInteger, nullable=False),
    Column("name", String(255), nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("header_template", Text, nullable=True),
    Column("detail_template", Text, nullable=True),
    Column("tokens", JsonMap, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_timeline_event_templates_app", "app_id", "id"),
    sqlite_autoincrement=True,  # ids never reused (migration 0020)
)

timeline_events = Table(
    "timeline_events",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("template_id", BigInteger, primary_key=True, autoincrement=False),
    Column("event_id", String(255), primary_key=True),
    Column("object_type", String(32), nullable=False),
    Column("object_id", BigInteger, nullable=False),
    Column("tokens", JsonMap, nullable=False),
    Column("extra_data", JsonMap, nullable=True),
    Column("iframe", JsonMap, nullable=True),
    Column("email", Text, nullable=True),
    Column("utk", Text, nullable=True),
    Column("domain", Text, nullable=True),
    Column("timestamp", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_timeline_events_template", "template_id"),
    Index("ix_timeline_events_record", "portal_id", "object_type", "object_id", "timestamp"),
)
"""``ix_timeline_events_template`` serves a template's deletion (its events in every
portal); ``ix_timeline_events_record`` a record's timeline, newest first."""

TABLES = (timeline_event_templates, timeline_events)
"""The timeline role of ``SqlStore`` (``crm/timeline_storage.py``), over ``timeline_sql``."""
