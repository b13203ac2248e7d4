"""HubSpot's calling extension settings (hubspot-behaviour §19.2): the calling app's iframe,
its recording URL format, its channel connection webhook, and the call telling HubSpot a
call's recording is ready.

Fields arrive as HubSpot names them (``isReady``, ``urlToRetrieveAuthedRecording``...),
absent ones as None. A created calling extension gets localspot's defaults for the fields
it leaves out (the official SDK requires only ``name`` and ``url``; compatibility.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localspot.crm.app_urls import check_app_url
from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.extension_settings import present_fields
from localspot.crm.records_storage import RecordsStorage

CALLS = "0-48"
MAX_RECORD_ID = 2**63 - 1
CALLING_DEFAULTS: dict[str, Any] = {
    "width": 400,
    "height": 600,
    "isReady": True,
    "supportsCustomObjects": False,
    "supportsInboundCalling": False,
    "usesCallingWindow": True,
    "usesRemote": True,
}
"""The calling SDK's documented example size (400 × 600), ``isReady`` true as its README
says, and the window and remote in use unless an app says otherwise."""


def _checked_name(name: str) -> str:
    if not name.strip():
        raise ValidationError("name must not be blank", context={"name": [name]})
    return name


def calling_fields(fields: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """The checked fields of a calling extension: all of them (defaults for the missing
    ones) for a create, the given ones for an update."""
    checked = present_fields(fields)
    if "name" in checked:
        _checked_name(checked["name"])
    if "url" in checked:
        check_app_url(checked["url"], "url", "calling extension URL")
    return checked if partial else {**CALLING_DEFAULTS, **checked}


def recording_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    checked = present_fields(fields)
    if "urlToRetrieveAuthedRecording" in checked:
        url = checked["urlToRetrieveAuthedRecording"]
        check_app_url(url, "urlToRetrieveAuthedRecording", "recording URL format")
    return checked


def channel_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    checked = present_fields(fields)
    if "url" in checked:
        check_app_url(checked["url"], "url", "channel connection URL")
    return checked


async def mark_recording_ready(store: RecordsStorage, portal_id: int, engagement_id: int) -> None:
    """A call of the portal: HubSpot would now fetch and transcribe its recording. localspot
    keeps nothing; a call the portal lacks is a 404."""
    possible = 0 < engagement_id <= MAX_RECORD_ID
    if not possible or not await store.live_ids(portal_id, CALLS, [engagement_id]):
        raise ResourceNotFound(
            f"No call with engagement id {engagement_id}",
            context={"engagementId": [str(engagement_id)]},
        )
