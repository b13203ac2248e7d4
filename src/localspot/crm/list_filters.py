"""HubSpot's list filter branches: validation and evaluation (a stand-in with the fixed
interface; the filter engine replaces this module)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from localspot.crm.errors import ValidationError
from localspot.crm.model import PropertyDefinition, Record
from localspot.crm.search_storage import Condition

LinkedRecords = Callable[[str, int | None], Sequence[Record]]
"""(associated object type id, association type id or None) -> the record's live
associated records."""


@dataclass(frozen=True, slots=True)
class FilterTree:
    """A validated HubSpot filter branch (the root OR branch), ready to evaluate."""

    property_names: frozenset[str]
    associated_types: frozenset[str]
    uses_time: bool
    wire: Mapping[str, Any] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        return dict(self.wire)


def parse_filter_branch(
    raw: Any,
    object_type_id: str,
    definitions: Mapping[str, PropertyDefinition],
    definitions_of: Callable[[str], Mapping[str, PropertyDefinition]] | None = None,
) -> FilterTree:
    if not isinstance(raw, dict) or raw.get("filterBranchType") != "OR":
        raise ValidationError("The root filter branch must be an OR branch")
    return FilterTree(frozenset(), frozenset(), False, raw)


def matches(
    tree: FilterTree, record: Record, now_ms: int, linked: LinkedRecords | None = None
) -> bool:
    return False


def to_search_groups(tree: FilterTree) -> tuple[tuple[Condition, ...], ...] | None:
    return None
