"""Tokens never reach the request journal or the server's log (uvicorn's access log
included), however they travel: in a query parameter (its name or value percent-encoded),
a form body, a JSON body (``\\u``-escaped too), or an answer that echoes them."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest

from conftest import Server, start_server, stop_server

CALLS = "/crm/v3/objects/calls"
CALL_TIME = "2026-01-15T10:30:00.000Z"
ADMIN = f"admin-{secrets.token_hex(12)}"
PLAIN_BEARER = f"plain-bearer-{secrets.token_hex(12)}"
"""A token of no recognisable shape: only knowing it as the request's bearer catches it."""
HAPIKEY = f"legacy-key-{secrets.token_hex(12)}"


@dataclass
class Logged:
    server: Server
    log: list[str]
    admin: httpx.Client

    def journal(self, portal_id: int) -> str:
        response = self.admin.get(f"/_localspot/portals/{portal_id}/journal")
        assert response.status_code == 200, response.text
        return response.text

    def log_text(self) -> str:
        """The log up to now: waits (bounded) until the server logged a fresh marker request."""
        marker = uuid.uuid4().hex
        httpx.get(f"{self.server.base_url}/healthz", params={"marker": marker})
        deadline = time.monotonic() + 30
        while not any(marker in line for line in list(self.log)):
            assert time.monotonic() < deadline, "the access line never appeared"
            time.sleep(0.02)
        return "".join(self.log)


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Logged]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('redaction') / 'r.db'}"
    log: list[str] = []
    env = {"LOCALSPOT_ADMIN_TOKEN": ADMIN, "LOCALSPOT_TOKEN": PLAIN_BEARER}
    server = start_server(database_url, env=env, log=log)
    admin = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {ADMIN}"})
    try:
        yield Logged(server, log, admin)
    finally:
        admin.close()
        stop_server(server)


def encoded_forms(secret: str) -> list[str]:
    """The secret as text, percent-encoded (the usual way and every byte), JSON-escaped."""
    every_byte = "".join(f"%{b:02X}" for b in secret.encode())
    json_escaped = f"\\u{ord(secret[0]):04x}{secret[1:]}"
    return [secret, quote(secret, safe=""), every_byte, json_escaped]


def assert_nowhere(secret: str, *texts: str) -> None:
    for text in texts:
        for form in encoded_forms(secret):
            assert form not in text, f"{form!r} leaked"


def new_portal(logged: Logged) -> tuple[int, str]:
    created = logged.admin.post("/_localspot/portals", json={"withToken": True})
    assert created.status_code == 201, created.text
    return int(created.json()["id"]), str(created.json()["token"])


def crm(logged: Logged, token: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=logged.server.base_url, headers=headers, timeout=30)


def every_byte(text: str) -> str:
    return "".join(f"%{b:02X}" for b in text.encode())


def test_tokens_in_queries_bodies_and_answers_are_redacted(logged: Logged) -> None:
    portal_id, token = new_portal(logged)
    _, other_token = new_portal(logged)
    escaped_other = f"\\u{ord(other_token[0]):04x}{other_token[1:]}"
    with crm(logged, token) as client:
        assert client.get(f"{CALLS}?access_token={token}&limit=1").status_code == 200
        assert client.get(f"{CALLS}?access%5Ftoken={every_byte(token)}").status_code == 200
        assert client.get(CALLS, params={"hapikey": HAPIKEY, "api_key": HAPIKEY}).status_code == 200
        link = f"https://x.test/?access_token={quote(token, safe='')}"
        raw = (
            f'{{"properties": {{"hs_timestamp": "{CALL_TIME}", "hs_call_title": "{escaped_other}",'
            f' "hs_call_body": "see {link}"}}, "token": "{HAPIKEY}"}}'
        )
        headers = {"content-type": "application/json"}
        answer = client.post(CALLS, content=raw.encode(), headers=headers)
        assert answer.status_code == 201, answer.text
        assert answer.json()["properties"]["hs_call_title"] == other_token  # echoed back
        form = f"client_secret={HAPIKEY}&access%5Ftoken={token}"
        form_headers = {"content-type": "application/x-www-form-urlencoded"}
        client.post("/crm/v3/objects/nowhere", content=form, headers=form_headers)
    journal = logged.journal(portal_id)
    assert journal.count("[REDACTED]") >= 8
    assert_nowhere(token, journal, logged.log_text())
    assert_nowhere(other_token, journal, logged.log_text())
    assert_nowhere(HAPIKEY, journal, logged.log_text())
    assert f'"GET {CALLS}?access_token=[REDACTED]&limit=1 HTTP/1.1" 200' in logged.log_text()


def test_the_callers_own_token_is_redacted_whatever_its_shape(logged: Logged) -> None:
    """The default portal's token (``LOCALSPOT_TOKEN``) looks like nothing in particular."""
    with crm(logged, PLAIN_BEARER) as client:
        client.get(f"{CALLS}?after={PLAIN_BEARER}")
        assert client.get(f"{CALLS}?q={every_byte(PLAIN_BEARER)}").status_code == 200
        body = {"properties": {"hs_timestamp": CALL_TIME, "hs_call_title": PLAIN_BEARER}}
        assert client.post(CALLS, json=body).status_code == 201
    default_portal = 1  # the first portal of a fresh database, made on start
    journal = logged.journal(default_portal)
    assert journal.count("[REDACTED]") >= 3
    assert_nowhere(PLAIN_BEARER, journal, logged.log_text())


def test_the_admin_token_is_not_logged(logged: Logged) -> None:
    logged.admin.get("/_localspot/time", params={"echo": ADMIN})
    assert_nowhere(ADMIN, logged.log_text())


def test_an_apps_developer_key_and_client_secret_are_not_logged(logged: Logged) -> None:
    """The key travels as ``hapikey`` on every Webhooks API call, wrong ones too; the secret
    is only in the answer that made the app."""
    made = logged.admin.post("/_localspot/apps", json={"name": "Logged"})
    assert made.status_code == 201, made.text
    app_id, key = made.json()["appId"], made.json()["developerApiKey"]
    with httpx.Client(base_url=logged.server.base_url, timeout=30) as client:
        path = f"/webhooks/v3/{app_id}/subscriptions"
        assert client.get(path, params={"hapikey": key}).status_code == 200
        assert client.get(f"/webhooks/v3/{app_id + 1}/settings?hapikey={key}").status_code == 404
        assert client.get(path, params={"hApiKey": key}).status_code == 401
    assert logged.admin.get("/_localspot/apps").status_code == 200
    text = logged.log_text()
    assert_nowhere(key, text)
    assert_nowhere(made.json()["clientSecret"], text)
    assert f'"GET {path}?hapikey=[REDACTED] HTTP/1.1" 200' in text
