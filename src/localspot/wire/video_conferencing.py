"""HubSpot's video conferencing extension shape (``hubspot.crm.extensions.videoconferencing``),
the same in a PUT and in its answers."""

from __future__ import annotations

from msgspec import Struct


class ExternalSettings(Struct, rename="camel", omit_defaults=True):
    create_meeting_url: str
    delete_meeting_url: str | None = None
    fetch_accounts_uri: str | None = None
    update_meeting_url: str | None = None
    user_verify_url: str | None = None
