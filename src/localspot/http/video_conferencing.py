"""Video conferencing extension handlers (hubspot-behaviour §19.4): an app's meeting URLs
behind the developer API key, mounted at ``/crm/v3/extensions/videoconferencing`` and
``/crm/extensions/videoconferencing/2026-03``."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, put
from litestar.datastructures import State
from litestar.status_codes import HTTP_204_NO_CONTENT

from localspot.crm import extension_settings as settings
from localspot.crm.extension_settings_storage import SettingsKind, StoredSettings
from localspot.crm.video_conferencing import video_fields
from localspot.http.developer_auth import extension_call
from localspot.http.openapi_specs import error_responses
from localspot.wire.video_conferencing import ExternalSettings

SETTINGS = "/settings/{app_id:int}"
KIND: SettingsKind = "videoconferencing"


def video_response(found: StoredSettings) -> ExternalSettings:
    return msgspec.convert(found.fields, ExternalSettings)


class VideoConferencingController(Controller):
    path = "/"
    tags = ["Video conferencing extensions"]

    @get(SETTINGS, responses=error_responses(), summary="Read an app's video conferencing URLs")
    async def get_by_id(self, request: Request[Any, Any, State], app_id: int) -> ExternalSettings:
        return video_response(await settings.get(extension_call(request), KIND))

    @put(SETTINGS, responses=error_responses(), summary="Set an app's video conferencing URLs")
    async def replace(
        self, request: Request[Any, Any, State], app_id: int, data: ExternalSettings
    ) -> ExternalSettings:
        fields = video_fields(msgspec.to_builtins(data))
        return video_response(await settings.replace(extension_call(request), KIND, fields))

    @delete(
        SETTINGS,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Delete an app's video conferencing URLs",
    )
    async def archive(self, request: Request[Any, Any, State], app_id: int) -> None:
        await settings.remove(extension_call(request), KIND)
