"""The properties API's pure rules (hubspot-behaviour §4.1-4.3), without a store or a server."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localspot.crm import property_admin as admin
from localspot.crm import property_groups
from localspot.crm.errors import ValidationError
from localspot.crm.model import PropertyDefinition, PropertyGroup, PropertyOption
from localspot.crm.object_types import resolve

CALLS = resolve("calls")
GROUPS = {"call_information", "billing"}
NOW = 1_767_225_600_000
ALL_FIELD_TYPES = sorted(set().union(*admin.FIELD_TYPES.values()))
RED = PropertyOption("Red", "red", False, "", 0)


def draft(**overrides: object) -> PropertyDefinition:
    base = PropertyDefinition(
        name="external_id",
        label="External id",
        type="string",
        field_type="text",
        group_name="call_information",
    )
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


def create(definition: PropertyDefinition, **rules: object) -> PropertyDefinition:
    arguments: dict[str, object] = {"taken": set(), "groups": GROUPS, "unique_count": 0}
    arguments.update(rules)
    return admin.new_definition(definition, now=NOW, **arguments)  # type: ignore[arg-type]


VALID_PAIRS = [(t, f) for t, fields in sorted(admin.FIELD_TYPES.items()) for f in sorted(fields)]
INVALID_PAIRS = [
    (t, f)
    for t, f in itertools.product(sorted(admin.FIELD_TYPES), ALL_FIELD_TYPES)
    if f not in admin.FIELD_TYPES[t]
]


@pytest.mark.parametrize(("type_name", "field_type"), VALID_PAIRS)
def test_every_documented_type_and_field_type_pair_is_accepted(
    type_name: str, field_type: str
) -> None:
    admin.check_types(type_name, field_type)


@pytest.mark.parametrize(("type_name", "field_type"), INVALID_PAIRS)
def test_every_other_type_and_field_type_pair_is_a_validation_error(
    type_name: str, field_type: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        admin.check_types(type_name, field_type)
    assert raised.value.context == {"type": [type_name], "fieldType": [field_type]}


def test_an_unknown_type_is_a_validation_error_listing_the_known_types() -> None:
    with pytest.raises(ValidationError, match="expected one of: bool, date, datetime"):
        admin.check_types("object_coordinates", "text")


@given(st.from_regex(r"[a-z][a-z0-9_]{0,99}", fullmatch=True))
def test_lower_case_names_of_up_to_100_characters_are_valid(name: str) -> None:
    admin.check_name(name)


@pytest.mark.parametrize(
    "name", ["", "Colour", "1st", "_hidden", "has space", "dash-ed", "ünïcode", "a" * 101]
)
def test_names_breaking_hubspots_rule_are_a_validation_error(name: str) -> None:
    with pytest.raises(ValidationError, match="must start with a lowercase letter") as raised:
        admin.check_name(name)
    assert raised.value.status == 400


def test_a_new_property_gets_timestamps_and_is_not_hubspot_defined() -> None:
    created = create(draft(hubspot_defined=True, archived=True))
    assert (created.created_at, created.updated_at) == (NOW, NOW)
    assert created.hubspot_defined is False
    assert created.archived is False


def test_a_taken_name_is_a_409_property_exists() -> None:
    with pytest.raises(admin.PropertyExists) as raised:
        create(draft(), taken={"external_id"})
    assert raised.value.status == 409
    assert raised.value.category == "OBJECT_ALREADY_EXISTS"
    assert raised.value.message == "Property named 'external_id' already exists."


def test_an_unknown_group_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="Property group nowhere does not exist"):
        create(draft(group_name="nowhere"))


def test_an_empty_label_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="label"):
        create(draft(label="  "))


def test_a_bool_property_without_options_gets_true_and_false() -> None:
    created = create(draft(type="bool", field_type="booleancheckbox"))
    assert [o.value for o in created.options] == ["true", "false"]


def test_an_enumeration_without_options_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="at least one option"):
        create(draft(type="enumeration", field_type="select"))


def test_an_enumeration_with_external_options_needs_no_options() -> None:
    external = draft(type="enumeration", field_type="select", extra={"externalOptions": True})
    assert create(external).options == ()


def test_duplicate_option_values_are_a_validation_error() -> None:
    twice = draft(type="enumeration", field_type="select", options=(RED, RED))
    with pytest.raises(ValidationError, match="Duplicate option values"):
        create(twice)


def test_the_eleventh_unique_property_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="at most 10 unique value properties"):
        create(draft(has_unique_value=True), unique_count=10)


def test_the_tenth_unique_property_is_accepted() -> None:
    assert create(draft(has_unique_value=True), unique_count=9).has_unique_value


def test_a_non_unique_property_is_accepted_at_the_unique_limit() -> None:
    assert not create(draft(), unique_count=10).has_unique_value


def change(current: PropertyDefinition, **fields: object) -> PropertyDefinition:
    changes = admin.PropertyChanges(**fields)  # type: ignore[arg-type]
    return admin.changed_definition(current, changes, groups=GROUPS, now=NOW + 5)


def test_a_change_keeps_what_it_does_not_name_and_moves_updated_at() -> None:
    current = create(draft(description="kept"))
    updated = change(current, label="Renamed")
    assert (updated.label, updated.description) == ("Renamed", "kept")
    assert (updated.created_at, updated.updated_at) == (NOW, NOW + 5)


def test_a_change_may_retype_to_a_valid_pair() -> None:
    updated = change(create(draft()), type="number", field_type="number")
    assert (updated.type, updated.field_type) == ("number", "number")


def test_a_change_to_an_invalid_pair_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="Invalid fieldType text for property type number"):
        change(create(draft()), type="number")


@pytest.mark.parametrize("wanted", [True, False])
def test_changing_has_unique_value_is_a_validation_error(wanted: bool) -> None:
    current = create(draft(has_unique_value=not wanted))
    with pytest.raises(ValidationError, match="only be set when a property is created"):
        change(current, has_unique_value=wanted)


def test_restating_has_unique_value_is_not_a_change() -> None:
    current = create(draft(has_unique_value=True))
    assert change(current, has_unique_value=True, label="x").has_unique_value


def test_moving_to_an_unknown_group_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="Property group nowhere does not exist"):
        change(create(draft()), group_name="nowhere")


def test_emptying_an_enumerations_options_is_a_validation_error() -> None:
    current = create(draft(type="enumeration", field_type="select", options=(RED,)))
    with pytest.raises(ValidationError, match="at least one option"):
        change(current, options=())


def test_archiving_marks_the_definition_and_stamps_it() -> None:
    archived = admin.archived_definition(create(draft()), NOW + 9)
    assert archived.archived is True
    assert archived.archived_at == archived.updated_at == NOW + 9


def test_built_in_properties_cannot_be_changed() -> None:
    with pytest.raises(ValidationError, match="hs_timestamp is defined by HubSpot"):
        admin.check_changeable(CALLS, "hs_timestamp")


def test_custom_properties_can_be_changed() -> None:
    admin.check_changeable(CALLS, "external_id")


def test_a_new_group_with_a_taken_name_is_a_409() -> None:
    with pytest.raises(admin.PropertyExists, match="Property group 'billing' already exists"):
        property_groups.check_new_group(PropertyGroup("billing", "Billing"), GROUPS)


def test_a_new_group_with_an_invalid_name_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="Property group name 'Big Money' is invalid"):
        property_groups.check_new_group(PropertyGroup("Big Money", "Billing"), GROUPS)


def test_built_in_groups_cannot_be_changed_or_deleted() -> None:
    with pytest.raises(ValidationError, match="defined by HubSpot"):
        property_groups.check_group_changeable(CALLS, "call_information")


def test_a_group_holding_properties_cannot_be_deleted() -> None:
    held = [create(draft(group_name="billing"))]
    with pytest.raises(ValidationError, match=r"still holds properties \['external_id'\]"):
        property_groups.check_group_empty("billing", held)


def test_an_empty_group_can_be_deleted() -> None:
    property_groups.check_group_empty("billing", [create(draft())])
