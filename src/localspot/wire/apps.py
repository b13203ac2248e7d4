"""The admin API's shapes for developer apps (``/_localspot/apps``): HubSpot makes apps in
its developer pages, so these are localspot's own."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

AppKey = Annotated[int, Meta(ge=1, le=2**53)]


class AppCreateRequest(Struct, rename="camel", forbid_unknown_fields=True):
    name: str = "App"
    portal_id: AppKey | None = None
    """The portal to install the app in (absent: the first portal)."""


class AppCreated(Struct, rename="camel"):
    """The only answer that holds the app's secrets."""

    app_id: int
    name: str
    client_secret: str
    developer_api_key: str
    portal_ids: list[int]


class AdminApp(Struct, rename="camel"):
    app_id: int
    name: str
    created_at: str
    portal_ids: list[int]
    """The portals the app is installed in, ascending."""


class AdminAppCollection(Struct, rename="camel"):
    results: list[AdminApp]
