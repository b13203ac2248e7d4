"""Developer apps: the operator side (create, install, uninstall, list) and the developer
API key that opens an app's Webhooks API (hubspot-behaviour §17).

HubSpot makes apps in a developer account's pages; here the CLI, the admin API and the
pytest plugin make them. Each app gets its own developer API key (as if each lived in a
developer account of its own) and a client secret, both UUIDs as HubSpot's are, both shown
once, by the call that made the app. The key is stored as its SHA-256 digest; the secret
is stored as given, because webhook requests are signed with it (as HubSpot's app settings
page shows it again).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from localspot.crm.accounts import hash_token, portal_not_found, portal_or_default
from localspot.crm.accounts_storage import AccountsStorage
from localspot.crm.apps_storage import App, AppsStorage, NewApp
from localspot.crm.errors import HubSpotError, ResourceNotFound, ValidationError

DEFAULT_NAME = "App"
MAX_NAME = 200
API_KEY_PAGE = "https://app.hubspot.com/l/api-key/"


class AppAdminStorage(AppsStorage, AccountsStorage, Protocol):
    """What the operator's app use cases use: the apps, and the default portal."""


class InvalidDeveloperKey(HubSpotError):
    """A ``hapikey`` no app has: HubSpot's answer to an unknown API key."""

    status = 401
    category = "INVALID_AUTHENTICATION"

    def __init__(self) -> None:
        super().__init__(
            f"The API key provided is invalid. View or manage your API key here: {API_KEY_PAGE}",
            links={"api key": API_KEY_PAGE},
            headers={"x-hubspot-auth-failure": "401 Unauthorized"},
        )


class MissingDeveloperKey(HubSpotError):
    """No ``hapikey`` at all (a bearer token does not open the Webhooks API here)."""

    status = 401
    category = "INVALID_AUTHENTICATION"

    def __init__(self) -> None:
        super().__init__(
            "Authentication credentials not found. This API supports both API Key and OAuth "
            "2.0 authentication and you can find more details at "
            "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            headers={"x-hubspot-auth-failure": "401 Unauthorized"},
        )


@dataclass(frozen=True, slots=True)
class CreatedApp:
    """A new app and its secrets: the only time they are shown."""

    app: App
    client_secret: str
    developer_api_key: str


def app_not_found(app_id: int | str) -> ResourceNotFound:
    return ResourceNotFound(f"App {app_id} not found", context={"appId": [str(app_id)]})


def app_name(name: str) -> str:
    text = name.strip()
    if not text:
        raise ValidationError("An app needs a name", context={"name": [name]})
    if any(c < " " or c == "\x7f" for c in text):
        raise ValidationError(
            "An app name cannot hold control characters", context={"name": [name]}
        )
    if len(text) > MAX_NAME:
        raise ValidationError(
            f"An app name is at most {MAX_NAME} characters", context={"name": [name]}
        )
    return text


def _secret() -> str:
    return str(uuid.uuid4())


async def create(store: AppAdminStorage, name: str, portal_id: int | None, at: int) -> CreatedApp:
    """A new app installed in the portal (None: the first portal); 404 when the portal is
    missing, and then nothing is made."""
    text = app_name(name)
    portal = await portal_or_default(store, portal_id)
    key, secret = _secret(), _secret()
    app = await store.create_app(NewApp(text, secret, hash_token(key), at), portal)
    if app is None:
        raise portal_not_found(portal)
    return CreatedApp(app, secret, key)


async def all_apps(store: AppsStorage) -> Sequence[App]:
    return await store.apps()


async def get(store: AppsStorage, app_id: int) -> App:
    found = await store.apps([app_id])
    if not found:
        raise app_not_found(app_id)
    return found[0]


async def install(store: AppAdminStorage, app_id: int, portal_id: int | None) -> int:
    """Install the app in the portal (None: the first portal); installing it again changes
    nothing. Returns the portal."""
    portal = await portal_or_default(store, portal_id)
    outcome = await store.install_app(app_id, portal)
    if not outcome.app_found:
        raise app_not_found(app_id)
    if not outcome.portal_found:
        raise portal_not_found(portal)
    return portal


async def uninstall(store: AppAdminStorage, app_id: int, portal_id: int | None) -> int:
    """Take the app out of the portal: its subscriptions stop applying there. 404 when it
    was not installed there. Returns the portal."""
    portal = await portal_or_default(store, portal_id)
    outcome = await store.uninstall_app(app_id, portal)
    if not outcome.app_found:
        raise app_not_found(app_id)
    if not outcome.portal_found:
        raise portal_not_found(portal)
    if not outcome.changed:
        raise ResourceNotFound(
            f"App {app_id} is not installed in portal {portal}",
            context={"appId": [str(app_id)], "portalId": [str(portal)]},
        )
    return portal


async def authenticate(store: AppsStorage, developer_api_key: str | None) -> int:
    """``hapikey`` → the id of the app it opens. None or empty: 401 credentials not found;
    unknown: HubSpot's 401 for an invalid API key."""
    if not developer_api_key:
        raise MissingDeveloperKey()
    app_id = await store.app_of_key(hash_token(developer_api_key))
    if app_id is None:
        raise InvalidDeveloperKey()
    return app_id
