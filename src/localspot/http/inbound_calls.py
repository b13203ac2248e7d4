"""``POST /crm/v3/extensions/calling/inbound-call`` (and the dated path): a calling app reports
a completed call to a portal, behind the portal's bearer token with a contacts write scope,
as ``recordings/ready`` (hubspot-behaviour §19.2)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK

from localspot.crm import inbound_calls
from localspot.crm.caller_id import COMPANIES, CallerIdMatch
from localspot.http.calling import WRITE
from localspot.http.objects import crm_context
from localspot.http.openapi_specs import error_responses
from localspot.wire import calling as w


def epoch_ms(at: datetime | None) -> int | None:
    """A date-time without an offset is UTC."""
    if at is None:
        return None
    return int((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp() * 1000)


def inbound_call(data: w.CompletedThirdPartyCallRequest) -> inbound_calls.InboundCall:
    return inbound_calls.InboundCall(
        external_call_id=data.external_call_id,
        final_status=data.final_call_status,
        from_number=data.from_number.e164_number,
        to_number=data.to_number.e164_number,
        create_engagement=data.create_engagement,
        engagement_properties=data.engagement_properties,
        started_at=epoch_ms(data.call_started_timestamp),
        duration_seconds=data.duration_seconds,
        user_id=data.user_id,
    )


def caller_id(match: CallerIdMatch, portal_id: int) -> w.ContactCallerId | w.CompanyCallerId:
    values = match.record.properties
    where = w.ObjectCoordinates(match.record.id, match.object_type_id, portal_id)
    if match.object_type_id == COMPANIES:
        return w.CompanyCallerId(where, values.get("name"))
    return w.ContactCallerId(
        where, values.get("email"), values.get("firstname"), values.get("lastname")
    )


class InboundCallsController(Controller):
    path = "/"
    tags = ["Calling extensions"]

    @post(
        "/inbound-call",
        status_code=HTTP_200_OK,
        responses=error_responses(),
        opt=WRITE,
        summary="Report a completed third-party call",
    )
    async def report_call(
        self, request: Request[Any, Any, State], data: w.CompletedThirdPartyCallRequest
    ) -> w.CompletedThirdPartyCallResponse:
        ctx = await crm_context(request, inbound_calls.CALLS)
        outcome = await inbound_calls.report_call(ctx, inbound_call(data))
        portal_id = ctx.portal_id
        return w.CompletedThirdPartyCallResponse([caller_id(m, portal_id) for m in outcome.matches])
