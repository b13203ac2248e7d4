"""The list fill role: filling a SNAPSHOT or DYNAMIC list with the records its filters match
(hubspot-behaviour §16.2), a slice of the object type's records at a time.

A list whose fill is not finished is ``PROCESSING`` and has a fill (a database row): which
version of its filters it fills for (``token``), how far it has got, and until when a
server process holds it. Every slice is one transaction that judges a range of records in
their current state and writes their memberships, so a fill cut short (the server stopped)
is resumed where it stopped by whichever process claims it next. The rules every role keeps
are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from localspot.crm.model import Record
from localspot.crm.search_storage import Condition

Linked = Mapping[int, Sequence[tuple[str, int, Record]]]
"""Record id → (associated object type, association type id, live associated record)."""
Judge = Callable[[Sequence[Record], Linked], Iterable[int]]
"""Which of these live records (with their linked records) belong: their ids."""
SliceState = Literal["MORE", "COMPLETE", "GONE"]
"""``GONE``: the fill is no longer there (finished, or restarted for new filters)."""


@dataclass(frozen=True, slots=True)
class FillSlice:
    """What one slice of a fill is asked to do."""

    list_id: int
    token: int
    """The fill it belongs to: a fill with another token (filters changed since) is left
    alone."""
    type_id: str
    limit: int
    """Records to judge at most."""
    groups: tuple[tuple[Condition, ...], ...] | None
    """The filters as search-index conditions (``list_filters.to_search_groups``): the
    records the index has seen are judged by it; None: every record by ``Judge``."""
    linked_types: frozenset[str]
    """Object types whose linked records ``Judge`` needs (association branches)."""
    locked: bool
    """Lock the slice's records against writers while it judges them (a DYNAMIC list,
    which every write of its records judges too: the two must not cross). A SNAPSHOT
    list's slice reads what is committed."""
    at: int
    """When new members join."""


@dataclass(frozen=True, slots=True)
class SliceDone:
    state: SliceState
    judged: int
    """Live records the slice covered."""
    next_limit: int
    """How many records the next slice should take, at the pace of this one."""
    by_index: bool = False
    """The search index judged the records it had seen."""


@dataclass(frozen=True, slots=True)
class FillClaim:
    """A fill this process now holds."""

    portal_id: int
    list_id: int
    token: int


class ListFillStorage(Protocol):
    async def fill_slice(self, portal_id: int, piece: FillSlice, judge: Judge) -> SliceDone:
        """One transaction: the next ``piece.limit`` live records of the type after the
        fill's position, in their current state (rows locked against writers until it
        ends), judged; those that match join (set-based); when the fill is a refill (new
        filters of a DYNAMIC list, or a DYNAMIC list restored while it filled), members of
        the range that no longer match leave; the list's size and the fill's position
        move, the hold is renewed. The last slice ends the fill and makes the list
        ``COMPLETE``. Members that stay keep their time of joining; a member added by hand
        (a SNAPSHOT list) stays."""
        ...

    async def claim_fill(self) -> FillClaim | None:
        """Hold a fill that no process holds (never held, let go, or its hold ran out), if
        there is one."""
        ...

    async def release_fill(self, portal_id: int, list_id: int) -> None:
        """Let go of a fill this process holds, for another to claim."""
        ...

    async def end_fill(self, portal_id: int, list_id: int, token: int) -> None:
        """End the fill as it stands and make the list ``COMPLETE`` (its filters can't be
        judged any more)."""
        ...

    async def settle(self, timeout: float) -> bool:
        """Wait until every transaction of the database that began before the call has
        ended (True), or ``timeout`` seconds have passed (False). Writes that began before a
        list's filters were committed may have judged the list by its old filters (or not
        known it): a fill starts once they have ended."""
        ...
