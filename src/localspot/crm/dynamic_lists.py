"""DYNAMIC lists follow record writes (hubspot-behaviour §16.7): which lists a write can
move, and whether a record belongs, decided here; the store asks inside the write's own
transaction (``store/list_follow_sql.py``) and writes the memberships that changed.

A list's stored ``filterBranch`` is parsed into a ``FilterTree`` once per process and kept
in a cache whose key comes from the database row: the portal, the list's type and a key of
its filter text (the text itself, or a digest of it, ``Dialect.json_digest``). Not the list
id and version the design first named, for a concrete reason: list ids are numbered per
portal from 1 and restart after a portal reset, and a snapshot restore brings back other
filters under the same id and version, so (id, version) may name other filters than the
ones a process parsed; the filter text cannot. A tree also depends on the definitions of
the custom properties it names (their types decide how values are read): a parse records
those definitions as the database held them (``Filters.depends_on``), and a write checks
them again (one query) before it trusts the cached tree, so several server processes on
one PostgreSQL judge by the same filters and definitions.

What a write can move:
- a record written of the list's own type, when the write changed a property the filters
  read, or always when they read the last-modified date (every write moves it) or a
  time-relative value (``uses_time``: judged at the write's time, never later on its own);
  a created or merged record always;
- through ``ASSOCIATION`` branches, the list's records linked to a written record of the
  associated type, when the write changed a property the branch reads there (or always, as
  above), and the two ends of every link written or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from localspot.crm import list_filters
from localspot.crm.errors import HubSpotError
from localspot.crm.list_filter_sets import Judged
from localspot.crm.list_filter_values import system_columns
from localspot.crm.list_filters import FilterTree, LinkedRecords
from localspot.crm.model import PropertyDefinition, Record
from localspot.crm.type_registry import type_for_index

CACHE_SIZE = 4096
"""Parsed filters kept per process; the cache starts afresh when it is full."""
ALWAYS_MOVED = frozenset({"hs_lastmodifieddate", "lastmodifieddate"})
"""Last-modified properties: every write moves them without naming them."""
NAME_KEYS = ("property", "comparisonPropertyName")
"""The fields of a filter that name a property of the record it tests (§16.9)."""

CustomDefinitions = Callable[[str], Mapping[str, tuple[PropertyDefinition, Any]]]
"""Object type id → its live custom properties: name → (definition, a key of the stored
row that changes with it, as ``StoredList.filters_key`` does with the filter text)."""
DefinitionKey = tuple[str, str]
"""(object type id, property name)"""


@dataclass(frozen=True, slots=True)
class StoredList:
    """A DYNAMIC list as a write reads it: ``filters_key`` identifies its filter text;
    ``deleted_at`` is None while it is live."""

    id: int
    object_type: str
    filters_key: Any
    deleted_at: int | None = None


@dataclass(frozen=True, slots=True)
class Filters:
    """A list's filters, parsed. ``tree`` is None when they no longer parse (a property
    they name was archived): such a list keeps its members until its filters change."""

    tree: FilterTree | None
    associated_reads: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Associated object type → the properties its ``ASSOCIATION`` branches read there."""
    depends_on: Mapping[DefinitionKey, Any] = field(default_factory=dict)
    """The custom definitions the parse looked up: their stored value, None when absent."""


@dataclass(frozen=True, slots=True)
class Followed:
    """A DYNAMIC list with its parsed filters."""

    id: int
    object_type: str
    filters: Filters

    @property
    def tree(self) -> FilterTree:
        assert self.filters.tree is not None
        return self.filters.tree


_cache: dict[tuple[int, str, Any], Filters] = {}
_depended: dict[int, set[DefinitionKey]] = {}
"""Per portal, the custom definitions its cached filters depend on."""


def _key(portal_id: int, stored: StoredList) -> tuple[int, str, Any]:
    return (portal_id, stored.object_type, stored.filters_key)


def depended_on(portal_id: int) -> frozenset[DefinitionKey]:
    """The custom definitions the portal's cached filters depend on: what a write reads
    (with the lists, in one query) to check them."""
    return frozenset(_depended.get(portal_id, ()))


def cached(portal_id: int, stored: StoredList) -> Filters | None:
    """The filters parsed before for this filter text (not yet checked against the
    definitions: see ``is_current``)."""
    return _cache.get(_key(portal_id, stored))


class _Recording(Mapping[str, PropertyDefinition]):
    """A type's definitions that note which custom ones a parse looks up."""

    def __init__(
        self,
        type_id: str,
        builtin: Mapping[str, PropertyDefinition],
        custom: Mapping[str, tuple[PropertyDefinition, Any]],
        seen: dict[DefinitionKey, Any],
    ) -> None:
        self._type_id, self._builtin, self._custom, self._seen = type_id, builtin, custom, seen

    def __getitem__(self, name: str) -> PropertyDefinition:
        if name in self._builtin:
            return self._builtin[name]
        found = self._custom.get(name)
        self._seen[(self._type_id, name)] = None if found is None else found[1]
        if found is None:
            raise KeyError(name)
        return found[0]

    def __iter__(self) -> Iterator[str]:
        yield from self._builtin
        yield from (name for name in self._custom if name not in self._builtin)

    def __len__(self) -> int:
        return len(self._builtin) + sum(1 for name in self._custom if name not in self._builtin)


def _builtin(type_id: str) -> Mapping[str, PropertyDefinition]:
    try:
        return type_for_index(type_id).properties
    except HubSpotError:
        return {}


def parse(portal_id: int, stored: StoredList, raw: Any, custom_of: CustomDefinitions) -> Filters:
    """Parse a list's stored filter branch with the portal's definitions as they are now,
    and keep the result for the next writes."""
    seen: dict[DefinitionKey, Any] = {}

    def definitions(type_id: str) -> Mapping[str, PropertyDefinition]:
        return _Recording(type_id, _builtin(type_id), custom_of(type_id), seen)

    try:
        tree: FilterTree | None = list_filters.parse_filter_branch(
            raw, stored.object_type, definitions(stored.object_type), definitions
        )
    except HubSpotError:
        tree = None
    reads = associated_reads(raw) if tree is not None and tree.associated_types else {}
    parsed = Filters(tree, reads, dict(seen))
    if len(_cache) >= CACHE_SIZE:
        _cache.clear()
        _depended.clear()
    _cache[_key(portal_id, stored)] = parsed
    _depended.setdefault(portal_id, set()).update(seen)
    return parsed


def _names(raw: Any) -> Iterator[str]:
    if isinstance(raw, Mapping):
        for key, value in raw.items():
            if key in NAME_KEYS and isinstance(value, str):
                yield value
            else:
                yield from _names(value)
    elif isinstance(raw, list):
        for item in raw:
            yield from _names(item)


def associated_reads(raw: Any) -> dict[str, frozenset[str]]:
    """The properties each ``ASSOCIATION`` branch of a (valid) filter branch reads of the
    associated records, by their object type."""
    found: dict[str, set[str]] = {}

    def walk(node: Any) -> None:
        if not isinstance(node, Mapping):
            return
        if node.get("filterBranchType") == "ASSOCIATION":
            found.setdefault(str(node.get("objectTypeId")), set()).update(
                _names(node.get("filters"))
            )
            return
        for child in node.get("filterBranches") or ():
            walk(child)

    walk(raw)
    return {type_id: frozenset(names) for type_id, names in found.items()}


def is_current(
    filters: Filters, definitions: Mapping[DefinitionKey, Any], read: Collection[DefinitionKey]
) -> bool:
    """Whether the custom definitions the parse looked up are still the stored ones:
    ``definitions`` holds the live ones among the keys ``read`` (filters depending on a key
    that was not read are not trusted)."""
    return all(
        key in read and definitions.get(key) == value for key, value in filters.depends_on.items()
    )


@cache
def _always_moved(type_id: str) -> frozenset[str]:
    columns = system_columns(type_id)
    return ALWAYS_MOVED | {name for name, column in columns.items() if column == "updated_at"}


Changed = Mapping[int, Collection[str] | None] | None
"""Record id → the properties a write changed; None (for a record, or for all): every
property may have (a created or merged record)."""


def _spread(
    entries: Sequence[tuple[Followed, frozenset[str], bool]],
    type_id: str,
    ids: Sequence[int],
    changed: Changed,
) -> list[tuple[Followed, list[int]]]:
    """For each (list, the properties of ``type_id`` it reads, whether it reads the time),
    the written ids whose change can move it; lists with none are left out. The records
    are grouped by the names they changed (a batch of 100 changing a few of a handful of
    properties has a few dozen such sets), and each set's names are looked up once in an
    index of the lists reading them (not each list against each record: a batch of 100
    and 20 lists would be 2,000 tests)."""
    always = _always_moved(type_id)
    judged: list[list[int]] = [[] for _ in entries]
    by_name: dict[str, list[int]] = {}
    partial: list[int] = []
    for position, (_, reads, timed) in enumerate(entries):
        if changed is None or timed or not reads.isdisjoint(always):
            judged[position] = list(ids)
            continue
        partial.append(position)
        for name in reads:
            by_name.setdefault(name, []).append(position)
    if changed is not None and partial:
        alike: dict[frozenset[str] | None, list[int]] = {}
        for i in ids:
            names = changed.get(i)
            alike.setdefault(None if names is None else frozenset(names), []).append(i)
        for names, written in alike.items():
            hit = partial if names is None else {p for n in names for p in by_name.get(n, ())}
            for position in hit:
                judged[position] += written
    return [(entries[p][0], judged[p]) for p in range(len(entries)) if judged[p]]


def own_work(
    lists: Sequence[Followed], type_id: str, ids: Sequence[int], changed: Changed
) -> list[tuple[Followed, list[int]]]:
    """The lists of ``type_id`` the write can move, with the written records to judge."""
    entries = [
        (f, f.filters.tree.property_names, f.filters.tree.uses_time)
        for f in lists
        if f.object_type == type_id and f.filters.tree is not None
    ]
    return _spread(entries, type_id, ids, changed)


def linked_work(
    lists: Sequence[Followed], type_id: str, ids: Sequence[int], changed: Changed
) -> list[tuple[Followed, list[int]]]:
    """The lists whose ``ASSOCIATION`` branches read ``type_id``, with the written records
    whose change can move the list's records linked to them."""
    entries = [
        (f, f.filters.associated_reads.get(type_id, frozenset()), f.filters.tree.uses_time)
        for f in lists
        if f.filters.tree is not None and type_id in f.filters.tree.associated_types
    ]
    return _spread(entries, type_id, ids, changed)


def link_work(
    lists: Sequence[Followed], ends: Sequence[tuple[str | None, int, str]]
) -> list[tuple[str, list[tuple[Followed, list[int]]]]]:
    """Links written or removed, each seen from one end (its type, None when unknown; its
    id; the type at the other end): per object type, the lists of that type whose
    association branches read the other end's type, with the ends to judge again."""
    by_type: dict[str, list[tuple[Followed, list[int]]]] = {}
    for followed in lists:
        tree = followed.filters.tree
        if tree is None or not tree.associated_types:
            continue
        ids = {
            end_id
            for end_type, end_id, other_type in ends
            if other_type in tree.associated_types and end_type in (None, followed.object_type)
        }
        if ids:
            by_type.setdefault(followed.object_type, []).append((followed, sorted(ids)))
    return sorted(by_type.items())


Linked = Mapping[int, Sequence[tuple[str, int, Record]]]
"""Record id → (associated type, association type id, live associated record)."""


def linked_view(found: Linked, record_id: int) -> LinkedRecords:
    """A record's associated records as ``list_filters.matches`` reads them."""

    def linked(to_type: str, type_id: int | None) -> Sequence[Record]:
        seen: dict[int, Record] = {}
        for kind, link_type, target in found.get(record_id, ()):
            if kind == to_type and (type_id is None or link_type == type_id):
                seen.setdefault(target.id, target)
        return list(seen.values())

    return linked


def for_judging(records: Mapping[int, Record]) -> Mapping[int, Record]:
    """``records`` to judge for several lists: the values their filters read are then
    read once for all of them (``list_filter_sets.Judged``)."""
    return Judged(records)


def judge(
    followed: Followed,
    records: Mapping[int, Record],
    ids: Sequence[int],
    now_ms: int,
    linked: Linked | None = None,
) -> tuple[set[int], set[int]]:
    """Of ``ids``, those in ``records`` (live, every property loaded), and those of them
    that belong to the list at ``now_ms``; ``linked`` is needed for association branches."""
    tree = followed.tree
    judged = records.keys() & ids
    if tree.select is not None:  # all at once, not record by record: judged in every write
        return judged, set(tree.select(records, judged, now_ms))
    found, matches = linked or {}, list_filters.matches
    return judged, {i for i in judged if matches(tree, records[i], now_ms, linked_view(found, i))}
