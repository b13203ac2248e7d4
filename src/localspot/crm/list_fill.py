"""Filling a SNAPSHOT or DYNAMIC list with the live records its filters match, when it is
created or its filters change (hubspot-behaviour §16.2): the fill, in slices.

Why slices, each its own transaction, rather than one transaction for the whole fill: on
SQLite one transaction would hold the only writer for the whole fill (about 10-30 s at a
million records, every write of every request waiting), and on PostgreSQL it could not see
the records written while it ran without locking every record of the type at once. A slice
judges a range of records in their current state, locked against writers (PostgreSQL) or
under the one writer (SQLite), and writes their memberships in the same transaction; a
DYNAMIC list's own writes judge a record against the list from the moment the list is
committed, so a record is right whether it is written before, during or after its slice.
A list is ``PROCESSING`` until its last slice has run, then ``COMPLETE``.

Before the first slice of a DYNAMIC list, ``settle`` waits for the writes that began before
the list's filters were committed (they may have judged records by the old filters, or not
known the list). A fill's state lives in the database (``list_fill_storage``), so a fill cut
short by a stopped server is resumed by the next process that claims it.

The create (or filter update) request runs the first slices itself, up to its budget of
records, so a list over a few thousand records is ``COMPLETE`` in the response; a larger
one is handed to the background filler (``http/list_fills.py``) and answers ``PROCESSING``.

The store judges what it can with the search index (``list_filters.to_search_groups``), the
rest with ``judge`` (``list_filters.matches``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from localspot.clock import Clock
from localspot.crm import list_filters
from localspot.crm.list_fill_storage import FillSlice, Judge, Linked, ListFillStorage
from localspot.crm.list_filters import FilterTree, LinkedRecords
from localspot.crm.lists_storage import ObjectList
from localspot.crm.model import Record

DYNAMIC = "DYNAMIC"
FIRST_SLICE = 10_000
"""Records the first slice judges (later ones are paced by the store)."""
INLINE_RECORDS = 10_000
"""Records a create or filter-update request judges itself before it hands the rest over."""
SETTLE_SECONDS_INLINE = 1.0
SETTLE_SECONDS = 300.0
"""How long a fill waits for older writes to end: a request only briefly (then the
background filler waits), the background filler for long-running writes such as an import.
After that it goes on anyway."""


class FillRunStorage(ListFillStorage, Protocol):
    """What a fill needs of the store."""


def _linked_of(found: Linked, record_id: int) -> LinkedRecords:
    def linked(to_type: str, type_id: int | None) -> Sequence[Record]:
        seen: dict[int, Record] = {}
        for kind, link_type, target in found.get(record_id, ()):
            if kind == to_type and (type_id is None or link_type == type_id):
                seen.setdefault(target.id, target)
        return list(seen.values())

    return linked


def judge_of(tree: FilterTree, now_ms: int) -> Judge:
    """``list_filters.matches`` over a slice's records (with their linked records)."""
    if not tree.associated_types:
        return lambda records, _: [r.id for r in records if list_filters.matches(tree, r, now_ms)]

    def judge(records: Sequence[Record], linked: Linked) -> list[int]:
        return [
            r.id for r in records if list_filters.matches(tree, r, now_ms, _linked_of(linked, r.id))
        ]

    return judge


async def run(
    store: FillRunStorage,
    clock: Clock,
    portal_id: int,
    found: ObjectList,
    tree: FilterTree,
    token: int,
    *,
    budget: int | None,
) -> bool:
    """Run the fill ``token`` of list ``found`` (which this process holds) slice by slice:
    True once nothing is left to do (complete, or replaced by a newer fill), False when
    ``budget`` records have been judged first (the fill is still held: release it)."""
    dynamic = found.processing_type == DYNAMIC
    waited = SETTLE_SECONDS if budget is None else SETTLE_SECONDS_INLINE
    if budget == 0 or (dynamic and not await store.settle(waited) and budget is not None):
        return False
    groups = list_filters.to_search_groups(tree)
    limit, judged = FIRST_SLICE if budget is None else min(FIRST_SLICE, budget), 0
    while True:
        now = clock.now_ms()
        piece = FillSlice(
            found.id, token, found.object_type, limit, groups, tree.associated_types, dynamic, now
        )
        done = await store.fill_slice(portal_id, piece, judge_of(tree, now))
        if done.state != "MORE":
            return True
        judged += done.judged
        if budget is not None and judged >= budget:
            return False
        limit = done.next_limit if budget is None else min(done.next_limit, budget - judged)
