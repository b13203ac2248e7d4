"""The tables of developer apps and their webhooks, on the shared ``schema.metadata``. Added
by migration 0009.

Apps belong to a developer account, not to a portal, so ``apps``, ``webhook_settings`` and
``webhook_subscriptions`` carry no ``portal_id``: only ``app_installs`` does, and a portal's
deletion takes its installations with it. Ids are the database's own (HubSpot's app and
subscription ids are int32; both start at 1 here).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from localspot.store.schema import RecordId, metadata

apps = Table(
    "apps",
    metadata,
    Column("id", RecordId, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("client_secret", String(64), nullable=False),
    Column("developer_key_hash", String(64), nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),
)
"""``client_secret`` is kept as given: webhook requests are signed with it (HMAC-SHA256), as
HubSpot's app settings page shows it again; the developer API key only as its SHA-256
digest, as tokens are."""

app_installs = Table(
    "app_installs",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("app_id", BigInteger, primary_key=True, autoincrement=False),
    Index("ix_app_installs_app", "app_id", "portal_id"),
    sqlite_with_rowid=False,
)
"""Which app is installed in which portal: the primary key finds a portal's apps (the
write path's lookup), the index an app's portals."""

webhook_settings = Table(
    "webhook_settings",
    metadata,
    Column("app_id", BigInteger, primary_key=True, autoincrement=False),
    Column("target_url", Text, nullable=False),
    Column("max_concurrent_requests", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", RecordId, primary_key=True, autoincrement=True),
    Column("app_id", BigInteger, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("action", String(32), nullable=False),
    Column("property_name", String(255), nullable=False, server_default=""),
    Column("active", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_webhook_subscriptions_events", "app_id", "object_type", "action", "property_name"),
    Index(
        "uq_webhook_subscriptions",
        "app_id",
        "event_type",
        "object_type",
        "property_name",
        unique=True,
    ),
    sqlite_autoincrement=True,  # ids never reused (migration 0020)
)
"""An app's subscriptions; ``property_name`` is empty except for ``propertyChange``, so the
unique index sees two subscriptions to the same event as the same. The events index serves
the write path's lookup (``webhooks_sql.active_for``): an installed app's subscriptions to
an object type's actions, and to the properties a write changed."""

TABLES = (apps, app_installs, webhook_settings, webhook_subscriptions)
