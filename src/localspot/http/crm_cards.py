"""CRM card handlers (hubspot-behaviour §19.3): an app's cards behind the developer API key,
mounted at ``/crm/v3/extensions/cards-dev`` and ``/crm/extensions/cards-dev/2026-03``."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.crm import card_migrations
from localspot.crm import crm_cards as cards
from localspot.crm.extension_settings_storage import StoredCard
from localspot.crm.property_types import format_datetime
from localspot.http.developer_auth import extension_call, migration_call
from localspot.http.openapi_specs import error_responses
from localspot.wire import crm_cards as w

CARDS = "/{app_id:int}"
ONE = CARDS + "/{card_id:str}"
MIGRATE = CARDS + "/views/migrate"
INITIATING_USER = 0
"""The user behind a change: a developer API key has none."""


def card_response(app_id: int, card: StoredCard) -> w.PublicCardResponse:
    definition = card.definition
    history = [
        w.CardAuditResponse(
            action_type=change.action,  # type: ignore[arg-type]
            application_id=app_id,
            auth_source="APP",
            changed_at=change.at,
            initiating_user_id=INITIATING_USER,
            object_type_id=card.id,
        )
        for change in card.changes
    ]
    return w.PublicCardResponse(
        actions=msgspec.convert(definition["actions"], w.CardActions),
        audit_history=history,
        display=msgspec.convert(definition["display"], w.CardDisplayBody),
        fetch=msgspec.convert(definition["fetch"], w.PublicCardFetchBody),
        id=str(card.id),
        title=definition["title"],
        created_at=format_datetime(card.created_at),
        updated_at=format_datetime(card.updated_at),
    )


def _builtins(data: msgspec.Struct) -> dict[str, Any]:
    found: dict[str, Any] = msgspec.to_builtins(data)
    return found


class CrmCardsController(Controller):
    path = "/"
    tags = ["CRM cards"]

    @get(CARDS, responses=error_responses(), summary="List an app's cards")
    async def get_all(
        self, request: Request[Any, Any, State], app_id: int
    ) -> w.PublicCardListResponse:
        found = await cards.all_of(extension_call(request))
        return w.PublicCardListResponse([card_response(app_id, c) for c in found])

    @post(CARDS, status_code=HTTP_201_CREATED, responses=error_responses(), summary="Create a card")
    async def create(
        self, request: Request[Any, Any, State], app_id: int, data: w.CardCreateRequest
    ) -> w.PublicCardResponse:
        created = await cards.create(extension_call(request), _builtins(data))
        return card_response(app_id, created)

    @get(ONE, responses=error_responses(), summary="Read a card")
    async def get_by_id(
        self, request: Request[Any, Any, State], app_id: int, card_id: str
    ) -> w.PublicCardResponse:
        return card_response(app_id, await cards.get(extension_call(request), card_id))

    @patch(ONE, responses=error_responses(), summary="Change a card")
    async def update(
        self,
        request: Request[Any, Any, State],
        app_id: int,
        card_id: str,
        data: w.CardPatchRequest,
    ) -> w.PublicCardResponse:
        updated = await cards.update(extension_call(request), card_id, _builtins(data))
        return card_response(app_id, updated)

    @delete(
        ONE, status_code=HTTP_204_NO_CONTENT, responses=error_responses(), summary="Delete a card"
    )
    async def archive(self, request: Request[Any, Any, State], app_id: int, card_id: str) -> None:
        await cards.archive(extension_call(request), card_id)

    @post(
        MIGRATE,
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Replace a legacy card by an app card in views",
    )
    async def migrate_views(
        self, request: Request[Any, Any, State], app_id: int, data: w.CardMigrateViewsRequest
    ) -> w.CardMigrateViewsResponse:
        asked = card_migrations.MigrationRequest(
            data.legacy_crm_card_id,
            data.app_card_id,
            data.helpdesk_app_card_id,
            data.allow_duplicate_app_card_ids,
        )
        report = await card_migrations.migrate(migration_call(request), asked)
        return w.CardMigrateViewsResponse(
            message=report.message,
            ended_at=report.ended_at,
            remaining_portal_count=report.remaining_portals,
            started_at=report.started_at,
            total_portal_count=report.total_portals,
        )
