"""``localspot serve`` prints ``Inspector: <URL>``; the URL signs a browser in once, and
neither its code nor the admin token reaches the server's log or the journal."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import Server, start_server, stop_server

LOG_DEADLINE_S = 10.0


@pytest.fixture(scope="module")
def logged_server(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, list[str]]]:
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = "sqlite:///" + str(Path(tmp_path_factory.mktemp("serve")) / "localspot.db")
    lines: list[str] = []
    admin = "inspector-admin-" + secrets.token_hex(12)
    running = start_server(url, env={"LOCALSPOT_ADMIN_TOKEN": admin}, log=lines)
    try:
        yield running, lines
    finally:
        stop_server(running)


def _wait_for_line(lines: list[str], needle: str) -> str:
    """The first log line holding ``needle``, waiting (bounded) for the server to write it."""
    deadline = time.monotonic() + LOG_DEADLINE_S
    while time.monotonic() < deadline:
        found = next((line for line in list(lines) if needle in line), None)
        if found is not None:
            return found
        time.sleep(0.05)
    raise AssertionError(f"no log line with {needle!r} within {LOG_DEADLINE_S} s")


def test_the_printed_link_signs_in_once_and_is_never_logged(
    logged_server: tuple[Server, list[str]],
) -> None:
    server, lines = logged_server
    printed = next(line for line in lines if line.startswith("Inspector: "))
    link = printed.removeprefix("Inspector: ").strip()
    assert link.startswith(f"{server.base_url}/_localspot/ui/signin?token=")
    code = link.rsplit("token=", 1)[1]
    assert len(code) >= 32
    with httpx.Client(timeout=30) as browser:
        signed = browser.get(link, follow_redirects=False)
        assert signed.status_code == 303
        assert signed.headers["location"] == "/_localspot/ui/"
        assert browser.get(f"{server.base_url}/_localspot/ui/").status_code == 200
    with httpx.Client(timeout=30) as other:
        assert other.get(link, follow_redirects=False).status_code == 401
    access = _wait_for_line(lines, "GET /_localspot/ui/signin?token=")
    assert "token=[REDACTED]" in access
    after_print = lines[lines.index(printed) + 1 :]
    assert not [line for line in after_print if code in line]


def test_the_admin_token_is_in_no_log_line_nor_the_journal(
    logged_server: tuple[Server, list[str]],
) -> None:
    server, lines = logged_server
    admin = server.admin_token
    with httpx.Client(base_url=server.base_url, timeout=30) as browser:
        signed = browser.post(
            "/_localspot/ui/signin", data={"token": admin, "next": ""}, follow_redirects=False
        )
        assert signed.status_code == 303
        browser.get(f"/_localspot/ui/signin?token={admin}", follow_redirects=False)
        headers = {"Authorization": f"Bearer {admin}"}
        portal = browser.post("/_localspot/portals", json={"withToken": True}, headers=headers)
        portal_id = portal.json()["id"]
        crm = {"Authorization": f"Bearer {portal.json()['token']}"}
        browser.get(f"/crm/v3/objects/contacts?token={admin}", headers=crm)
        journal = browser.get(f"/_localspot/portals/{portal_id}/journal", headers=headers)
    entries = journal.json()["results"]
    assert [e["path"] for e in entries] == ["/crm/v3/objects/contacts"]
    assert admin not in journal.text
    _wait_for_line(lines, "GET /crm/v3/objects/contacts?token=")
    assert not [line for line in lines if admin in line]
