"""What a parsed filter branch echoes (``to_wire``): HubSpot's defaults filled, keys
sorted, each operation's own fields."""

from __future__ import annotations

from typing import Any

import pytest

from .list_filter_trees import (
    AT,
    parse,
    prop,
    root,
)

# ---- the echo ---------------------------------------------------------------------------


def test_the_echo_fills_hubspots_defaults_and_sorts_keys() -> None:
    raw = {
        "filterBranchType": "OR",
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filterBranches": [
                    {
                        "associationCategory": "HUBSPOT_DEFINED",
                        "associationTypeId": 4,
                        "filterBranchType": "ASSOCIATION",
                        "filters": [
                            {
                                "filterType": "PROPERTY",
                                "operation": {
                                    "operationType": "NUMBER",
                                    "operator": "IS_GREATER_THAN",
                                    "value": 1000,
                                },
                                "property": "amount",
                            }
                        ],
                        "objectTypeId": "0-3",
                        "operator": "IN_LIST",
                    }
                ],
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "operation": {
                            "operationType": "MULTISTRING",
                            "operator": "IS_EQUAL_TO",
                            "values": ["test", "name"],
                        },
                        "property": "firstname",
                    }
                ],
            }
        ],
    }
    no_value = {"includeObjectsWithNoValueSet": False}
    assert parse(raw).to_wire() == {
        "filterBranchOperator": "OR",
        "filterBranchType": "OR",
        "filterBranches": [
            {
                "filterBranchOperator": "AND",
                "filterBranchType": "AND",
                "filterBranches": [
                    {
                        "associationCategory": "HUBSPOT_DEFINED",
                        "associationTypeId": 4,
                        "filterBranchOperator": "AND",
                        "filterBranchType": "ASSOCIATION",
                        "filterBranches": [],
                        "filters": [
                            {
                                "filterType": "PROPERTY",
                                "operation": {
                                    **no_value,
                                    "operationType": "NUMBER",
                                    "operator": "IS_GREATER_THAN",
                                    "value": 1000,
                                },
                                "property": "amount",
                            }
                        ],
                        "objectTypeId": "0-3",
                        "operator": "IN_LIST",
                    }
                ],
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "operation": {
                            **no_value,
                            "operationType": "MULTISTRING",
                            "operator": "IS_EQUAL_TO",
                            "values": ["test", "name"],
                        },
                        "property": "firstname",
                    }
                ],
            }
        ],
        "filters": [],
    }


def echoed_operation(flt: dict[str, Any]) -> dict[str, Any]:
    wire = parse(root(flt)).to_wire()
    operation: dict[str, Any] = wire["filterBranches"][0]["filters"][0]["operation"]
    assert list(operation) == sorted(operation)
    return operation


@pytest.mark.parametrize(
    ("flt", "echo"),
    [
        (
            prop("firstname", "ALL_PROPERTY", "IS_KNOWN", includeObjectsWithNoValueSet=True),
            {"includeObjectsWithNoValueSet": True},
        ),
        (prop("firstname", "STRING", "CONTAINS", value="Jo"), {"value": "Jo"}),
        (prop("score", "NUMBER", "IS_EQUAL_TO", value="12.5"), {"value": 12.5}),
        (prop("score", "NUMBER", "IS_EQUAL_TO", value=" 12"), {"value": 12}),
        (
            prop("score", "NUMBER_RANGED", "IS_BETWEEN", lowerBound=1, upperBound=3),
            {"lowerBound": 1, "upperBound": 3},
        ),
        (prop("vip", "BOOL", "IS_EQUAL_TO", value="TRUE"), {"value": True}),
        (
            prop("tags", "ENUMERATION", "CONTAINS_ALL", values=["gold", "bronze"]),
            {"values": ["gold", "bronze"]},
        ),
        (
            prop("seen", "DATETIME", "IS_BEFORE", timestamp=AT),
            {"timestamp": AT, "requiresTimeZoneConversion": False},
        ),
        (
            prop(
                "seen",
                "RANGED_DATE",
                "IS_NOT_BETWEEN",
                lowerBound=1,
                upperBound=2,
                requiresTimeZoneConversion=True,
            ),
            {"lowerBound": 1, "upperBound": 2, "requiresTimeZoneConversion": True},
        ),
        (
            prop("renewal", "DATE", "IS_EQUAL_TO", year=2026, month="MARCH", day=4),
            {"year": 2026, "month": "MARCH", "day": 4},
        ),
        (
            prop("seen", "ROLLING_DATE_RANGE", "IS_LESS_THAN_X_DAYS_AGO", numberOfDays=7),
            {"numberOfDays": 7, "requiresTimeZoneConversion": False},
        ),
        (
            prop("seen", "CALENDAR_DATE", "IN_LAST_TIME_UNIT", timeUnit="MONTH", timeUnitCount=2),
            {"timeUnit": "MONTH", "timeUnitCount": 2},
        ),
        (
            prop("seen", "COMPARATIVE_DATE", "IS_AFTER", comparisonPropertyName="renewal"),
            {"comparisonPropertyName": "renewal"},
        ),
        (
            prop(
                "firstname",
                "COMPARATIVE_STRING",
                "IS_EQUAL_TO",
                comparisonPropertyName="lastname",
                defaultComparisonValue="x",
            ),
            {"comparisonPropertyName": "lastname", "defaultComparisonValue": "x"},
        ),
        (
            prop(
                "seen",
                "TIME_POINT",
                "IS_AFTER",
                endpointBehavior="EXCLUSIVE",
                propertyParser="VALUE",
                timePoint={
                    "timeType": "DATE",
                    "timezoneSource": "CUSTOM",
                    "zoneId": "US/Eastern",
                    "year": 2024,
                    "month": 3,
                    "day": 4,
                    "hour": 23,
                    "unknown": 1,
                },
            ),
            {
                "endpointBehavior": "EXCLUSIVE",
                "propertyParser": "VALUE",
                "type": "TIME_POINT",
                "timePoint": {
                    "day": 4,
                    "hour": 23,
                    "month": 3,
                    "timeType": "DATE",
                    "timezoneSource": "CUSTOM",
                    "year": 2024,
                    "zoneId": "US/Eastern",
                },
            },
        ),
        (
            prop(
                "seen",
                "TIME_RANGED",
                "IS_BETWEEN",
                lowerBoundTimePoint={
                    "timeType": "INDEXED",
                    "zoneId": "UTC",
                    "indexReference": {"referenceType": "TODAY"},
                    "offset": {"days": -3},
                },
                upperBoundTimePoint={
                    "timeType": "INDEXED",
                    "indexReference": {"referenceType": "NOW"},
                },
            ),
            {
                "type": "TIME_RANGED",
                "lowerBoundTimePoint": {
                    "indexReference": {"referenceType": "TODAY"},
                    "offset": {"days": -3},
                    "timeType": "INDEXED",
                    "zoneId": "UTC",
                },
                "upperBoundTimePoint": {
                    "indexReference": {"referenceType": "NOW"},
                    "timeType": "INDEXED",
                },
            },
        ),
    ],
)
def test_each_operation_echoes_its_fields(flt: dict[str, Any], echo: dict[str, Any]) -> None:
    operation = flt["operation"]
    expected = {
        "includeObjectsWithNoValueSet": False,
        "operationType": operation["operationType"],
        "operator": operation["operator"],
        **echo,
    }
    assert echoed_operation(flt) == expected


def test_the_echo_is_a_copy_the_caller_may_change() -> None:
    tree = parse(root(prop("firstname", "MULTISTRING", "IS_EQUAL_TO", values=["a"])))
    tree.to_wire()["filterBranches"].clear()
    assert tree.to_wire()["filterBranches"]


def test_a_constant_filter_echoes_its_source() -> None:
    wire = parse(root({"filterType": "CONSTANT", "shouldAccept": False, "source": "x"})).to_wire()
    assert wire["filterBranches"][0]["filters"] == [
        {"filterType": "CONSTANT", "shouldAccept": False, "source": "x"}
    ]


def test_not_all_and_not_any_branches_echo_their_type_as_operator() -> None:
    inner = {
        "filterBranchType": "NOT_ANY",
        "filters": [{"filterType": "CONSTANT", "shouldAccept": True}],
    }
    wire = parse(root(branches=(inner,))).to_wire()
    assert wire["filterBranches"][0]["filterBranches"] == [
        {
            "filterBranchOperator": "NOT_ANY",
            "filterBranchType": "NOT_ANY",
            "filterBranches": [],
            "filters": [{"filterType": "CONSTANT", "shouldAccept": True}],
        }
    ]
