"""Calling extension handlers (hubspot-behaviour §19.2): an app's calling settings, recording
URL format and channel connection webhook behind the developer API key, mounted at
``/crm/v3/extensions/calling`` and ``/crm/extensions/calling/2026-03``; and the portal's
``recordings/ready`` call behind a bearer token."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from localspot.crm import calling_extension as calling
from localspot.crm import extension_settings as settings
from localspot.crm.extension_settings_storage import StoredSettings
from localspot.crm.property_types import format_datetime
from localspot.http.developer_auth import extension_call
from localspot.http.openapi_specs import error_responses
from localspot.wire import calling as w

SETTINGS = "/{app_id:int}/settings"
RECORDING = SETTINGS + "/recording"
CHANNEL = SETTINGS + "/channel-connection"
WRITE = {"access": "write", "scopes": ("crm.objects.contacts.write", "crm.schemas.contacts.write")}
"""HubSpot's spec lets any of the contacts write scopes mark a recording ready."""


def _fields(data: msgspec.Struct) -> dict[str, Any]:
    fields: dict[str, Any] = msgspec.to_builtins(data)
    return fields


def _with_times(found: StoredSettings) -> dict[str, Any]:
    times = {"createdAt": found.created_at, "updatedAt": found.updated_at}
    return {**found.fields, **{name: format_datetime(at) for name, at in times.items()}}


def settings_response(found: StoredSettings) -> w.SettingsResponse:
    return msgspec.convert(_with_times(found), w.SettingsResponse)


def recording_response(found: StoredSettings) -> w.RecordingSettingsResponse:
    return w.RecordingSettingsResponse(found.fields["urlToRetrieveAuthedRecording"])


def channel_response(found: StoredSettings) -> w.ChannelConnectionSettingsResponse:
    return msgspec.convert(_with_times(found), w.ChannelConnectionSettingsResponse)


class CallingSettingsController(Controller):
    path = "/"
    tags = ["Calling extensions"]

    @get(SETTINGS, responses=error_responses(), summary="Read an app's calling extension")
    async def get_settings(
        self, request: Request[Any, Any, State], app_id: int
    ) -> w.SettingsResponse:
        return settings_response(await settings.get(extension_call(request), "calling"))

    @post(
        SETTINGS,
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Configure an app's calling extension",
    )
    async def create_settings(
        self, request: Request[Any, Any, State], app_id: int, data: w.SettingsRequest
    ) -> w.SettingsResponse:
        fields = calling.calling_fields(_fields(data), partial=False)
        return settings_response(await settings.create(extension_call(request), "calling", fields))

    @patch(SETTINGS, responses=error_responses(), summary="Change an app's calling extension")
    async def update_settings(
        self, request: Request[Any, Any, State], app_id: int, data: w.SettingsPatchRequest
    ) -> w.SettingsResponse:
        changes = calling.calling_fields(_fields(data), partial=True)
        return settings_response(await settings.update(extension_call(request), "calling", changes))

    @delete(
        SETTINGS,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Delete an app's calling extension",
    )
    async def archive_settings(self, request: Request[Any, Any, State], app_id: int) -> None:
        await settings.remove(extension_call(request), "calling")

    @get(RECORDING, responses=error_responses(), summary="Read an app's recording URL format")
    async def get_recording(
        self, request: Request[Any, Any, State], app_id: int
    ) -> w.RecordingSettingsResponse:
        found = await settings.get(extension_call(request), "calling_recording")
        return recording_response(found)

    @post(
        RECORDING,
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Register an app's recording URL format",
    )
    async def register_recording(
        self, request: Request[Any, Any, State], app_id: int, data: w.RecordingSettingsRequest
    ) -> w.RecordingSettingsResponse:
        fields = calling.recording_fields(_fields(data))
        created = await settings.create(extension_call(request), "calling_recording", fields)
        return recording_response(created)

    @patch(RECORDING, responses=error_responses(), summary="Change an app's recording URL format")
    async def update_recording(
        self,
        request: Request[Any, Any, State],
        app_id: int,
        data: w.RecordingSettingsPatchRequest,
    ) -> w.RecordingSettingsResponse:
        changes = calling.recording_fields(_fields(data))
        updated = await settings.update(extension_call(request), "calling_recording", changes)
        return recording_response(updated)

    @get(CHANNEL, responses=error_responses(), summary="Read an app's channel connection")
    async def get_channel(
        self, request: Request[Any, Any, State], app_id: int
    ) -> w.ChannelConnectionSettingsResponse:
        return channel_response(await settings.get(extension_call(request), "calling_channel"))

    @post(
        CHANNEL,
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Configure an app's channel connection",
    )
    async def create_channel(
        self,
        request: Request[Any, Any, State],
        app_id: int,
        data: w.ChannelConnectionSettingsRequest,
    ) -> w.ChannelConnectionSettingsResponse:
        fields = calling.channel_fields(_fields(data))
        created = await settings.create(extension_call(request), "calling_channel", fields)
        return channel_response(created)

    @patch(CHANNEL, responses=error_responses(), summary="Change an app's channel connection")
    async def update_channel(
        self,
        request: Request[Any, Any, State],
        app_id: int,
        data: w.ChannelConnectionSettingsPatchRequest,
    ) -> w.ChannelConnectionSettingsResponse:
        changes = calling.channel_fields(_fields(data))
        updated = await settings.update(extension_call(request), "calling_channel", changes)
        return channel_response(updated)

    @delete(
        CHANNEL,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Delete an app's channel connection",
    )
    async def archive_channel(self, request: Request[Any, Any, State], app_id: int) -> None:
        await settings.remove(extension_call(request), "calling_channel")


class CallRecordingsController(Controller):
    path = "/"
    tags = ["Calling extensions"]

    @post(
        "/recordings/ready",
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        opt=WRITE,
        summary="Mark a call's recording as ready",
    )
    async def mark_as_ready(
        self, request: Request[Any, Any, State], data: w.MarkRecordingAsReadyRequest
    ) -> None:
        portal_id: int = request.state.principal.portal_id
        await calling.mark_recording_ready(request.app.state.store, portal_id, data.engagement_id)
