"""The tables of apps' CRM extension settings and CRM cards, on the shared
``schema.metadata``. Added by migration 0013.

Like ``webhook_settings``, they belong to an app and carry no ``portal_id``: a portal's
reset or deletion leaves them alone.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table

from localspot.store.schema import JsonMap, RecordId, metadata

extension_settings = Table(
    "extension_settings",
    metadata,
    Column("app_id", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(32), primary_key=True),
    Column("fields", JsonMap, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)
"""One row per app and kind (``calling``, ``calling_recording``, ``calling_channel``,
``videoconferencing``): the settings' fields as HubSpot's JSON shows them."""

crm_cards = Table(
    "crm_cards",
    metadata,
    Column("id", RecordId, primary_key=True, autoincrement=True),
    Column("app_id", BigInteger, nullable=False),
    Column("definition", JsonMap, nullable=False),
    Column("changes", JsonMap, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_crm_cards_app", "app_id", "id"),
    sqlite_autoincrement=True,  # ids never reused (migration 0020)
)
"""An app's CRM cards: the definition (``title``, ``fetch``, ``display``, ``actions``) and
its history as ``[[action, at], ...]``."""

TABLES = (extension_settings, crm_cards)
