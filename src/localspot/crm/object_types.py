"""The registry of built-in object types, read once from the JSON files in ``localspot/data``.

An object type is data (type id, names, scopes, property definitions), so serving a new
HubSpot object means adding a JSON file, not code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from localspot.crm.errors import ResourceNotFound
from localspot.crm.model import ObjectType, PropertyDefinition, PropertyGroup, PropertyOption

_DESCRIPTIVE_KEYS = ("externalOptions", "referencedObjectType", "numberDisplayHint")


def _option(raw: Mapping[str, Any]) -> PropertyOption:
    return PropertyOption(
        label=raw["label"],
        value=raw["value"],
        hidden=raw.get("hidden", False),
        description=raw.get("description", ""),
        display_order=raw.get("displayOrder", -1),
    )


def _builtin_property(raw: Mapping[str, Any]) -> PropertyDefinition:
    read_only = bool(raw.get("readOnlyValue", False))
    return PropertyDefinition(
        name=raw["name"],
        label=raw["label"],
        type=raw["type"],
        field_type=raw["fieldType"],
        group_name=raw.get("groupName", ""),
        description=raw.get("description", ""),
        options=tuple(_option(o) for o in raw.get("options", ())),
        display_order=raw.get("displayOrder", -1),
        calculated=bool(raw.get("calculated", False)),
        hubspot_defined=True,
        read_only_value=read_only,
        read_only_definition=True,
        has_unique_value=bool(raw.get("hasUniqueValue", False)),
        archivable=False,
        extra={k: raw[k] for k in _DESCRIPTIVE_KEYS if k in raw},
    )


def _object_type(raw: Mapping[str, Any]) -> ObjectType:
    properties = {p["name"]: _builtin_property(p) for p in raw["properties"]}
    return ObjectType(
        type_id=raw["objectTypeId"],
        name=raw["name"],
        singular=raw["singular"],
        error_label=raw["errorLabel"],
        read_scope=raw["readScope"],
        write_scope=raw["writeScope"],
        required_on_create=tuple(raw["requiredOnCreate"]),
        default_properties=tuple(raw["returnedByDefault"]),
        search_query_properties=tuple(raw["searchQueryProperties"]),
        not_filterable=tuple(raw.get("notFilterable", ())),
        properties=properties,
        aliases=tuple(raw.get("aliases", ())),
        derived=dict(raw.get("derived", {})),
        created_property=raw.get("createdateProperty", "hs_createdate"),
        modified_property=raw.get("lastModifiedProperty", "hs_lastmodifieddate"),
        writable=raw.get("writable", True),
        groups=tuple(
            PropertyGroup(name=g["name"], label=g["label"], display_order=g.get("displayOrder", -1))
            for g in raw.get("groups", ())
        ),
    )


@cache
def _raw_types() -> tuple[Mapping[str, Any], ...]:
    files = sorted(resources.files("localspot.data").iterdir(), key=lambda f: f.name)
    texts = (f.read_text("utf-8") for f in files if f.name.endswith(".json"))
    return tuple(raw for raw in map(json.loads, texts) if isinstance(raw, dict))


@cache
def all_types() -> tuple[ObjectType, ...]:
    return tuple(_object_type(raw) for raw in _raw_types())


@cache
def _by_key() -> Mapping[str, ObjectType]:
    keys: dict[str, ObjectType] = {}
    for object_type in all_types():
        for key in (object_type.type_id, object_type.name, *object_type.aliases):
            keys[key.lower()] = object_type
    return keys


def resolve(name_or_id: str) -> ObjectType:
    """``calls``, ``call`` or ``0-48`` → the calls type; anything else is HubSpot's 404.
    Built-in types only: a portal's custom types are ``type_registry.PortalTypes``'."""
    object_type = _by_key().get(name_or_id.lower())
    if object_type is None:
        raise unknown_type(name_or_id)
    return object_type


def unknown_type(name_or_id: str) -> ResourceNotFound:
    return ResourceNotFound(f"Unable to infer object type from: {name_or_id}")


def builtin_groups(object_type: ObjectType) -> tuple[PropertyGroup, ...]:
    """The groups a type has without any stored one (they can't be changed or deleted)."""
    return object_type.groups


def builtin_key(name_or_id: str) -> ObjectType | None:
    """A built-in type by id, name or alias (any case); None for anything else."""
    return _by_key().get(name_or_id.lower())
