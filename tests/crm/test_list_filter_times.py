"""Date and time filters: instants, calendar days, rolling ranges and calendar units
from a given now, time points in a zone, relative to now or to another property."""

from __future__ import annotations

from typing import Any

import pytest

from localspot.crm.list_filters import matches
from localspot.crm.model import Record

from .list_filter_trees import (
    AT,
    DAY,
    at,
    ms,
    parse,
    passes,
    prop,
    record,
    root,
    seen,
)

# ---- dates and times ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flt", "moment", "expected"),
    [
        (seen("DATETIME", "IS_BEFORE", timestamp=AT), AT - 1, True),
        (seen("DATETIME", "IS_BEFORE", timestamp=AT), AT, False),
        (seen("DATETIME", "IS_AFTER", timestamp=AT), AT + 1, True),
        (seen("DATETIME", "IS_AFTER", timestamp=AT), AT, False),
        (seen("RANGED_DATE", "IS_BETWEEN", lowerBound=AT, upperBound=AT + 5), AT + 5, True),
        (seen("RANGED_DATE", "IS_NOT_BETWEEN", lowerBound=AT, upperBound=AT + 5), AT + 6, True),
        (seen("DATE", "IS_EQUAL_TO", year=2026, month="JANUARY", day=1), AT + DAY - 1, True),
        (seen("DATE", "IS_EQUAL_TO", year=2026, month=1, day=1), AT + DAY, False),
        (seen("DATE", "IS_NOT_EQUAL_TO", year=2026, month="1", day=1), AT + DAY, True),
        (seen("DATE", "IS_BEFORE", year=2026, month=1, day=1), AT - 1, True),
        (seen("DATE", "IS_AFTER", year=2026, month=1, day=1), AT + DAY - 1, False),
        (
            seen(
                "TIME_POINT",
                "IS_AFTER",
                timePoint={
                    "timeType": "DATE",
                    "year": 2025,
                    "month": 12,
                    "day": 31,
                    "hour": 19,
                    "zoneId": "US/Eastern",
                },
            ),
            AT + 1,
            True,
        ),
        (
            seen(
                "TIME_POINT",
                "IS_AFTER",
                timePoint={
                    "timeType": "DATE",
                    "year": 2025,
                    "month": 12,
                    "day": 31,
                    "hour": 19,
                    "zoneId": "US/Eastern",
                },
            ),
            AT,
            False,
        ),
        (
            seen(
                "TIME_POINT",
                "IS_AFTER",
                endpointBehavior="INCLUSIVE",
                timePoint={"timeType": "DATE", "year": 2026, "month": 1, "day": 1},
            ),
            AT,
            True,
        ),
        (
            seen(
                "TIME_POINT",
                "IS_BEFORE",
                timePoint={"timeType": "DATE", "year": 2026, "month": 1, "day": 1},
            ),
            AT,
            False,
        ),
        (
            seen(
                "TIME_RANGED",
                "IS_BETWEEN",
                lowerBoundTimePoint={"timeType": "DATE", "year": 2026, "month": 1, "day": 1},
                upperBoundTimePoint={"timeType": "DATE", "year": 2026, "month": 1, "day": 2},
                upperBoundEndpointBehavior="EXCLUSIVE",
            ),
            AT + DAY,
            False,
        ),
        (
            seen(
                "TIME_RANGED",
                "IS_NOT_BETWEEN",
                lowerBoundTimePoint={"timeType": "DATE", "year": 2026, "month": 1, "day": 1},
                upperBoundTimePoint={"timeType": "DATE", "year": 2026, "month": 1, "day": 2},
            ),
            AT - 1,
            True,
        ),
    ],
)
def test_date_operations_compare_instants(flt: dict[str, Any], moment: int, expected: bool) -> None:
    assert passes(flt, seen=at(moment)) is expected


def test_a_date_property_is_its_utc_midnight() -> None:
    flt = prop("renewal", "DATETIME", "IS_AFTER", timestamp=AT - 1)
    assert passes(flt, renewal="2026-01-01")
    assert not passes(flt, renewal="2025-12-31")


@pytest.mark.parametrize(
    ("operator", "days", "offset", "expected"),
    [
        ("IS_LESS_THAN_X_DAYS_AGO", 3, -3 * DAY, True),
        ("IS_LESS_THAN_X_DAYS_AGO", 3, -3 * DAY - 1, False),
        ("IS_LESS_THAN_X_DAYS_AGO", 3, 1, False),
        ("IS_MORE_THAN_X_DAYS_AGO", 3, -3 * DAY - 1, True),
        ("IS_MORE_THAN_X_DAYS_AGO", 3, -3 * DAY, False),
        ("IS_LESS_THAN_X_DAYS_FROM_NOW", 3, 3 * DAY, True),
        ("IS_LESS_THAN_X_DAYS_FROM_NOW", 3, -1, False),
        ("IS_MORE_THAN_X_DAYS_FROM_NOW", 3, 3 * DAY + 1, True),
        ("IS_MORE_THAN_X_DAYS_FROM_NOW", 3, 3 * DAY, False),
    ],
)
def test_rolling_date_ranges_count_days_from_the_given_now(
    operator: str, days: int, offset: int, expected: bool
) -> None:
    flt = seen("ROLLING_DATE_RANGE", operator, numberOfDays=days)
    now = AT + 17 * DAY + 12_345
    assert passes(flt, now=now, seen=at(now + offset)) is expected


NOW = ms(2026, 5, 14, 15, 30)  # a Thursday, in the second quarter


@pytest.mark.parametrize(
    ("fields", "inside", "outside"),
    [
        (
            {"operator": "IN_THIS_TIME_UNIT", "timeUnit": "DAY"},
            ms(2026, 5, 14, 23, 59),
            ms(2026, 5, 15),
        ),
        ({"operator": "IN_THIS_TIME_UNIT_SO_FAR", "timeUnit": "DAY"}, NOW, NOW + 1),
        (
            {"operator": "IN_THIS_TIME_UNIT", "timeUnit": "WEEK"},
            ms(2026, 5, 11),
            ms(2026, 5, 10, 23),
        ),
        ({"operator": "IN_LAST_TIME_UNIT", "timeUnit": "WEEK"}, ms(2026, 5, 4), ms(2026, 5, 11)),
        ({"operator": "IN_NEXT_TIME_UNIT", "timeUnit": "MONTH"}, ms(2026, 6, 30), ms(2026, 7, 1)),
        (
            {"operator": "IN_LAST_TIME_UNIT", "timeUnit": "MONTH", "timeUnitCount": 2},
            ms(2026, 3, 1),
            ms(2026, 2, 28),
        ),
        ({"operator": "IN_THIS_TIME_UNIT", "timeUnit": "QUARTER"}, ms(2026, 4, 1), ms(2026, 3, 31)),
        ({"operator": "IN_THIS_TIME_UNIT", "timeUnit": "YEAR"}, ms(2026, 1, 1), ms(2025, 12, 31)),
        (
            {
                "operator": "IN_THIS_TIME_UNIT",
                "timeUnit": "YEAR",
                "useFiscalYear": True,
                "fiscalYearStart": "JULY",
            },
            ms(2025, 7, 1),
            ms(2025, 6, 30),
        ),
        (
            {
                "operator": "IN_LAST_TIME_UNIT",
                "timeUnit": "QUARTER",
                "useFiscalYear": True,
                "fiscalYearStart": "FEBRUARY",
            },
            ms(2026, 2, 1),
            ms(2026, 5, 1),
        ),
    ],
)
def test_calendar_units_are_taken_around_the_given_now(
    fields: dict[str, Any], inside: int, outside: int
) -> None:
    flt = seen("CALENDAR_DATE", **fields)
    assert passes(flt, now=NOW, seen=at(inside))
    assert not passes(flt, now=NOW, seen=at(outside))


def indexed(reference: dict[str, Any], **offset: int) -> dict[str, Any]:
    point = {"timeType": "INDEXED", "indexReference": reference, "zoneId": "US/Eastern"}
    return {**point, "offset": offset} if offset else point


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        (indexed({"referenceType": "NOW"}), NOW),
        (indexed({"referenceType": "NOW"}, hours=-1, minutes=30), NOW - 1_800_000),
        (indexed({"referenceType": "TODAY"}), ms(2026, 5, 14, 4)),
        (indexed({"referenceType": "TODAY", "hour": 9}, days=-3), ms(2026, 5, 11, 13)),
        (indexed({"referenceType": "WEEK", "dayOfWeek": "MONDAY"}), ms(2026, 5, 11, 4)),
        (indexed({"referenceType": "WEEK", "dayOfWeek": "SUNDAY"}, weeks=-1), ms(2026, 5, 10, 4)),
        (indexed({"referenceType": "MONTH", "day": 31}, months=1), ms(2026, 6, 30, 4)),
        (indexed({"referenceType": "YEAR", "month": 2, "day": 29}), ms(2026, 2, 28, 5)),
        (indexed({"referenceType": "TODAY"}, years=-1, quarters=1), ms(2025, 8, 14, 4)),
    ],
)
def test_an_indexed_time_point_is_taken_from_now_in_its_zone(
    point: dict[str, Any], expected: int
) -> None:
    before = seen("TIME_POINT", "IS_BEFORE", timePoint=point)
    after = seen("TIME_POINT", "IS_AFTER", endpointBehavior="INCLUSIVE", timePoint=point)
    assert passes(before, now=NOW, seen=at(expected - 1))
    assert not passes(before, now=NOW, seen=at(expected))
    assert passes(after, now=NOW, seen=at(expected))
    assert not passes(after, now=NOW, seen=at(expected - 1))


def test_a_relative_point_follows_now_from_one_call_to_the_next() -> None:
    tree = parse(root(seen("TIME_POINT", "IS_AFTER", timePoint=indexed({"referenceType": "NOW"}))))
    moment = record(seen=at(AT))
    assert matches(tree, moment, AT - 1)
    assert not matches(tree, moment, AT)
    assert matches(tree, moment, AT - 1)


def test_property_referenced_points_and_comparisons_read_the_other_value() -> None:
    point = {"timeType": "PROPERTY_REFERENCED", "property": "renewal", "referenceType": "VALUE"}
    before = seen("TIME_POINT", "IS_BEFORE", timePoint=point)
    assert passes(before, seen=at(AT - 1), renewal="2026-01-01")
    assert not passes(before, seen=at(AT), renewal="2026-01-01")
    assert not passes(before, seen=at(AT - 1))  # the other value is unknown
    compared = seen("COMPARATIVE_DATE", "IS_AFTER", comparisonPropertyName="renewal")
    assert passes(compared, seen=at(AT + 1), renewal="2026-01-01")
    assert not passes(compared, seen=at(AT + 1))
    fallback = seen(
        "COMPARATIVE_DATE",
        "IS_AFTER",
        comparisonPropertyName="renewal",
        defaultComparisonValue="2026-01-01",
    )
    assert passes(fallback, seen=at(AT + 1))
    ranged = seen(
        "TIME_RANGED",
        "IS_BETWEEN",
        lowerBoundTimePoint=point,
        upperBoundTimePoint={"timeType": "DATE", "year": 2026, "month": 2, "day": 1},
    )
    assert passes(ranged, seen=at(AT + DAY), renewal="2026-01-01")
    assert not passes(ranged, seen=at(AT + DAY))


def test_system_properties_are_read_from_the_records_columns() -> None:
    by_id = prop("hs_object_id", "NUMBER", "IS_EQUAL_TO", value=7)
    assert matches(parse(root(by_id)), record(7), AT)
    assert not matches(parse(root(by_id)), record(8, hs_object_id="7"), AT)
    created = prop("createdate", "DATETIME", "IS_AFTER", timestamp=AT)
    assert matches(parse(root(created)), record(1, created=AT + 1), AT)
    assert not matches(parse(root(created)), record(1, created=AT, createdate=at(AT + 5)), AT)
    assert passes(prop("createdate", "ALL_PROPERTY", "IS_KNOWN"))


def test_an_offset_beyond_the_calendar_makes_the_point_unknown_and_the_filter_fail() -> None:
    point = {
        "timeType": "INDEXED",
        "indexReference": {"referenceType": "NOW"},
        "offset": {"years": 999_999},
    }
    tree = parse(root(seen("TIME_POINT", "IS_BEFORE", timePoint=point)))
    assert not matches(tree, record(seen=at(AT)), AT)


def test_records_evaluated_at_one_now_share_its_relative_point() -> None:
    point = {"timeType": "INDEXED", "indexReference": {"referenceType": "TODAY"}}
    tree = parse(
        root(seen("TIME_POINT", "IS_AFTER", endpointBehavior="INCLUSIVE", timePoint=point))
    )
    now = AT + DAY + 5
    assert [matches(tree, record(seen=at(m)), now) for m in (AT + DAY, AT + DAY - 1)] == [
        True,
        False,
    ]


def test_the_last_modified_date_is_the_records_column() -> None:
    flt = prop("lastmodifieddate", "DATETIME", "IS_AFTER", timestamp=AT)
    assert matches(parse(root(flt)), Record(1, {}, AT - DAY, AT + 1), AT)
    assert not matches(parse(root(flt)), Record(1, {}, AT + DAY, AT), AT)
