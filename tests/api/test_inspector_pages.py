"""The inspector's pages and actions over HTTP, against the session's real server on each
database: the records table (keyset pages, search, filters, sort, paging), the control
actions (each one seen through the admin API: clock, snapshot download and upload, reset),
the lists pages (sizes, filters, members paged, a record's lists, portal scoping, escaping),
a record's timeline events, webhook deliveries (paged back) and apps, and refused input
shown as a page with the admin API's message."""

from __future__ import annotations

import html as html_lib
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from list_support import LISTS, make_contacts, new_list
from webhook_receiver import receiving

from conftest import Server, free_port
from localspot.crm.property_types import format_datetime

UI = "/_localspot/ui"
ROW_ID = re.compile(r'<tr>\s*<td><a href="[^"]+/records/contacts/(\d+)">')
DELIVERY_ID = re.compile(r'<tr id="delivery-(\d+)">')


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
    second = signed.ui.get(html_lib.unescape(following[1]))
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


@contextmanager
def own_portal(signed: Signed, server: Server) -> Iterator[Signed]:
    """The signed-in client on a portal of the test's own (its deliveries and apps meet no
    other test's), with a client of the portal's token."""
    created = signed.admin.post("/_localspot/portals", json={"withToken": True}).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as crm:
        yield replace(signed, crm=crm, portal_id=int(created["id"]))


@contextmanager
def app_in(
    portal: Signed, server: Server, name: str
) -> Iterator[tuple[dict[str, Any], httpx.Client]]:
    """An app made through the admin API in the portal (its secrets as the admin API showed
    them once) and a client carrying its developer API key."""
    made = portal.admin.post("/_localspot/apps", json={"name": name, "portalId": portal.portal_id})
    assert made.status_code == 201, made.text
    key = {"hapikey": made.json()["developerApiKey"]}
    with httpx.Client(base_url=server.base_url, params=key, timeout=30) as dev:
        yield made.json(), dev


def wait_for_deliveries(portal: Signed, count: int, **params: str) -> list[dict[str, Any]]:
    """The admin API's deliveries of the portal, once it lists ``count`` (with ``params``)."""
    path = f"/_localspot/portals/{portal.portal_id}/webhooks/deliveries"
    deadline = time.monotonic() + 15
    while len(found := portal.admin.get(path, params=params).json()["results"]) < count:
        assert time.monotonic() < deadline, f"{len(found)} deliveries recorded, not {count}"
    return list(found)


def test_the_apps_page_shows_settings_subscriptions_and_waiting_events(
    signed: Signed, server: Server
) -> None:
    """An app whose receiver is unreachable (a closed port): its settings, its
    subscriptions and the event waiting for a retry are on the Apps page; its client
    secret and developer API key are nowhere in it."""
    closed = f"http://127.0.0.1:{free_port()}/hooks"
    with (
        own_portal(signed, server) as portal,
        app_in(portal, server, "Inspected <app>") as (
            app,
            dev,
        ),
    ):
        app_id = app["appId"]
        settings = {"targetUrl": closed, "throttling": {"maxConcurrentRequests": 7}}
        assert dev.put(f"/webhooks/v3/{app_id}/settings", json=settings).status_code == 200
        subscriptions = f"/webhooks/v3/{app_id}/subscriptions"
        created = dev.post(subscriptions, json={"eventType": "contact.creation", "active": True})
        assert created.status_code == 201, created.text
        city = {"eventType": "contact.propertyChange", "propertyName": "city", "active": False}
        changed = dev.post(subscriptions, json=city)
        assert changed.status_code == 201, changed.text
        before = portal.page("/apps").text
        assert portal.crm.post("/crm/v3/objects/contacts", json={"properties": {}}).is_success
        (retrying,) = wait_for_deliveries(portal, 1, state="retrying")
        shown = portal.page("/apps").text
    section = shown[shown.index(f'id="app-{app_id}"') :]
    assert "Inspected &lt;app&gt;" in section
    assert f'<dd class="path target-url">{closed}</dd>' in section
    assert '<dd class="max-concurrent">7</dd>' in section
    first = f'<tr id="subscription-{created.json()["id"]}"><td>{created.json()["id"]}</td>'
    assert f"{first}<td>contact.creation</td><td></td><td>yes</td></tr>" in section
    second = changed.json()["id"]
    assert (
        f'<tr id="subscription-{second}"><td>{second}</td><td>contact.propertyChange</td>'
        "<td>city</td><td>no</td></tr>"
    ) in section
    assert re.search(r'<dd class="pending-events">1 <span', section)
    retry_at = format_datetime(retrying["nextRetryAt"])
    assert f'<dd class="next-retry">{retry_at}</dd>' in section
    assert '<dd class="pending-events">0</dd>' in before  # nothing waited before the write
    assert '<dd class="next-retry">none</dd>' in before
    for secret in (app["clientSecret"], app["developerApiKey"]):
        for text in (before, shown):
            assert secret not in text
            assert secret[:8] not in text
            assert secret[-8:] not in text


def test_the_apps_page_of_a_portal_without_apps(signed: Signed, server: Server) -> None:
    with own_portal(signed, server) as portal:
        assert "No developer app is installed" in portal.page("/apps").text
        html = {"accept": "text/html"}
        missing = signed.ui.get(f"{UI}/portals/987654/apps", headers=html)
    assert missing.status_code == 404


def test_older_deliveries_page_back_with_the_filters(signed: Signed, server: Server) -> None:
    """Three requests, one a contact (each after the previous was received): pages of two
    requests, the newest first, then the oldest through the "Older" link, which keeps the
    state, app and page size."""
    with (
        own_portal(signed, server) as portal,
        app_in(portal, server, "Paged") as (app, dev),
        receiving() as receiver,
    ):
        app_id = app["appId"]
        settings = {"targetUrl": receiver.url, "throttling": {"maxConcurrentRequests": 6}}
        assert dev.put(f"/webhooks/v3/{app_id}/settings", json=settings).status_code == 200
        body = {"eventType": "contact.creation", "active": True}
        assert dev.post(f"/webhooks/v3/{app_id}/subscriptions", json=body).status_code == 201
        for n in range(1, 4):
            assert portal.crm.post("/crm/v3/objects/contacts", json={"properties": {}}).is_success
            receiver.wait_for_events(n)
        ids = [d["id"] for d in wait_for_deliveries(portal, 3, state="delivered")]
        first = portal.page("/deliveries", state="DELIVERED", app=str(app_id), limit="2").text
        older = re.search(r'<a href="([^"]+)" rel="next" id="older-deliveries">Older</a>', first)
        assert older is not None
        link = html_lib.unescape(older[1])
        assert f"before={ids[1]}" in link
        assert "state=DELIVERED" in link and f"app={app_id}" in link and "limit=2" in link
        second = signed.ui.get(link)
        assert second.status_code == 200, second.text
        everything = portal.page("/deliveries").text
    assert DELIVERY_ID.findall(first) == [str(i) for i in ids[:2]]  # newest first
    assert DELIVERY_ID.findall(second.text) == [str(ids[2])]
    assert 'id="older-deliveries"' not in second.text  # the oldest request was read
    assert f"before request {ids[1]}" in second.text
    assert DELIVERY_ID.findall(everything) == [str(i) for i in ids]
    assert 'id="older-deliveries"' not in everything
    refused = signed.ui.get(
        f"{UI}/portals/{portal.portal_id}/deliveries",
        params={"limit": "0"},
        headers={"accept": "text/html"},
    )
    assert refused.status_code == 400
    assert "limit must be from 1 to" in refused.text


TIMELINE_TEMPLATE: dict[str, Any] = {
    "name": "Webinar <seen>",
    "objectType": "contacts",
    "headerTemplate": "Registered for **{{webinar}}**",
    "detailTemplate": "Seats: {{{seats}}}",
    "tokens": [
        {"name": "webinar", "label": "Webinar", "type": "string"},
        {"name": "seats", "label": "Seats", "type": "string"},
    ],
}


def test_the_record_page_shows_timeline_events_as_text(signed: Signed, server: Server) -> None:
    """Headers and details are rendered from the app's Markdown and shown as text: a token
    value holding HTML is escaped, never markup of the page; the newest event first."""
    with own_portal(signed, server) as portal, app_in(portal, server, "Timeline") as (app, dev):
        templates = f"/integrators/timeline/v3/{app['appId']}/event-templates"
        template = dev.post(templates, json=TIMELINE_TEMPLATE)
        assert template.status_code == 201, template.text
        made = portal.crm.post("/crm/v3/objects/contacts", json={"properties": {}})
        contact = made.json()["id"]
        events = [
            {"tokens": {"webinar": "<i>x</i>", "seats": "<b>3</b>"}, "id": "late",
             "timestamp": "2026-02-01T00:00:00Z"},
            {"tokens": {"webinar": "Engines", "seats": "1"}, "id": "early",
             "timestamp": "2026-01-01T00:00:00Z"},
        ]  # fmt: skip
        for event in events:
            body = {**event, "eventTemplateId": template.json()["id"], "objectId": contact}
            written = portal.crm.post("/integrators/timeline/v3/events", json=body)
            assert written.status_code == 201, written.text
        shown = portal.page(f"/records/contacts/{contact}").text
        other = portal.crm.post("/crm/v3/objects/contacts", json={"properties": {}})
        empty = portal.page(f"/records/contacts/{other.json()['id']}").text
        call = portal.crm.post(
            "/crm/v3/objects/calls", json={"properties": {"hs_timestamp": "2026-01-15T10:30:00Z"}}
        )
        no_timeline = portal.page(f"/records/calls/{call.json()['id']}").text
    section = shown[shown.index('id="timeline-h"') :]
    headlines = re.findall(r'<p class="headline">(.*?)</p>', section)
    assert headlines == ["Registered for &lt;i&gt;x&lt;/i&gt;", "Registered for Engines"]
    assert "<i>x</i>" not in shown and "<b>3</b>" not in shown
    assert '<p class="detail">Seats: &lt;b&gt;3&lt;/b&gt;</p>' in section
    assert "Webinar &lt;seen&gt;" in section
    assert "No timeline events." in empty
    assert 'id="timeline-h"' not in no_timeline  # calls have no timeline events
