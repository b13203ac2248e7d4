"""The per-type value rules: HubSpot's documented examples, then generated round trips."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localspot.crm.model import PropertyDefinition, PropertyOption, PropertyProblem
from localspot.crm.property_types import (
    MAX_STRING_LENGTH,
    format_datetime,
    normalize,
    parse_instant,
    sort_key,
)

DAY_MS = 86_400_000
MIN_1970_MS = 0
MAX_9999_MS = ((date(9999, 12, 31) - date(1970, 1, 1)).days + 1) * DAY_MS - 1

NUMBER = PropertyDefinition(name="n", label="N", type="number", field_type="number")
BOOL = PropertyDefinition(name="b", label="B", type="bool", field_type="booleancheckbox")
DATE = PropertyDefinition(name="d", label="D", type="date", field_type="date")
DATETIME = PropertyDefinition(name="t", label="T", type="datetime", field_type="date")
STRING = PropertyDefinition(name="s", label="S", type="string", field_type="text")
PHONE = PropertyDefinition(name="p", label="P", type="phone_number", field_type="phonenumber")
FLAVOURS = (
    PropertyOption(label="Chocolate", value="chocolate"),
    PropertyOption(label="Strawberry", value="strawberry"),
    PropertyOption(label="Vanilla", value="vanilla"),
)
MULTI = PropertyDefinition(
    name="flavours", label="F", type="enumeration", field_type="checkbox", options=FLAVOURS
)
SINGLE = PropertyDefinition(
    name="flavour", label="F", type="enumeration", field_type="select", options=FLAVOURS
)
ALLOWED = "[chocolate, strawberry, vanilla]"


def problem_of(definition: PropertyDefinition, raw: str) -> PropertyProblem:
    outcome = normalize(definition, raw)
    assert isinstance(outcome, PropertyProblem), f"{raw!r} was accepted as {outcome!r}"
    assert outcome.name == definition.name
    return outcome


def accepted(definition: PropertyDefinition, raw: str) -> str:
    outcome = normalize(definition, raw)
    assert isinstance(outcome, str), f"{raw!r} was refused: {outcome}"
    return outcome


# --- HubSpot's documented examples -------------------------------------------------------


def test_number_with_thousands_separators_is_refused() -> None:
    found = problem_of(NUMBER, "5,333,222")
    assert (found.code, found.message) == ("INVALID_INTEGER", "5,333,222 was not a valid number.")


def test_date_not_at_utc_midnight_is_refused_with_hubspots_exact_message() -> None:
    found = problem_of(DATE, "1579179660000")
    assert found.code == "INVALID_DATE"
    assert found.message == "1579179660000 is at 13:1:0.0 UTC, not midnight!"


def test_multi_select_checkbox_accepts_several_options() -> None:
    assert accepted(MULTI, "chocolate;strawberry") == "chocolate;strawberry"


def test_single_select_with_two_values_is_refused_naming_the_whole_value() -> None:
    found = problem_of(SINGLE, "chocolate;strawberry")
    assert found.code == "INVALID_OPTION"
    assert found.message == f"chocolate;strawberry was not one of the allowed options: {ALLOWED}"


@pytest.mark.parametrize("raw", ["Chocolate", "CHOCOLATE", "chocolate;Vanilla"])
def test_enumeration_options_are_case_sensitive(raw: str) -> None:
    found = problem_of(MULTI, raw)
    bad = raw.split(";")[-1]
    assert found.code == "INVALID_OPTION"
    assert found.message == f"{bad} was not one of the allowed options: {ALLOWED}"


# --- number --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("007", "7"),
        ("1.50", "1.5"),
        ("10.0", "10"),
        ("-0", "0"),
        ("-0.000", "0"),
        (".5", "0.5"),
        ("-.50", "-0.5"),
        ("+3", "3"),
        ("5.", "5"),
        (" 42 ", "42"),
        ("123456789012345678901234567890.000000000000000000001", None),
    ],
)
def test_number_normalises_to_a_canonical_decimal(raw: str, expected: str | None) -> None:
    assert accepted(NUMBER, raw) == (expected or raw)


@pytest.mark.parametrize(
    "raw", ["1e5", "1E-3", "1.2.3", "1 000", "abc", "12x", ".", "-", "+", "0x1F", "NaN", "١٢"]
)
def test_number_refuses_anything_but_plain_decimal_digits(raw: str) -> None:
    found = problem_of(NUMBER, raw)
    assert (found.code, found.message) == ("INVALID_INTEGER", f"{raw} was not a valid number.")


# --- bool ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", "true"), ("TRUE", "true"), ("False", "false")]
)
def test_bool_accepts_true_and_false_in_any_letter_case(raw: str, expected: str) -> None:
    assert accepted(BOOL, raw) == expected


@pytest.mark.parametrize("raw", ["yes", "1", "tYES", "truth"])
def test_bool_refuses_other_words_listing_true_and_false(raw: str) -> None:
    found = problem_of(BOOL, raw)
    assert found.code == "INVALID_OPTION"
    assert found.message == f"{raw} was not one of the allowed options: [true, false]"


# --- date ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["2020-01-16", "1579132800000", "2020-01-16T00:00:00Z", "2020-01-16T02:00:00+02:00"]
)
def test_date_accepts_a_day_epoch_ms_or_iso_at_utc_midnight(raw: str) -> None:
    assert accepted(DATE, raw) == "2020-01-16"


@pytest.mark.parametrize(
    ("raw", "clock"),
    [("2020-01-16T13:01:00.5Z", "13:1:0.500"), ("-1", "23:59:59.999"), ("3600000", "1:0:0.0")],
)
def test_date_off_midnight_reports_the_unpadded_utc_clock(raw: str, clock: str) -> None:
    found = problem_of(DATE, raw)
    assert (found.code, found.message) == (
        "INVALID_DATE",
        f"{raw} is at {clock} UTC, not midnight!",
    )


@pytest.mark.parametrize("raw", ["2020-02-30", "16/01/2020", "tomorrow", "2020-1-6", "0000-01-01"])
def test_date_refuses_unparseable_text(raw: str) -> None:
    found = problem_of(DATE, raw)
    assert (found.code, found.message) == ("INVALID_DATE", f"{raw} is not a valid date.")


# --- datetime ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-03-04T10:00:00Z", "2021-03-04T10:00:00.000Z"),
        ("2021-03-04T10:00:00.123+02:00", "2021-03-04T08:00:00.123Z"),
        ("2021-03-04T10:00:00", "2021-03-04T10:00:00.000Z"),
        ("2021-03-04", "2021-03-04T00:00:00.000Z"),
        ("2021-03-04T10:00:00.123456-05:30", "2021-03-04T15:30:00.123Z"),
        ("1614852000123", "2021-03-04T10:00:00.123Z"),
        ("-1", "1969-12-31T23:59:59.999Z"),
    ],
)
def test_datetime_normalises_to_iso_utc_with_milliseconds(raw: str, expected: str) -> None:
    assert accepted(DATETIME, raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "yesterday",
        "2021-03-04T25:00:00Z",
        "2021-03-04T10:00:00+19:00",
        "0001-01-01T00:00:00+01:00",
        "99999999999999999999",
        "1.5",
    ],
)
def test_datetime_refuses_unparseable_or_unrepresentable_text(raw: str) -> None:
    found = problem_of(DATETIME, raw)
    assert (found.code, found.message) == ("INVALID_DATE", f"{raw} is not a valid datetime.")


def test_parse_instant_returns_none_for_text_that_is_not_an_instant() -> None:
    assert parse_instant("next tuesday") is None
    assert parse_instant(" 1614852000123 ") == 1614852000123


# --- enumeration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("vanilla;chocolate", "vanilla;chocolate"),
        ("chocolate;", "chocolate"),
        (";chocolate;;vanilla;", "chocolate;vanilla"),
        ("chocolate;chocolate", "chocolate"),
        (";", ""),
    ],
)
def test_enumeration_keeps_given_order_dropping_empty_parts_and_duplicates(
    raw: str, expected: str
) -> None:
    assert accepted(MULTI, raw) == expected


def test_single_select_accepts_one_value_with_a_trailing_separator() -> None:
    assert accepted(SINGLE, "vanilla;") == "vanilla"


def test_enumeration_names_the_first_unknown_part() -> None:
    found = problem_of(MULTI, "chocolate;mint;banana")
    assert found.message == f"mint was not one of the allowed options: {ALLOWED}"


# --- string and phone ----------------------------------------------------------------------


@pytest.mark.parametrize("definition", [STRING, PHONE])
def test_text_is_stored_unchanged_up_to_the_length_limit(definition: PropertyDefinition) -> None:
    assert accepted(definition, "  Mixed Case  ") == "  Mixed Case  "
    assert accepted(definition, "x" * MAX_STRING_LENGTH) == "x" * MAX_STRING_LENGTH


def test_text_longer_than_the_limit_is_refused() -> None:
    assert problem_of(STRING, "x" * (MAX_STRING_LENGTH + 1)).code == "INVALID_STRING_LENGTH"


def test_unknown_type_is_treated_as_string() -> None:
    odd = PropertyDefinition(name="j", label="J", type="json", field_type="text")
    assert accepted(odd, "{ }") == "{ }"


# --- sort keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("definition", "stored", "key"),
    [
        (NUMBER, "-1.5", -1.5),
        (NUMBER, "not a number", None),
        (DATE, "2020-01-16", 1579132800000),
        (DATETIME, "2021-03-04T08:00:00.123Z", 1614844800123),
        (DATETIME, "garbage", None),
        (BOOL, "true", 1),
        (BOOL, "false", 0),
        (BOOL, "maybe", None),
        (MULTI, "Chocolate;vanilla", "Chocolate;vanilla"),
        (STRING, "MiXeD", "mixed"),
        (PHONE, "+1 (555) ABC", "+1 (555) abc"),
    ],
)
def test_sort_key_reads_stored_values_as_search_compares_them(
    definition: PropertyDefinition, stored: str, key: float | int | str | None
) -> None:
    assert sort_key(definition, stored) == key


# --- generated round trips -----------------------------------------------------------------

decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None)
plain_numbers = decimals.map(lambda d: format(d, "f"))
epoch_ms = st.integers(min_value=MIN_1970_MS, max_value=MAX_9999_MS)
days = st.dates(min_value=date(1970, 1, 1), max_value=date(9999, 12, 31))
offsets = st.integers(min_value=-18 * 60, max_value=18 * 60)


@given(plain_numbers)
def test_every_plain_decimal_is_accepted_equal_in_value_and_idempotent(raw: str) -> None:
    stored = accepted(NUMBER, raw)
    assert Decimal(stored) == Decimal(raw)
    assert "e" not in stored.lower()
    assert normalize(NUMBER, stored) == stored


@given(plain_numbers, st.booleans(), st.integers(0, 3), st.integers(0, 3))
def test_plus_sign_and_zero_padding_do_not_change_a_numbers_normal_form(
    raw: str, plus: bool, leading: int, trailing: int
) -> None:
    sign, body = ("-", raw[1:]) if raw.startswith("-") else ("+" if plus else "", raw)
    point = "" if "." in body else "."
    padded = sign + "0" * leading + body + point + "0" * trailing
    assert accepted(NUMBER, padded) == accepted(NUMBER, raw)


@given(st.text(alphabet=st.characters(categories=["L"]), min_size=1), plain_numbers)
def test_numbers_containing_letters_are_refused(letters: str, raw: str) -> None:
    assert problem_of(NUMBER, raw + letters).code == "INVALID_INTEGER"


@given(epoch_ms)
def test_datetime_milliseconds_round_trip_through_format_and_parse(ms: int) -> None:
    text = format_datetime(ms)
    assert parse_instant(text) == ms
    assert accepted(DATETIME, str(ms)) == text
    assert accepted(DATETIME, text) == text


@given(st.integers(min_value=MIN_1970_MS, max_value=MAX_9999_MS - DAY_MS), offsets)
def test_datetime_with_an_offset_is_the_same_instant_in_utc(ms: int, minutes: int) -> None:
    utc = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    sign, (hours, rest) = ("+" if minutes >= 0 else "-"), divmod(abs(minutes), 60)
    local = (utc + timedelta(minutes=minutes)).replace(tzinfo=None)
    text = local.isoformat(timespec="milliseconds") + f"{sign}{hours:02d}:{rest:02d}"
    assert accepted(DATETIME, text) == format_datetime(ms)


@given(days)
def test_dates_at_midnight_round_trip_in_every_accepted_form(day: date) -> None:
    midnight_ms = (day - date(1970, 1, 1)).days * DAY_MS
    for raw in (day.isoformat(), str(midnight_ms), format_datetime(midnight_ms)):
        assert accepted(DATE, raw) == day.isoformat()
    assert normalize(DATE, day.isoformat()) == day.isoformat()
    assert sort_key(DATE, day.isoformat()) == midnight_ms


@given(epoch_ms.filter(lambda ms: ms % DAY_MS != 0))
def test_epoch_ms_off_midnight_is_refused_for_a_date(ms: int) -> None:
    found = problem_of(DATE, str(ms))
    assert found.code == "INVALID_DATE"
    assert found.message.startswith(f"{ms} is at ") and found.message.endswith(
        " UTC, not midnight!"
    )


@given(st.lists(st.sampled_from([o.value for o in FLAVOURS] + [""]), min_size=1))
def test_any_mix_of_known_options_is_accepted_and_idempotent(parts: list[str]) -> None:
    stored = accepted(MULTI, ";".join(parts))
    assert stored == ";".join(dict.fromkeys(p for p in parts if p))
    if stored:
        assert normalize(MULTI, stored) == stored


@given(st.text(min_size=1).filter(lambda s: ";" not in s and s not in {o.value for o in FLAVOURS}))
def test_an_unknown_option_is_refused(part: str) -> None:
    found = problem_of(MULTI, f"chocolate;{part}")
    assert found.code == "INVALID_OPTION"
    assert found.message.startswith(f"{part} was not one of the allowed options: ")


@given(st.sampled_from(["true", "false"]), st.lists(st.booleans(), min_size=5, max_size=5))
def test_bool_in_any_case_is_accepted_and_idempotent(word: str, upper: list[bool]) -> None:
    raw = "".join(c.upper() if u else c for c, u in zip(word, upper, strict=False))
    stored = accepted(BOOL, raw)
    assert stored == word
    assert normalize(BOOL, stored) == stored


@given(st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=200))
def test_strings_are_stored_unchanged(raw: str) -> None:
    assert accepted(STRING, raw) == raw
    assert accepted(PHONE, raw) == raw


@given(st.text(max_size=20), st.text(max_size=20))
def test_a_nul_character_is_refused_in_every_string(before: str, after: str) -> None:
    for definition in (STRING, PHONE):
        problem = problem_of(definition, before + "\x00" + after)
        assert problem.code == "INVALID_STRING"
