"""Video conferencing extension settings (``/crm/v3/extensions/videoconferencing/settings/
{appId}`` and the dated path) through the official SDK with the app's developer API key,
raw httpx for bad input and another app's id."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from hubspot.crm.extensions.videoconferencing import ApiException, ExternalSettings
from webhook_support import DevApp, developer_http, developer_sdk, invalid, new_app, not_found

from conftest import Server, assert_hubspot_error, assert_sdk_error

CREATE = "https://video.example.com/meetings/create"


@pytest.fixture(scope="module")
def app(server: Server) -> DevApp:
    return new_app(server, "Video app")


@pytest.fixture(scope="module")
def dev(server: Server, app: DevApp) -> Iterator[httpx.Client]:
    with developer_http(server, app) as client:
        yield client


def video_path(app: DevApp) -> str:
    return f"/crm/v3/extensions/videoconferencing/settings/{app.app_id}"


def none_for(app: DevApp) -> dict[str, object]:
    message = f"No video conferencing settings for app {app.app_id}"
    return not_found(message, appId=[str(app.app_id)])


def test_settings_replace_read_and_archive_through_the_sdk(server: Server) -> None:
    fresh = new_app(server, "Fresh video app")
    api = developer_sdk(server, fresh).crm.extensions.videoconferencing.settings_api
    with pytest.raises(ApiException) as missing:
        api.get_by_id(fresh.app_id)
    assert_sdk_error(missing.value, 404, **none_for(fresh))
    every = ExternalSettings(
        create_meeting_url=CREATE,
        update_meeting_url="https://video.example.com/meetings/update",
        delete_meeting_url="https://video.example.com/meetings/delete",
        user_verify_url="https://video.example.com/users/verify",
        fetch_accounts_uri="http://127.0.0.1:9000/accounts",
    )
    assert api.replace(fresh.app_id, every) == every
    assert api.get_by_id(fresh.app_id) == every
    only_create = ExternalSettings(create_meeting_url=CREATE + "/v2")
    assert api.replace(fresh.app_id, only_create) == only_create  # a PUT replaces them all
    assert api.get_by_id(fresh.app_id) == only_create
    api.archive(fresh.app_id)
    with pytest.raises(ApiException) as gone:
        api.get_by_id(fresh.app_id)
    assert_sdk_error(gone.value, 404, **none_for(fresh))


def test_absent_urls_are_left_out_of_the_answer(dev: httpx.Client, app: DevApp) -> None:
    saved = dev.put(video_path(app), json={"createMeetingUrl": CREATE, "userVerifyUrl": None})
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"createMeetingUrl": CREATE}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, invalid("Invalid input JSON: Object missing required field `createMeetingUrl`")),
        (
            {"createMeetingUrl": CREATE, "deleteMeetingUrl": "http://video.example.com/d"},
            invalid(
                "The deleteMeetingUrl must use https (http only to a local receiver):"
                " http://video.example.com/d",
                deleteMeetingUrl=["http://video.example.com/d"],
            ),
        ),
        (
            {"createMeetingUrl": "meetings"},
            invalid("Invalid createMeetingUrl: meetings", createMeetingUrl=["meetings"]),
        ),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    dev: httpx.Client, app: DevApp, body: dict[str, object], expected: dict[str, object]
) -> None:
    assert dev.put(video_path(app), json={"createMeetingUrl": CREATE}).status_code == 200
    assert_hubspot_error(dev.put(video_path(app), json=body), 400, **expected)
    assert dev.get(video_path(app)).json() == {"createMeetingUrl": CREATE}


def test_archiving_nothing_is_no_error(server: Server) -> None:
    fresh = new_app(server, "Empty video app")
    with developer_http(server, fresh) as dev:
        assert dev.delete(video_path(fresh)).status_code == 204
        assert_hubspot_error(dev.get(video_path(fresh)), 404, **none_for(fresh))


def test_another_apps_id_is_not_found(server: Server, dev: httpx.Client, app: DevApp) -> None:
    other = new_app(server, "Other video app")
    body = not_found(f"App {other.app_id} not found", appId=[str(other.app_id)])
    assert_hubspot_error(dev.put(video_path(other), json={"createMeetingUrl": CREATE}), 404, **body)
    with pytest.raises(ApiException) as refused:
        api = developer_sdk(server, app).crm.extensions.videoconferencing.settings_api
        api.get_by_id(other.app_id)
    assert_sdk_error(refused.value, 404, **body)


def test_the_dated_path_serves_the_same_settings(dev: httpx.Client, app: DevApp) -> None:
    dated = f"/crm/extensions/videoconferencing/2026-03/settings/{app.app_id}"
    saved = dev.put(dated, json={"createMeetingUrl": CREATE + "/dated"})
    assert saved.status_code == 200, saved.text
    assert dev.get(video_path(app)).json() == saved.json()
    assert dev.delete(dated).status_code == 204
    assert dev.get(video_path(app)).status_code == 404
