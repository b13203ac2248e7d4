"""One rule per HubSpot property type: valid values round-trip to their normalised string,
invalid ones get HubSpot's error code (reference §4.4)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localspot.crm.model import PropertyDefinition, PropertyOption, PropertyProblem
from localspot.crm.property_types import format_datetime, normalize, parse_instant

DAY_MS = 86_400_000
FLAVOURS = ("chocolate", "strawberry", "Vanilla")


def prop(type_name: str, field_type: str, options: tuple[str, ...] = ()) -> PropertyDefinition:
    return PropertyDefinition(
        name="p",
        label="P",
        type=type_name,
        field_type=field_type,
        options=tuple(PropertyOption(o.title(), o) for o in options),
    )


NUMBER = prop("number", "number")
BOOL = prop("bool", "booleancheckbox", ("true", "false"))
DATE = prop("date", "date")
DATETIME = prop("datetime", "date")
MULTI = prop("enumeration", "checkbox", FLAVOURS)
SINGLE = prop("enumeration", "select", FLAVOURS)
STRING = prop("string", "text")


def code_of(definition: PropertyDefinition, raw: str) -> str:
    outcome = normalize(definition, raw)
    assert isinstance(outcome, PropertyProblem), outcome
    return outcome.code


@pytest.mark.parametrize(
    ("definition", "raw", "expected"),
    [
        (NUMBER, "17", "17"),
        (NUMBER, "+007", "7"),
        (NUMBER, "-1.50", "-1.5"),
        (NUMBER, "10.0", "10"),
        (NUMBER, ".5", "0.5"),
        (BOOL, "TRUE", "true"),
        (DATE, "2020-01-16", "2020-01-16"),
        (DATE, "1579132800000", "2020-01-16"),
        (DATETIME, "1579179660000", "2020-01-16T13:01:00.000Z"),
        (DATETIME, "2020-01-16T14:01:00+01:00", "2020-01-16T13:01:00.000Z"),
        (MULTI, "chocolate;strawberry", "chocolate;strawberry"),
        (MULTI, "chocolate;;strawberry;chocolate;", "chocolate;strawberry"),
        (SINGLE, "Vanilla", "Vanilla"),
        (STRING, "  kept as is ", "  kept as is "),
    ],
)
def test_documented_values_are_accepted_in_normal_form(
    definition: PropertyDefinition, raw: str, expected: str
) -> None:
    assert normalize(definition, raw) == expected


@pytest.mark.parametrize(
    ("definition", "raw", "code"),
    [
        (NUMBER, "5,333,222", "INVALID_FLOAT"),
        (NUMBER, "1.2.3", "INVALID_FLOAT"),
        (NUMBER, "1e5", "INVALID_FLOAT"),
        (BOOL, "yes", "INVALID_BOOLEAN"),
        (DATE, "1579179660000", "INVALID_DATE"),
        (DATE, "2020-02-30", "INVALID_DATE"),
        (DATETIME, "yesterday", "INVALID_DATE"),
        (MULTI, "chocolate;mint", "INVALID_OPTION"),
        (SINGLE, "vanilla", "INVALID_OPTION"),
        (SINGLE, "chocolate;strawberry", "INVALID_OPTION"),
        (STRING, "x" * 65_537, "INVALID_STRING_LENGTH"),
    ],
)
def test_invalid_values_get_hubspots_code(
    definition: PropertyDefinition, raw: str, code: str
) -> None:
    assert code_of(definition, raw) == code


def test_a_date_off_midnight_gets_hubspots_message() -> None:
    outcome = normalize(DATE, "1579179660000")
    assert isinstance(outcome, PropertyProblem)
    assert outcome.message == "1579179660000 is at 13:1:0.0 UTC, not midnight!"


numbers = st.decimals(
    allow_nan=False, allow_infinity=False, places=4, min_value=-(10**12), max_value=10**12
)


@given(numbers)
def test_numbers_round_trip_to_an_equal_canonical_decimal(value: Decimal) -> None:
    normalised = normalize(NUMBER, format(value, "f"))
    assert isinstance(normalised, str)
    assert Decimal(normalised) == value
    assert normalize(NUMBER, normalised) == normalised


@given(st.sampled_from(["true", "false"]), st.booleans())
def test_booleans_round_trip(text: str, upper: bool) -> None:
    assert normalize(BOOL, text.upper() if upper else text) == text


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(9999, 12, 31)))
def test_dates_round_trip_from_iso_and_epoch_midnight(day: date) -> None:
    midnight_ms = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1000
    assert normalize(DATE, day.isoformat()) == day.isoformat()
    assert normalize(DATE, str(midnight_ms)) == day.isoformat()


@given(
    st.dates(min_value=date(1970, 1, 1), max_value=date(9999, 12, 30)), st.integers(1, DAY_MS - 1)
)
def test_dates_off_midnight_are_invalid(day: date, offset: int) -> None:
    midnight_ms = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1000
    assert code_of(DATE, str(midnight_ms + offset)) == "INVALID_DATE"


@given(st.integers(0, 253_402_300_799_999))
def test_datetimes_round_trip_through_epoch_ms_and_iso(epoch_ms: int) -> None:
    iso = format_datetime(epoch_ms)
    assert parse_instant(iso) == epoch_ms
    assert normalize(DATETIME, str(epoch_ms)) == iso
    assert normalize(DATETIME, iso) == iso


@given(st.lists(st.sampled_from(FLAVOURS), min_size=1, max_size=5))
def test_multi_select_accepts_any_options_and_keeps_their_order(chosen: list[str]) -> None:
    expected = ";".join(dict.fromkeys(chosen))
    assert normalize(MULTI, ";".join(chosen)) == expected
    assert normalize(MULTI, expected) == expected


@given(st.text(min_size=1).filter(lambda t: t not in FLAVOURS and ";" not in t))
def test_single_select_refuses_anything_but_an_option(text: str) -> None:
    assert code_of(SINGLE, text) == "INVALID_OPTION"


@given(st.text(min_size=1, max_size=200))
def test_strings_are_stored_unchanged(text: str) -> None:
    assert normalize(STRING, text) == text


@given(st.text(alphabet="abcdefghij", min_size=1, max_size=8))
def test_text_is_never_a_number(text: str) -> None:
    assert code_of(NUMBER, text) == "INVALID_FLOAT"
