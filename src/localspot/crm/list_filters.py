"""HubSpot's list filter branches (Lists API v3, hubspot-behaviour §16.9): validated once
into a ``FilterTree``, then evaluated on records (``matches``) or translated into search's
index conditions (``to_search_groups``).

The lists API parses a list's ``filterBranch`` with ``parse_filter_branch``: HubSpot's
structure rules and 400s, every filter compiled into closures (values parsed once), so
that ``matches`` only reads the record's values. Dynamic lists call ``matches`` inside
record writes, for the lists whose ``property_names`` a write touches; a new list is
filled from the search index with ``to_search_groups`` when the translation is exact.

The rules live in ``list_filter_branches`` (structure, filter types), ``list_filter_
operations`` and ``list_filter_times`` (property operations), ``list_filter_time_points``
(time points), ``list_filter_values`` (reading values) and ``list_filter_dnf`` (index
conditions combined with AND, OR and NOT).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from localspot.crm.list_filter_branches import Scope, branch
from localspot.crm.list_filter_dnf import Group, to_search
from localspot.crm.list_filter_sets import Select
from localspot.crm.list_filter_values import LinkedRecords, Test, invalid, system_columns
from localspot.crm.model import PropertyDefinition, Record
from localspot.crm.search_storage import Condition

__all__ = [
    "FilterTree",
    "LinkedRecords",
    "matches",
    "parse_filter_branch",
    "to_search_groups",
]


def _never(record: Record, now: int, linked: LinkedRecords | None) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class FilterTree:
    """A validated HubSpot filter branch (the root OR branch), ready to evaluate."""

    property_names: frozenset[str]
    """Properties of the list's own object type it reads."""
    associated_types: frozenset[str]
    """Object type ids whose records and links it reads (empty: none)."""
    uses_time: bool
    """Depends on "now" (rolling and relative dates)."""
    wire: Mapping[str, Any] = field(default_factory=dict, repr=False, hash=False)
    test: Test = field(default=_never, repr=False, compare=False)
    groups: tuple[Group, ...] | None = field(default=None, repr=False)
    select: Select | None = field(default=None, repr=False, compare=False)
    """``test`` over a set of records at once (``list_filter_sets``); None when the tree
    reads associated records."""

    def to_wire(self) -> dict[str, Any]:
        """The branch as HubSpot echoes it back in responses (a fresh copy)."""
        return copy.deepcopy(dict(self.wire))


def parse_filter_branch(
    raw: Any,
    object_type_id: str,
    definitions: Mapping[str, PropertyDefinition],
    definitions_of: Callable[[str], Mapping[str, PropertyDefinition]] | None = None,
) -> FilterTree:
    """Validate ``raw`` (the request's ``filterBranch``; already JSON-decoded) against
    HubSpot's filter-branch rules; raise crm.errors' validation error (HubSpot 400 shape)
    when it is bad. ``definitions_of`` gives another object type's property definitions
    (for association branches)."""
    if not isinstance(raw, Mapping):
        raise invalid("filterBranch must be a JSON object")
    kind = raw.get("filterBranchType")
    if kind != "OR":
        raise invalid(
            f"The root filter branch must be an OR filter branch, not {kind}",
            filterBranchType=str(kind),
        )
    scope = Scope(definitions, system_columns(object_type_id), definitions_of)
    root = branch(raw, scope)
    groups = None if root.index is None else to_search(root.index)
    return FilterTree(
        property_names=frozenset(scope.reads),
        associated_types=frozenset(scope.associated),
        uses_time=scope.uses_time,
        wire=root.wire,
        test=root.test,
        groups=groups,
        select=root.select,
    )


def matches(
    tree: FilterTree, record: Record, now_ms: int, linked: LinkedRecords | None = None
) -> bool:
    """Whether ``record`` (a live record of the list's type, all properties loaded)
    belongs. ``now_ms`` is the clock's now, for time-relative filters; ``linked`` gives
    its associated records (required when ``tree.associated_types`` is not empty)."""
    return tree.test(record, now_ms, linked)


def to_search_groups(tree: FilterTree) -> tuple[tuple[Condition, ...], ...] | None:
    """The same membership as search-index conditions (crm/search_storage.Condition
    groups, ORed groups of ANDed conditions), or None when the index cannot express it
    exactly. Never an empty tuple (a search without groups matches every record)."""
    return tree.groups
