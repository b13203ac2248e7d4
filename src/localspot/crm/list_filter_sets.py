"""List filters judged over a set of records at once (``Select``), the way a write judges
a DYNAMIC list on the records it wrote (``crm/dynamic_lists.judge``).

A ``Select`` gives the records of a set that pass a filter; it decides exactly as the
filter's ``Test`` does record by record, and runs each filter on exactly the records the
record-by-record evaluation would reach: an AND passes on to each part only the records
every part before it passed, an OR only those no part before it passed. What it saves is
the calls of the branches' own tests around every filter's (about a third of a write's
judging time with 20 lists, bench/README.md). Branches reading associated records have no
``Select`` (their tests need each record's linked records).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from typing import Any

from localspot.crm.model import Record

Records = Mapping[int, Record]
Select = Callable[[Records, Set[int], int], Set[int]]
"""(records by id, the ids to judge, now in epoch ms) -> the ids that pass. The sets given
and returned are never changed afterwards (a select may return the set it was given)."""
Test = Callable[[Record, int, Any], bool]


def each(test: Test) -> Select:
    """A filter without a set form of its own: its test, record by record."""

    def select(records: Records, ids: Set[int], now: int) -> Set[int]:
        return {i for i in ids if test(records[i], now, None)}

    return select


REORDER_EVERY = 32
"""An AND orders its parts again after this many judgments (``every``)."""


def every(selects: Sequence[Select]) -> Select:
    """AND: each part judges the records all parts before it passed.

    The parts run in the order of how few of the records they judged passed so far (the
    filter most records fail first). That changes the work, not the verdicts: the records
    an AND passes are those each part passes, whatever the order, as each part decides on
    a record alone. A segment's filter on a property the writes leave alone (an email
    domain, a region) then spares its other filters most records (a fifth fewer filters
    run with the benchmark's narrow lists, bench/README.md). The counts are per process
    and only ever order parts: two threads updating them at once can at worst order them
    less well."""
    if len(selects) == 1:
        return selects[0]
    judged = [0] * len(selects)
    passed = [0] * len(selects)
    order = tuple(range(len(selects)))
    calls = 0

    def select(records: Records, ids: Set[int], now: int) -> Set[int]:
        nonlocal order, calls
        for position in order:
            if not ids:
                break
            judged[position] += len(ids)
            ids = selects[position](records, ids, now)
            passed[position] += len(ids)
        calls += 1
        if calls % REORDER_EVERY == 0:
            order = tuple(sorted(order, key=lambda p: passed[p] / (judged[p] or 1)))
        return ids

    return select


def some(selects: Sequence[Select]) -> Select:
    """OR: each part judges the records no part before it passed."""
    if len(selects) == 1:
        return selects[0]

    def select(records: Records, ids: Set[int], now: int) -> Set[int]:
        passed: set[int] = set()
        for part in selects:
            if not ids:
                break
            found = part(records, ids, now)
            if found:
                passed |= found
                ids = ids - found
        return passed

    return select


def negated(inner: Select) -> Select:
    def select(records: Records, ids: Set[int], now: int) -> Set[int]:
        return ids - inner(records, ids, now)

    return select


def plain_value(name: str, check: Callable[[str], bool], include: bool) -> Select:
    """A test of a property's stored text (``Slot.plain``): ``check`` when it has one,
    ``include`` when it has none."""

    def select(records: Records, ids: Set[int], now: int) -> Set[int]:
        return {i for i in ids if (check(v) if (v := records[i].properties.get(name)) else include)}

    return select


def parsed_value(
    name: str, parse: Callable[[str], Any], check: Callable[[Any], bool], include: bool
) -> Select:
    """A test of a property's stored text read as its type (``Slot.parse``): ``check``
    when it has a value that reads, ``include`` when not."""

    def select(records: Records, ids: Set[int], now: int) -> Set[int]:
        return {
            i
            for i in ids
            if (
                check(v)
                if (raw := records[i].properties.get(name)) and (v := parse(raw)) is not None
                else include
            )
        }

    return select


def read_value(
    read: Callable[[Record], Any], check: Callable[[Any], bool], include: bool
) -> Select:
    """A test of a property's typed value: ``check`` when known, ``include`` when not."""

    def select(records: Records, ids: Set[int], now: int) -> Set[int]:
        return {i for i in ids if (include if (v := read(records[i])) is None else check(v))}

    return select


def read_value_at(
    read: Callable[[Record], Any], predicate: Callable[[Any, Record, int], bool], include: bool
) -> Select:
    """``read_value`` for a predicate that also reads the record or the time."""

    def select(records: Records, ids: Set[int], now: int) -> Set[int]:
        return {
            i
            for i in ids
            if (include if (v := read(r := records[i])) is None else predicate(v, r, now))
        }

    return select
