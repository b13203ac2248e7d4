"""The card migrations role of ``SqlStore`` (``crm/card_migrations_storage.py``), over
``card_migrations_sql``."""

from __future__ import annotations

from localspot.crm.card_migrations_storage import CardMigration, MigrationOutcome
from localspot.store import card_migrations_sql
from localspot.store.runs import Runs


class CardMigrationsSqlStore(Runs):
    """Mixed into ``SqlStore``, which says how a transaction runs."""

    async def migrate_card(
        self, app_id: int, migration: CardMigration, *, allow_duplicate: bool
    ) -> MigrationOutcome:
        return await self._write(
            lambda c: card_migrations_sql.migrate_card(c, app_id, migration, allow_duplicate)
        )

    async def card_migrations(self, app_id: int) -> tuple[CardMigration, ...]:
        return await self._read(lambda c: card_migrations_sql.migrations_of(c, app_id))
