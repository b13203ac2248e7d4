"""The card migrations role: which legacy CRM card of an app was swapped for which app card
in record views (``POST .../cards-dev/{appId}/views/migrate``, hubspot-behaviour §19.3).

A migration belongs to its app, like the card it moves (no ``portal_id``): it applies in
every portal the app is installed in. What is kept is what a later request is judged by: a
legacy card is migrated once, and an app card replaces one legacy card unless the request
allows more. The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol


@dataclass(frozen=True, slots=True)
class CardMigration:
    legacy_card_id: int
    app_card_id: int
    helpdesk_app_card_id: int | None
    migrated_at: int


@dataclass(frozen=True, slots=True)
class MigrationOutcome:
    status: Literal["migrated", "no_card", "migrated_before", "app_card_taken"]
    """``migrated``: written; otherwise nothing was written and ``existing`` says why (the
    legacy card's earlier migration, or the one already pointing at the app card)."""
    existing: CardMigration | None = None


class CardMigrationsStorage(Protocol):
    async def migrate_card(
        self, app_id: int, migration: CardMigration, *, allow_duplicate: bool
    ) -> MigrationOutcome:
        """In one turn of the app: the legacy card must be the app's, not migrated yet, and
        (unless ``allow_duplicate``) its app card must replace no other legacy card."""
        ...

    async def card_migrations(self, app_id: int) -> tuple[CardMigration, ...]:
        """The app's migrations, by legacy card id."""
        ...
