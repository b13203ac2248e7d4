"""Video conferencing extension settings (hubspot-behaviour §19.4): the URLs HubSpot calls to
create, update and delete an app's meetings and to check its users, set by one PUT."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localspot.crm.app_urls import check_app_url
from localspot.crm.extension_settings import present_fields

URL_FIELDS = (
    "createMeetingUrl",
    "updateMeetingUrl",
    "deleteMeetingUrl",
    "userVerifyUrl",
    "fetchAccountsUri",
)


def video_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The given URLs, each checked (``createMeetingUrl`` is required by the schema)."""
    checked = present_fields(fields)
    for name in URL_FIELDS:
        if name in checked:
            check_app_url(checked[name], name, name)
    return checked
