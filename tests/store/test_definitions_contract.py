"""Store contract, property definitions role: custom properties and property groups
(``custom_properties``, ``create_properties``, ``save_properties``, ``property_groups``,
``save_property_group``, ``delete_property_group``)."""

from __future__ import annotations

import dataclasses

from localspot.crm.model import PropertyDefinition, PropertyGroup, PropertyOption
from localspot.crm.storage import Store

from .conftest import CALLS, CONTACTS, Run

TIER = PropertyDefinition(
    name="call_tier",
    label="Call tier",
    type="enumeration",
    field_type="select",
    group_name="call_information",
    description="How much the call was worth",
    options=(
        PropertyOption("Gold", "gold", description="the best", display_order=0),
        PropertyOption("Tin", "tin", hidden=True, display_order=1),
    ),
    display_order=3,
    has_unique_value=False,
    form_field=False,
    created_at=1_767_225_600_000,
    updated_at=1_767_225_600_001,
    extra={"showCurrencySymbol": False, "referencedObjectType": "OWNER"},
)


def plain(
    name: str, *, archived: bool = False, archived_at: int | None = None
) -> PropertyDefinition:
    return PropertyDefinition(
        name, name.title(), "string", "text", "call_information",
        archived=archived, archived_at=archived_at,
    )  # fmt: skip


MAX_UNIQUE = 10


def create(
    store: Store, run: Run, portal: int, type_id: str, *defs: PropertyDefinition
) -> list[str]:
    return list(run(store.create_properties(portal, type_id, defs, max_unique=MAX_UNIQUE)))


def unique(name: str) -> PropertyDefinition:
    return dataclasses.replace(plain(name), has_unique_value=True)


def test_a_saved_property_comes_back_with_every_field(store: Store, run: Run, portal: int) -> None:
    assert create(store, run, portal, CALLS.type_id, TIER) == ["created"]
    assert list(run(store.custom_properties(portal, CALLS.type_id))) == [TIER]


def test_creating_a_taken_name_answers_name_taken_and_keeps_the_first(
    store: Store, run: Run, portal: int
) -> None:
    create(store, run, portal, CALLS.type_id, TIER)
    second = dataclasses.replace(TIER, label="Another label")
    assert create(store, run, portal, CALLS.type_id, second) == ["name_taken"]
    assert list(run(store.custom_properties(portal, CALLS.type_id))) == [TIER]


def test_saving_replaces_the_definition(store: Store, run: Run, portal: int) -> None:
    create(store, run, portal, CALLS.type_id, TIER)
    changed = dataclasses.replace(TIER, label="Tier", options=(), updated_at=1_767_225_700_000)
    run(store.save_properties(portal, CALLS.type_id, [changed]))
    assert list(run(store.custom_properties(portal, CALLS.type_id))) == [changed]


def test_saving_an_unknown_name_inserts_it(store: Store, run: Run, portal: int) -> None:
    run(store.save_properties(portal, CALLS.type_id, [plain("fresh")]))
    assert [p.name for p in run(store.custom_properties(portal, CALLS.type_id))] == ["fresh"]


def test_custom_properties_are_listed_by_name(store: Store, run: Run, portal: int) -> None:
    for name in ("zeta", "alpha", "mid"):
        create(store, run, portal, CALLS.type_id, plain(name))
    listed = run(store.custom_properties(portal, CALLS.type_id))
    assert [p.name for p in listed] == ["alpha", "mid", "zeta"]


def test_archived_properties_are_listed_only_when_asked_for(
    store: Store, run: Run, portal: int
) -> None:
    live = plain("live")
    gone = plain("gone", archived=True, archived_at=1_767_225_600_000)
    for definition in (live, gone):
        create(store, run, portal, CALLS.type_id, definition)
    assert list(run(store.custom_properties(portal, CALLS.type_id))) == [live]
    assert list(run(store.custom_properties(portal, CALLS.type_id, archived=True))) == [gone]


def test_an_archived_name_cannot_be_created_again(store: Store, run: Run, portal: int) -> None:
    gone = plain("gone", archived=True)
    create(store, run, portal, CALLS.type_id, gone)
    assert create(store, run, portal, CALLS.type_id, plain("gone")) == ["name_taken"]
    assert list(run(store.custom_properties(portal, CALLS.type_id, archived=True))) == [gone]


def test_properties_belong_to_one_portal_and_object_type(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    create(store, run, portal, CALLS.type_id, plain("mine"))
    assert run(store.custom_properties(other_portal, CALLS.type_id)) == []
    assert run(store.custom_properties(portal, CONTACTS.type_id)) == []
    # the same name is free in another portal and in another type
    assert create(store, run, other_portal, CALLS.type_id, plain("mine")) == ["created"]
    assert create(store, run, portal, CONTACTS.type_id, plain("mine")) == ["created"]


def test_one_create_call_reports_each_property_in_order(
    store: Store, run: Run, portal: int
) -> None:
    create(store, run, portal, CALLS.type_id, plain("taken"))
    got = create(store, run, portal, CALLS.type_id, plain("first"), plain("taken"), plain("last"))
    assert got == ["created", "name_taken", "created"]
    listed = run(store.custom_properties(portal, CALLS.type_id))
    assert [p.name for p in listed] == ["first", "last", "taken"]


def test_the_unique_limit_counts_those_created_earlier_in_the_same_call(
    store: Store, run: Run, portal: int
) -> None:
    create(store, run, portal, CALLS.type_id, *(unique(f"u{i}") for i in range(MAX_UNIQUE - 1)))
    got = create(store, run, portal, CALLS.type_id, unique("last"), plain("plain"), unique("over"))
    assert got == ["created", "created", "too_many_unique"]
    names = {p.name for p in run(store.custom_properties(portal, CALLS.type_id))}
    assert "last" in names and "plain" in names and "over" not in names


def test_archived_unique_properties_do_not_count_towards_the_limit(
    store: Store, run: Run, portal: int
) -> None:
    gone = dataclasses.replace(unique("gone"), archived=True, archived_at=1_767_225_600_000)
    create(store, run, portal, CALLS.type_id, gone)
    fresh = [unique(f"u{i}") for i in range(MAX_UNIQUE)]
    assert create(store, run, portal, CALLS.type_id, *fresh) == ["created"] * MAX_UNIQUE


def test_save_properties_writes_several_in_one_call(store: Store, run: Run, portal: int) -> None:
    create(store, run, portal, CALLS.type_id, plain("a"), plain("b"))
    archived = [
        dataclasses.replace(plain(n), archived=True, archived_at=1_767_225_600_000)
        for n in ("a", "b")
    ]
    run(store.save_properties(portal, CALLS.type_id, archived))
    assert run(store.custom_properties(portal, CALLS.type_id)) == []
    assert list(run(store.custom_properties(portal, CALLS.type_id, archived=True))) == archived


def test_an_unknown_portal_or_type_has_no_custom_properties(store: Store, run: Run) -> None:
    assert list(run(store.custom_properties(987_654_321, CALLS.type_id))) == []


def test_saved_groups_are_listed_by_name(store: Store, run: Run, portal: int) -> None:
    for group in (PropertyGroup("zeta", "Zeta", 2), PropertyGroup("alpha", "Alpha", 7)):
        run(store.save_property_group(portal, CALLS.type_id, group))
    assert list(run(store.property_groups(portal, CALLS.type_id))) == [
        PropertyGroup("alpha", "Alpha", 7),
        PropertyGroup("zeta", "Zeta", 2),
    ]


def test_saving_a_group_again_updates_its_label_and_order(
    store: Store, run: Run, portal: int
) -> None:
    run(store.save_property_group(portal, CALLS.type_id, PropertyGroup("g", "Old", 1)))
    run(store.save_property_group(portal, CALLS.type_id, PropertyGroup("g", "New", 5)))
    assert list(run(store.property_groups(portal, CALLS.type_id))) == [PropertyGroup("g", "New", 5)]


def test_deleting_a_group_removes_only_that_group(store: Store, run: Run, portal: int) -> None:
    for name in ("keep", "drop"):
        run(store.save_property_group(portal, CALLS.type_id, PropertyGroup(name, name)))
    run(store.delete_property_group(portal, CALLS.type_id, "drop"))
    assert [g.name for g in run(store.property_groups(portal, CALLS.type_id))] == ["keep"]


def test_deleting_an_unknown_group_changes_nothing(store: Store, run: Run, portal: int) -> None:
    run(store.save_property_group(portal, CALLS.type_id, PropertyGroup("keep", "Keep")))
    run(store.delete_property_group(portal, CALLS.type_id, "never-made"))
    assert [g.name for g in run(store.property_groups(portal, CALLS.type_id))] == ["keep"]


def test_groups_belong_to_one_portal_and_object_type(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    run(store.save_property_group(portal, CALLS.type_id, PropertyGroup("g", "Mine")))
    run(store.save_property_group(other_portal, CALLS.type_id, PropertyGroup("g", "Theirs")))
    run(store.delete_property_group(other_portal, CALLS.type_id, "g"))
    assert list(run(store.property_groups(portal, CALLS.type_id))) == [PropertyGroup("g", "Mine")]
    assert list(run(store.property_groups(portal, CONTACTS.type_id))) == []
