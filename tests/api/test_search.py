"""POST /crm/v3/objects/calls/search (hubspot-behaviour §2.7, §3.6): operators on every
property type, AND/OR, sorting, free text, archived records and the index following writes;
own portal."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

SEARCH = "/crm/v3/objects/calls/search"
DAY = 86_400_000
BASE = 1_767_225_600_000  # 2026-01-01T00:00:00Z
COLOURS = [{"label": c, "value": c} for c in ("red", "blue", "green")]

CUSTOM = [
    {"name": "score", "label": "Score", "type": "number", "fieldType": "number"},
    {
        "name": "tier",
        "label": "Tier",
        "type": "enumeration",
        "fieldType": "select",
        "options": [{"label": t, "value": t} for t in ("gold", "silver", "Bronze")],
    },
    {"name": "tags", "label": "Tags", "type": "enumeration", "fieldType": "checkbox",
     "options": COLOURS},
    {"name": "vip", "label": "VIP", "type": "bool", "fieldType": "booleancheckbox"},
    {"name": "renewal", "label": "Renewal", "type": "date", "fieldType": "date"},
    {"name": "seen", "label": "Seen", "type": "datetime", "fieldType": "date"},
    {"name": "nickname", "label": "Nickname", "type": "string", "fieldType": "text"},
]  # fmt: skip
RECORDS = [
    {"score": "10", "tier": "gold", "tags": "red;blue", "vip": "true", "renewal": "2026-01-01",
     "seen": "2026-01-01T10:00:00Z", "nickname": "Alpha One"},
    {"score": "20", "tier": "silver", "tags": "blue", "vip": "false", "renewal": "2026-01-02",
     "seen": "2026-01-01T12:00:00Z", "nickname": "beta two"},
    {"score": "30", "tier": "Bronze", "vip": "true", "renewal": "2026-01-03",
     "seen": str(BASE + DAY), "nickname": "Gamma"},
    {"score": "40", "tier": "gold", "tags": "green", "vip": "false", "nickname": "delta four"},
    {"score": "-5.5", "tier": "silver", "nickname": "epsilon@example.com"},
    {"tier": "gold"},
]  # fmt: skip


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
    page = response.json()
    assert page["total"] == len(page["results"])
    return [calls.index(r["id"]) for r in page["results"]]


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
        (f("score", "IN", values=["10", 40]), [0, 3]),
        (f("score", "NOT_IN", values=["10", "40"]), [1, 2, 4, 5]),
        (f("score", "HAS_PROPERTY"), [0, 1, 2, 3, 4]),
        (f("score", "NOT_HAS_PROPERTY"), [5]),
        (f("score", "CONTAINS_TOKEN", "30"), [2]),
    ],
)
def test_number_operators(
    portal_http: httpx.Client, calls: list[str], flt: dict[str, Any], expected: list[int]
) -> None:
    assert found(portal_http, calls, flt) == expected


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (f("tier", "EQ", "gold"), [0, 3, 5]),
        (f("tier", "EQ", "GOLD"), []),
        (f("tier", "EQ", "Bronze"), [2]),
        (f("tier", "NEQ", "gold"), [1, 2, 4]),
        (f("tier", "IN", values=["silver", "Bronze"]), [1, 2, 4]),
        (f("tier", "NOT_IN", values=["silver", "Bronze"]), [0, 3, 5]),
        (f("tier", "HAS_PROPERTY"), [0, 1, 2, 3, 4, 5]),
        (f("tier", "CONTAINS_TOKEN", "Bron*"), [2]),
        (f("tier", "CONTAINS_TOKEN", "bronze"), []),
        (f("tags", "EQ", "blue"), [0, 1]),
        (f("tags", "EQ", "BLUE"), []),
        (f("tags", "IN", values=["red", "green"]), [0, 3]),
        (f("tags", "NEQ", "blue"), [2, 3, 4, 5]),
        (f("tags", "NOT_IN", values=["blue", "green"]), [2, 4, 5]),
        (f("tags", "HAS_PROPERTY"), [0, 1, 3]),
        (f("tags", "NOT_HAS_PROPERTY"), [2, 4, 5]),
    ],
)
def test_enumeration_operators_are_case_sensitive(
    portal_http: httpx.Client, calls: list[str], flt: dict[str, Any], expected: list[int]
) -> None:
    assert found(portal_http, calls, flt) == expected


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (f("vip", "EQ", "true"), [0, 2]),
        (f("vip", "EQ", True), [0, 2]),
        (f("vip", "NEQ", "true"), [1, 3, 4, 5]),
        (f("vip", "IN", values=[False]), [1, 3]),
        (f("vip", "NOT_HAS_PROPERTY"), [4, 5]),
    ],
)
def test_bool_operators(
    portal_http: httpx.Client, calls: list[str], flt: dict[str, Any], expected: list[int]
) -> None:
    assert found(portal_http, calls, flt) == expected


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (f("renewal", "EQ", str(BASE + DAY)), [1]),
        (f("renewal", "GTE", "2026-01-02"), [1, 2]),
        (f("renewal", "LT", BASE + DAY), [0]),
        (f("renewal", "BETWEEN", "2026-01-01", highValue=str(BASE + DAY)), [0, 1]),
        (f("renewal", "NEQ", "2026-01-01"), [1, 2, 3, 4, 5]),
        (f("seen", "GT", "2026-01-01T11:00:00Z"), [1, 2]),
        (f("seen", "LTE", str(BASE + 10 * 3_600_000)), [0]),
        (f("seen", "IN", values=[str(BASE + DAY), "2026-01-01T12:00:00.000Z"]), [1, 2]),
        (f("hs_timestamp", "BETWEEN", str(BASE + DAY), highValue=str(BASE + 3 * DAY)), [1, 2, 3]),
        (f("hs_timestamp", "LT", "2026-01-02T00:00:00Z"), [0]),
    ],
)
def test_date_and_datetime_operators_take_epoch_ms_or_iso(
    portal_http: httpx.Client, calls: list[str], flt: dict[str, Any], expected: list[int]
) -> None:
    assert found(portal_http, calls, flt) == expected


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (f("nickname", "EQ", "ALPHA ONE"), [0]),
        (f("nickname", "NEQ", "gamma"), [0, 1, 3, 4, 5]),
        (f("nickname", "LT", "C"), [0, 1]),
        (f("nickname", "GTE", "delta"), [2, 3, 4]),
        (f("nickname", "IN", values=["gamma", "beta two"]), [1, 2]),
        (f("nickname", "IN", values=["Gamma"]), []),
        (f("nickname", "NOT_IN", values=["gamma"]), [0, 1, 3, 4, 5]),
        (f("nickname", "HAS_PROPERTY"), [0, 1, 2, 3, 4]),
        (f("nickname", "NOT_HAS_PROPERTY"), [5]),
        (f("nickname", "CONTAINS_TOKEN", "two"), [1]),
        (f("nickname", "CONTAINS_TOKEN", "ONE alpha"), [0]),
        (f("nickname", "CONTAINS_TOKEN", "alpha two"), []),
        (f("nickname", "CONTAINS_TOKEN", "*elt*"), [3]),
        (f("nickname", "CONTAINS_TOKEN", "alp"), []),
        (f("nickname", "CONTAINS_TOKEN", "alp*"), [0]),
        (f("nickname", "CONTAINS_TOKEN", "*@example.com"), [4]),
        (f("nickname", "NOT_CONTAINS_TOKEN", "a"), [0, 1, 2, 3, 4, 5]),
        (f("nickname", "NOT_CONTAINS_TOKEN", "two"), [0, 2, 3, 4, 5]),
        (f("nickname", "NOT_CONTAINS_TOKEN", "alpha one"), [1, 2, 3, 4, 5]),
        (f("hs_call_title", "CONTAINS_TOKEN", "number"), [0, 1, 2, 3, 4, 5]),
    ],
)
def test_string_operators_are_case_insensitive_except_in(
    portal_http: httpx.Client, calls: list[str], flt: dict[str, Any], expected: list[int]
) -> None:
    assert found(portal_http, calls, flt) == expected


def test_system_properties_filter(portal_http: httpx.Client, calls: list[str]) -> None:
    assert found(portal_http, calls, f("hs_object_id", "IN", values=[calls[1], calls[4]])) == [1, 4]
    assert found(portal_http, calls, f("hs_object_id", "EQ", calls[2])) == [2]
    assert found(portal_http, calls, f("hs_object_id", "GT", calls[3])) == [4, 5]
    assert found(portal_http, calls, f("hs_lastmodifieddate", "GT", "0")) == [0, 1, 2, 3, 4, 5]
    assert found(portal_http, calls, f("hs_createdate", "NOT_HAS_PROPERTY")) == []


@pytest.mark.parametrize("name", ["hs_object_id", "associations.contact"])
def test_ids_beyond_64_bits_match_nothing(
    portal_http: httpx.Client, calls: list[str], name: str
) -> None:
    huge = "99999999999999999999999"
    for operator in ("EQ", "NEQ"):
        response = portal_http.post(SEARCH, json={"filters": [f(name, operator, huge)]})
        assert response.status_code == 200, response.text
        assert response.json()["total"] == (0 if operator == "EQ" else len(calls))


def test_filters_in_a_group_are_anded_and_groups_ored(
    portal_http: httpx.Client, calls: list[str]
) -> None:
    groups = [
        {"filters": [f("tier", "EQ", "gold"), f("score", "GT", "15")]},
        {"filters": [f("tier", "EQ", "Bronze")]},
    ]
    assert found(portal_http, calls, filterGroups=groups) == [2, 3]


def test_groups_mixing_negations_and_record_columns(
    portal_http: httpx.Client, calls: list[str]
) -> None:
    groups = [
        {"filters": [f("tier", "EQ", "gold"), f("score", "NEQ", "10")]},
        {"filters": [f("hs_object_id", "IN", values=[calls[1]])]},
        {"filters": [f("nickname", "NOT_HAS_PROPERTY"), f("vip", "NOT_HAS_PROPERTY")]},
    ]
    assert found(portal_http, calls, filterGroups=groups) == [1, 3, 5]


def test_top_level_filters_are_one_more_group(portal_http: httpx.Client, calls: list[str]) -> None:
    assert found(portal_http, calls, filters=[f("score", "EQ", "30")]) == [2]


@pytest.mark.parametrize(
    ("sorts", "expected"),
    [
        ([{"propertyName": "score", "direction": "ASCENDING"}], [4, 0, 1, 2, 3, 5]),
        (["-score"], [3, 2, 1, 0, 4, 5]),
        (["nickname"], [0, 1, 3, 4, 2, 5]),
        ([{"propertyName": "nickname", "direction": "DESCENDING"}], [2, 4, 3, 1, 0, 5]),
        (["tier"], [2, 0, 3, 5, 1, 4]),
        (["-renewal"], [2, 1, 0, 5, 4, 3]),
        (["tags"], [0, 1, 3, 2, 4, 5]),
        (["-tags"], [0, 3, 1, 5, 4, 2]),
        (["-hs_createdate"], [5, 4, 3, 2, 1, 0]),
        (["-hs_object_id"], [5, 4, 3, 2, 1, 0]),
        (["hs_timestamp"], [0, 1, 2, 3, 4, 5]),
    ],
)
def test_sorting_both_ways_with_missing_values_last(
    portal_http: httpx.Client, calls: list[str], sorts: list[Any], expected: list[int]
) -> None:
    assert found(portal_http, calls, sorts=sorts) == expected


def test_sorting_on_the_filtered_property(portal_http: httpx.Client, calls: list[str]) -> None:
    assert found(portal_http, calls, f("score", "GT", "0"), sorts=["-score"]) == [3, 2, 1, 0]
    both = (f("score", "GT", "0"), f("tier", "EQ", "gold"))
    assert found(portal_http, calls, *both, sorts=["-score"]) == [3, 0]


def test_sorting_a_filtered_set_on_another_property(
    portal_http: httpx.Client, calls: list[str]
) -> None:
    assert found(portal_http, calls, f("tier", "EQ", "gold"), sorts=["-score"]) == [3, 0, 5]


def test_default_order_is_creation_order(portal_http: httpx.Client, calls: list[str]) -> None:
    assert found(portal_http, calls) == [0, 1, 2, 3, 4, 5]


def test_query_matches_word_beginnings_in_title_and_body_preview(
    portal_http: httpx.Client, calls: list[str]
) -> None:
    assert found(portal_http, calls, query="number 3") == [3]
    assert found(portal_http, calls, query="PRIC") == [0, 1, 2, 3, 4, 5]
    assert found(portal_http, calls, query="ricing") == []


def test_query_and_filters_both_apply(portal_http: httpx.Client, calls: list[str]) -> None:
    assert found(portal_http, calls, f("tier", "EQ", "gold"), query="pricing") == [0, 3, 5]


def test_body_preview_is_the_body_as_plain_text(
    portal_http: httpx.Client, calls: list[str]
) -> None:
    body = {"filters": [f("hs_object_id", "EQ", calls[2])], "properties": ["hs_body_preview"]}
    (result,) = portal_http.post(SEARCH, json=body).json()["results"]
    assert result["properties"]["hs_body_preview"] == "Talked about pricing plan 2"


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


def test_search_is_served_at_every_alias(portal_http: httpx.Client, calls: list[str]) -> None:
    for path in ("/crm/v3/objects/0-48/search", "/crm/objects/2026-03/calls/search"):
        total = portal_http.post(path, json={"filters": [f("tier", "HAS_PROPERTY")]}).json()
        assert total["total"] == 6


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
    assert page.results[0].properties["tier"] == "gold"
    assert page.paging.next.after == "2"


def test_sdk_between_and_query(portal_sdk: Any, calls: list[str]) -> None:
    from hubspot.crm.objects.calls import Filter, FilterGroup, PublicObjectSearchRequest

    between = Filter(property_name="score", operator="BETWEEN", value="5", high_value="35")
    request = PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[between])], query="pricing", limit=10
    )
    page = portal_sdk.crm.objects.calls.search_api.do_search(public_object_search_request=request)
    assert [r.id for r in page.results] == calls[:3]
    assert page.paging is None
