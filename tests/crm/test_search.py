"""Search's domain rules without a database: words, index entries, typed filters, limits."""

from __future__ import annotations

import pytest

from localspot.crm import object_types
from localspot.crm.errors import ValidationError
from localspot.crm.model import PropertyDefinition, PropertyOption
from localspot.crm.properties import merged_definitions
from localspot.crm.search import (
    MAX_QUERY_WORDS,
    MAX_TOKEN_LENGTH,
    MAX_TOKENS,
    FilterInput,
    SearchRequest,
    build,
    index_entries,
    tokens,
    word_patterns,
)

OPTIONS = tuple(PropertyOption(label=v, value=v) for v in ("gold", "Silver", "a b"))
NUMBER = PropertyDefinition(name="score", label="S", type="number", field_type="number")
BOOL = PropertyDefinition(name="vip", label="V", type="bool", field_type="booleancheckbox")
DATE = PropertyDefinition(name="renewal", label="R", type="date", field_type="date")
DATETIME = PropertyDefinition(name="seen", label="Z", type="datetime", field_type="date")
TEXT = PropertyDefinition(name="nickname", label="N", type="string", field_type="text")
HTML = PropertyDefinition(name="notes", label="H", type="string", field_type="html")
SELECT = PropertyDefinition(
    name="tier", label="T", type="enumeration", field_type="select", options=OPTIONS
)
MULTI = PropertyDefinition(
    name="tags", label="G", type="enumeration", field_type="checkbox", options=OPTIONS
)
DEFINITIONS = merged_definitions(
    object_types.resolve("calls"), [NUMBER, BOOL, DATE, DATETIME, TEXT, HTML, SELECT, MULTI]
)


def request(*filters: FilterInput, **fields: object) -> SearchRequest:
    base: dict[str, object] = {
        "groups": (filters,) if filters else (),
        "sort": None,
        "query": None,
        "properties": (),
        "limit": 10,
        "after": 0,
    }
    return SearchRequest(**{**base, **fields})  # type: ignore[arg-type]


def condition(name: str, operator: str, *values: str, high: str | None = None):  # type: ignore[no-untyped-def]
    many = operator in ("IN", "NOT_IN")
    flt = FilterInput(
        name,
        operator,
        None if many or not values else values[0],
        high,
        values if many else None,
    )
    return build(DEFINITIONS, request(flt)).groups[0][0]


def test_tokens_split_on_punctuation_and_lower_case() -> None:
    assert tokens("Jane.Doe@Example.com, call-back_later!") == (
        "jane",
        "doe",
        "example",
        "com",
        "call",
        "back_later",
    )


def test_tokens_are_distinct_in_first_seen_order() -> None:
    assert tokens("b a b A") == ("b", "a")


def test_tokens_of_markup_drop_tags_and_entities() -> None:
    assert tokens("<p>Talked&nbsp;about <b>pricing</b></p>", markup=True) == (
        "talked",
        "about",
        "pricing",
    )


def test_tokens_are_capped_in_length_and_number() -> None:
    assert tokens("x" * 300) == ("x" * MAX_TOKEN_LENGTH,)
    assert len(tokens(" ".join(f"w{n}" for n in range(MAX_TOKENS + 50)))) == MAX_TOKENS


def test_word_patterns_keep_wildcards_and_drop_bare_stars() -> None:
    assert word_patterns("*@hubspot.com") == ("hubspot", "com")
    assert word_patterns("alp* *") == ("alp*",)
    assert word_patterns("*") == ()


@pytest.mark.parametrize(
    ("definition", "value", "expected"),
    [
        (NUMBER, "-5.5", ((-5.5, None, ()),)),
        (BOOL, "true", ((1.0, None, ()),)),
        (DATE, "2026-01-02", ((1_767_312_000_000.0, None, ()),)),
        (DATETIME, "2026-01-01T00:00:01.000Z", ((1_767_225_601_000.0, None, ()),)),
        (TEXT, "Alpha One", ((None, "alpha one", ("alpha", "one")),)),
        (HTML, "<b>Hi</b> there", ((None, "<b>hi</b> there", ("hi", "there")),)),
        (SELECT, "Silver", ((None, "Silver", ()),)),
        (MULTI, "gold;Silver", ((None, "gold", ()), (None, "Silver", ()))),
        (TEXT, "", ()),
    ],
)
def test_index_entries_per_type(
    definition: PropertyDefinition, value: str, expected: tuple[object, ...]
) -> None:
    assert index_entries(definition, value) == expected


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("score", "30", 30.0),
        ("score", " -1.5 ", -1.5),
        ("vip", "TRUE", 1.0),
        ("vip", "false", 0.0),
        ("renewal", "1767312000000", 1_767_312_000_000.0),
        ("renewal", "2026-01-02", 1_767_312_000_000.0),
        ("seen", "2026-01-01T01:00:00+01:00", 1_767_225_600_000.0),
        ("hs_createdate", "2026-01-01T00:00:00Z", 1_767_225_600_000.0),
        ("hs_object_id", "42", 42.0),
        ("tier", "Silver", "Silver"),
        ("nickname", "ALPHA", "alpha"),
    ],
)
def test_filter_values_are_typed_like_the_index(name: str, raw: str, expected: object) -> None:
    assert condition(name, "EQ", raw).values == (expected,)


def test_in_values_on_strings_are_compared_as_given() -> None:
    assert condition("nickname", "IN", "Alpha", "beta").values == ("Alpha", "beta")


def test_system_properties_compare_on_record_columns() -> None:
    found = condition("hs_lastmodifieddate", "GT", "0")
    assert (found.kind, found.column) == ("column", "updated_at")


def test_contains_token_on_a_number_is_an_equality() -> None:
    found = condition("score", "NOT_CONTAINS_TOKEN", "7")
    assert (found.operator, found.kind, found.values) == ("NEQ", "number", (7.0,))


def test_contains_token_on_an_enumeration_matches_whole_options() -> None:
    found = condition("tier", "CONTAINS_TOKEN", "Sil*")
    assert (found.kind, found.values) == ("pattern", ("Sil*",))


def test_contains_token_on_text_is_lower_cased_words() -> None:
    found = condition("nickname", "CONTAINS_TOKEN", "Alpha-One")
    assert (found.kind, found.values) == ("token", ("alpha", "one"))


def test_multi_select_conditions_are_marked_multi() -> None:
    assert condition("tags", "IN", "gold").multi
    assert not condition("tier", "IN", "gold").multi


def test_query_words_are_lower_cased_and_capped() -> None:
    query = " ".join(f"Word{n}" for n in range(MAX_QUERY_WORDS + 10))
    built = build(DEFINITIONS, request(query=query))
    assert built.text_words[0] == "word0"
    assert len(built.text_words) == MAX_QUERY_WORDS
    assert built.text_names == ("hs_call_title", "hs_body_preview")


def test_sort_on_a_property_and_on_a_column() -> None:
    by_score = build(DEFINITIONS, request(sort=("score", True))).sort
    assert by_score is not None and (by_score.kind, by_score.descending) == ("number", True)
    by_created = build(DEFINITIONS, request(sort=("hs_createdate", False))).sort
    assert by_created is not None and by_created.column == "created_at"


def test_empty_groups_are_dropped() -> None:
    assert build(DEFINITIONS, request()).groups == ()


ANY = FilterInput("score", "HAS_PROPERTY")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"groups": ((ANY,),) * 6}, "Too many filter groups: 6 (maximum 5)"),
        ({"groups": ((ANY,) * 7,)}, "at most 6 filters"),
        ({"groups": ((ANY,) * 6,) * 3 + ((ANY,),)}, "at most 18 filters in total"),
        ({"limit": 201}, "limit must be between 1 and 200"),
        ({"limit": 0}, "limit must be between 1 and 200"),
        ({"after": 9_901, "limit": 100}, "at most 10000 results"),
        ({"query": "x" * 3_001}, "at most 3000 characters"),
        ({"sort": ("no_such", False)}, "Invalid property name no_such for sorting"),
    ],
)
def test_limits_raise_a_validation_error_naming_the_problem(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build(DEFINITIONS, request(**fields))


def test_the_largest_allowed_request_passes() -> None:
    groups = ((ANY,) * 6,) * 3
    build(DEFINITIONS, request(groups=groups, limit=200, after=9_800, query="x" * 3_000))


@pytest.mark.parametrize(
    ("flt", "message"),
    [
        (FilterInput("no_such", "EQ", "1"), "Invalid property name no_such for search"),
        (FilterInput("hs_body_preview_html", "HAS_PROPERTY"), "hs_body_preview_html"),
        (FilterInput("score", "ROUGHLY", "1"), "Unknown operator ROUGHLY"),
        (FilterInput("score", "EQ"), "operator EQ requires a value"),
        (FilterInput("score", "BETWEEN", "1"), "operator BETWEEN requires a highValue"),
        (FilterInput("score", "IN"), "operator IN requires values"),
        (FilterInput("score", "EQ", "ten"), "ten is not a valid value for score"),
        (FilterInput("vip", "EQ", "maybe"), "maybe is not a valid value for vip"),
        (FilterInput("renewal", "GT", "soon"), "soon is not a valid value for renewal"),
    ],
)
def test_bad_filters_raise_a_validation_error_naming_the_problem(
    flt: FilterInput, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        build(DEFINITIONS, request(flt))
