"""Search on both databases: keeping ``property_index`` in step with the records, and
turning a ``SearchQuery`` into one SQL statement.

Each filter becomes ``o.id [NOT] IN (SELECT object_id FROM property_index WHERE <portal,
type, name> AND <typed comparison>)``; the composite indexes ``(portal_id, object_type,
name, num_value|str_value, object_id)`` make every EQ/IN/range filter an index range scan,
so a selective filter never reads every record. Filters of a group are ANDed, groups
ORed. The three system properties compare on the record's columns.

String values are indexed by their first ``INDEXED_PREFIX`` characters (PostgreSQL's btree
keeps entries under about 2,700 bytes); comparisons of longer strings use that prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from localspot.crm.search import Condition, IndexValue, SearchQuery
from localspot.store.bulk import fetch, marks, run_many

INDEXED_PREFIX = 600
IndexRow = tuple[int, str, Sequence[IndexValue]]
"""(object_id, property name, its index values; empty when cleared)"""

_COMPARE = {"EQ": "=", "NEQ": "=", "LT": "<", "LTE": "<=", "GT": ">", "GTE": ">="}
_NEGATED = frozenset({"NEQ", "NOT_IN", "NOT_HAS_PROPERTY", "NOT_CONTAINS_TOKEN"})


def write_index(
    conn: Connection, portal_id: int, type_id: str, rows: Sequence[IndexRow], *, fresh: bool = False
) -> None:
    """Replace the index values of each (object, name) pair (``fresh``: new records, so
    there is nothing to replace)."""
    if not rows:
        return
    if not fresh:
        run_many(
            conn,
            "DELETE FROM property_index WHERE object_id = ? AND name = ?",
            [(object_id, name) for object_id, name, _ in rows],
        )
    inserts = [
        (portal_id, type_id, object_id, name, num, _prefix(text))
        for object_id, name, values in rows
        for num, text in values
    ]
    run_many(
        conn,
        "INSERT INTO property_index (portal_id, object_type, object_id, name, num_value,"
        " str_value) VALUES (?, ?, ?, ?, ?, ?)",
        inserts,
    )


def update_index(
    conn: Connection,
    portal_id: int,
    type_id: str,
    changes: Sequence[tuple[int, str, str, Sequence[IndexValue]]],
) -> None:
    """Index the changed values of existing records: (object id, name, old value, new rows).

    A one-row value replacing a one-row value is updated in place, which touches one of the
    table's B-trees instead of all three (measured about twice as fast); everything else
    (a value set or cleared, multi-select options) is deleted and inserted again. A
    non-empty stored value without ``;`` always has exactly one index row.
    """
    in_place = [
        (values[0][0], _prefix(values[0][1]), object_id, name)
        for object_id, name, old, values in changes
        if len(values) == 1 and old != "" and ";" not in old
    ]
    run_many(
        conn,
        "UPDATE property_index SET num_value = ?, str_value = ? WHERE object_id = ? AND name = ?",
        in_place,
    )
    rest = [
        (object_id, name, values)
        for object_id, name, old, values in changes
        if not (len(values) == 1 and old != "" and ";" not in old)
    ]
    write_index(conn, portal_id, type_id, rest)


def _prefix(text: str | None) -> str | None:
    return text[:INDEXED_PREFIX] if text else text


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(text: str) -> str:
    """Free text (``query``): anywhere in the value."""
    return "%" + _escaped(text) + "%"


def _token_like(token: str) -> str:
    """CONTAINS_TOKEN: a whole word of the value; ``*`` stands for any characters."""
    return "% " + _escaped(token).replace("*", "%") + " %"


def _comparison(c: Condition, target: str) -> tuple[str, list[Any]]:
    op = c.operator
    if op in _COMPARE:
        return f"{target} {_COMPARE[op]} ?", [c.values[0]]
    if op == "BETWEEN":
        return f"{target} BETWEEN ? AND ?", [c.values[0], c.values[1]]
    if op in ("IN", "NOT_IN"):
        return f"{target} IN ({marks(len(c.values))})", list(c.values)
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        return f"(' ' || {target} || ' ') LIKE ? ESCAPE '\\'", [_token_like(str(c.values[0]))]
    return "1 = 1", []  # HAS_PROPERTY / NOT_HAS_PROPERTY


def _condition(c: Condition, scope: list[Any]) -> tuple[str, list[Any]]:
    negate = "NOT " if c.operator in _NEGATED else ""
    if c.column:
        target = f"o.{c.column}"
        if c.operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
            target = f"CAST(o.{c.column} AS TEXT)"
        sql, params = _comparison(c, target)
        return f"{negate}({sql})", params
    column = "i.num_value" if c.numeric else "i.str_value"
    sql, params = _comparison(c, column)
    sub = (
        "SELECT i.object_id FROM property_index i WHERE i.portal_id = ? AND i.object_type = ?"
        f" AND i.name = ? AND {sql}"
    )
    return f"o.id {negate}IN ({sub})", [*scope, c.name, *params]


def _where(q: SearchQuery, portal_id: int, type_id: str) -> tuple[str, list[Any]]:
    scope: list[Any] = [portal_id, type_id]
    clauses = ["o.portal_id = ?", "o.object_type = ?", "o.archived = ?"]
    params: list[Any] = [portal_id, type_id, False]
    groups = []
    for group in q.groups:
        parts = [_condition(c, scope) for c in group]
        groups.append("(" + " AND ".join(sql for sql, _ in parts) + ")")
        params += [p for _, group_params in parts for p in group_params]
    if groups:
        clauses.append("(" + " OR ".join(groups) + ")")
    for token in q.query_tokens:
        clauses.append(
            "o.id IN (SELECT i.object_id FROM property_index i WHERE i.portal_id = ?"
            f" AND i.object_type = ? AND i.name IN ({marks(len(q.query_names))})"
            " AND i.str_value LIKE ? ESCAPE '\\')"
        )
        params += [*scope, *q.query_names, _like(token)]
    return " AND ".join(clauses), params


def search_ids(
    conn: Connection, portal_id: int, type_id: str, q: SearchQuery
) -> tuple[int, list[int]]:
    """(total, ids of the requested page in order)."""
    where, params = _where(q, portal_id, type_id)
    total = fetch(conn, f"SELECT COUNT(*) AS n FROM objects o WHERE {where}", params)[0].n
    direction = "DESC" if q.descending else "ASC"
    if q.sort_name and not q.sort_column:
        page = _sorted_by_property(conn, portal_id, type_id, q, where, params, int(total))
        return int(total), page
    order = f"o.{q.sort_column or 'id'} {direction}, o.id {direction}"
    statement = f"SELECT o.id FROM objects o WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
    rows = fetch(conn, statement, [*params, q.limit, q.offset])
    return int(total), [row.id for row in rows]


def _sorted_by_property(
    conn: Connection,
    portal_id: int,
    type_id: str,
    q: SearchQuery,
    where: str,
    params: list[Any],
    total: int,
) -> list[int]:
    """Walk the sort property's index in order (so a sorted page costs what it shows);
    records without a value follow, in id order."""
    direction = "DESC" if q.descending else "ASC"
    column = "s.num_value" if q.sort_numeric else "s.str_value"
    valued = (
        " FROM property_index s JOIN objects o ON o.id = s.object_id WHERE s.portal_id = ?"
        f" AND s.object_type = ? AND s.name = ? AND {where}"
    )
    scope = [portal_id, type_id, q.sort_name, *params]
    rows = fetch(
        conn,
        f"SELECT o.id{valued} ORDER BY {column} {direction}, o.id {direction} LIMIT ? OFFSET ?",
        [*scope, q.limit, q.offset],
    )
    ids = list(dict.fromkeys(row.id for row in rows))
    if len(rows) == q.limit:
        return ids
    valued_count = int(fetch(conn, f"SELECT COUNT(*) AS n{valued}", scope)[0].n)
    if valued_count >= total:
        return ids
    rest = fetch(
        conn,
        f"SELECT o.id FROM objects o WHERE {where} AND o.id NOT IN (SELECT s.object_id FROM"
        " property_index s WHERE s.portal_id = ? AND s.object_type = ? AND s.name = ?)"
        f" ORDER BY o.id {direction} LIMIT ? OFFSET ?",
        [*params, portal_id, type_id, q.sort_name, q.limit - len(rows),
         max(0, q.offset - valued_count)],
    )  # fmt: skip
    return ids + [row.id for row in rest]
