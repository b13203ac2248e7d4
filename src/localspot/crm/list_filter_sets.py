"""List filters judged over a set of records at once (``Select``), the way a write judges
a DYNAMIC list on the records it wrote (``crm/dynamic_lists.judge``).

A ``Select`` gives the records of a set that pass a filter; it decides exactly as the
filter's ``Test`` does record by record, and runs each filter on exactly the records the
record-by-record evaluation would reach: an AND passes on to each part only the records
every part before it passed, an OR only those no part before it passed. What it saves is
the calls of the branches' own tests around every filter's (about a third of a write's
judging time with 20 lists, bench/README.md). Branches reading associated records have no
``Select`` (their tests need each record's linked records).

The common comparisons of one value (``compared``) are written out as comprehensions, not
a call of the filter's test a record, and read the records' values from a map made once a
write for every list judging them (``Judged``: texts lower-cased, numbers parsed): a write
with 20 lists reads each value once, not once a list.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Mapping, Sequence, Set
from dataclasses import dataclass
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


class Judged(dict[int, Record]):
    """The records a write judges (by id), with the maps of their values the lists' filters
    read (``Values``), each made once for all the lists. Every id a filter is given is one
    of these."""

    __slots__ = ("maps",)

    def __init__(self, records: Mapping[int, Record]) -> None:
        super().__init__(records)
        self.maps: dict[Hashable, Any] = {}
        """``Values`` maps by their key, and what ``compared`` keeps."""


def _shared(records: Judged, ids: Set[int]) -> bool:
    """Whether what a filter finds for ``ids`` is worth finding for the whole set and
    keeping for the next lists: ``ids`` are most of it (not an AND's later filter, after
    its first took most records away)."""
    return len(ids) * 2 > len(records)


@dataclass(frozen=True, slots=True)
class Values:
    """How a filter reads the records' known values: ``read`` maps the ids given to the
    values of those that have one (unknown values left out); ``key`` names the map among
    those of a ``Judged`` set."""

    key: Hashable
    read: Callable[[Records, Collection[int]], Mapping[int, Any]]

    def of(self, records: Records, ids: Set[int]) -> Mapping[int, Any]:
        """The known values of ``ids`` (of more records, when a ``Judged`` set holds them
        already, or when ``ids`` are most of it: then they are kept for the next lists)."""
        if not isinstance(records, Judged):
            return self.read(records, ids)
        found = records.maps.get(self.key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        if not _shared(records, ids):
            return self.read(records, ids)
        found = records.maps[self.key] = self.read(records, records.keys())
        return found


def texts(name: str) -> Values:
    """A property's stored text (``Slot.plain``; empty is unknown)."""

    def read(records: Records, ids: Collection[int]) -> dict[int, str]:
        return {i: v for i in ids if (v := records[i].properties.get(name))}

    return Values(("text", name), read)


def lowered_texts(name: str) -> Values:
    """A property's stored text lower-cased, as text filters compare it."""

    def read(records: Records, ids: Collection[int]) -> dict[int, str]:
        return {i: v.lower() for i in ids if (v := records[i].properties.get(name))}

    return Values(("lowered", name), read)


def parsed(name: str, parse: Callable[[str], Any]) -> Values:
    """A property's stored text read as its type (``Slot.parse``; None is unknown)."""

    def read(records: Records, ids: Collection[int]) -> dict[int, Any]:
        return {
            i: v
            for i in ids
            if (raw := records[i].properties.get(name)) and (v := parse(raw)) is not None
        }

    return Values(("parsed", name, parse), read)


Comparison = Callable[[Mapping[int, Any], Set[int], Any], set[int]]
COMPARISONS: dict[str, Comparison] = {
    "eq": lambda known, ids, x: {i for i in ids if (v := known.get(i)) is not None and v == x},
    "ne": lambda known, ids, x: {i for i in ids if (v := known.get(i)) is not None and v != x},
    "lt": lambda known, ids, x: {i for i in ids if (v := known.get(i)) is not None and v < x},
    "le": lambda known, ids, x: {i for i in ids if (v := known.get(i)) is not None and v <= x},
    "gt": lambda known, ids, x: {i for i in ids if (v := known.get(i)) is not None and v > x},
    "ge": lambda known, ids, x: {i for i in ids if (v := known.get(i)) is not None and v >= x},
    "between": lambda known, ids, x: {
        i for i in ids if (v := known.get(i)) is not None and x[0] <= v <= x[1]
    },
    "outside": lambda known, ids, x: {
        i for i in ids if (v := known.get(i)) is not None and not x[0] <= v <= x[1]
    },
    "in": lambda known, ids, x: {i for i in ids if (v := known.get(i)) is not None and v in x},
    "not_in": lambda known, ids, x: {
        i for i in ids if (v := known.get(i)) is not None and v not in x
    },
    "contains": lambda known, ids, x: {
        i for i in ids if (v := known.get(i)) is not None and x in v
    },
    "lacks": lambda known, ids, x: {
        i for i in ids if (v := known.get(i)) is not None and x not in v
    },
    "starts": lambda known, ids, x: {
        i for i in ids if (v := known.get(i)) is not None and v.startswith(x)
    },
    "ends": lambda known, ids, x: {
        i for i in ids if (v := known.get(i)) is not None and v.endswith(x)
    },
}
"""Comparison → the ids whose known value passes it against the operand (unknown values
never do). ``between`` and ``outside`` take (lower, upper), bounds included in between;
``in`` and ``not_in`` a set; ``contains``… a text that the value contains, starts or
ends with."""


def compared(values: Values, comparison: str, operand: Any, include: bool) -> Select:
    """A filter that compares the known value (``COMPARISONS``); records whose value is
    unknown pass when ``include``.

    Over most of a ``Judged`` set, the records of the whole set that pass are found once
    and kept for every list with the same filter (lists that segment by one property, a
    region or an email domain, share their first filter)."""
    compare = COMPARISONS[comparison]
    shared = ("compared", values.key, comparison, operand, include)

    def passing(records: Records, ids: Set[int]) -> set[int]:
        known = values.of(records, ids)
        found = compare(known, ids, operand)
        if include:
            found.update(i for i in ids if i not in known)
        return found

    def select(records: Records, ids: Set[int], now: int) -> Set[int]:
        if not isinstance(records, Judged) or not _shared(records, ids):
            return passing(records, ids)
        found = records.maps.get(shared)
        if found is None:
            found = records.maps[shared] = passing(records, records.keys())
        return found if len(ids) == len(records) else found & ids

    return select
