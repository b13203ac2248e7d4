"""The table of apps' CRM card migrations, on the shared ``schema.metadata``. Added by
migration 0018.

Like ``crm_cards``, it belongs to an app and carries no ``portal_id``: a portal's reset,
deletion or snapshot leaves it alone.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Table

from localspot.store.schema import metadata

crm_card_migrations = Table(
    "crm_card_migrations",
    metadata,
    Column("app_id", BigInteger, primary_key=True, autoincrement=False),
    Column("legacy_card_id", BigInteger, primary_key=True, autoincrement=False),
    Column("app_card_id", BigInteger, nullable=False),
    Column("helpdesk_app_card_id", BigInteger, nullable=True),
    Column("migrated_at", BigInteger, nullable=False),
    Index("ix_crm_card_migrations_app_card", "app_id", "app_card_id"),
)
"""One row per migrated legacy card: the app card (and helpdesk app card) now in its place."""

TABLES = (crm_card_migrations,)
