"""Migrating a legacy CRM card to an app card in record views (hubspot-behaviour §19.3).

HubSpot swaps the legacy card for the app card in the views of every portal the app is
installed in, as a background job it reports on. localspot keeps which legacy card went to
which app card (``crm/card_migrations_storage.py``) and answers as a job that has already
ended: there are no views to rewrite, and so nothing remains to do. App cards belong to
HubSpot's developer projects, which localspot doesn't serve, so an app card id is any
positive number; the legacy card must be one of the app's cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from localspot.crm.apps_storage import AppsStorage
from localspot.crm.card_migrations_storage import CardMigration, CardMigrationsStorage
from localspot.crm.crm_cards import card_not_found
from localspot.crm.errors import Conflict, ValidationError


class MigrationStorage(CardMigrationsStorage, AppsStorage, Protocol):
    """The migrations, and the app's installations (how many portals the swap reaches)."""


@dataclass(frozen=True, slots=True)
class MigrationCall:
    store: MigrationStorage
    app_id: int
    now: int


@dataclass(frozen=True, slots=True)
class MigrationRequest:
    legacy_card_id: int
    app_card_id: int
    helpdesk_app_card_id: int | None
    allow_duplicate: bool


@dataclass(frozen=True, slots=True)
class MigrationReport:
    message: str
    started_at: int
    ended_at: int
    total_portals: int
    remaining_portals: int


def _refused(status: str, request: MigrationRequest, existing: CardMigration) -> Exception:
    if status == "migrated_before":
        return Conflict(
            f"Card {request.legacy_card_id} was migrated to app card"
            f" {existing.app_card_id} already",
            context={"legacyCrmCardId": [str(request.legacy_card_id)]},
        )
    return ValidationError(
        f"App card {request.app_card_id} replaces card {existing.legacy_card_id} already;"
        " set allowDuplicateAppCardIds to true to let it replace more than one card",
        context={"appCardId": [str(request.app_card_id)]},
    )


async def migrate(call: MigrationCall, request: MigrationRequest) -> MigrationReport:
    migration = CardMigration(
        request.legacy_card_id, request.app_card_id, request.helpdesk_app_card_id, call.now
    )
    outcome = await call.store.migrate_card(
        call.app_id, migration, allow_duplicate=request.allow_duplicate
    )
    if outcome.status == "no_card":
        raise card_not_found(str(request.legacy_card_id))
    if outcome.existing is not None and outcome.status != "migrated":
        raise _refused(outcome.status, request, outcome.existing)
    (app,) = await call.store.apps([call.app_id])
    portals = len(app.portal_ids)
    message = (
        f"Card {request.legacy_card_id} is replaced by app card {request.app_card_id}"
        f" in the views of {portals} portal{'' if portals == 1 else 's'}"
    )
    return MigrationReport(message, call.now, call.now, portals, 0)
