"""A calling app reports a completed third-party call (``POST .../calling/inbound-call``,
hubspot-behaviour §19.2): the portal's caller ID matches for the calling number, and, when
asked, the call as a record of ``calls`` (``0-48``), written by the record create use case
(so its checks, webhooks, lists and search apply as to any created call) and associated with
the matched contacts and companies.

The properties the report implies come first; ``engagementProperties`` are applied over
them, so an app can set any of them itself (compatibility.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from localspot.crm import caller_id, creates
from localspot.crm.caller_id import CallerIdMatch, CallerIdStorage
from localspot.crm.context import CrmContext, RecordUseCaseStorage
from localspot.crm.errors import ValidationError
from localspot.crm.extension_settings import without_nul
from localspot.crm.model import AssociationInput, CreateInput, Record
from localspot.crm.owners_storage import OwnersStorage

CALLS = "0-48"
RECORDED_STATUSES = frozenset(
    {"BUSY", "CALLING_CRM_USER", "CANCELED", "COMPLETED", "CONNECTING", "FAILED",
     "IN_PROGRESS", "MISSED", "NO_ANSWER", "QUEUED", "RINGING"}
)  # fmt: skip
"""The options of ``hs_call_status`` (``data/calls.json``); a final status outside them
(``HOLD``, ``UNKNOWN``) leaves it unset."""
CALL_TO = {caller_id.CONTACTS: 194, caller_id.COMPANIES: 182}
"""HubSpot's default association types from a call to a contact and to a company."""


class InboundCallStorage(RecordUseCaseStorage, CallerIdStorage, OwnersStorage, Protocol):
    """Record creation, search's index (caller ID) and owners (the call's owner)."""


@dataclass(frozen=True, slots=True)
class InboundCall:
    external_call_id: str
    final_status: str
    from_number: str
    to_number: str
    create_engagement: bool
    engagement_properties: Mapping[str, str]
    started_at: int | None = None
    duration_seconds: int | None = None
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class InboundCallOutcome:
    matches: tuple[CallerIdMatch, ...]
    call: Record | None
    """The created call, when the report asked for one."""


def _checked(report: InboundCall) -> InboundCall:
    if not report.external_call_id.strip():
        blank = {"externalCallId": [report.external_call_id]}
        raise ValidationError("externalCallId must not be blank", context=blank)
    caller_id.e164_number(report.from_number, "fromNumber")
    caller_id.e164_number(report.to_number, "toNumber")
    without_nul(report.external_call_id, "externalCallId")
    without_nul(dict(report.engagement_properties), "engagementProperties")
    return report


async def _owner_id(ctx: CrmContext[InboundCallStorage], user_id: int | None) -> str | None:
    if user_id is None:
        return None
    owner = await ctx.store.find_owner(ctx.portal_id, user_id, by_user_id=True, archived=False)
    return str(owner.id) if owner is not None else None


def implied_properties(report: InboundCall, now: int, owner_id: str | None) -> dict[str, str]:
    """What the report says about the call, under ``calls``' property names."""
    implied = {
        "hs_timestamp": str(report.started_at if report.started_at is not None else now),
        "hs_call_direction": "INBOUND",
        "hs_call_from_number": report.from_number,
        "hs_call_to_number": report.to_number,
        "hs_call_external_id": report.external_call_id,
        "hs_call_source": "INTEGRATIONS_PLATFORM",
    }
    if report.final_status in RECORDED_STATUSES:
        implied["hs_call_status"] = report.final_status
    if report.duration_seconds is not None:
        implied["hs_call_duration"] = str(report.duration_seconds * 1000)
    if owner_id is not None:
        implied["hubspot_owner_id"] = owner_id
    return implied


def _links(matches: tuple[CallerIdMatch, ...]) -> tuple[AssociationInput, ...]:
    return tuple(
        AssociationInput(str(m.record.id), (("HUBSPOT_DEFINED", CALL_TO[m.object_type_id]),))
        for m in matches
    )


async def report_call(
    ctx: CrmContext[InboundCallStorage], report: InboundCall
) -> InboundCallOutcome:
    """Check the report, find the caller, then (when asked) create the call: one write."""
    _checked(report)
    matches = tuple(await caller_id.find(ctx, report.from_number))
    if not report.create_engagement:
        return InboundCallOutcome(matches, None)
    implied = implied_properties(report, ctx.clock.now_ms(), await _owner_id(ctx, report.user_id))
    item = CreateInput({**implied, **report.engagement_properties}, None, _links(matches))
    calls = replace(ctx, object_type=ctx.types.resolve(CALLS))
    record, _ = await creates.create_one(calls, item)
    return InboundCallOutcome(matches, record)
