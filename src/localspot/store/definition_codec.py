"""PropertyDefinition ⇄ the JSON map stored in ``properties.definition``."""

from __future__ import annotations

import dataclasses
from typing import Any

from localspot.crm.model import PropertyDefinition, PropertyOption


def encode(definition: PropertyDefinition) -> dict[str, Any]:
    raw = dataclasses.asdict(definition)
    raw["extra"] = dict(definition.extra)
    return raw


def decode(raw: dict[str, Any]) -> PropertyDefinition:
    fields = {f.name for f in dataclasses.fields(PropertyDefinition)}
    values = {k: v for k, v in raw.items() if k in fields}
    values["options"] = tuple(PropertyOption(**o) for o in raw.get("options", ()))
    return PropertyDefinition(**values)
