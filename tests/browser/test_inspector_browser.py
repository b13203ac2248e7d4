"""The inspector in a real headless browser (Debian's Chromium, driven by Playwright) against
the session's ``localspot serve``: sign in, browse and search a type, open a record after an
SDK batch update (history, associations), open a list and click through to a member,
watch a request appear in the journal, and add a fault rule that an SDK call then receives.
Screenshots of the main pages are saved under ``test-artifacts/inspector/`` (git-ignored).

Without Chromium (``/usr/bin/chromium``) or Playwright these tests are skipped with a reason,
except in CI, where they fail.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import Server

CHROMIUM = os.environ.get("LOCALSPOT_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "inspector"
UI = "/_localspot/ui"
WAIT_MS = 10_000
"""How long an expectation waits for the page (the journal refreshes every second)."""


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Inspected:
    """A fresh portal of the session's server, its SDK client, and a signed-in page."""

    server: Server
    portal_id: int
    sdk: Any
    page: Any

    def url(self, path: str = "") -> str:
        return f"{self.server.base_url}{UI}/portals/{self.portal_id}{path}"

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"{name}-{self.server.database_url.split(':')[0]}.png"
        self.page.screenshot(path=str(target), full_page=True)
        print(f"screenshot: {target}")


@pytest.fixture
def inspected(server: Server, browser: Any) -> Iterator[Inspected]:
    import hubspot
    from playwright.sync_api import expect

    admin = {"Authorization": f"Bearer {server.admin_token}"}
    created = httpx.post(
        f"{server.base_url}/_localspot/portals", json={"withToken": True}, headers=admin
    )
    assert created.status_code == 201, created.text
    portal_id, token = created.json()["id"], created.json()["token"]
    sdk = hubspot.Client.create(access_token=token, host=server.base_url)
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{server.base_url}{UI}/")
    expect(page).to_have_url(f"{server.base_url}{UI}/signin?next=%2F_localspot%2Fui")
    page.get_by_label("Admin token").fill(server.admin_token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portals")).to_be_visible()
    try:
        yield Inspected(server, portal_id, sdk, page)
    finally:
        context.close()
        httpx.delete(f"{server.base_url}/_localspot/portals/{portal_id}/faults", headers=admin)


def _contacts(sdk: Any, names: list[str]) -> list[str]:
    from hubspot.crm.objects import BatchInputSimplePublicObjectBatchInputForCreate

    inputs = [
        {"properties": {"firstname": n, "lastname": "Original", "email": f"{n}@example.com"}}
        for n in names
    ]
    batch = BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs)
    created = sdk.crm.objects.batch_api.create("contacts", batch)
    by_name = {r.properties["firstname"]: r.id for r in created.results}
    return [by_name[n] for n in names]


def test_sign_in_browse_search_and_open_a_record(inspected: Inspected) -> None:
    from hubspot.crm.objects import BatchInputSimplePublicObjectBatchInput
    from playwright.sync_api import expect

    sdk, page = inspected.sdk, inspected.page
    unique = "Zora" + secrets.token_hex(3)
    ids = _contacts(sdk, [unique, "Ada", "Grace"])
    company = sdk.crm.objects.basic_api.create("companies", {"properties": {"name": "Acme"}})
    sdk.crm.associations.v4.basic_api.create_default("contacts", ids[0], "companies", company.id)
    update = {"id": ids[0], "properties": {"lastname": "Updated"}, "objectWriteTraceId": "t-42"}
    sdk.crm.objects.batch_api.update(
        "contacts", BatchInputSimplePublicObjectBatchInput(inputs=[update])
    )

    page.get_by_role("link", name=str(inspected.portal_id), exact=True).first.click()
    page.get_by_role("link", name="contacts", exact=True).click()
    rows = page.locator("table.records tbody tr")
    expect(rows).to_have_count(3)
    inspected.shot("records")

    page.get_by_label("Search", exact=True).fill(unique)
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(1)
    expect(page.locator("#summary")).to_contain_text("1 matching")
    page.get_by_role("link", name=ids[0], exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"contact {ids[0]}")
    history = page.locator("#p-lastname ol.history li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Updated")
    expect(history.nth(0)).to_contain_text("t-42")
    expect(history.nth(1)).to_contain_text("Original")
    inspected.shot("record")
    page.get_by_role("link", name=f"company {company.id}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"company {company.id}")
    expect(page.get_by_role("link", name=f"contact {ids[0]}")).to_be_visible()


def test_a_request_appears_in_the_journal_while_the_page_is_open(inspected: Inspected) -> None:
    from playwright.sync_api import expect

    page = inspected.page
    page.goto(inspected.url("/journal"))
    expect(page.locator("#journal-rows")).to_contain_text("No requests match")
    contact_id = _contacts(inspected.sdk, ["Journaled"])[0]
    inspected.sdk.crm.objects.basic_api.get_by_id("contacts", contact_id)
    read = page.get_by_role("link", name=f"/crm/v3/objects/contacts/{contact_id}")
    expect(read).to_be_visible()  # without reloading: the page polls
    expect(page.locator("#journal-rows tr")).to_have_count(2)
    inspected.shot("journal")
    page.get_by_label("Status").fill("4xx")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#journal-rows")).to_contain_text("No requests match")
    page.goto(inspected.url("/journal"))
    read.click()
    expect(page.locator("#entry-status")).to_have_text("200")
    expect(page.locator("#response-body")).to_contain_text('"Journaled"')


def test_a_fault_rule_added_in_the_ui_reaches_an_sdk_call(inspected: Inspected) -> None:
    from hubspot.crm.objects import ApiException
    from playwright.sync_api import expect

    page = inspected.page
    contact_id = _contacts(inspected.sdk, ["Faulty"])[0]
    page.goto(inspected.url("/control"))
    page.get_by_label("Method").select_option("GET")
    page.get_by_label("Path (glob)").fill("/crm/v3/objects/contacts/*")
    page.get_by_label("Status").select_option("429")
    page.get_by_label("Times (empty: always)").fill("1")
    page.get_by_role("button", name="Add fault rule").click()
    expect(page.get_by_role("status")).to_contain_text("added")
    expect(page.locator("#fault-rules tbody tr")).to_have_count(1)
    inspected.shot("control")

    with pytest.raises(ApiException) as refused:
        inspected.sdk.crm.objects.basic_api.get_by_id("contacts", contact_id)
    assert refused.value.status == 429
    again = inspected.sdk.crm.objects.basic_api.get_by_id("contacts", contact_id)
    assert again.id == contact_id
    page.reload()  # fired once: the rule is gone
    expect(page.locator("#fault-rules tbody")).to_contain_text("No fault rules")

    page.get_by_label("Path (glob)").fill("*/nothing")
    page.get_by_label("Status").select_option("503")
    page.get_by_role("button", name="Add fault rule").click()
    expect(page.locator("#fault-rules tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Remove fault rule").click()
    expect(page.get_by_role("status")).to_contain_text("removed")
    expect(page.locator("#fault-rules tbody")).to_contain_text("No fault rules")


def test_schema_and_deliveries_pages(inspected: Inspected) -> None:
    from playwright.sync_api import expect

    page = inspected.page
    page.goto(inspected.url("/schema"))
    page.get_by_role("link", name="deals", exact=True).click()
    expect(page.get_by_role("heading", name="Pipelines and stages")).to_be_visible()
    expect(page.locator("ol.stages").first).to_contain_text("Closed Won")
    inspected.shot("schema")
    page.goto(inspected.url("/deliveries"))
    expect(page.locator("#no-deliveries")).to_contain_text("No deliveries")


def test_open_a_list_and_click_through_to_a_member(inspected: Inspected) -> None:
    from hubspot.crm.lists import ListCreateRequest
    from playwright.sync_api import expect

    page, lists = inspected.page, inspected.sdk.crm.lists
    ids = _contacts(inspected.sdk, ["Listed", "Unlisted"])
    made = lists.lists_api.create(
        ListCreateRequest(name="Browser picks", object_type_id="0-1", processing_type="MANUAL")
    )
    lists.memberships_api.add(list_id=made.list.list_id, request_body=[ids[0]])

    page.goto(inspected.url("/records"))
    page.get_by_role("link", name="Lists", exact=True).click()
    row = page.locator(f"#list-{made.list.list_id}")
    expect(row.locator("td.size")).to_have_text("1")
    page.get_by_role("link", name="Browser picks").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Browser picks")
    members = page.locator("table.members tbody tr")
    expect(members).to_have_count(1)
    inspected.shot("list")
    members.get_by_role("link", name=ids[0], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"contact {ids[0]}")
    expect(page.get_by_role("link", name="Browser picks")).to_be_visible()


def test_apps_page_and_a_records_timeline_events(inspected: Inspected) -> None:
    """An app installed in the portal, with a subscription and a timeline event template:
    the Apps page (reached from the deliveries page) shows the subscription, and the
    record's page the event's headline, as text."""
    from playwright.sync_api import expect

    server, page = inspected.server, inspected.page
    admin = {"Authorization": f"Bearer {server.admin_token}"}
    made = httpx.post(
        f"{server.base_url}/_localspot/apps",
        json={"name": "Browser app", "portalId": inspected.portal_id},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    app_id, key = made.json()["appId"], {"hapikey": made.json()["developerApiKey"]}
    with httpx.Client(base_url=server.base_url, params=key, timeout=30) as dev:
        subscription = dev.post(
            f"/webhooks/v3/{app_id}/subscriptions",
            json={"eventType": "deal.propertyChange", "propertyName": "amount", "active": True},
        )
        assert subscription.status_code == 201, subscription.text
        template = dev.post(
            f"/integrators/timeline/v3/{app_id}/event-templates",
            json={
                "name": "Support chat",
                "objectType": "contacts",
                "headerTemplate": "Chatted about *{{topic}}*",
                "tokens": [{"name": "topic", "label": "Topic", "type": "string"}],
            },
        )
        assert template.status_code == 201, template.text
    contact_id = _contacts(inspected.sdk, ["Timelined"])[0]
    event = inspected.sdk.crm.timeline.events_api.create(
        {
            "eventTemplateId": template.json()["id"],
            "objectId": contact_id,
            "tokens": {"topic": "<b>billing</b>"},
        }
    )
    assert event.object_id == contact_id

    page.goto(inspected.url("/deliveries"))
    page.get_by_role("link", name="Apps", exact=True).click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Browser app")
    row = page.locator(f"#subscription-{subscription.json()['id']}")
    expect(row).to_contain_text("deal.propertyChange")
    expect(row).to_contain_text("amount")
    inspected.shot("apps")

    page.goto(inspected.url(f"/records/contacts/{contact_id}"))
    headline = page.locator("ol.timeline .headline")
    expect(headline).to_have_text("Chatted about <b>billing</b>")  # the markup as text
    expect(page.locator("ol.timeline b")).to_have_count(0)
    expect(page.locator("ol.timeline")).to_contain_text("Support chat")
    inspected.shot("record-timeline")
