"""List filter branches' 400s: structure, filter types, property filters and association
branches, each with its exact message and context."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.list_filters import parse_filter_branch
from localspot.crm.model import PropertyDefinition

from .list_filter_trees import (
    DEFINITIONS,
    association,
    parse,
    prop,
    refused,
    root,
)

# ---- structure and its 400s ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message", "context"),
    [
        ([], "filterBranch must be a JSON object", {}),
        (
            {"filterBranchType": "AND", "filters": [], "filterBranches": []},
            "The root filter branch must be an OR filter branch, not AND",
            {"filterBranchType": ["AND"]},
        ),
        (
            {"filters": []},
            "The root filter branch must be an OR filter branch, not None",
            {"filterBranchType": ["None"]},
        ),
        (
            {
                "filterBranchType": "OR",
                "filters": [{"filterType": "CONSTANT", "shouldAccept": True}],
            },
            "An OR filter branch cannot have filters: put them in an AND filter branch",
            {},
        ),
        (
            {"filterBranchType": "OR", "filters": [], "filterBranches": []},
            "An OR filter branch needs at least one AND filter branch",
            {},
        ),
        (
            {"filterBranchType": "OR", "filterBranches": [{"filterBranchType": "NOT_ANY"}]},
            "A filter branch of type OR cannot contain NOT_ANY filter branches",
            {"filterBranchType": ["NOT_ANY"]},
        ),
        (
            root(branches=({"filterBranchType": "OR", "filterBranches": []},)),
            "A filter branch of type AND cannot contain OR filter branches",
            {"filterBranchType": ["OR"]},
        ),
        (
            root(branches=({"filterBranchType": "SOMETIMES"},)),
            "Unknown filterBranchType SOMETIMES",
            {"filterBranchType": ["SOMETIMES"]},
        ),
        (
            root(branches=({"filterBranchType": "UNIFIED_EVENTS", "eventTypeId": "0-1"},)),
            "localspot does not support UNIFIED_EVENTS filter branches: it keeps no unified events",
            {"filterBranchType": ["UNIFIED_EVENTS"]},
        ),
        (
            {"filterBranchType": "OR", "filterBranches": ["AND"]},
            "A filter branch must be a JSON object",
            {},
        ),
        (
            {"filterBranchType": "OR", "filterBranches": {"filterBranchType": "AND"}},
            "filterBranches of a filter branch of type OR must be an array",
            {},
        ),
        (root("PROPERTY"), "A filter must be a JSON object", {}),
        (
            root({"filterType": "SOMETHING"}),
            "Unknown filterType SOMETHING",
            {"filterType": ["SOMETHING"]},
        ),
        (
            root({"filterType": "CONSTANT"}),
            "A CONSTANT filter needs shouldAccept: true or false",
            {},
        ),
    ],
)
def test_a_bad_structure_is_refused_with_a_400(
    raw: Any, message: str, context: dict[str, list[str]]
) -> None:
    assert refused(raw) == (message, context)


@pytest.mark.parametrize(
    ("filter_type", "data"),
    [
        ("PAGE_VIEW", "page views"),
        ("CTA", "calls-to-action"),
        ("EVENT", "analytics events"),
        ("UNIFIED_EVENTS", "unified events"),
        ("FORM_SUBMISSION", "form submissions"),
        ("FORM_SUBMISSION_ON_PAGE", "form submissions"),
        ("INTEGRATION_EVENT", "integration events"),
        ("EMAIL_SUBSCRIPTION", "email subscriptions"),
        ("COMMUNICATION_SUBSCRIPTION", "communication subscriptions"),
        ("EMAIL_EVENT", "marketing email events"),
        ("SURVEY_MONKEY", "surveys"),
        ("SURVEY_MONKEY_VALUE", "surveys"),
        ("WEBINAR", "webinars"),
        ("PRIVACY", "privacy consents"),
        ("ADS_SEARCH", "ads"),
        ("ADS_TIME", "ads"),
        ("CAMPAIGN_INFLUENCED", "campaigns"),
        ("NUM_ASSOCIATIONS", "association counts"),
        ("IN_LIST", "other lists' memberships"),
        ("ASSOCIATION", "other lists' memberships"),
        ("PROPERTY_ASSOCIATION", "property-based associations"),
    ],
)
def test_a_filter_type_on_data_localspot_lacks_is_refused_by_name(
    filter_type: str, data: str
) -> None:
    assert refused(root({"filterType": filter_type, "listId": "1", "operator": "IN_LIST"})) == (
        f"localspot does not support {filter_type} filters: it keeps no {data}",
        {"filterType": [filter_type]},
    )


def test_more_than_250_filters_are_refused() -> None:
    constant = {"filterType": "CONSTANT", "shouldAccept": True}
    assert parse(root(*[constant] * 250)).to_wire()
    assert refused(root(*[constant] * 251)) == (
        "A list's filters can hold at most 250 filters",
        {},
    )


def test_branches_nested_deeper_than_ten_are_refused() -> None:
    branch: dict[str, Any] = {"filterBranchType": "NOT_ALL", "filters": []}
    for _ in range(10):
        branch = {"filterBranchType": "NOT_ANY", "filterBranches": [branch]}
    assert refused(root(branches=(branch,))) == (
        "Filter branches can be nested at most 10 deep",
        {},
    )


# ---- property filters' 400s ------------------------------------------------------------


@pytest.mark.parametrize(
    ("flt", "message", "context"),
    [
        (
            prop("nickname", "STRING", "IS_EQUAL_TO", value="x"),
            'Property "nickname" does not exist',
            {"propertyName": ["nickname"]},
        ),
        (
            {"filterType": "PROPERTY", "operation": {}},
            "property must be the name of a property",
            {},
        ),
        (
            {"filterType": "PROPERTY", "property": "firstname"},
            "The filter on firstname needs an operation",
            {"propertyName": ["firstname"]},
        ),
        (
            {"filterType": "PROPERTY", "property": "firstname", "operation": {"operator": "X"}},
            "The operation on firstname needs operationType and operator",
            {"propertyName": ["firstname"]},
        ),
        (
            prop("firstname", "FUZZY", "IS_EQUAL_TO"),
            "Unknown operationType FUZZY",
            {"propertyName": ["firstname"]},
        ),
        (
            prop("firstname", "NUMBER", "IS_EQUAL_TO", value=1),
            "Operation type NUMBER cannot be used on property firstname of type string",
            {"propertyName": ["firstname"]},
        ),
        (
            prop("score", "STRING", "IS_EQUAL_TO", value="1"),
            "Operation type STRING cannot be used on property score of type number",
            {"propertyName": ["score"]},
        ),
        (
            prop("tier", "MULTISTRING", "IS_EQUAL_TO", values=["gold"]),
            "Operation type MULTISTRING cannot be used on property tier of type enumeration",
            {"propertyName": ["tier"]},
        ),
        (
            prop("seen", "NUMBER", "IS_EQUAL_TO", value=1),
            "Operation type NUMBER cannot be used on property seen of type datetime",
            {"propertyName": ["seen"]},
        ),
        (
            prop("score", "NUMBER", "IS_ABOUT", value=1),
            "Operator IS_ABOUT is not valid for NUMBER operations",
            {"propertyName": ["score"], "operator": ["IS_ABOUT"]},
        ),
        (
            prop("firstname", "STRING", "HAS_EVER_BEEN_EQUAL_TO", value="x"),
            "localspot does not support operator HAS_EVER_BEEN_EQUAL_TO: list filters read"
            " current values, not property history",
            {"propertyName": ["firstname"], "operator": ["HAS_EVER_BEEN_EQUAL_TO"]},
        ),
        (
            prop("seen", "ROLLING_PROPERTY_UPDATED", "UPDATED_IN_LAST_X_DAYS", numberOfDays=3),
            "localspot does not support ROLLING_PROPERTY_UPDATED operations: they need the times"
            " properties were updated",
            {"propertyName": ["seen"]},
        ),
        (
            prop("firstname", "STRING", "IS_EQUAL_TO"),
            "value is required for operator IS_EQUAL_TO of a STRING operation",
            {"propertyName": ["firstname"], "operator": ["IS_EQUAL_TO"]},
        ),
        (
            prop("firstname", "MULTISTRING", "CONTAINS", values=[]),
            "values must be a non-empty array of strings",
            {"propertyName": ["firstname"], "operator": ["CONTAINS"]},
        ),
        (
            prop("firstname", "STRING", "IS_EQUAL_TO", value=7),
            "value must be a string",
            {"propertyName": ["firstname"], "operator": ["IS_EQUAL_TO"]},
        ),
        (
            prop("firstname", "STRING", "IS_EQUAL_TO", value="a\x00b"),
            "value contains a NUL character (\\u0000)",
            {"propertyName": ["firstname"], "operator": ["IS_EQUAL_TO"]},
        ),
        (
            prop("score", "NUMBER", "IS_EQUAL_TO", value="twelve"),
            "value must be a number",
            {"propertyName": ["score"], "operator": ["IS_EQUAL_TO"]},
        ),
        (
            prop("score", "NUMBER", "IS_EQUAL_TO", value=True),
            "value must be a number",
            {"propertyName": ["score"], "operator": ["IS_EQUAL_TO"]},
        ),
        (
            prop("score", "NUMBER", "IS_EQUAL_TO", value=10**400),
            "value must be a finite number",
            {"propertyName": ["score"], "operator": ["IS_EQUAL_TO"]},
        ),
        (
            prop("vip", "BOOL", "IS_EQUAL_TO", value="yes"),
            "value must be true or false",
            {"propertyName": ["vip"], "operator": ["IS_EQUAL_TO"]},
        ),
        (
            prop("score", "ALL_PROPERTY", "IS_KNOWN", includeObjectsWithNoValueSet="no"),
            "includeObjectsWithNoValueSet must be true or false",
            {"propertyName": ["score"], "operator": ["IS_KNOWN"]},
        ),
        (
            prop("seen", "DATETIME", "IS_AFTER", timestamp=1.5),
            "timestamp must be a whole number",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop("seen", "DATE", "IS_EQUAL_TO", year=2026, month="FEBRUARY", day=30),
            "year, month and day name no date",
            {"propertyName": ["seen"], "operator": ["IS_EQUAL_TO"]},
        ),
        (
            prop("seen", "ROLLING_DATE_RANGE", "IS_MORE_THAN_X_DAYS_AGO", numberOfDays=-1),
            "numberOfDays must not be negative",
            {"propertyName": ["seen"], "operator": ["IS_MORE_THAN_X_DAYS_AGO"]},
        ),
        (
            prop("seen", "CALENDAR_DATE", "IN_THIS_TIME_UNIT", timeUnit="FORTNIGHT"),
            "timeUnit must be one of DAY, WEEK, MONTH, QUARTER, YEAR",
            {"propertyName": ["seen"], "operator": ["IN_THIS_TIME_UNIT"]},
        ),
        (
            prop("seen", "COMPARATIVE_DATE", "IS_BEFORE", comparisonPropertyName="firstname"),
            "comparisonPropertyName firstname is not a date or datetime property",
            {"propertyName": ["seen"], "operator": ["IS_BEFORE"]},
        ),
        (
            prop(
                "seen",
                "COMPARATIVE_DATE",
                "IS_BEFORE",
                comparisonPropertyName="renewal",
                defaultComparisonValue="soon",
            ),
            "defaultComparisonValue soon is not a date",
            {"propertyName": ["seen"], "operator": ["IS_BEFORE"]},
        ),
        (
            prop(
                "seen",
                "TIME_POINT",
                "IS_AFTER",
                timePoint={
                    "timeType": "DATE",
                    "year": 2026,
                    "month": 1,
                    "day": 1,
                    "zoneId": "Mars/Base",
                },
            ),
            "timePoint.zoneId: unknown time zone Mars/Base",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop(
                "seen",
                "TIME_POINT",
                "IS_AFTER",
                timePoint={"timeType": "DATE", "year": 2026, "month": 13, "day": 1},
            ),
            "timePoint is not a valid date and time",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop("seen", "TIME_POINT", "IS_AFTER", timePoint={"timeType": "DATE", "year": 2026}),
            "timePoint.month is required",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop(
                "seen",
                "TIME_POINT",
                "IS_AFTER",
                timePoint={
                    "timeType": "INDEXED",
                    "indexReference": {"referenceType": "FISCAL_YEAR"},
                },
            ),
            "timePoint.indexReference.referenceType must be one of NOW, TODAY, WEEK, MONTH, YEAR",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop(
                "seen",
                "TIME_POINT",
                "IS_AFTER",
                timePoint={
                    "timeType": "PROPERTY_REFERENCED",
                    "property": "renewal",
                    "referenceType": "UPDATED_AT",
                },
            ),
            "timePoint.referenceType UPDATED_AT is not supported: localspot compares property"
            " values",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop(
                "seen",
                "TIME_POINT",
                "IS_AFTER",
                propertyParser="UPDATED_AT",
                timePoint={"timeType": "DATE", "year": 2026, "month": 1, "day": 1},
            ),
            "propertyParser UPDATED_AT is not supported: localspot list filters read current"
            " values",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop("seen", "TIME_POINT", "IS_AFTER", timePoint={"timeType": "LATER"}),
            "timePoint.timeType must be one of DATE, INDEXED, PROPERTY_REFERENCED",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop("seen", "TIME_POINT", "IS_AFTER", timePoint="tomorrow"),
            "timePoint must be an object",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop("seen", "TIME_POINT", "IS_AFTER", timePoint={"timeType": "INDEXED"}),
            "timePoint.indexReference must be an object",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop(
                "seen",
                "TIME_POINT",
                "IS_AFTER",
                timePoint={
                    "timeType": "INDEXED",
                    "indexReference": {"referenceType": "MONTH", "day": 32},
                },
            ),
            "timePoint.indexReference names no day of the year",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop(
                "seen",
                "TIME_POINT",
                "IS_AFTER",
                timePoint={
                    "timeType": "INDEXED",
                    "indexReference": {"referenceType": "NOW"},
                    "offset": 3,
                },
            ),
            "timePoint.offset must be an object",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop(
                "seen",
                "TIME_POINT",
                "IS_AFTER",
                timePoint={
                    "timeType": "INDEXED",
                    "indexReference": {"referenceType": "NOW"},
                    "offset": {"days": 1_000_001},
                },
            ),
            "timePoint.offset is out of range",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop(
                "seen",
                "TIME_POINT",
                "IS_AFTER",
                timePoint={"timeType": "PROPERTY_REFERENCED", "property": "renewal", "zoneId": "?"},
            ),
            "timePoint.zoneId: unknown time zone ?",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop("seen", "DATE", "IS_EQUAL_TO", year=2026, month=13, day=1),
            "month must be a month",
            {"propertyName": ["seen"], "operator": ["IS_EQUAL_TO"]},
        ),
        (
            prop("seen", "DATETIME", "IS_AFTER", timestamp=2**63),
            "timestamp is out of range",
            {"propertyName": ["seen"], "operator": ["IS_AFTER"]},
        ),
        (
            prop("seen", "CALENDAR_DATE", "IN_THIS_TIME_UNIT", timeUnit="DAY", timeUnitCount=0),
            "timeUnitCount must be at least 1",
            {"propertyName": ["seen"], "operator": ["IN_THIS_TIME_UNIT"]},
        ),
        (
            prop("firstname", "COMPARATIVE_STRING", "IS_EQUAL_TO", comparisonPropertyName="score"),
            "comparisonPropertyName score is not a text property",
            {"propertyName": ["firstname"], "operator": ["IS_EQUAL_TO"]},
        ),
        (
            prop("firstname", "COMPARATIVE_STRING", "IS_EQUAL_TO"),
            "comparisonPropertyName must be the name of a property",
            {},
        ),
    ],
)
def test_a_bad_property_filter_is_refused_with_a_400(
    flt: dict[str, Any], message: str, context: dict[str, list[str]]
) -> None:
    assert refused(root(flt)) == (message, context)


# ---- association branches' 400s ---------------------------------------------------------


@pytest.mark.parametrize(
    ("branch", "message", "context"),
    [
        (
            association(objectTypeId="0-999"),
            "ASSOCIATION filter branch: unknown objectTypeId 0-999",
            {"objectTypeId": ["0-999"]},
        ),
        (
            association(objectTypeId=3),
            "An ASSOCIATION filter branch needs objectTypeId",
            {"objectTypeId": ["3"]},
        ),
        (
            association(operator="SOMETIMES"),
            "An ASSOCIATION filter branch needs operator: one of IN_LIST, NOT_IN_LIST",
            {"operator": ["SOMETIMES"]},
        ),
        (
            association(associationCategory="FRIENDLY"),
            "An ASSOCIATION filter branch needs associationCategory: one of HUBSPOT_DEFINED,"
            " USER_DEFINED, INTEGRATOR_DEFINED, WORK",
            {"associationCategory": ["FRIENDLY"]},
        ),
        (
            association(associationTypeId="4"),
            "An ASSOCIATION filter branch needs associationTypeId: an integer",
            {},
        ),
        (
            association(filters=[]),
            "An ASSOCIATION filter branch needs at least one filter",
            {},
        ),
        (
            association(filterBranches=[association()]),
            "localspot does not support filter branches inside an ASSOCIATION filter branch",
            {"filterBranchType": ["ASSOCIATION"]},
        ),
        (
            association(filters=[prop("firstname", "STRING", "IS_EQUAL_TO", value="x")]),
            'Property "firstname" does not exist',
            {"propertyName": ["firstname"]},
        ),
    ],
)
def test_a_bad_association_branch_is_refused_with_a_400(
    branch: dict[str, Any], message: str, context: dict[str, list[str]]
) -> None:
    assert refused(root(branches=(branch,))) == (message, context)


def test_without_other_types_definitions_an_association_branch_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_filter_branch(root(branches=(association(),)), "0-1", DEFINITIONS)
    assert caught.value.message == "ASSOCIATION filter branch: unknown objectTypeId 0-3"


def test_an_association_to_a_type_the_portal_lacks_is_refused() -> None:
    def missing(type_id: str) -> Mapping[str, PropertyDefinition]:
        raise ResourceNotFound(f"Unable to infer object type from: {type_id}")

    with pytest.raises(ValidationError) as caught:
        parse_filter_branch(root(branches=(association(),)), "0-1", DEFINITIONS, missing)
    assert caught.value.context == {"objectTypeId": ["0-3"]}
