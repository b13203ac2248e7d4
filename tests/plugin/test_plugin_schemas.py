"""The ``localspot`` fixture and custom object types: defined through the official SDK,
carried by ``snapshot()``/``restore()``, gone after the per-test reset."""

from __future__ import annotations

from hubspot.crm.objects import SimplePublicObjectInputForCreate
from hubspot.crm.schemas import (
    ObjectSchemaEgg,
    ObjectTypeDefinitionLabels,
    ObjectTypePropertyCreate,
)

from localspot.testing import LocalSpot


def define_cars(localspot: LocalSpot) -> str:
    egg = ObjectSchemaEgg(
        name="cars",
        labels=ObjectTypeDefinitionLabels(singular="Car", plural="Cars"),
        primary_display_property="model",
        required_properties=[],
        properties=[
            ObjectTypePropertyCreate(name="model", label="Model", type="string", field_type="text")
        ],
        associated_objects=[],
    )
    created = localspot.client.crm.schemas.core_api.create(object_schema_egg=egg)
    return str(created.id)


def test_a_snapshot_carries_a_custom_type_and_its_records(localspot: LocalSpot) -> None:
    type_id = define_cars(localspot)
    basic = localspot.client.crm.objects.basic_api
    car = basic.create(
        object_type=type_id,
        simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
            properties={"model": "T"}
        ),
    )
    saved = localspot.snapshot()
    localspot.reset()
    assert localspot.client.crm.schemas.core_api.get_all().results == []
    localspot.restore(saved)
    read = basic.get_by_id(object_type="cars", object_id=car.id, properties=["model"])
    assert read.properties["model"] == "T"


def test_each_test_starts_without_custom_types(localspot: LocalSpot) -> None:
    assert localspot.client.crm.schemas.core_api.get_all().results == []
    assert define_cars(localspot).startswith("2-")
