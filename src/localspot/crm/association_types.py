"""Association types: HubSpot-defined ones between the built-in object types, read once from
``localspot/data/association_types.json``, and a portal's own (``AssociationCatalog``).

Every type joins an ordered pair of object types (``call_to_contact``: calls → contacts,
id 194) and has a reverse for the opposite direction (``contact_to_call``, 193): storing a
link stores both directions, so a record's links read the same from either end. Each
ordered pair has one default (unlabelled) type; the others carry a label ("Primary").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from localspot.crm.errors import ValidationError
from localspot.crm.model import ObjectType

HUBSPOT_DEFINED = "HUBSPOT_DEFINED"
USER_DEFINED = "USER_DEFINED"
CATEGORIES = frozenset({"HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED", "WORK"})


@dataclass(frozen=True, slots=True)
class AssociationType:
    from_type: str
    to_type: str
    type_id: int
    name: str
    """HubSpot's snake-case name, e.g. ``call_to_contact`` (the v3 ``type`` of a link)."""
    label: str | None
    default: bool
    category: str = HUBSPOT_DEFINED
    inverse_id: int | None = None
    """A stored type's other direction (HubSpot's own pair up by label)."""


@cache
def _all() -> tuple[AssociationType, ...]:
    text = resources.files("localspot.data").joinpath("association_types.json").read_text()
    return tuple(
        AssociationType(
            raw["from"], raw["to"], raw["typeId"], raw["name"], raw.get("label"), raw["default"]
        )
        for raw in json.loads(text)
    )


class AssociationCatalog:
    """The association types one portal can use: HubSpot's own and the portal's stored
    definitions (a custom object's links). The methods are the rules the use cases ask."""

    def __init__(self, kinds: tuple[AssociationType, ...]) -> None:
        self.kinds = kinds
        pairs: dict[tuple[str, str], list[AssociationType]] = {}
        for kind in kinds:
            pairs.setdefault((kind.from_type, kind.to_type), []).append(kind)
        self._by_pair = {pair: tuple(found) for pair, found in pairs.items()}

    def types_between(
        self, from_type: ObjectType, to_type: ObjectType
    ) -> tuple[AssociationType, ...]:
        return self._by_pair.get((from_type.type_id, to_type.type_id), ())

    def default_type(self, from_type: ObjectType, to_type: ObjectType) -> AssociationType:
        for kind in self.types_between(from_type, to_type):
            if kind.default:
                return kind
        raise pair_error(from_type, to_type, "default")

    def find(self, from_type: ObjectType, to_type: ObjectType, type_id: int) -> AssociationType:
        for kind in self.types_between(from_type, to_type):
            if kind.type_id == type_id:
                return kind
        raise pair_error(from_type, to_type, str(type_id))

    def find_by_id_or_name(
        self, from_type: ObjectType, to_type: ObjectType, key: str
    ) -> AssociationType:
        """The v3 per-object path takes the type id or its name (``call_to_contact``)."""
        for kind in self.types_between(from_type, to_type):
            if key in (str(kind.type_id), kind.name):
                return kind
        raise pair_error(from_type, to_type, key)

    def reverse(self, kind: AssociationType) -> AssociationType:
        """The same link seen from the other end: the default of the opposite pair, or the
        opposite type with the same label; a stored type names its inverse."""
        for other in self._by_pair.get((kind.to_type, kind.from_type), ()):
            if kind.inverse_id is not None:
                if other.type_id == kind.inverse_id:
                    return other
            elif other.default == kind.default and other.label == kind.label:
                return other
        raise LookupError(f"association type {kind.type_id} has no reverse")

    def with_kinds(self, extra: tuple[AssociationType, ...]) -> AssociationCatalog:
        return AssociationCatalog(self.kinds + extra) if extra else self


def pair_error(from_type: ObjectType, to_type: ObjectType, shown: str) -> ValidationError:
    """HubSpot's answer to a type id (or name) the pair doesn't have."""
    return ValidationError(
        f"{shown} is not a valid association type between {from_type.error_label}"
        f" and {to_type.error_label}",
        context={
            "type": [shown],
            "fromObjectType": [from_type.error_label],
            "toObjectType": [to_type.error_label],
        },
        sub_category="crm.associations.INVALID_ASSOCIATION_TYPE",
    )


BUILTIN = AssociationCatalog(_all())
"""HubSpot's own types, the same for every portal."""
