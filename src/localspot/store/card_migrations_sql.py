"""The card migrations role's SQL (``crm/card_migrations_storage.py``) for both databases.
A migration takes the app's turn (``Dialect.serialize``, the same key as its cards' writes),
so the checks read what no concurrent write of the app can change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select

from localspot.crm.card_migrations_storage import CardMigration, MigrationOutcome
from localspot.store.card_migrations_schema import crm_card_migrations
from localspot.store.dialect import dialect_of
from localspot.store.extensions_schema import crm_cards

M = crm_card_migrations.c
C = crm_cards.c


def _migration(row: Any) -> CardMigration:
    return CardMigration(
        row.legacy_card_id, row.app_card_id, row.helpdesk_app_card_id, row.migrated_at
    )


def _first(conn: Connection, app_id: int, *where: Any) -> CardMigration | None:
    statement = select(crm_card_migrations).where(M.app_id == app_id, *where)
    row = conn.execute(statement.order_by(M.legacy_card_id).limit(1)).first()
    return _migration(row) if row else None


def migrate_card(
    conn: Connection, app_id: int, migration: CardMigration, allow_duplicate: bool
) -> MigrationOutcome:
    dialect_of(conn).serialize(conn, f"extension_settings:{app_id}")
    legacy = migration.legacy_card_id
    card = conn.execute(select(C.id).where(C.app_id == app_id, C.id == legacy)).first()
    if card is None:
        return MigrationOutcome("no_card")
    earlier = _first(conn, app_id, M.legacy_card_id == legacy)
    if earlier is not None:
        return MigrationOutcome("migrated_before", earlier)
    taken = _first(conn, app_id, M.app_card_id == migration.app_card_id)
    if taken is not None and not allow_duplicate:
        return MigrationOutcome("app_card_taken", taken)
    conn.execute(
        insert(crm_card_migrations).values(
            app_id=app_id,
            legacy_card_id=legacy,
            app_card_id=migration.app_card_id,
            helpdesk_app_card_id=migration.helpdesk_app_card_id,
            migrated_at=migration.migrated_at,
        )
    )
    return MigrationOutcome("migrated")


def migrations_of(conn: Connection, app_id: int) -> tuple[CardMigration, ...]:
    statement = select(crm_card_migrations).where(M.app_id == app_id)
    return tuple(_migration(r) for r in conn.execute(statement.order_by(M.legacy_card_id)))
