"""A ``SearchQuery`` as SQLAlchemy Core statements, the same on SQLite and PostgreSQL.

Every filter that needs a value (``EQ``, ``IN``, ranges, ``HAS_PROPERTY``,
``CONTAINS_TOKEN``, and each word of ``query``) is an *atom*: the set of records with a
matching entry in ``property_index`` (typed values) or ``property_tokens`` (words). The
composite indexes ``(portal_id, object_type, name, num_value|str_value|token,
object_id)`` make each atom one index range, so a selective filter never reads every
record. Negated filters (``NEQ``, ``NOT_IN``, ``NOT_HAS_PROPERTY``,
``NOT_CONTAINS_TOKEN``) are ``NOT EXISTS`` probes on ``(object_id, name)``; the three
system properties compare on the record's columns, ``associations.{type}`` on the links.

One AND group becomes one statement, driven by its smallest atom (measured with a capped
``COUNT`` when there is a choice); its other atoms are ``EXISTS`` probes on the driver's
rows. A group of atoms only never touches ``objects``: only live records have index
entries (``store/search_index.py``), so the index alone answers ``total`` and the page.
A group with negated or column conditions walks ``objects`` (from the driver's ids when
it has one). Groups are UNIONed. ``total`` is a ``COUNT`` over the matches; the page is
ordered by id, by a record column, or by the sort property's entry (records without a
value last, ties by id). When the sort property is the driver's own property, the page
is read in index order and nothing is sorted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Subquery,
    Table,
    and_,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    union,
)

from localspot.crm.search_storage import NEGATED, POSITIVE, Condition, SearchQuery, SortSpec
from localspot.store.schema import associations, objects, property_index, property_tokens
from localspot.store.search_index import INDEXED_PREFIX

ESTIMATE_CAP = 5_000
WORD_END = "\U0010ffff"  # sorts after every character: ``prefix <= word < prefix + WORD_END``
Test = Callable[[Any], ColumnElement[bool]]


@dataclass(frozen=True)
class Atom:
    """The records with an entry of one of ``names`` in ``table`` that passes ``test``."""

    table: Table
    names: tuple[str, ...]
    test: Test
    repeats: bool
    """A record may have several such entries (so its ids need DISTINCT)."""


@dataclass
class Group:
    positives: list[Atom] = field(default_factory=list)
    negatives: list[list[Atom]] = field(default_factory=list)
    """Each one: NOT (all of these atoms)."""
    columns: list[ColumnElement[bool]] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    portal_id: int
    type_id: str
    ids: tuple[int, int] | None = None
    """Only records with ids in ``(after, upto]`` (a list fill's slice); None: all."""

    def of(self, t: Any, names: Sequence[str]) -> list[ColumnElement[bool]]:
        name = t.c.name == names[0] if len(names) == 1 else t.c.name.in_(names)
        return [t.c.portal_id == self.portal_id, t.c.object_type == self.type_id, name]

    def within(self, column: Any) -> list[ColumnElement[bool]]:
        """``column`` (a record id) inside the scope's id range, if it has one."""
        if self.ids is None:
            return []
        return [column > self.ids[0], column <= self.ids[1]]


def _compare(column: Any, operator: str, values: Sequence[Any]) -> ColumnElement[bool]:
    match operator:
        case "EQ":
            return column == values[0]  # type: ignore[no-any-return]
        case "LT":
            return column < values[0]  # type: ignore[no-any-return]
        case "LTE":
            return column <= values[0]  # type: ignore[no-any-return]
        case "GT":
            return column > values[0]  # type: ignore[no-any-return]
        case "GTE":
            return column >= values[0]  # type: ignore[no-any-return]
        case "BETWEEN":
            return column.between(values[0], values[1])  # type: ignore[no-any-return]
        case "IN":
            return column.in_(list(values))  # type: ignore[no-any-return]
    return true()  # HAS_PROPERTY: any entry at all


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def word_test(pattern: str, column: str = "token") -> Test:
    """A word pattern: exact, a prefix (``abc*``: one index range), or ``*`` anywhere
    (a LIKE over the property's words, narrowed by the literal prefix when there is one)."""
    star = pattern.find("*")
    if star < 0:
        return lambda t: t.c[column] == pattern
    prefix, like = pattern[:star], _escaped(pattern).replace("*", "%")

    def test(t: Any) -> ColumnElement[bool]:
        word = t.c[column]
        parts = [word >= prefix, word < prefix + WORD_END] if prefix else []
        if pattern.rstrip("*") != prefix:
            parts.append(word.like(like, escape="\\"))
        return and_(true(), *parts)

    return test


def _value_test(condition: Condition, operator: str) -> Test:
    values = [v[:INDEXED_PREFIX] if isinstance(v, str) else v for v in condition.values]
    number = condition.kind == "number"
    return lambda t: _compare(t.c.num_value if number else t.c.str_value, operator, values)


def _integral(value: float | str) -> float | int | str:
    """Whole numbers as integers, so that PostgreSQL compares BIGINT columns on their index."""
    whole = isinstance(value, float) and value.is_integer() and abs(value) < 2**63
    return int(value) if whole else value  # beyond BIGINT a float compares, an int overflows


def _column_test(condition: Condition) -> ColumnElement[bool]:
    column = objects.c[condition.column or "id"]
    values = [_integral(v) for v in condition.values]
    op = condition.operator
    if op in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        return true() if op == "HAS_PROPERTY" else false()
    if op in NEGATED:
        return not_(_compare(column, POSITIVE[op], values))
    return _compare(column, op, values)


def _word_atom(condition: Condition, word: str) -> Atom:
    names = (condition.name,)
    if condition.kind == "pattern":  # an enumeration's options are its words
        return Atom(property_index, names, word_test(word, "str_value"), condition.multi)
    return Atom(property_tokens, names, word_test(word), "*" in word)


def _association_test(condition: Condition) -> ColumnElement[bool]:
    """Links are stored both ways, so the records linked to the given ones are one range of
    the links' primary key (from the given records' side)."""
    a = associations
    op = condition.operator
    if op in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        linked = exists().where(a.c.from_id == objects.c.id, a.c.to_type == condition.column)
        return linked if op == "HAS_PROPERTY" else not_(linked)
    ids = [_integral(v) for v in condition.values]
    found = select(a.c.to_id).where(a.c.from_id.in_(ids), a.c.from_type == condition.column)
    test = objects.c.id.in_(found)
    return not_(test) if op in NEGATED else test


def _add(group: Group, condition: Condition) -> None:
    if condition.kind == "column":
        group.columns.append(_column_test(condition))
        return
    if condition.kind == "association":
        group.columns.append(_association_test(condition))
        return
    if condition.kind in ("token", "pattern"):
        words = [str(p) for p in condition.values]
        atoms = [_word_atom(condition, w) for w in words]
        if not atoms:  # no word in the value: any value matches
            atoms = [
                Atom(
                    property_index, (condition.name,), _value_test(condition, "HAS_PROPERTY"), True
                )
            ]
        if condition.operator == "CONTAINS_TOKEN":
            group.positives += atoms
        else:
            group.negatives.append(atoms)
        return
    operator = POSITIVE.get(condition.operator, condition.operator)
    atom = Atom(
        property_index, (condition.name,), _value_test(condition, operator), condition.multi
    )
    if condition.operator in NEGATED:
        group.negatives.append([atom])
    else:
        group.positives.append(atom)


def plan(q: SearchQuery) -> list[Group]:
    """The query's groups; each word of the free-text query joins every group."""
    text = [
        Atom(property_tokens, q.text_names, word_test(word + "*"), True) for word in q.text_words
    ]
    groups = []
    for conditions in q.groups or ((),):
        group = Group(positives=list(text))
        for condition in conditions:
            _add(group, condition)
        groups.append(group)
    return groups


def _rows(atom: Atom, scope: Scope, t: Any) -> list[ColumnElement[bool]]:
    return [*scope.of(t, atom.names), atom.test(t), *scope.within(t.c.object_id)]


def _exists(atom: Atom, outer_id: Any) -> ColumnElement[bool]:
    t = atom.table.alias()
    name = t.c.name == atom.names[0] if len(atom.names) == 1 else t.c.name.in_(atom.names)
    return exists().where(t.c.object_id == outer_id, name, atom.test(t))


def estimate(conn: Connection, atom: Atom, scope: Scope) -> int:
    """How many entries the atom has, counted up to ``ESTIMATE_CAP``."""
    t = atom.table.alias("e")
    capped = select(literal(1)).where(*_rows(atom, scope, t)).limit(ESTIMATE_CAP).subquery()
    return int(conn.execute(select(func.count()).select_from(capped)).scalar_one())


def order_atoms(conn: Connection, atoms: Sequence[Atom], scope: Scope) -> list[Atom]:
    """Smallest first (the driver); a single atom needs no measuring."""
    if len(atoms) < 2:
        return list(atoms)
    return sorted(atoms, key=lambda a: estimate(conn, a, scope))


def group_ids(group: Group, atoms: Sequence[Atom], scope: Scope) -> Select[Any]:
    """The ids of one group's matches (column ``id``); ``atoms``: its positives, driver
    first."""
    if atoms and not group.negatives and not group.columns:
        driver, *others = atoms
        d = driver.table.alias("d")
        statement = select(d.c.object_id.label("id")).where(
            *_rows(driver, scope, d), *[_exists(a, d.c.object_id) for a in others]
        )
        return statement.distinct() if driver.repeats else statement
    o = objects
    statement = select(o.c.id).where(
        o.c.portal_id == scope.portal_id,
        o.c.object_type == scope.type_id,
        o.c.archived == false(),
        *scope.within(o.c.id),
        *group.columns,
    )
    if atoms:
        driver, *others = atoms
        d = driver.table.alias("d")
        statement = statement.where(
            o.c.id.in_(select(d.c.object_id).where(*_rows(driver, scope, d)))
        )
        statement = statement.where(*[_exists(a, o.c.id) for a in others])
    for negative in group.negatives:
        statement = statement.where(not_(and_(*[_exists(a, o.c.id) for a in negative])))
    return statement


def _sort_key(sort: SortSpec, scope: Scope, matched_id: Any) -> Any:
    """The sort property's entry of each match: a LEFT JOIN probe on (object_id, name);
    for a multi-select the smallest (ascending) or largest option."""
    s = property_index.alias("s")
    column = s.c.num_value if sort.kind == "number" else s.c.str_value
    pick = func.max if sort.descending else func.min
    return (
        select(pick(column))
        .where(s.c.object_id == matched_id, *scope.of(s, (sort.name,)))
        .scalar_subquery()
    )


def page_statement(
    q: SearchQuery,
    groups: Sequence[Group],
    drivers: Sequence[Sequence[Atom]],
    scope: Scope,
    broad: bool = False,
) -> Select[Any]:
    """The page's ids in order."""
    sort = q.sort
    only = groups[0] if len(groups) == 1 else None
    atoms = drivers[0] if only else ()
    if (
        sort and only and atoms and sort.kind != "column" and not sort.multi
        and not only.negatives and not only.columns
        and atoms[0].table is property_index and atoms[0].names == (sort.name,)
    ):  # fmt: skip
        d = atoms[0].table.alias("d")
        key = d.c.num_value if sort.kind == "number" else d.c.str_value
        direction: Callable[[Any], Any] = (lambda c: c.desc()) if sort.descending else (lambda c: c)
        statement = select(d.c.object_id.label("id")).where(
            *_rows(atoms[0], scope, d), *[_exists(a, d.c.object_id) for a in atoms[1:]]
        )
        return statement.order_by(direction(key), direction(d.c.object_id))
    m = matches(groups, drivers, scope, broad).subquery("m")
    return _ordered(select(m.c.id), m, sort, scope)


def _ordered(
    statement: Select[Any], m: Subquery, sort: SortSpec | None, scope: Scope
) -> Select[Any]:
    descending = bool(sort and sort.descending)

    def direction(c: Any) -> Any:
        return c.desc() if descending else c

    if sort is None or sort.column == "id":
        return statement.order_by(direction(m.c.id))
    if sort.column:
        column = objects.c[sort.column]
        joined = statement.join(objects, objects.c.id == m.c.id)
        return joined.order_by(direction(column), direction(m.c.id))
    keyed = select(m.c.id, _sort_key(sort, scope, m.c.id).label("k")).subquery("k")
    return select(keyed.c.id).order_by(
        keyed.c.k.is_(None), direction(keyed.c.k), direction(keyed.c.id)
    )


def matches(
    groups: Sequence[Group], drivers: Sequence[Sequence[Atom]], scope: Scope, broad: bool = False
) -> Any:
    """The ids of all matches: one group's statement, the UNION of the groups', or, when
    every group matches many records (``broad``), one pass over the records that tests
    each group in turn (five groups of thousands of matches each were five index walks,
    their probes and a UNION of them all; the pass stops testing a record at its first
    matching group)."""
    if broad:
        return _scan(groups, drivers, scope)
    selects = [group_ids(g, atoms, scope) for g, atoms in zip(groups, drivers, strict=True)]
    return selects[0] if len(selects) == 1 else union(*selects)


def _scan(groups: Sequence[Group], drivers: Sequence[Sequence[Atom]], scope: Scope) -> Any:
    o = objects
    tests = [
        and_(
            true(),
            *group.columns,
            *[_exists(a, o.c.id) for a in atoms],
            *[not_(and_(*[_exists(a, o.c.id) for a in n])) for n in group.negatives],
        )
        for group, atoms in zip(groups, drivers, strict=True)
    ]
    return select(o.c.id).where(
        o.c.portal_id == scope.portal_id,
        o.c.object_type == scope.type_id,
        o.c.archived == false(),
        *scope.within(o.c.id),
        or_(*tests),
    )


def is_broad(
    conn: Connection, groups: Sequence[Group], drivers: Sequence[Sequence[Atom]], scope: Scope
) -> bool:
    """Several groups, each driven by an atom of at least ``ESTIMATE_CAP`` entries (or
    by none: it walks the records anyway)."""
    if len(groups) < 2:
        return False
    return all(not atoms or estimate(conn, atoms[0], scope) >= ESTIMATE_CAP for atoms in drivers)


def _planned(
    conn: Connection, q: SearchQuery, scope: Scope
) -> tuple[list[Group], list[list[Atom]], bool]:
    """The query's groups, each group's atoms in the order they are driven, and whether
    every group is broad (one pass over the records)."""
    groups = plan(q)
    drivers = [order_atoms(conn, g.positives, scope) for g in groups]
    return groups, drivers, is_broad(conn, groups, drivers, scope)


def matching_ids(
    conn: Connection,
    portal_id: int,
    type_id: str,
    groups: Sequence[Sequence[Condition]],
    ids: tuple[int, int] | None = None,
) -> Any:
    """Every match of ``groups`` (ORed groups of ANDed conditions, never none), as a
    statement of one column, ``id``: no order, no limit, no ``total``; only ids in
    ``(after, upto]`` when ``ids`` is given. Planned as a search plans: atoms measured,
    the driver first, one pass over the records when every group is broad. Records the
    index has not seen yet (queued) are answered by their old entries, if any: the caller
    judges those itself."""
    query = SearchQuery(tuple(tuple(g) for g in groups), (), (), None, 0, 0)
    scope = Scope(portal_id, type_id, ids)
    planned, drivers, broad = _planned(conn, query, scope)
    return matches(planned, drivers, scope, broad)


LAST_ID = 2**63 - 1


def ids_after(
    conn: Connection, portal_id: int, type_id: str, q: SearchQuery, after: int
) -> list[int]:
    """Up to ``q.limit`` matches with ids above ``after``, in id order, ``q.sort`` aside: a
    keyset page for a reader of every match (an export), which an offset would make read
    all the pages before each page again, and count them all each time."""
    scope = Scope(portal_id, type_id, (after, LAST_ID))
    groups, drivers, broad = _planned(conn, q, scope)
    statement = page_statement(replace(q, sort=None), groups, drivers, scope, broad)
    return [int(row[0]) for row in conn.execute(statement.limit(q.limit))]


def search_ids(
    conn: Connection, portal_id: int, type_id: str, q: SearchQuery
) -> tuple[int, list[int]]:
    """(total, ids of the requested page in order)."""
    scope = Scope(portal_id, type_id)
    groups, drivers, broad = _planned(conn, q, scope)
    found = matches(groups, drivers, scope, broad)
    counted = (found if q.count_limit is None else found.limit(q.count_limit)).subquery("c")
    total = int(conn.execute(select(func.count()).select_from(counted)).scalar_one())
    if total <= q.offset:
        return total, []
    statement = page_statement(q, groups, drivers, scope, broad).limit(q.limit).offset(q.offset)
    return total, [int(row[0]) for row in conn.execute(statement)]
