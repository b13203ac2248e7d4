"""What a write reads before DYNAMIC lists follow it (``list_follow_sql``): the portal's
DYNAMIC lists with their filters parsed, in one query.

That query (``UNION ALL`` of up to four parts) reads the portal's list token
(``list_versions``), the keys of the custom definitions the portal's cached filters
depend on, for a write of known records their memberships (only when the portal has a
DYNAMIC list, which an ``EXISTS`` decides first), and, unless the process holds the
portal's lists under a token, each DYNAMIC list's id, type, deletion time and a key of its
filter text (``Dialect.json_digest``). While the token read is the one held, the held lists
are the stored ones; when it is not, a second query reads the lists with their token (one
statement: the lists are those of that token). A portal without DYNAMIC lists pays the one
indexed query. The filter text and the definitions are read again, and the filters parsed
(``crm/dynamic_lists.py``), only for lists the process has not parsed with these keys
before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from localspot.crm import dynamic_lists
from localspot.crm.dynamic_lists import CACHE_SIZE, DefinitionKey, Filters, Followed, StoredList
from localspot.crm.list_rules import DYNAMIC, RESTORE_WINDOW_MS
from localspot.crm.model import PropertyDefinition
from localspot.store import definition_codec
from localspot.store.bulk import fetch, json_map, marks
from localspot.store.dialect import dialect_of

_FOLLOWED = "portal_id = ? AND processing_type = ? AND (deleted_at IS NULL OR deleted_at > ?)"
"""A DYNAMIC list that follows writes: live, or deleted but still restorable (a restored
list comes back with the members it would have had)."""
_TOKEN = (
    "SELECT 3 AS kind, token AS n1, CAST(NULL AS BIGINT) AS n2, CAST(NULL AS TEXT) AS t1,"
    " CAST(NULL AS TEXT) AS t2, CAST(NULL AS TEXT) AS t3 FROM list_versions WHERE portal_id = ?"
)
"""The first part of the query: its columns type the others' (PostgreSQL's ``UNION``)."""
_LISTS = (
    "SELECT 0, id, deleted_at, object_type, NULL, {digest} FROM lists"
    " WHERE portal_id = ? AND processing_type = ?"
)
"""Every DYNAMIC list of the portal, deleted ones too (whether one still follows depends
on the time of each write, ``_follows``)."""

Kept = tuple[int, tuple[StoredList, ...]]
_kept: dict[int, Kept] = {}
"""Per portal, the DYNAMIC lists this process read and the token they were read with."""


@dataclass(frozen=True, slots=True)
class Followers:
    """The portal's DYNAMIC lists, and the memberships of the records asked for (by list
    id; None when not asked for)."""

    lists: list[Followed]
    members: Mapping[int, set[int]] | None = field(default=None)


def _parts(
    conn: Connection, portal_id: int, at: int, record_ids: Collection[int], *, with_lists: bool
) -> tuple[str, list[Any], frozenset[DefinitionKey]]:
    dialect = dialect_of(conn)
    parts: list[str] = [_TOKEN]
    params: list[Any] = [portal_id]
    if with_lists:
        parts.append(_LISTS.format(digest=dialect.json_digest.format("filter_branch")))
        params += [portal_id, DYNAMIC]
    keys = dynamic_lists.depended_on(portal_id)
    if keys:
        names = sorted({name for _, name in keys})
        parts.append(
            "SELECT 1, NULL, NULL, object_type, name,"
            f" {dialect.json_digest.format('definition')} FROM properties"
            f" WHERE portal_id = ? AND archived = ? AND name IN ({marks(len(names))})"
        )
        params += [portal_id, False, *names]
    if record_ids:
        parts.append(
            "SELECT 2, list_id, record_id, NULL, NULL, NULL FROM list_memberships"
            f" WHERE portal_id = ? AND record_id IN ({dialect.id_set})"
            f" AND EXISTS (SELECT 1 FROM lists WHERE {_FOLLOWED})"
        )
        params += [portal_id, dialect.id_list(record_ids), portal_id, DYNAMIC]
        params.append(at - RESTORE_WINDOW_MS)
    return " UNION ALL ".join(parts), params, keys


def _lists_with_token(conn: Connection, portal_id: int) -> tuple[list[StoredList], int | None]:
    """The DYNAMIC lists and the token they go with, read in one statement."""
    lists = _LISTS.format(digest=dialect_of(conn).json_digest.format("filter_branch"))
    params = [portal_id, portal_id, DYNAMIC]
    stored: list[StoredList] = []
    token = None
    for kind, n1, n2, t1, _t2, t3 in fetch(conn, f"{_TOKEN} UNION ALL {lists}", params):
        if kind == 0:
            stored.append(StoredList(n1, t1, t3, n2))
        elif kind == 3:
            token = n1
    return stored, token


def _keep(portal_id: int, token: int | None, stored: list[StoredList]) -> None:
    if token is None:  # no token yet: nothing tells when the lists change
        _kept.pop(portal_id, None)
        return
    if len(_kept) >= CACHE_SIZE:
        _kept.clear()
    _kept[portal_id] = (token, tuple(sorted(stored, key=lambda s: s.id)))


def _follows(stored: StoredList, at: int) -> bool:
    """The list follows a write at ``at`` (``_FOLLOWED``)."""
    return stored.deleted_at is None or stored.deleted_at > at - RESTORE_WINDOW_MS


def _custom(
    conn: Connection, portal_id: int, type_id: str
) -> dict[str, tuple[PropertyDefinition, Any]]:
    digest = dialect_of(conn).json_digest.format("definition")
    rows = fetch(
        conn,
        f"SELECT name, definition, {digest} AS digest FROM properties WHERE portal_id = ?"
        " AND object_type = ? AND archived = ?",
        [portal_id, type_id, False],
    )
    return {r.name: (definition_codec.decode(json_map(r.definition)), r.digest) for r in rows}


def _parse_all(conn: Connection, portal_id: int, stale: Sequence[StoredList]) -> list[Filters]:
    """Parse the filters of ``stale`` lists afresh, with the definitions as they are."""
    dialect = dialect_of(conn)
    rows = fetch(
        conn,
        f"SELECT id, filter_branch FROM lists WHERE portal_id = ? AND id IN ({dialect.id_set})",
        [portal_id, dialect.id_list([s.id for s in stale])],
    )
    raw = {r.id: json_map(r.filter_branch) for r in rows}
    custom: dict[str, Mapping[str, tuple[PropertyDefinition, Any]]] = {}

    def custom_of(type_id: str) -> Mapping[str, tuple[PropertyDefinition, Any]]:
        if type_id not in custom:
            custom[type_id] = _custom(conn, portal_id, type_id)
        return custom[type_id]

    return [dynamic_lists.parse(portal_id, s, raw.get(s.id), custom_of) for s in stale]


def followers(
    conn: Connection, portal_id: int, at: int, record_ids: Collection[int] = ()
) -> Followers:
    """The portal's DYNAMIC lists with their filters parsed (from the cache when the filter
    text and the definitions it names are the ones parsed before), and the memberships of
    ``record_ids`` when asked for."""
    kept = _kept.get(portal_id)
    statement, params, read = _parts(conn, portal_id, at, record_ids, with_lists=kept is None)
    fresh: list[StoredList] = []
    token = None
    definitions: dict[DefinitionKey, Any] = {}
    members: dict[int, set[int]] = defaultdict(set)
    for kind, n1, n2, t1, t2, t3 in fetch(conn, statement, params):
        if kind == 0:
            fresh.append(StoredList(n1, t1, t3, n2))
        elif kind == 1:
            definitions[(t1, t2)] = t3
        elif kind == 2:
            members[n1].add(n2)
        else:
            token = n1
    if kept is None:
        _keep(portal_id, token, fresh)
    elif token is None or token != kept[0]:
        fresh, token = _lists_with_token(conn, portal_id)
        _keep(portal_id, token, fresh)
    else:
        fresh = list(kept[1])
    stored = sorted((s for s in fresh if _follows(s, at)), key=lambda s: s.id)
    known = {s.id: dynamic_lists.cached(portal_id, s) for s in stored}
    stale = [
        s
        for s in stored
        if (f := known[s.id]) is None or not dynamic_lists.is_current(f, definitions, read)
    ]
    if stale:
        known.update(zip((s.id for s in stale), _parse_all(conn, portal_id, stale), strict=True))
    found = [Followed(s.id, s.object_type, f) for s in stored if (f := known[s.id]) is not None]
    return Followers(found, members if record_ids else None)
