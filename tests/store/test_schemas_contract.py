"""Store contract, schemas role: ``portal_schemas``, ``create_schema``, ``save_schema``,
``archive_schema``, ``purge_schema``, ``add_definitions``, ``remove_definition``.

A new schema gets a fresh ``2-<number>`` of its portal, with its properties and association
definitions in the same transaction; a name is taken once per portal (any case, archived
schemas too); archiving is refused while live records exist; a purged schema's number is
never given again; definitions come in pairs of directions naming each other; every method
sees its own portal only.
"""

from __future__ import annotations

from dataclasses import replace

from localspot.crm.model import PropertyDefinition
from localspot.crm.records_storage import NewRecord
from localspot.crm.schemas_storage import (
    FIRST_DEFINED_TYPE_ID,
    FIRST_TYPE_NUMBER,
    CustomSchema,
    NewDefinition,
)
from localspot.crm.storage import Store

from .conftest import AT, Run

MODEL = PropertyDefinition("model", "Model", "string", "text", "cars_information")


def draft(name: str = "cars") -> CustomSchema:
    return CustomSchema(0, name, "Car", "Cars", None, "model", (), ("model",), ("model",), AT, AT)


def to_contacts(name: str = "cars") -> NewDefinition:
    return NewDefinition(
        "", "0-1", f"{name}_to_contact", f"contact_to_{name}", None, "USER_DEFINED", AT
    )


def test_a_new_schema_is_numbered_and_written_with_its_properties_and_definitions(
    store: Store, run: Run, portal: int
) -> None:
    made = run(store.create_schema(portal, draft(), [MODEL], [to_contacts()]))
    assert made is not None and made.number == FIRST_TYPE_NUMBER
    stored = run(store.portal_schemas(portal))
    assert stored.schemas == (made,)
    assert [d.name for d in run(store.custom_properties(portal, made.type_id))] == ["model"]
    forward, inverse = stored.definitions
    assert (forward.from_type, forward.to_type) == (made.type_id, "0-1")
    assert (inverse.from_type, inverse.to_type) == ("0-1", made.type_id)
    assert forward.type_id >= FIRST_DEFINED_TYPE_ID
    assert (forward.inverse_type_id, inverse.inverse_type_id) == (inverse.type_id, forward.type_id)
    second = run(store.create_schema(portal, draft("boats"), [], []))
    assert second is not None and second.number == made.number + 1


def test_a_taken_name_writes_nothing(store: Store, run: Run, portal: int) -> None:
    assert run(store.create_schema(portal, draft(), [MODEL], [])) is not None
    assert run(store.create_schema(portal, draft("CARS"), [MODEL], [to_contacts()])) is None
    stored = run(store.portal_schemas(portal))
    assert len(stored.schemas) == 1 and stored.definitions == ()


def test_archive_is_refused_while_live_records_exist(store: Store, run: Run, portal: int) -> None:
    made = run(store.create_schema(portal, draft(), [MODEL], []))
    assert made is not None
    inserted = run(store.insert_records(portal, made.type_id, [NewRecord({"model": "T"})], AT))
    assert run(store.archive_schema(portal, made.number, AT + 1)) == "has_records"
    run(store.archive_records(portal, made.type_id, [r.id for r in inserted.records.values()], AT))
    assert run(store.archive_schema(portal, made.number, AT + 2)) == "archived"
    assert run(store.archive_schema(portal, made.number, AT + 3)) == "missing"
    (archived,) = run(store.portal_schemas(portal)).schemas
    assert (archived.archived, archived.archived_at) == (True, AT + 2)


def test_a_purged_schema_frees_its_name_but_not_its_number(
    store: Store, run: Run, portal: int
) -> None:
    made = run(store.create_schema(portal, draft(), [MODEL], [to_contacts()]))
    assert made is not None
    assert not run(store.purge_schema(portal, made.number))  # only archived ones
    assert run(store.archive_schema(portal, made.number, AT)) == "archived"
    assert run(store.purge_schema(portal, made.number))
    assert run(store.portal_schemas(portal)).schemas == ()
    assert run(store.portal_schemas(portal)).definitions == ()
    assert list(run(store.custom_properties(portal, made.type_id))) == []
    again = run(store.create_schema(portal, draft(), [MODEL], []))
    assert again is not None and again.number == made.number + 1


def test_save_and_definitions_round_trip(store: Store, run: Run, portal: int) -> None:
    made = run(store.create_schema(portal, draft(), [], []))
    assert made is not None
    renamed = replace(made, singular="Auto", plural="Autos", updated_at=AT + 9)
    run(store.save_schema(portal, renamed))
    assert run(store.portal_schemas(portal)).schemas == (renamed,)
    new = replace(to_contacts(), from_type=made.type_id, to_type="0-3")
    forward, inverse = run(store.add_definitions(portal, [new]))
    assert (forward.to_type, inverse.from_type) == ("0-3", "0-3")
    assert run(store.remove_definition(portal, inverse.type_id))
    assert run(store.portal_schemas(portal)).definitions == ()
    assert not run(store.remove_definition(portal, forward.type_id))


def test_every_method_sees_its_own_portal_only(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    made = run(store.create_schema(portal, draft(), [MODEL], [to_contacts()]))
    assert made is not None
    assert run(store.portal_schemas(other_portal)).schemas == ()
    assert run(store.archive_schema(other_portal, made.number, AT)) == "missing"
    assert run(store.create_schema(other_portal, draft(), [], [])) is not None
    assert not run(store.remove_definition(other_portal, FIRST_DEFINED_TYPE_ID))
    assert len(run(store.portal_schemas(portal)).definitions) == 2
