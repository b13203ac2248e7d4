"""Who may see the inspector (``/_localspot/ui/``): every page and action, found from the
app's own routes, refuses a request without the admin token (pages redirect to the sign-in
page, actions answer the admin API's 401); the sign-in link works once; forms need their
CSRF token. In process: the app of ``localspot serve`` on a real SQLite file."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from litestar.testing import TestClient

from conftest import assert_hubspot_error

ADMIN_TOKEN = "inspector-admin-" + secrets.token_hex(8)
SIGNIN_CODE = "one-time-" + secrets.token_hex(8)
UNAUTHENTICATED = {
    "message": "Authentication credentials not found. This API supports OAuth 2.0 "
    "authentication and you can find more details at https://developers.hubspot.com/docs/"
    "methods/auth/oauth-overview",
    "category": "INVALID_AUTHENTICATION",
    "context": {},
    "errors": [],
}
PUBLIC = ("/_localspot/ui/signin", "/_localspot/ui/signout", "/_localspot/ui/static")


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Any]]:
    from localspot.app import create_app
    from localspot.config import Settings
    from localspot.store.open import open_store

    url = "sqlite:///" + str(tmp_path_factory.mktemp("inspector") / "localspot.db")

    async def first_portal() -> None:
        store = open_store(url)
        try:
            await store.create_portal("inspected")
        finally:
            await store.close()

    asyncio.run(first_portal())
    settings = Settings(
        database_url=url, rate_limits=False, admin_token=ADMIN_TOKEN, ui_signin_token=SIGNIN_CODE
    )
    with TestClient(create_app(settings)) as client:
        yield client


def ui_routes(client: TestClient[Any]) -> list[tuple[str, str]]:
    """(method, path with sample parameters) of every guarded UI route."""
    found = []
    for route in client.app.routes:
        path = route.path
        if not path.startswith("/_localspot/ui") or path.startswith(PUBLIC):
            continue
        concrete = re.sub(r"\{portal_id:int\}", "1", path)
        concrete = re.sub(r"\{entry_id:int\}", "1", concrete)
        concrete = re.sub(r"\{[a-z_]+:str\}", "contacts", concrete)
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            found.append((method, concrete))
    return found


def anonymous(client: TestClient[Any]) -> TestClient[Any]:
    client.cookies.clear()
    client.headers.pop("Authorization", None)
    return client


def test_every_ui_route_is_counted(app_client: TestClient[Any]) -> None:
    routes = ui_routes(app_client)
    paths = {path for _, path in routes}
    assert ("GET", "/_localspot/ui") in routes
    assert "/_localspot/ui/portals/1/records/contacts/contacts" in paths
    assert "/_localspot/ui/portals/1/control/faults" in paths
    assert "/_localspot/ui/portals/1/lists/contacts" in paths
    assert "/_localspot/ui/portals/1/apps" in paths
    assert len(routes) == 21  # 16 pages, 5 actions


def test_pages_redirect_to_sign_in_without_a_session(app_client: TestClient[Any]) -> None:
    client = anonymous(app_client)
    for method, path in ui_routes(client):
        if method != "GET":
            continue
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/_localspot/ui/signin?next={quote(path, '')}"


def test_actions_answer_401_without_a_session(app_client: TestClient[Any]) -> None:
    client = anonymous(app_client)
    for method, path in ui_routes(client):
        if method == "GET":
            continue
        response = client.request(method, path, data={"csrf": "x"}, follow_redirects=False)
        assert_hubspot_error(response, 401, **UNAUTHENTICATED)


def test_a_wrong_cookie_or_a_portal_token_is_no_session(app_client: TestClient[Any]) -> None:
    client = anonymous(app_client)
    client.cookies.set("localspot_inspector", "0" * 64)
    assert client.get("/_localspot/ui/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    headers = {"Authorization": "Bearer pat-na1-" + "0" * 32}
    answered = client.get("/_localspot/ui/", headers=headers, follow_redirects=False)
    assert answered.status_code == 303


def test_the_admin_token_as_bearer_opens_every_page(app_client: TestClient[Any]) -> None:
    client = anonymous(app_client)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    for method, path in ui_routes(client):
        if method != "GET" or path.endswith(
            ("/journal/1", "/records/contacts/contacts", "/lists/contacts")
        ):
            continue  # no journal entry 1, no record "contacts" and no list "contacts" here
        response = client.get(path, headers=headers, follow_redirects=False)
        expected = 303 if path == "/_localspot/ui/portals/1" else 200  # on to its records
        assert response.status_code == expected, (path, response.text)


def test_the_sign_in_link_works_once(app_client: TestClient[Any]) -> None:
    client = anonymous(app_client)
    link = f"/_localspot/ui/signin?token={SIGNIN_CODE}"
    first = client.get(link, follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/_localspot/ui/"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Path=/_localspot/ui" in cookie
    assert SIGNIN_CODE not in cookie and ADMIN_TOKEN not in cookie
    assert client.get("/_localspot/ui/", follow_redirects=False).status_code == 200
    again = anonymous(client).get(link, follow_redirects=False)
    assert again.status_code == 401
    assert "That is not the admin token" in again.text


def test_the_form_signs_in_with_the_admin_token_and_stays_inside(
    app_client: TestClient[Any],
) -> None:
    client = anonymous(app_client)
    wrong = client.post("/_localspot/ui/signin", data={"token": "nope", "next": ""})
    assert wrong.status_code == 401
    form = {"token": ADMIN_TOKEN, "next": "https://elsewhere.example/"}
    signed = client.post("/_localspot/ui/signin", data=form, follow_redirects=False)
    assert signed.status_code == 303
    assert signed.headers["location"] == "/_localspot/ui/"
    form["next"] = "/_localspot/ui/portals/1/schema"
    signed = client.post("/_localspot/ui/signin", data=form, follow_redirects=False)
    assert signed.headers["location"] == "/_localspot/ui/portals/1/schema"
    page = client.get("/_localspot/ui/portals/1/schema")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_forms_need_their_csrf_token(app_client: TestClient[Any]) -> None:
    client = anonymous(app_client)
    client.post("/_localspot/ui/signin", data={"token": ADMIN_TOKEN})
    forged = client.post("/_localspot/ui/portals/1/control/faults", data={"status": "429"})
    assert_hubspot_error(forged, 401, **UNAUTHENTICATED)
    page = client.get("/_localspot/ui/portals/1/control").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert csrf is not None
    done = client.post(
        "/_localspot/ui/portals/1/control/faults",
        data={"csrf": csrf[1], "status": "429", "path": "*/nothing", "times": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    rules = client.get(
        "/_localspot/portals/1/faults", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )
    assert [r["path"] for r in rules.json()["results"]] == ["*/nothing"]
    client.delete(
        "/_localspot/portals/1/faults", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    )


def test_signing_out_ends_the_session(app_client: TestClient[Any]) -> None:
    client = anonymous(app_client)
    client.post("/_localspot/ui/signin", data={"token": ADMIN_TOKEN})
    page = client.get("/_localspot/ui/").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page)
    assert csrf is not None
    out = client.post("/_localspot/ui/signout", data={"csrf": csrf[1]}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/_localspot/ui/", follow_redirects=False).status_code == 303
