"""``POST /crm/v4/associations/usage/high-usage-report/{userId}`` (hubspot-behaviour §15.4)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK

from localspot.crm import association_usage
from localspot.crm.model import Principal
from localspot.crm.property_types import format_datetime
from localspot.http.openapi_specs import error_responses
from localspot.wire import associations as wa


class AssociationUsageController(Controller):
    path = "/usage/high-usage-report"
    tags = ["Associations"]

    @post(
        "/{user_id:str}",
        opt={"access": "read", "scopes": ("crm.objects.contacts.read",)},
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Request a report of the records with many associations",
    )
    async def request_report(
        self, request: Request[Any, Any, State], user_id: str
    ) -> wa.ReportCreationResponse:
        principal: Principal = request.state.principal
        state = request.app.state
        made = await association_usage.request_report(
            state.store, state.clock, principal.portal_id, user_id
        )
        return wa.ReportCreationResponse(
            format_datetime(made.enqueued_at), made.user_email, made.user_id
        )
