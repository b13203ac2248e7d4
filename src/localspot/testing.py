"""The pytest plugin (registered as a ``pytest11`` entry point): test HubSpot integrations
against a real localspot server.

- ``localspot_server`` (session): ``localspot serve`` on a free loopback port, with a fresh
  SQLite database for the session and its own admin token;
- ``localspot`` (function): a portal reset before each test (records, custom properties,
  custom object types, owners, teams, lists and list folders, undelivered webhook events
  and deliveries, fault rules, journal, seeded ids, the clock), with
  ``base_url``, ``token``, a ready ``hubspot.Client`` (``.client``) and helpers:
  ``.faults``, ``.time``, ``.journal``, ``.owners``, ``.teams``, ``.apps``, ``.webhooks``,
  ``.snapshot()``, ``.restore()``. The reset also uninstalls every developer app from the
  portal (apps live outside portals, as at HubSpot, so those of earlier tests remain,
  installed nowhere).

Fixture names are prefixed, so a project's own ``server`` or ``http`` fixtures are left
alone. Importing this module starts nothing.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

STARTUP_SECONDS = 60
POLL_SECONDS = 0.05
"""Between two looks at the admin API while waiting for webhook events."""
_FIELD_NAMES = {"body_contains": "bodyContains", "retry_after": "retryAfter"}
_FIELD_NAMES |= {"latency_ms": "latencyMs"}


class LocalspotAdminError(RuntimeError):
    """An admin call the server refused; the message holds its answer."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "localspot_rate_limits",
        "Enforce HubSpot's rate limits on the localspot test server (default: off).",
        type="bool",
        default=False,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _drain(stream: IO[str]) -> None:
    try:
        for _ in stream:
            pass
    except (OSError, ValueError):
        pass


@dataclass
class LocalspotServer:
    """A running ``localspot serve`` process."""

    base_url: str
    admin_token: str
    database_url: str
    process: subprocess.Popen[str]

    def admin_client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.admin_token}"}
        return httpx.Client(base_url=f"{self.base_url}/_localspot", headers=headers, timeout=60)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


READY_LINES = ("Application startup complete", "Uvicorn running on")
"""What uvicorn logs once the app has started and once its socket listens: the second
comes after the first (the app's startup runs before the socket is bound), and only both
mean a request will be answered."""


def serving(log: list[str]) -> bool:
    """Whether ``localspot serve``'s log so far says it answers requests."""
    return all(any(ready in line for line in log) for ready in READY_LINES)


def start_localspot(database_url: str, *, rate_limits: bool = False) -> LocalspotServer:
    """Start a server and return once uvicorn reports the app started (killed after
    ``STARTUP_SECONDS`` without that line)."""
    port, admin_token = _free_port(), secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "LOCALSPOT_DATABASE_URL": database_url,
        "LOCALSPOT_ADMIN_TOKEN": admin_token,
        "LOCALSPOT_RATE_LIMITS": "on" if rate_limits else "off",
    }
    command = [sys.executable, "-m", "localspot", "serve", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    watchdog = threading.Timer(STARTUP_SECONDS, process.kill)
    watchdog.start()
    seen: list[str] = []
    try:
        for line in process.stderr:  # the server's own log, line by line: no polling
            seen.append(line)
            if serving(seen):
                break
        else:
            raise RuntimeError("localspot serve did not start:\n" + "".join(seen))
    finally:
        watchdog.cancel()
    threading.Thread(target=_drain, args=(process.stderr,), daemon=True).start()
    return LocalspotServer(f"http://127.0.0.1:{port}", admin_token, database_url, process)


def _checked(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        raise LocalspotAdminError(f"{response.status_code}: {response.text}")
    return response


@dataclass
class Faults:
    """The portal's fault rules (``POST /_localspot/portals/{id}/faults``)."""

    admin: httpx.Client
    portal_id: int

    def add(self, **rule: Any) -> dict[str, Any]:
        """E.g. ``add(status=429, method="POST", path="*/batch/update", times=1)``; options:
        status, method, path, body_contains, policy, retry_after, message, latency_ms, nth,
        fraction, seed, times. Returns the rule, with its ``id``."""
        body = {_FIELD_NAMES.get(k, k): v for k, v in rule.items() if v is not None}
        found: dict[str, Any] = _checked(
            self.admin.post(f"/portals/{self.portal_id}/faults", json=body)
        ).json()
        return found

    def list(self) -> list[dict[str, Any]]:
        rules: list[dict[str, Any]] = _checked(
            self.admin.get(f"/portals/{self.portal_id}/faults")
        ).json()["results"]
        return rules

    def remove(self, rule_id: str) -> None:
        _checked(self.admin.delete(f"/portals/{self.portal_id}/faults/{rule_id}"))

    def clear(self) -> None:
        _checked(self.admin.delete(f"/portals/{self.portal_id}/faults"))


@dataclass
class TimeControl:
    """The server's clock: records' timestamps, history and rate-limit windows follow it."""

    admin: httpx.Client

    def _post(self, action: str, body: Mapping[str, Any] | None = None) -> int:
        state = _checked(self.admin.post(f"/time/{action}", json=body or {})).json()
        return int(state["nowMs"])

    def now(self) -> int:
        return int(_checked(self.admin.get("/time")).json()["nowMs"])

    def freeze(self, at: datetime | int | str | None = None) -> int:
        """Stop the clock at ``at`` (epoch ms, ISO-8601 or an aware datetime; default now)."""
        value = at.isoformat() if isinstance(at, datetime) else at
        return self._post("freeze", {"at": value} if value is not None else {})

    def advance(self, ms: int) -> int:
        return self._post("advance", {"ms": ms})

    def unfreeze(self) -> int:
        return self._post("unfreeze")

    def reset(self) -> int:
        return self._post("reset")


@dataclass
class Journal:
    """What the portal's clients sent and got back, oldest first."""

    admin: httpx.Client
    portal_id: int

    def entries(
        self, *, path: str | None = None, method: str | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        """``path`` is a glob (``*`` matches anything, ``/`` included)."""
        query = {"path": path, "method": method, "status": status}
        params = {k: v for k, v in query.items() if v is not None}
        url = f"/portals/{self.portal_id}/journal"
        found: list[dict[str, Any]] = _checked(self.admin.get(url, params=params)).json()["results"]
        return found

    def clear(self) -> None:
        _checked(self.admin.delete(f"/portals/{self.portal_id}/journal"))


@dataclass
class Owners:
    """The portal's owners: HubSpot has no API to create them, so a test makes them here and
    reads them through ``/crm/v3/owners``. Owners are dicts as the admin API returns them."""

    admin: httpx.Client
    portal_id: int

    def create(self, email: str, *, first_name: str = "", last_name: str = "") -> dict[str, Any]:
        body = {"email": email, "firstName": first_name, "lastName": last_name}
        url = f"/portals/{self.portal_id}/owners"
        created: dict[str, Any] = _checked(self.admin.post(url, json=body)).json()
        return created

    def list(self) -> list[dict[str, Any]]:
        """Every owner, archived ones too, by id."""
        url = f"/portals/{self.portal_id}/owners"
        found: list[dict[str, Any]] = _checked(self.admin.get(url)).json()["results"]
        return found

    def archive(self, owner_id: int | str) -> None:
        _checked(self.admin.post(f"/portals/{self.portal_id}/owners/{owner_id}/archive"))


@dataclass
class Teams:
    """The portal's teams: HubSpot has no public API for them, so a test makes them here and
    sees them on each owner's ``teams`` in ``/crm/v3/owners``. Teams are dicts as the admin
    API returns them (``members``: ``ownerId`` and ``primary``)."""

    admin: httpx.Client
    portal_id: int

    def create(self, name: str) -> dict[str, Any]:
        url = f"/portals/{self.portal_id}/teams"
        created: dict[str, Any] = _checked(self.admin.post(url, json={"name": name})).json()
        return created

    def list(self) -> list[dict[str, Any]]:
        """Every team, archived ones too, by id, with its members."""
        url = f"/portals/{self.portal_id}/teams"
        found: list[dict[str, Any]] = _checked(self.admin.get(url)).json()["results"]
        return found

    def archive(self, team_id: int | str) -> None:
        _checked(self.admin.post(f"/portals/{self.portal_id}/teams/{team_id}/archive"))

    def add_owner(
        self, team_id: int | str, owner_id: int | str, *, primary: bool | None = None
    ) -> None:
        """Put an owner on a team; ``primary`` None: primary when it is the owner's first."""
        body: dict[str, Any] = {"ownerId": int(owner_id)}
        if primary is not None:
            body["primary"] = primary
        _checked(self.admin.post(f"/portals/{self.portal_id}/teams/{team_id}/owners", json=body))

    def remove_owner(self, team_id: int | str, owner_id: int | str) -> None:
        url = f"/portals/{self.portal_id}/teams/{team_id}/owners/{owner_id}"
        _checked(self.admin.delete(url))


@dataclass
class Apps:
    """Developer apps: ``create`` makes one installed in this test's portal and returns
    ``appId``, ``clientSecret`` and ``developerApiKey``; ``client(app)`` is a ``hubspot.Client``
    whose Webhooks API and CRM extensions settings calls carry the app's developer API key."""

    admin: httpx.Client
    portal_id: int
    base_url: str

    def create(self, name: str = "pytest app") -> dict[str, Any]:
        body = {"name": name, "portalId": self.portal_id}
        created: dict[str, Any] = _checked(self.admin.post("/apps", json=body)).json()
        return created

    def list(self) -> list[dict[str, Any]]:
        """Every app (no secrets), by id, with the portals it is installed in."""
        found: list[dict[str, Any]] = _checked(self.admin.get("/apps")).json()["results"]
        return found

    def install(self, app_id: int, portal_id: int | None = None) -> None:
        _checked(self.admin.put(f"/apps/{app_id}/portals/{portal_id or self.portal_id}"))

    def uninstall(self, app_id: int, portal_id: int | None = None) -> None:
        _checked(self.admin.delete(f"/apps/{app_id}/portals/{portal_id or self.portal_id}"))

    def client(self, app: Mapping[str, Any]) -> Any:
        import hubspot  # type: ignore[import-untyped]

        return hubspot.Client.create(api_key=app["developerApiKey"], host=self.base_url)


@dataclass
class Webhooks:
    """Webhook delivery for the test's portal: set an app's target URL and subscriptions
    (through the Webhooks API, with the app's developer API key), and see what the server
    sent (``deliveries``, newest first) or wait for delivered events (``wait_for_events``,
    oldest first). The portal's reset clears its undelivered events and deliveries."""

    admin: httpx.Client
    portal_id: int
    base_url: str

    def _developer(self, app: Mapping[str, Any]) -> httpx.Client:
        params = {"hapikey": app["developerApiKey"]}
        return httpx.Client(base_url=self.base_url, params=params, timeout=60)

    def configure(
        self, app: Mapping[str, Any], target_url: str, *, max_concurrent_requests: int = 10
    ) -> None:
        """The app's settings: where its events go (``http`` to a local receiver is fine)."""
        body = {
            "targetUrl": target_url,
            "throttling": {"maxConcurrentRequests": max_concurrent_requests},
        }
        with self._developer(app) as client:
            _checked(client.put(f"/webhooks/v3/{app['appId']}/settings", json=body))

    def subscribe(
        self,
        app: Mapping[str, Any],
        event_type: str,
        *,
        property_name: str | None = None,
        object_type_id: str | None = None,
        active: bool = True,
    ) -> dict[str, Any]:
        """An (active) subscription, as the Webhooks API answers it."""
        body = {"eventType": event_type, "active": active}
        body |= {"propertyName": property_name} if property_name else {}
        body |= {"objectTypeId": object_type_id} if object_type_id else {}
        with self._developer(app) as client:
            made = _checked(client.post(f"/webhooks/v3/{app['appId']}/subscriptions", json=body))
        created: dict[str, Any] = made.json()
        return created

    def deliveries(
        self, *, state: str | None = None, app_id: int | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Each request the server made for the portal's events, newest first: ``events``,
        ``status``, ``state`` (delivered, retrying, failed), ``nextRetryAt``, ..."""
        query = {"state": state, "appId": app_id, "limit": limit}
        params = {k: v for k, v in query.items() if v is not None}
        url = f"/portals/{self.portal_id}/webhooks/deliveries"
        found: list[dict[str, Any]] = _checked(self.admin.get(url, params=params)).json()["results"]
        return found

    def wait_for_events(
        self, count: int = 1, *, subscription_type: str | None = None, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """The events delivered so far (one per ``eventId``, oldest first, of
        ``subscription_type`` if given), once there are at least ``count``; polls the admin
        API until ``timeout`` seconds have passed, then raises ``TimeoutError``."""
        deadline = time.monotonic() + timeout
        while True:
            found = self._delivered(subscription_type)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{len(found)} of {count} webhook events delivered")
            time.sleep(POLL_SECONDS)

    def wait_for_deliveries(
        self, count: int = 1, *, state: str | None = None, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """``deliveries(state=state)`` once it holds at least ``count`` requests (polls the
        admin API until ``timeout`` seconds have passed, then raises ``TimeoutError``)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.deliveries(state=state, limit=max(count, 100))
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{len(found)} of {count} webhook deliveries made")
            time.sleep(POLL_SECONDS)

    def _delivered(self, subscription_type: str | None) -> list[dict[str, Any]]:
        seen: dict[int, dict[str, Any]] = {}
        for delivery in reversed(self.deliveries(state="delivered", limit=1000)):
            for event in delivery["events"]:
                if subscription_type in (None, event["subscriptionType"]):
                    seen.setdefault(event["eventId"], event)
        return list(seen.values())


@dataclass
class LocalSpot:
    """One test's view of its portal on the session's server."""

    base_url: str
    token: str
    portal_id: int
    admin: httpx.Client
    faults: Faults = field(init=False)
    time: TimeControl = field(init=False)
    journal: Journal = field(init=False)
    owners: Owners = field(init=False)
    teams: Teams = field(init=False)
    apps: Apps = field(init=False)
    webhooks: Webhooks = field(init=False)
    _client: Any = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.faults = Faults(self.admin, self.portal_id)
        self.time = TimeControl(self.admin)
        self.journal = Journal(self.admin, self.portal_id)
        self.owners = Owners(self.admin, self.portal_id)
        self.teams = Teams(self.admin, self.portal_id)
        self.apps = Apps(self.admin, self.portal_id, self.base_url)
        self.webhooks = Webhooks(self.admin, self.portal_id, self.base_url)

    @property
    def client(self) -> Any:
        """``hubspot.Client`` for this portal (needs ``hubspot-api-client``)."""
        if self._client is None:
            import hubspot

            self._client = hubspot.Client.create(access_token=self.token, host=self.base_url)
        return self._client

    def reset(self, *, keep_custom_properties: bool = False) -> None:
        body = {"keepCustomProperties": keep_custom_properties}
        _checked(self.admin.post(f"/portals/{self.portal_id}/reset", json=body))

    def snapshot(self) -> bytes:
        """The portal as JSON bytes: equal states give equal bytes."""
        return _checked(self.admin.get(f"/portals/{self.portal_id}/snapshot")).content

    def restore(self, snapshot: bytes | str) -> None:
        headers = {"content-type": "application/json"}
        url = f"/portals/{self.portal_id}/snapshot"
        _checked(self.admin.put(url, content=snapshot, headers=headers))

    def seed_ids(self, seed: int | None) -> None:
        """New record ids come from ``seed``'s sequence (None: the database's own)."""
        _checked(self.admin.put(f"/portals/{self.portal_id}/id-seed", json={"seed": seed}))

    def start_clean(self) -> None:
        """What the fixture does before each test."""
        self.reset()
        self.seed_ids(None)
        self.faults.clear()
        self.journal.clear()
        self.time.reset()


@pytest.fixture(scope="session")
def localspot_server(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[LocalspotServer]:
    """A localspot server for the session, on a fresh SQLite database."""
    database = Path(tmp_path_factory.mktemp("localspot")) / "localspot.db"
    rate_limits = bool(pytestconfig.getini("localspot_rate_limits"))
    server = start_localspot(f"sqlite:///{database}", rate_limits=rate_limits)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def localspot_portal(localspot_server: LocalspotServer) -> Iterator[tuple[int, str, httpx.Client]]:
    """The session's portal: (id, token, admin client)."""
    with localspot_server.admin_client() as admin:
        created = _checked(admin.post("/portals", json={"name": "pytest", "withToken": True}))
        yield created.json()["id"], created.json()["token"], admin


@pytest.fixture
def localspot(
    localspot_server: LocalspotServer, localspot_portal: tuple[int, str, httpx.Client]
) -> LocalSpot:
    """A clean portal for this test (see the module's docstring)."""
    portal_id, token, admin = localspot_portal
    spot = LocalSpot(localspot_server.base_url, token, portal_id, admin)
    spot.start_clean()
    return spot
