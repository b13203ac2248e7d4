"""The search index role, and the query it runs: ``SearchQuery``, a small typed filter tree
built by ``crm/search.py`` (HubSpot's rules) and turned into SQL by the store.

Index entries are computed by the domain when a record is indexed (``crm/search.py
index_entries``); the store keeps them and never parses a value itself. The rules every
role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from localspot.crm.model import Record

NEGATED = frozenset({"NEQ", "NOT_IN", "NOT_HAS_PROPERTY", "NOT_CONTAINS_TOKEN"})
POSITIVE = {"NEQ": "EQ", "NOT_IN": "IN", "NOT_HAS_PROPERTY": "HAS_PROPERTY"}

IndexEntry = tuple[float | None, str | None, tuple[str, ...]]
"""One search-index entry of a value: (number, string, its words); see ``crm/search.py``."""
IndexValues = Mapping[str, tuple[IndexEntry, ...]]
"""Property name → its search-index entries, computed by the domain."""


@dataclass(frozen=True, slots=True)
class Condition:
    """One filter, typed. ``kind``: ``number`` or ``string`` (the index's value columns),
    ``token`` (the words; ``values`` are word patterns, all required), ``pattern`` (word
    patterns matched against whole string entries) or ``column`` (a record column, named
    by ``column``) or ``association`` (records linked to the ids in ``values`` of the
    object type ``column``). ``operator`` is one of HubSpot's; a negated one
    matches exactly the records its positive form does not. ``multi``: the property may
    hold several index entries per record (a multi-select)."""

    name: str
    operator: str
    kind: str
    values: tuple[float | str, ...] = ()
    column: str | None = None
    multi: bool = False


@dataclass(frozen=True, slots=True)
class SortSpec:
    name: str
    kind: str  # number, string or column
    descending: bool
    column: str | None = None
    multi: bool = False


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Groups are ORed, the conditions of a group ANDed; every ``text_words`` pattern must
    match a word of one of ``text_names`` (the free-text ``query``)."""

    groups: tuple[tuple[Condition, ...], ...]
    text_words: tuple[str, ...]
    text_names: tuple[str, ...]
    sort: SortSpec | None
    limit: int
    offset: int
    count_limit: int | None = None
    """Count the matches only up to this many (``total`` is then at most it): a broad
    filter's exact count is most of its time at a million records. The API counts all."""


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    records: tuple[Record, ...]


class SearchIndexStorage(Protocol):
    async def search(self, portal_id: int, type_id: str, query: SearchQuery) -> SearchPage:
        """Live records only; ``total`` counts every match, ``records`` is the page."""
        ...

    async def refresh_index(
        self,
        portal_id: int,
        type_id: str,
        entries_of: Callable[[Record], IndexValues],
        limit: int | None = None,
    ) -> int:
        """Index the records written since the last refresh (``entries_of`` gives a live
        record's entries), all of them or about ``limit``; returns how many were indexed."""
        ...

    async def queue_for_reindex(self, portal_id: int | None) -> int:
        """Queue every record (of one portal, or of all) to be indexed afresh, in slices;
        returns how many were queued."""
        ...

    async def queued_for_index(self, portal_id: int | None = None) -> list[tuple[int, str]]:
        """Some (portal, object type) pairs with records waiting to be indexed (of one
        portal, or of any)."""
        ...

    async def busy_elsewhere(self) -> bool:
        """Whether another process is working on the database right now (so background
        work should wait)."""
        ...
