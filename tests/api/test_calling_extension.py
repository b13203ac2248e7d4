"""Calling extension settings (``/crm/v3/extensions/calling/{appId}/settings``, its recording
and channel connection settings, and the dated path) through the official SDK with the app's
developer API key; ``recordings/ready`` with a portal's token; raw httpx for bad input and
another app's id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hubspot.crm.extensions.calling import (
    ApiException,
    ChannelConnectionSettingsPatchRequest,
    ChannelConnectionSettingsRequest,
    MarkRecordingAsReadyRequest,
    RecordingSettingsPatchRequest,
    RecordingSettingsRequest,
    SettingsPatchRequest,
    SettingsRequest,
)
from test_auth import missing_scopes
from webhook_support import (
    NO_CREDENTIALS,
    DevApp,
    developer_http,
    developer_sdk,
    invalid,
    new_app,
    not_found,
)

from conftest import Server, assert_hubspot_error, assert_sdk_error

WIDGET = "https://calls.example.com/widget"
RECORDINGS = "https://calls.example.com/recordings/%s"
CHANNEL = "https://calls.example.com/numbers"


@pytest.fixture(scope="module")
def app(server: Server) -> DevApp:
    return new_app(server, "Calling app")


@pytest.fixture(scope="module")
def other(server: Server) -> DevApp:
    return new_app(server, "Other calling app")


@pytest.fixture(scope="module")
def dev(server: Server, app: DevApp) -> Iterator[httpx.Client]:
    with developer_http(server, app) as client:
        yield client


@pytest.fixture()
def fresh(server: Server) -> DevApp:
    """An app with no settings yet."""
    return new_app(server, "Fresh calling app")


def calling(server: Server, app: DevApp) -> Any:
    return developer_sdk(server, app).crm.extensions.calling


def settings_path(app: DevApp, suffix: str = "") -> str:
    return f"/crm/v3/extensions/calling/{app.app_id}/settings{suffix}"


def none_for(app: DevApp, what: str) -> dict[str, Any]:
    return not_found(f"No {what} for app {app.app_id}", appId=[str(app.app_id)])


def test_settings_create_read_update_and_archive_through_the_sdk(
    server: Server, fresh: DevApp
) -> None:
    api = calling(server, fresh).settings_api
    created = api.create(fresh.app_id, SettingsRequest(name="Dialer", url=WIDGET))
    assert (created.name, created.url, created.width, created.height) == (
        "Dialer",
        WIDGET,
        400,
        600,
    )
    assert (created.is_ready, created.supports_custom_objects) == (True, False)
    assert (created.supports_inbound_calling, created.uses_calling_window) == (False, True)
    assert created.uses_remote is True
    assert created.created_at == created.updated_at
    assert api.get_by_id(fresh.app_id) == created
    patch = SettingsPatchRequest(is_ready=False, width=320, supports_inbound_calling=True)
    updated = api.update(fresh.app_id, patch)
    assert (updated.is_ready, updated.width, updated.supports_inbound_calling) == (False, 320, True)
    assert (updated.name, updated.url, updated.height) == ("Dialer", WIDGET, 600)
    assert updated.created_at == created.created_at
    assert updated.updated_at >= created.updated_at
    assert api.get_by_id(fresh.app_id) == updated
    api.archive(fresh.app_id)
    with pytest.raises(ApiException) as missing:
        api.get_by_id(fresh.app_id)
    assert_sdk_error(missing.value, 404, **none_for(fresh, "calling extension settings"))


def test_every_field_of_a_create_is_kept(server: Server, fresh: DevApp) -> None:
    request = SettingsRequest(
        name="Full",
        url="http://127.0.0.1:9000/widget",
        width=500,
        height=700,
        is_ready=False,
        supports_custom_objects=True,
        supports_inbound_calling=True,
        uses_calling_window=False,
        uses_remote=False,
    )
    created = calling(server, fresh).settings_api.create(fresh.app_id, request)
    got = {k: v for k, v in created.to_dict().items() if k not in ("created_at", "updated_at")}
    assert got == request.to_dict()


def test_a_second_create_is_a_conflict_and_changes_nothing(dev: httpx.Client, app: DevApp) -> None:
    dev.delete(settings_path(app))
    first = dev.post(settings_path(app), json={"name": "One", "url": WIDGET})
    assert first.status_code == 200, first.text
    again = dev.post(settings_path(app), json={"name": "Two", "url": WIDGET})
    message = f"Calling extension settings for app {app.app_id} already exist; update them instead"
    body = {"message": message, "category": "CONFLICT", "context": {"appId": [str(app.app_id)]}}
    assert_hubspot_error(again, 409, **body, errors=[])
    assert dev.get(settings_path(app)).json() == first.json()


def test_an_update_or_read_without_settings_is_not_found(server: Server, fresh: DevApp) -> None:
    with developer_http(server, fresh) as dev:
        missing = none_for(fresh, "calling extension settings")
        assert_hubspot_error(dev.patch(settings_path(fresh), json={"width": 10}), 404, **missing)
        assert_hubspot_error(dev.get(settings_path(fresh)), 404, **missing)
        assert dev.delete(settings_path(fresh)).status_code == 204  # deleting nothing is no error


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": " ", "url": WIDGET}, invalid("name must not be blank", name=[" "])),
        (
            {"name": "N", "url": "ftp://x.example/w"},
            invalid("Invalid calling extension URL: ftp://x.example/w", url=["ftp://x.example/w"]),
        ),
        (
            {"name": "N", "url": "http://calls.example.com/w"},
            invalid(
                "The calling extension URL must use https (http only to a local receiver):"
                " http://calls.example.com/w",
                url=["http://calls.example.com/w"],
            ),
        ),
        (
            {"name": "N", "url": WIDGET, "width": 0},
            invalid("Invalid input JSON: Expected `int` >= 1"),
        ),
        ({"url": WIDGET}, invalid("Invalid input JSON: Object missing required field `name`")),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_written(
    server: Server, fresh: DevApp, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    with developer_http(server, fresh) as dev:
        assert_hubspot_error(dev.post(settings_path(fresh), json=body), 400, **expected)
        assert dev.get(settings_path(fresh)).status_code == 404


def test_a_bad_patch_changes_nothing(dev: httpx.Client, app: DevApp) -> None:
    dev.delete(settings_path(app))
    assert dev.post(settings_path(app), json={"name": "Kept", "url": WIDGET}).status_code == 200
    before = dev.get(settings_path(app)).json()
    refused = dev.patch(settings_path(app), json={"name": "", "width": 5})
    assert_hubspot_error(refused, 400, **invalid("name must not be blank", name=[""]))
    assert dev.get(settings_path(app)).json() == before


def test_recording_settings_register_read_and_update_through_the_sdk(
    server: Server, fresh: DevApp
) -> None:
    api = calling(server, fresh).recording_settings_api
    with pytest.raises(ApiException) as missing:
        api.get_url_format(fresh.app_id)
    assert_sdk_error(missing.value, 404, **none_for(fresh, "recording settings"))
    registered = api.register_url_format(
        fresh.app_id, RecordingSettingsRequest(url_to_retrieve_authed_recording=RECORDINGS)
    )
    assert registered.url_to_retrieve_authed_recording == RECORDINGS
    assert api.get_url_format(fresh.app_id) == registered
    moved = RECORDINGS.replace("recordings", "audio")
    patch = RecordingSettingsPatchRequest(url_to_retrieve_authed_recording=moved)
    assert api.update_url_format(fresh.app_id, patch).url_to_retrieve_authed_recording == moved
    with pytest.raises(ApiException) as twice:
        api.register_url_format(
            fresh.app_id, RecordingSettingsRequest(url_to_retrieve_authed_recording=RECORDINGS)
        )
    message = f"Recording settings for app {fresh.app_id} already exist; update them instead"
    conflict = {"message": message, "category": "CONFLICT", "errors": []}
    assert_sdk_error(twice.value, 409, **conflict, context={"appId": [str(fresh.app_id)]})
    assert api.get_url_format(fresh.app_id).url_to_retrieve_authed_recording == moved


def test_a_recording_url_that_is_no_url_is_refused(dev: httpx.Client, app: DevApp) -> None:
    body = {"urlToRetrieveAuthedRecording": "recordings/%s"}
    refused = dev.post(settings_path(app, "/recording"), json=body)
    expected = invalid(
        "Invalid recording URL format: recordings/%s",
        urlToRetrieveAuthedRecording=["recordings/%s"],
    )
    assert_hubspot_error(refused, 400, **expected)


def test_channel_connection_create_read_update_and_archive_through_the_sdk(
    server: Server, fresh: DevApp
) -> None:
    api = calling(server, fresh).channel_connection_settings_api
    created = api.create(
        fresh.app_id, ChannelConnectionSettingsRequest(is_ready=False, url=CHANNEL)
    )
    assert (created.is_ready, created.url) == (False, CHANNEL)
    assert created.created_at == created.updated_at
    assert api.get_by_id(fresh.app_id) == created
    updated = api.update(fresh.app_id, ChannelConnectionSettingsPatchRequest(is_ready=True))
    assert (updated.is_ready, updated.url, updated.created_at) == (
        True,
        CHANNEL,
        created.created_at,
    )
    api.archive(fresh.app_id)
    with pytest.raises(ApiException) as missing:
        api.get_by_id(fresh.app_id)
    assert_sdk_error(missing.value, 404, **none_for(fresh, "channel connection settings"))


def test_channel_connection_needs_both_fields(dev: httpx.Client, app: DevApp) -> None:
    refused = dev.post(settings_path(app, "/channel-connection"), json={"url": CHANNEL})
    expected = invalid("Invalid input JSON: Object missing required field `isReady`")
    assert_hubspot_error(refused, 400, **expected)


def test_the_kinds_of_settings_are_apart(server: Server, fresh: DevApp) -> None:
    with developer_http(server, fresh) as dev:
        body = {"isReady": True, "url": CHANNEL}
        assert dev.post(settings_path(fresh, "/channel-connection"), json=body).status_code == 200
        assert dev.get(settings_path(fresh)).status_code == 404
        assert dev.get(settings_path(fresh, "/recording")).status_code == 404
        assert dev.delete(settings_path(fresh)).status_code == 204
        assert dev.get(settings_path(fresh, "/channel-connection")).json()["url"] == CHANNEL


def test_the_dated_path_serves_the_same_settings(server: Server, fresh: DevApp) -> None:
    dated = f"/crm/extensions/calling/2026-03/{fresh.app_id}/settings"
    with developer_http(server, fresh) as dev:
        created = dev.post(dated, json={"name": "Dated", "url": WIDGET})
        assert created.status_code == 200, created.text
        assert dev.get(settings_path(fresh)).json() == created.json()
        assert dev.delete(dated).status_code == 204
        assert dev.get(settings_path(fresh)).status_code == 404


@pytest.mark.parametrize("suffix", ["", "/recording", "/channel-connection"])
def test_another_apps_id_is_not_found(dev: httpx.Client, other: DevApp, suffix: str) -> None:
    body = not_found(f"App {other.app_id} not found", appId=[str(other.app_id)])
    assert_hubspot_error(dev.get(settings_path(other, suffix)), 404, **body)
    assert_hubspot_error(dev.patch(settings_path(other, suffix), json={}), 404, **body)


def test_another_apps_id_is_refused_to_the_sdk(server: Server, app: DevApp, other: DevApp) -> None:
    with pytest.raises(ApiException) as refused:
        calling(server, app).settings_api.create(
            other.app_id, SettingsRequest(name="X", url=WIDGET)
        )
    body = not_found(f"App {other.app_id} not found", appId=[str(other.app_id)])
    assert_sdk_error(refused.value, 404, **body)


def test_a_bearer_token_does_not_open_the_settings(server: Server, app: DevApp) -> None:
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as crm:
        assert_hubspot_error(crm.get(settings_path(app)), 401, **NO_CREDENTIALS)


def test_a_recording_of_a_call_of_the_portal_is_marked_ready(
    portal_sdk: Any, portal_http: httpx.Client
) -> None:
    call = portal_http.post(
        "/crm/v3/objects/calls", json={"properties": {"hs_timestamp": "2026-01-15T10:00:00Z"}}
    )
    assert call.status_code == 201, call.text
    api = portal_sdk.crm.extensions.calling.recording_settings_api
    request = MarkRecordingAsReadyRequest(engagement_id=int(call.json()["id"]))
    assert api.mark_as_ready(request) is None


@pytest.mark.parametrize("engagement_id", [0, -4, 2**62, 987654321])
def test_marking_a_call_the_portal_lacks_is_not_found(
    portal_http: httpx.Client, engagement_id: int
) -> None:
    answer = portal_http.post(
        "/crm/v3/extensions/calling/recordings/ready", json={"engagementId": engagement_id}
    )
    body = not_found(
        f"No call with engagement id {engagement_id}", engagementId=[str(engagement_id)]
    )
    assert_hubspot_error(answer, 404, **body)


def test_a_call_of_another_portal_is_not_found(
    http: httpx.Client, portal_http: httpx.Client
) -> None:
    theirs = http.post(
        "/crm/v3/objects/calls", json={"properties": {"hs_timestamp": "2026-01-15T10:00:00Z"}}
    )
    assert theirs.status_code == 201, theirs.text
    call_id = int(theirs.json()["id"])
    answer = portal_http.post(
        "/crm/extensions/calling/2026-03/recordings/ready", json={"engagementId": call_id}
    )
    body = not_found(f"No call with engagement id {call_id}", engagementId=[str(call_id)])
    assert_hubspot_error(answer, 404, **body)
    mine = http.post(
        "/crm/extensions/calling/2026-03/recordings/ready", json={"engagementId": call_id}
    )
    assert mine.status_code == 204, mine.text


def test_marking_ready_needs_a_contacts_write_scope(server: Server) -> None:
    token = server.new_token("--scopes", "crm.objects.contacts.read")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as reader:
        answer = reader.post(
            "/crm/v3/extensions/calling/recordings/ready", json={"engagementId": 1}
        )
    scopes = ["crm.objects.contacts.write", "crm.schemas.contacts.write"]
    assert_hubspot_error(answer, 403, **missing_scopes(*scopes))


def test_a_nul_character_is_refused_on_both_databases(server: Server, fresh: DevApp) -> None:
    with developer_http(server, fresh) as dev:
        refused = dev.post(settings_path(fresh), json={"name": "Dia\u0000ler", "url": WIDGET})
        body = invalid("name cannot hold a NUL character", name=["Dialer"])
        assert_hubspot_error(refused, 400, **body)
        assert dev.get(settings_path(fresh)).status_code == 404
