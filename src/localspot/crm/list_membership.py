"""Which live records a filtered list holds, evaluated plainly (hubspot-behaviour §16.2).

``evaluate_all`` reads the type's live records a page at a time (with the linked records an
association branch needs) and asks ``list_filters.matches`` of each; only the matching ids
are kept. Lists are filled by ``crm/list_fill.py`` (slices, the search index where it can
judge); this is the straightforward evaluation its results must equal (the store contract
tests compare them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Protocol

from localspot.crm import list_filters
from localspot.crm.links_storage import LinksStorage
from localspot.crm.list_filters import FilterTree, LinkedRecords
from localspot.crm.model import Record
from localspot.crm.records_storage import RecordsStorage

PAGE_SIZE = 500
"""Records read per query of the scan."""

Matcher = Callable[[FilterTree, Record, int, LinkedRecords | None], bool]


class EvaluationStorage(RecordsStorage, LinksStorage, Protocol):
    """The records to scan and, for association branches, their links."""


Linked = dict[int, list[tuple[str, int, Record]]]
"""Record id → (associated type, association type id, live associated record)."""


async def _linked(
    store: EvaluationStorage, portal_id: int, records: Sequence[Record], types: frozenset[str]
) -> Linked:
    found: Linked = defaultdict(list)
    ids = [r.id for r in records]
    for to_type in sorted(types):
        links = await store.links_of(portal_id, ids, to_type)
        targets = await store.read_records(portal_id, to_type, {link.to_id for link in links})
        for link in links:
            target = targets.get(link.to_id)
            if target is not None:
                found[link.from_id].append((to_type, link.type_id, target))
    return found


def _linked_of(found: Linked, record_id: int) -> LinkedRecords:
    def linked(to_type: str, type_id: int | None) -> Sequence[Record]:
        seen: dict[int, Record] = {}
        for kind, link_type, target in found.get(record_id, ()):
            if kind == to_type and (type_id is None or link_type == type_id):
                seen.setdefault(target.id, target)
        return list(seen.values())

    return linked


async def evaluate_all(
    store: EvaluationStorage,
    portal_id: int,
    type_id: str,
    tree: FilterTree,
    now_ms: int,
    *,
    matcher: Matcher = list_filters.matches,
    page_size: int = PAGE_SIZE,
) -> list[int]:
    """The ids of the type's live records ``tree`` matches at ``now_ms``, ascending."""
    matched: list[int] = []
    after: int | None = None
    while True:
        page = await store.list_records(portal_id, type_id, after=after, limit=page_size)
        found = await _linked(store, portal_id, page.records, tree.associated_types)
        for record in page.records:
            linked = _linked_of(found, record.id) if tree.associated_types else None
            if matcher(tree, record, now_ms, linked):
                matched.append(record.id)
        if page.next_after is None:
            return matched
        after = page.next_after
