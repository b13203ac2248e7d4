"""POST /crm/v3/objects/calls/search (reference §2.7, §3.6), on a portal of its own."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

SEARCH = "/crm/v3/objects/calls/search"
DAY = 86_400_000
BASE = 1_767_225_600_000  # 2026-01-01T00:00:00Z

CUSTOM = [
    {"name": "score", "label": "Score", "type": "number", "fieldType": "number"},
    {
        "name": "tier",
        "label": "Tier",
        "type": "enumeration",
        "fieldType": "select",
        "options": [{"label": t, "value": t} for t in ("gold", "silver", "Bronze")],
    },
    {"name": "vip", "label": "VIP", "type": "bool", "fieldType": "booleancheckbox"},
    {"name": "renewal", "label": "Renewal", "type": "date", "fieldType": "date"},
    {"name": "nickname", "label": "Nickname", "type": "string", "fieldType": "text"},
]
RECORDS = [
    {
        "score": "10",
        "tier": "gold",
        "vip": "true",
        "renewal": "2026-01-01",
        "nickname": "Alpha One",
    },
    {
        "score": "20",
        "tier": "silver",
        "vip": "false",
        "renewal": "2026-01-02",
        "nickname": "beta two",
    },
    {"score": "30", "tier": "Bronze", "vip": "true", "renewal": "2026-01-03", "nickname": "Gamma"},
    {"score": "40", "tier": "gold", "vip": "false", "nickname": "delta four"},
    {"score": "-5.5", "tier": "silver", "nickname": "epsilon"},
    {"tier": "gold"},
]


@pytest.fixture(scope="module")
def calls(portal_http: httpx.Client) -> list[str]:
    for definition in CUSTOM:
        body = {"groupName": "call_information", **definition}
        assert portal_http.post("/crm/v3/properties/calls", json=body).status_code == 201
    inputs = [
        {
            "properties": {
                "hs_timestamp": str(BASE + n * DAY),
                "hs_call_title": f"Call number {n}",
                "hs_call_body": f"<p>Talked about <b>pricing</b> plan {n}</p>",
                **values,
            }
        }
        for n, values in enumerate(RECORDS)
    ]
    response = portal_http.post("/crm/v3/objects/calls/batch/create", json={"inputs": inputs})
    assert response.status_code == 201
    ids = [r["id"] for r in response.json()["results"]]
    archived = portal_http.post(
        "/crm/v3/objects/calls",
        json={"properties": {"hs_timestamp": str(BASE), "score": "10", "tier": "gold"}},
    ).json()["id"]
    assert portal_http.delete(f"/crm/v3/objects/calls/{archived}").status_code == 204
    return ids


def found(http: httpx.Client, calls: list[str], *filters: dict[str, Any], **body: Any) -> list[int]:
    """Positions (in RECORDS) of the matching calls, in the order the search returned."""
    request = {
        "filterGroups": [{"filters": list(filters)}] if filters else [],
        "limit": 100,
        **body,
    }
    response = http.post(SEARCH, json=request)
    assert response.status_code == 200, response.text
    return [calls.index(r["id"]) for r in response.json()["results"]]


def f(name: str, operator: str, value: Any = None, **more: Any) -> dict[str, Any]:
    return {
        "propertyName": name,
        "operator": operator,
        **({"value": value} if value is not None else {}),
        **more,
    }


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (f("score", "EQ", "20"), [1]),
        (f("score", "NEQ", "20"), [0, 2, 3, 4, 5]),
        (f("score", "LT", "20"), [0, 4]),
        (f("score", "LTE", "20"), [0, 1, 4]),
        (f("score", "GT", "20"), [2, 3]),
        (f("score", "GTE", 30), [2, 3]),
        (f("score", "BETWEEN", "0", highValue="25"), [0, 1]),
        (f("score", "IN", values=["10", "40"]), [0, 3]),
        (f("score", "NOT_IN", values=["10", "40"]), [1, 2, 4, 5]),
        (f("score", "HAS_PROPERTY"), [0, 1, 2, 3, 4]),
        (f("score", "NOT_HAS_PROPERTY"), [5]),
        (f("tier", "EQ", "gold"), [0, 3, 5]),
        (f("tier", "EQ", "GOLD"), []),
        (f("tier", "EQ", "Bronze"), [2]),
        (f("tier", "IN", values=["silver", "Bronze"]), [1, 2, 4]),
        (f("vip", "EQ", "true"), [0, 2]),
        (f("vip", "EQ", True), [0, 2]),
        (f("renewal", "EQ", str(BASE + DAY)), [1]),
        (f("renewal", "GTE", "2026-01-02"), [1, 2]),
        (f("nickname", "EQ", "ALPHA ONE"), [0]),
        (f("nickname", "IN", values=["gamma", "epsilon"]), [2, 4]),
        (f("nickname", "CONTAINS_TOKEN", "two"), [1]),
        (f("nickname", "CONTAINS_TOKEN", "*elt*"), [3]),
        (f("nickname", "NOT_CONTAINS_TOKEN", "a"), [0, 1, 2, 3, 4, 5]),
        (f("nickname", "NOT_CONTAINS_TOKEN", "two"), [0, 2, 3, 4, 5]),
        (f("nickname", "CONTAINS_TOKEN", "alp"), []),
        (f("nickname", "CONTAINS_TOKEN", "alp*"), [0]),
        (f("hs_timestamp", "BETWEEN", str(BASE + DAY), highValue=str(BASE + 3 * DAY)), [1, 2, 3]),
        (f("hs_timestamp", "LT", "2026-01-02T00:00:00Z"), [0]),
    ],
)
def test_each_operator_on_each_type(
    portal_http: httpx.Client, calls: list[str], flt: dict[str, Any], expected: list[int]
) -> None:
    assert found(portal_http, calls, flt) == expected


def test_system_properties_filter_and_sort(portal_http: httpx.Client, calls: list[str]) -> None:
    assert found(portal_http, calls, f("hs_object_id", "IN", values=[calls[1], calls[4]])) == [1, 4]
    assert found(portal_http, calls, f("hs_object_id", "EQ", calls[2])) == [2]
    newest_first = [{"propertyName": "hs_createdate", "direction": "DESCENDING"}]
    assert found(portal_http, calls, sorts=newest_first) == [5, 4, 3, 2, 1, 0]
    assert found(portal_http, calls, f("hs_lastmodifieddate", "GT", "0")) == [0, 1, 2, 3, 4, 5]


def test_filters_in_a_group_are_anded_and_groups_ored(
    portal_http: httpx.Client, calls: list[str]
) -> None:
    groups = [
        {"filters": [f("tier", "EQ", "gold"), f("score", "GT", "15")]},
        {"filters": [f("tier", "EQ", "Bronze")]},
    ]
    assert found(portal_http, calls, filterGroups=groups) == [2, 3]


def test_top_level_filters_are_one_more_group(portal_http: httpx.Client, calls: list[str]) -> None:
    assert found(portal_http, calls, filters=[f("score", "EQ", "30")]) == [2]


def test_sorting_both_ways_and_the_string_form(portal_http: httpx.Client, calls: list[str]) -> None:
    up = [{"propertyName": "score", "direction": "ASCENDING"}]
    assert found(portal_http, calls, sorts=up) == [4, 0, 1, 2, 3, 5]
    assert found(portal_http, calls, sorts=["-score"]) == [3, 2, 1, 0, 4, 5]
    assert found(portal_http, calls, sorts=["nickname"])[:2] == [0, 1]


def test_default_order_is_creation_order(portal_http: httpx.Client, calls: list[str]) -> None:
    assert found(portal_http, calls) == [0, 1, 2, 3, 4, 5]


def test_paging_visits_every_result_once(portal_http: httpx.Client, calls: list[str]) -> None:
    seen: list[str] = []
    after: str | None = None
    while True:
        body: dict[str, Any] = {"limit": 4, **({"after": after} if after else {})}
        page = portal_http.post(SEARCH, json=body).json()
        assert page["total"] == 6
        seen += [r["id"] for r in page["results"]]
        if "paging" not in page:
            break
        after = page["paging"]["next"]["after"]
    assert seen == calls


def test_query_searches_title_and_body_preview(portal_http: httpx.Client, calls: list[str]) -> None:
    assert found(portal_http, calls, query="number 3") == [3]
    assert found(portal_http, calls, query="PRICING") == [0, 1, 2, 3, 4, 5]


def test_results_show_defaults_plus_requested_properties(
    portal_http: httpx.Client, calls: list[str]
) -> None:
    body = {
        "filterGroups": [{"filters": [f("score", "EQ", "10")]}],
        "properties": ["score", "tier"],
    }
    (result,) = portal_http.post(SEARCH, json=body).json()["results"]
    assert result["properties"]["score"] == "10"
    assert set(result["properties"]) == {
        "score",
        "tier",
        "hs_createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
    }


def test_archived_records_never_match(portal_http: httpx.Client, calls: list[str]) -> None:
    response = portal_http.post(
        SEARCH, json={"filterGroups": [{"filters": [f("score", "EQ", "10")]}]}
    )
    assert response.json()["total"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"filterGroups": [{"filters": [f("score", "HAS_PROPERTY")]}] * 6},
        {"filterGroups": [{"filters": [f("score", "HAS_PROPERTY")] * 7}]},
        {
            "filterGroups": [{"filters": [f("score", "HAS_PROPERTY")] * 6}] * 3
            + [{"filters": [f("score", "HAS_PROPERTY")]}]
        },
        {"limit": 201},
        {"after": "9950", "limit": 100},
        {"query": "x" * 3001},
        {"filterGroups": [{"filters": [f("no_such_property", "EQ", "1")]}]},
        {"filterGroups": [{"filters": [f("score", "ROUGHLY", "1")]}]},
        {"filterGroups": [{"filters": [f("score", "EQ")]}]},
        {"filterGroups": [{"filters": [f("score", "BETWEEN", "1")]}]},
        {"filterGroups": [{"filters": [f("score", "IN")]}]},
        {"filterGroups": [{"filters": [f("hs_body_preview_html", "HAS_PROPERTY")]}]},
        {"filterGroups": [{"filters": [f("score", "EQ", "ten")]}]},
    ],
)
def test_limits_and_bad_filters_answer_400(
    portal_http: httpx.Client, calls: list[str], body: Any
) -> None:
    response = portal_http.post(SEARCH, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["category"] == "VALIDATION_ERROR"


def test_search_is_served_at_every_alias(portal_http: httpx.Client, calls: list[str]) -> None:
    for path in ("/crm/v3/objects/0-48/search", "/crm/objects/2026-03/calls/search"):
        assert portal_http.post(path, json={}).json()["total"] == 6


def test_sdk_do_search(portal_sdk: Any, calls: list[str]) -> None:
    from hubspot.crm.objects.calls import Filter, FilterGroup, PublicObjectSearchRequest

    request = PublicObjectSearchRequest(
        filter_groups=[
            FilterGroup(filters=[Filter(property_name="tier", operator="EQ", value="gold")])
        ],
        sorts=["-hs_createdate"],
        properties=["tier"],
        limit=2,
    )
    page = portal_sdk.crm.objects.calls.search_api.do_search(public_object_search_request=request)
    assert page.total == 3
    assert [r.id for r in page.results] == [calls[5], calls[3]]
    assert page.paging.next.after == "2"


def test_search_follows_updates_and_clears(portal_http: httpx.Client) -> None:
    created = portal_http.post(
        "/crm/v3/objects/calls",
        json={"properties": {"hs_timestamp": str(BASE), "score": "555", "nickname": "old name"}},
    ).json()["id"]

    def ids(flt: dict[str, Any]) -> list[str]:
        body = {"filterGroups": [{"filters": [flt]}], "limit": 100}
        return [r["id"] for r in portal_http.post(SEARCH, json=body).json()["results"]]

    assert created in ids(f("score", "EQ", "555"))
    update = {"properties": {"score": "556", "nickname": "new name"}}
    assert portal_http.patch(f"/crm/v3/objects/calls/{created}", json=update).status_code == 200
    assert created not in ids(f("score", "EQ", "555"))
    assert created in ids(f("score", "EQ", "556"))
    assert created in ids(f("nickname", "EQ", "NEW NAME"))
    assert created not in ids(f("nickname", "CONTAINS_TOKEN", "old"))
    clear = {"properties": {"score": ""}}
    assert portal_http.patch(f"/crm/v3/objects/calls/{created}", json=clear).status_code == 200
    assert created in ids(f("score", "NOT_HAS_PROPERTY"))
    assert created not in ids(f("score", "HAS_PROPERTY"))
    refill = {"properties": {"score": "7"}}
    assert portal_http.patch(f"/crm/v3/objects/calls/{created}", json=refill).status_code == 200
    assert created in ids(f("score", "EQ", "7"))
