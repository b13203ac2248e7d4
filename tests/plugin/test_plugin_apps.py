"""The ``localspot`` fixture's developer apps: made on the admin side, their Webhooks API
used through the official SDK with the app's developer key, uninstalled by the per-test
reset (the apps themselves stay, installed nowhere)."""

from __future__ import annotations

import pytest
from hubspot.webhooks import SubscriptionCreateRequest

from localspot.testing import LocalSpot, LocalspotAdminError


def test_an_app_is_made_in_the_tests_portal_and_its_webhooks_api_opens(
    localspot: LocalSpot,
) -> None:
    app = localspot.apps.create("Plugin app")
    assert {"appId", "clientSecret", "developerApiKey"} <= set(app)
    assert app["portalIds"] == [localspot.portal_id]
    api = localspot.apps.client(app).webhooks.subscriptions_api
    made = api.create(
        app["appId"], SubscriptionCreateRequest(event_type="contact.creation", active=True)
    )
    assert [s.id for s in api.get_all(app["appId"]).results] == [made.id]
    listed = [a for a in localspot.apps.list() if a["appId"] == app["appId"]]
    assert listed == [
        {
            "appId": app["appId"],
            "name": "Plugin app",
            "createdAt": listed[0]["createdAt"],
            "portalIds": [localspot.portal_id],
        }
    ]


def test_uninstall_and_install_again(localspot: LocalSpot) -> None:
    app = localspot.apps.create()
    localspot.apps.uninstall(app["appId"])
    with pytest.raises(LocalspotAdminError, match="^404: "):
        localspot.apps.uninstall(app["appId"])
    localspot.apps.install(app["appId"])
    found = [a for a in localspot.apps.list() if a["appId"] == app["appId"]]
    assert found[0]["portalIds"] == [localspot.portal_id]


def test_the_clean_start_uninstalls_every_app_from_the_portal(localspot: LocalSpot) -> None:
    app = localspot.apps.create()
    localspot.start_clean()  # what the fixture does before each test
    apps = localspot.apps.list()
    assert app["appId"] in [a["appId"] for a in apps]  # the app stays, installed nowhere
    assert all(localspot.portal_id not in a["portalIds"] for a in apps)
