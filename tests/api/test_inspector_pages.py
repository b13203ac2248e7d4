"""The inspector's pages and actions over HTTP, against the session's real server on each
database: the records table (keyset pages, search, filters, sort, paging), the control
actions (each one seen through the admin API: clock, snapshot download and upload, reset),
the lists pages (sizes, filters, members paged, a record's lists, portal scoping, escaping),
and refused input shown as a page with the admin API's message."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from list_support import LISTS, make_contacts, new_list
from webhook_receiver import receiving

from conftest import Server

UI = "/_localspot/ui"
ROW_ID = re.compile(r'<tr>\s*<td><a href="[^"]+/records/contacts/(\d+)">')


@dataclass
class Signed:
    ui: httpx.Client
    """A browser-like client holding the session cookie."""
    admin: httpx.Client
    crm: httpx.Client
    portal_id: int
    csrf: str

    def page(self, page_path: str, **params: str | list[str]) -> httpx.Response:
        answered = self.ui.get(f"{UI}/portals/{self.portal_id}{page_path}", params=params)
        assert answered.status_code == 200, answered.text
        return answered

    def post(self, path: str, **form: str) -> httpx.Response:
        data = {"csrf": self.csrf, **form}
        return self.ui.post(f"{UI}/portals/{self.portal_id}{path}", data=data)


@pytest.fixture(scope="module")
def signed(server: Server) -> Iterator[Signed]:
    bearer = {"Authorization": f"Bearer {server.admin_token}"}
    with (
        httpx.Client(base_url=server.base_url, timeout=30) as ui,
        httpx.Client(base_url=server.base_url, headers=bearer, timeout=30) as admin,
    ):
        created = admin.post("/_localspot/portals", json={"withToken": True}).json()
        crm_headers = {"Authorization": f"Bearer {created['token']}"}
        with httpx.Client(base_url=server.base_url, headers=crm_headers, timeout=30) as crm:
            ui.post(f"{UI}/signin", data={"token": server.admin_token})
            home = ui.get(f"{UI}/")
            csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', home.text)
            assert csrf is not None
            yield Signed(ui, admin, crm, int(created["id"]), csrf[1])


@pytest.fixture(scope="module")
def contacts(signed: Signed) -> list[str]:
    inputs = [
        {"properties": {"firstname": f"P{i:02d}", "lastname": "odd" if i % 2 else "even"}}
        for i in range(30)
    ]
    made = signed.crm.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs})
    assert made.status_code == 201, made.text
    return sorted((r["id"] for r in made.json()["results"]), key=int)


def shown_ids(response: httpx.Response) -> list[str]:
    return ROW_ID.findall(response.text)


def test_the_unfiltered_table_pages_by_id(signed: Signed, contacts: list[str]) -> None:
    first = signed.page("/records/contacts", limit="25")
    assert shown_ids(first) == contacts[:25]
    assert "All live records, by id" in first.text
    after = re.search(r'href="([^"]*after=(\d+)[^"]*)" rel="next"', first.text)
    assert after is not None
    second = signed.page("/records/contacts", limit="25", after=after[2])
    assert shown_ids(second) == contacts[25:]
    assert 'rel="next"' not in second.text


def test_search_filters_and_sorts_through_the_index(signed: Signed, contacts: list[str]) -> None:
    odd = signed.page(
        "/records/contacts", fp=["lastname"], fo=["EQ"], fv=["odd"], sort="firstname",
        direction="desc", limit="25",
    )  # fmt: skip
    assert "15 matching (search index)" in odd.text
    assert shown_ids(odd) == contacts[1::2][::-1]
    found = signed.page("/records/contacts", q="P07")
    assert shown_ids(found) == [contacts[7]]
    listed = signed.page(
        "/records/contacts", fp=["firstname"], fo=["IN"], fv=["p01, p02"]
    )  # lower case, as HubSpot wants
    assert shown_ids(listed) == contacts[1:3]


def test_chosen_columns_are_shown(signed: Signed, contacts: list[str]) -> None:
    shown = signed.page("/records/contacts", columns=["lastname", "hs_object_id"])
    heads = re.findall(r'<th scope="col"[^>]*>\s*<a href="[^"]*">([a-z_]+)</a>', shown.text)
    assert heads[:2] == ["lastname", "hs_object_id"]
    assert f"<td>{contacts[0]}</td>" in shown.text
    dated = signed.page("/records/contacts", columns=["createdate"])
    assert re.search(r'<span title="[^"]*">createdate</span>', dated.text)  # no link: a full sort
    narrowed = signed.page("/records/contacts", columns=["createdate"], q="P07")
    assert re.search(r'<a href="[^"]*sort=createdate[^"]*">createdate</a>', narrowed.text)


def test_a_refused_filter_is_a_page_with_the_api_message(
    signed: Signed, contacts: list[str]
) -> None:
    refused = signed.ui.get(
        f"{UI}/portals/{signed.portal_id}/records/contacts",
        params={"fp": "nonexistent", "fo": "EQ", "fv": "x"},
        headers={"accept": "text/html"},
    )
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("text/html")
    assert "nonexistent" in refused.text


def test_unknown_things_are_404_pages(signed: Signed) -> None:
    html = {"accept": "text/html"}
    missing = signed.ui.get(
        f"{UI}/portals/{signed.portal_id}/records/contacts/999999", headers=html
    )
    assert missing.status_code == 404
    assert "Object not found" in missing.text
    nowhere = signed.ui.get(f"{UI}/portals/987654/records", headers=html)
    assert nowhere.status_code == 404
    assert "Portal 987654 does not exist" in nowhere.text


def test_clock_actions_are_the_admin_apis(signed: Signed) -> None:
    frozen = signed.post("/control/clock", action="freeze", at="2030-01-02T03:04:05Z")
    assert frozen.status_code == 303
    try:
        state = signed.admin.get("/_localspot/time").json()
        assert state["frozen"] is True
        assert state["now"] == "2030-01-02T03:04:05.000Z"
        signed.post("/control/clock", action="advance", amount="2", unit="hours")
        assert signed.admin.get("/_localspot/time").json()["now"] == "2030-01-02T05:04:05.000Z"
        refused = signed.post("/control/clock", action="freeze", at="not a time")
        assert refused.status_code == 400
        assert "at must be epoch milliseconds or ISO-8601" in refused.text
    finally:
        signed.post("/control/clock", action="reset")
    assert signed.admin.get("/_localspot/time").json()["frozen"] is False


def test_snapshot_download_upload_and_reset(signed: Signed, contacts: list[str]) -> None:
    portal = signed.portal_id
    downloaded = signed.page("/control/snapshot")
    assert downloaded.headers["content-disposition"] == (
        f'attachment; filename="portal-{portal}-snapshot.json"'
    )
    assert downloaded.content == signed.admin.get(f"/_localspot/portals/{portal}/snapshot").content

    unconfirmed = signed.post("/control/reset", confirm="no")
    assert unconfirmed.status_code == 400
    assert signed.crm.get("/crm/v3/objects/contacts").json()["results"]
    reset = signed.post("/control/reset", confirm=str(portal))
    assert reset.status_code == 303
    assert signed.crm.get("/crm/v3/objects/contacts").json()["results"] == []

    files = {"snapshot": ("snap.json", downloaded.content, "application/json")}
    restored = signed.ui.post(
        f"{UI}/portals/{portal}/control/snapshot", data={"csrf": signed.csrf}, files=files
    )
    assert restored.status_code == 303, restored.text
    assert restored.headers["location"].endswith("done=Snapshot%20snap.json%20restored.")
    after = signed.admin.get(f"/_localspot/portals/{portal}/snapshot").content
    assert after == downloaded.content

    junk = {"snapshot": ("junk.json", b'{"format": 1}', "application/json")}
    refused = signed.ui.post(
        f"{UI}/portals/{portal}/control/snapshot", data={"csrf": signed.csrf}, files=junk
    )
    assert refused.status_code == 400
    assert "Not a portal snapshot" in refused.text


def test_the_journal_filters_by_token(signed: Signed, server: Server) -> None:
    other = server.new_token("--portal", str(signed.portal_id))
    signed.crm.get("/crm/v3/objects/companies")
    httpx.get(
        f"{server.base_url}/crm/v3/objects/deals",
        headers={"Authorization": f"Bearer {other}"},
        timeout=30,
    )
    by_token = signed.page("/journal", token=other)
    assert "/crm/v3/objects/deals" in by_token.text
    assert "/crm/v3/objects/companies" not in by_token.text
    assert other not in by_token.text
    caller = re.search(r"<td><code>([0-9a-f]{12})</code></td>", by_token.text)
    assert caller is not None
    by_caller = signed.page("/journal/rows", token=caller[1])
    assert "/crm/v3/objects/deals" in by_caller.text
    posts = signed.page("/journal", method="POST", status="2xx", path="batch/create")
    assert "/crm/v3/objects/contacts/batch/create" in posts.text
    assert "/crm/v3/objects/deals" not in posts.text


def test_the_deliveries_page_shows_each_webhook_delivery(signed: Signed, server: Server) -> None:
    """A contact created in a portal whose app subscribes to ``contact.creation``: its
    delivery to a real receiver is on the Traffic page, with the app, target, events, state
    and the attempt's answer, once the admin API lists it as delivered."""
    made = signed.admin.post(
        "/_localspot/apps", json={"name": "UI hooks", "portalId": signed.portal_id}
    )
    assert made.status_code == 201, made.text
    app_id, key = made.json()["appId"], made.json()["developerApiKey"]
    with (
        receiving() as receiver,
        httpx.Client(base_url=server.base_url, params={"hapikey": key}, timeout=30) as dev,
    ):
        settings = {"targetUrl": receiver.url, "throttling": {"maxConcurrentRequests": 6}}
        assert dev.put(f"/webhooks/v3/{app_id}/settings", json=settings).status_code == 200
        body = {"eventType": "contact.creation", "active": True}
        assert dev.post(f"/webhooks/v3/{app_id}/subscriptions", json=body).status_code == 201
        created = signed.crm.post("/crm/v3/objects/contacts", json={"properties": {}})
        assert created.status_code == 201, created.text
        events = receiver.wait_for_events(1)
        assert events[0]["objectId"] == int(created.json()["id"])
        deliveries = f"/_localspot/portals/{signed.portal_id}/webhooks/deliveries"
        deadline = time.monotonic() + 15
        while not signed.admin.get(deliveries, params={"state": "delivered"}).json()["results"]:
            assert time.monotonic() < deadline, "the delivery was never recorded"
        shown = signed.page("/deliveries").text
        delivered = signed.page("/deliveries", state="DELIVERED", app=str(app_id)).text
        failed = signed.page("/deliveries", state="FAILED").text
        other_app = signed.page("/deliveries", app=str(app_id + 1000)).text
    uninstalled = signed.admin.delete(f"/_localspot/apps/{app_id}/portals/{signed.portal_id}")
    assert uninstalled.status_code == 204, uninstalled.text
    row = shown[shown.index("<tbody>") : shown.index("</tbody>")]
    assert f"<td>{app_id}</td>" in row
    assert receiver.url in row
    assert "<td>1</td>" in row  # one event
    assert "DELIVERED" in row
    assert re.search(r" · 200 · \d+ ms</li>", row)  # the attempt's latency
    request = row[row.index('<details class="request">') :]
    assert "X-HubSpot-Signature-Version: v" in request
    assert f"&#34;objectId&#34;: {created.json()['id']}" in request  # the body, as sent
    assert receiver.url in delivered
    assert "No deliveries match" in failed
    assert "No deliveries match" in other_app
    refused = signed.ui.get(
        f"{UI}/portals/{signed.portal_id}/deliveries",
        params={"state": "LOST"},
        headers={"accept": "text/html"},
    )
    assert refused.status_code == 400
    assert "state must be one of" in refused.text


@dataclass
class Listed:
    """A portal of its own (the reset test above empties the signed one) with 150
    contacts, a MANUAL list of all of them, a DYNAMIC list of three, and a list whose name
    is markup."""

    portal_id: int
    crm: httpx.Client
    contacts: list[str]
    manual: str
    dynamic: str
    markup: str


def _email(
    value: str | list[str], op_type: str = "STRING", operator: str = "IS_EQUAL_TO"
) -> dict[str, Any]:
    key = "values" if op_type == "MULTISTRING" else "value"
    operation = {"operationType": op_type, "operator": operator, key: value}
    return {"filterType": "PROPERTY", "property": "email", "operation": operation}


def _and(*filters: dict[str, Any]) -> dict[str, Any]:
    return {"filterBranchType": "AND", "filters": list(filters), "filterBranches": []}


THREE = {
    "filterBranchType": "OR",
    "filters": [],
    "filterBranches": [
        _and(_email("m3@example.com")),
        _and(
            _email(["m5@example.com", "m7@example.com"], "MULTISTRING"),
            _email("@example", operator="CONTAINS"),
        ),
    ],
}
"""Contacts 3, 5 and 7: one AND group for the first, another for the other two."""


@pytest.fixture(scope="module")
def listed(signed: Signed, server: Server) -> Iterator[Listed]:
    created = signed.admin.post("/_localspot/portals", json={"withToken": True}).json()
    bearer = {"Authorization": f"Bearer {created['token']}"}
    with httpx.Client(base_url=server.base_url, headers=bearer, timeout=30) as crm:
        ids = make_contacts(crm, 150, prefix="m")
        manual = new_list(crm, "Everyone")["listId"]
        added = crm.put(f"{LISTS}/{manual}/memberships/add", json=ids)
        assert added.status_code == 200, added.text
        dynamic = new_list(crm, "Three", "DYNAMIC", filterBranch=THREE)
        assert dynamic["processingStatus"] == "COMPLETE"
        markup = new_list(crm, "<b>x</b>")["listId"]
        yield Listed(int(created["id"]), crm, ids, manual, dynamic["listId"], markup)


def lists_page(signed: Signed, listed: Listed, path: str = "", **params: str) -> str:
    shown = signed.ui.get(f"{UI}/portals/{listed.portal_id}/lists{path}", params=params)
    assert shown.status_code == 200, shown.text
    return shown.text


def list_row(text: str, list_id: str) -> str:
    row = re.search(rf'<tr id="list-{list_id}">(.*?)</tr>', text, re.DOTALL)
    assert row is not None, f"no row for list {list_id}"
    return row[1]


def member_ids(text: str, listed: Listed) -> list[str]:
    link = rf'<td><a href="{UI}/portals/{listed.portal_id}/records/contacts/(\d+)">\1</a></td>'
    return re.findall(link, text)


def test_the_lists_page_shows_each_list_with_its_size(signed: Signed, listed: Listed) -> None:
    shown = lists_page(signed, listed)
    manual = list_row(shown, listed.manual)
    assert f'href="{UI}/portals/{listed.portal_id}/lists/{listed.manual}">Everyone</a>' in manual
    assert "<td>MANUAL</td>" in manual
    assert '<td class="size">150</td>' in manual
    dynamic = list_row(shown, listed.dynamic)
    assert ">Three</a>" in dynamic
    assert "<td>DYNAMIC</td>" in dynamic
    assert '<td class="size">3</td>' in dynamic
    assert "<td>COMPLETE</td>" in dynamic
    assert "contacts <span" in dynamic
    narrowed = lists_page(signed, listed, q="every")
    assert f'id="list-{listed.manual}"' in narrowed
    assert f'id="list-{listed.dynamic}"' not in narrowed


def test_the_list_page_shows_filters_and_members(signed: Signed, listed: Listed) -> None:
    shown = lists_page(signed, listed, f"/{listed.dynamic}")
    assert '<dd id="processing-type">DYNAMIC</dd>' in shown
    filters = shown[shown.index('<ol class="filter-groups"') : shown.index("</ol>")]
    groups = re.findall(r"<ul>(.*?)</ul>", filters, re.DOTALL)
    assert [re.findall(r"<code>(.*?)</code>", g) for g in groups] == [
        ["email IS_EQUAL_TO m3@example.com"],
        ["email IS_EQUAL_TO m5@example.com, m7@example.com", "email CONTAINS @example"],
    ]
    three = [listed.contacts[i] for i in (3, 5, 7)]
    assert member_ids(shown, listed) == three
    record = signed.ui.get(f"{UI}/portals/{listed.portal_id}/records/contacts/{three[0]}")
    assert record.status_code == 200
    assert f"contact {three[0]}</h1>" in record.text


def test_members_page_through_the_next_link(signed: Signed, listed: Listed) -> None:
    first = lists_page(signed, listed, f"/{listed.manual}")
    assert "No filters" in first
    assert member_ids(first, listed) == listed.contacts[:100]
    following = re.search(r'<a href="([^"]+)" rel="next">', first)
    assert following is not None
    second = signed.ui.get(html.unescape(following[1]))
    assert second.status_code == 200, second.text
    assert member_ids(second.text, listed) == listed.contacts[100:]
    assert 'rel="next"' not in second.text


def test_a_list_of_another_portal_is_not_found(signed: Signed, listed: Listed) -> None:
    other = signed.admin.post("/_localspot/portals", json={}).json()["id"]
    accept = {"accept": "text/html"}
    elsewhere = signed.ui.get(f"{UI}/portals/{other}/lists/{listed.manual}", headers=accept)
    unknown = signed.ui.get(f"{UI}/portals/{other}/lists/999999", headers=accept)
    assert elsewhere.status_code == unknown.status_code == 404
    assert f"List {listed.manual} does not exist" in elsewhere.text
    assert elsewhere.text == unknown.text.replace("999999", listed.manual)
    assert "Everyone" not in elsewhere.text
    assert "No lists." in signed.ui.get(f"{UI}/portals/{other}/lists").text


def test_the_record_page_links_its_lists(signed: Signed, listed: Listed) -> None:
    record = listed.contacts[5]
    shown = signed.ui.get(f"{UI}/portals/{listed.portal_id}/records/contacts/{record}").text
    lists = shown[shown.index('id="lists-h"') : shown.index('id="props-h"')]
    links = re.findall(rf'<a href="{UI}/portals/{listed.portal_id}/lists/(\d+)">([^<]+)</a>', lists)
    assert sorted(links) == sorted([(listed.manual, "Everyone"), (listed.dynamic, "Three")])
    elsewhere = signed.ui.get(
        f"{UI}/portals/{listed.portal_id}/records/contacts/{listed.contacts[4]}"
    )
    assert "Three</a>" not in elsewhere.text


def test_a_list_name_is_escaped(signed: Signed, listed: Listed) -> None:
    escaped = "&lt;b&gt;x&lt;/b&gt;"
    overview = lists_page(signed, listed)
    assert f">{escaped}</a>" in list_row(overview, listed.markup)
    page = lists_page(signed, listed, f"/{listed.markup}")
    assert f"<h1>{escaped} <span" in page
    assert "<b>x</b>" not in overview + page


def test_a_deleted_list_is_marked_and_left_out(signed: Signed, listed: Listed) -> None:
    gone = new_list(listed.crm, "Gone soon")["listId"]
    assert listed.crm.delete(f"{LISTS}/{gone}").status_code == 204
    assert "Gone soon" not in lists_page(signed, listed)
    shown = lists_page(signed, listed, f"/{gone}")
    assert '<p class="error" id="deleted">Deleted ' in shown
    assert "A deleted list shows no members." in shown
