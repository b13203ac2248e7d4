"""Search paging (``limit``, ``after``) and HubSpot's request limits, on a portal of its own."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

SEARCH = "/crm/v3/objects/calls/search"
COUNT = 25


@pytest.fixture(scope="module")
def calls(portal_http: httpx.Client) -> list[str]:
    body = {"name": "rank", "label": "Rank", "type": "number", "fieldType": "number"}
    response = portal_http.post(
        "/crm/v3/properties/calls", json={"groupName": "call_information", **body}
    )
    assert response.status_code == 201, response.text
    inputs = [
        {"properties": {"hs_timestamp": "1767225600000", "rank": str(n % 4)}} for n in range(COUNT)
    ]
    response = portal_http.post("/crm/v3/objects/calls/batch/create", json={"inputs": inputs})
    assert response.status_code == 201, response.text
    return [r["id"] for r in response.json()["results"]]


def every_page(http: httpx.Client, body: dict[str, Any]) -> list[str]:
    """Follow ``paging.next.after`` to the end (at most COUNT pages)."""
    seen: list[str] = []
    after: str | None = None
    for _ in range(COUNT):
        page = http.post(SEARCH, json={**body, **({"after": after} if after else {})}).json()
        assert page["total"] == COUNT
        seen += [r["id"] for r in page["results"]]
        if "paging" not in page:
            return seen
        after = page["paging"]["next"]["after"]
    raise AssertionError("paging did not end")


def test_default_limit_is_ten_with_a_next_page(portal_http: httpx.Client, calls: list[str]) -> None:
    page = portal_http.post(SEARCH, json={}).json()
    assert [r["id"] for r in page["results"]] == calls[:10]
    assert page["paging"] == {"next": {"after": "10"}}


def test_paging_visits_every_result_once_in_creation_order(
    portal_http: httpx.Client, calls: list[str]
) -> None:
    assert every_page(portal_http, {"limit": 4}) == calls


@pytest.mark.parametrize("descending", [False, True])
def test_paging_a_sort_with_ties_visits_every_result_once(
    portal_http: httpx.Client, calls: list[str], descending: bool
) -> None:
    sorts = ["-rank" if descending else "rank"]
    expected = sorted(calls, key=lambda i: (calls.index(i) % 4, int(i)), reverse=descending)
    assert every_page(portal_http, {"limit": 4, "sorts": sorts}) == expected


def test_after_may_be_a_json_number(portal_http: httpx.Client, calls: list[str]) -> None:
    page = portal_http.post(SEARCH, json={"after": 20, "limit": 10}).json()
    assert [r["id"] for r in page["results"]] == calls[20:]
    assert "paging" not in page


def test_after_past_the_end_gives_no_results(portal_http: httpx.Client, calls: list[str]) -> None:
    page = portal_http.post(SEARCH, json={"after": "100"}).json()
    assert page == {"total": COUNT, "results": []}


ANY = {"propertyName": "rank", "operator": "HAS_PROPERTY"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"filterGroups": [{"filters": [ANY]}] * 6}, "Too many filter groups"),
        ({"filterGroups": [{"filters": [ANY] * 7}]}, "at most 6 filters"),
        (
            {"filterGroups": [{"filters": [ANY] * 6}] * 3 + [{"filters": [ANY]}]},
            "at most 18 filters in total",
        ),
        ({"limit": 201}, "limit must be between 1 and 200"),
        ({"after": "9950", "limit": 100}, "at most 10000 results"),
        ({"after": "next"}, "Invalid after value next"),
        ({"query": "x" * 3001}, "at most 3000 characters"),
        ({"filters": [{"propertyName": "nope", "operator": "EQ", "value": "1"}]}, "nope"),
        ({"filters": [{"propertyName": "rank", "operator": "ROUGHLY", "value": "1"}]}, "ROUGHLY"),
        ({"filters": [{"propertyName": "rank", "operator": "EQ"}]}, "requires a value"),
        (
            {"filters": [{"propertyName": "rank", "operator": "BETWEEN", "value": "1"}]},
            "operator BETWEEN requires a highValue",
        ),
        ({"filters": [{"propertyName": "rank", "operator": "IN"}]}, "requires values"),
        (
            {"filters": [{"propertyName": "hs_body_preview_html", "operator": "HAS_PROPERTY"}]},
            "hs_body_preview_html",
        ),
        ({"filters": [{"propertyName": "rank", "operator": "EQ", "value": "x"}]}, "x is not"),
        ({"sorts": ["-nope"]}, "Invalid property name nope for sorting"),
        ({"sorts": [{"propertyName": "rank", "direction": "UP"}]}, "Invalid sort direction"),
        ({"sorts": ["rank", "-rank"]}, "one sort rule"),
    ],
)
def test_limits_and_bad_filters_answer_400_naming_the_problem(
    portal_http: httpx.Client, calls: list[str], body: dict[str, Any], message: str
) -> None:
    response = portal_http.post(SEARCH, json=body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["category"] == "VALIDATION_ERROR"
    assert message in error["message"]
    assert {"status", "message", "correlationId", "category"} <= error.keys()
    assert response.headers["x-hubspot-correlation-id"] == error["correlationId"]


def test_the_largest_allowed_page_is_served(portal_http: httpx.Client, calls: list[str]) -> None:
    response = portal_http.post(SEARCH, json={"after": "9800", "limit": 200})
    assert response.status_code == 200
    assert response.json() == {"total": COUNT, "results": []}
