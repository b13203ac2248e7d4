"""What differs between SQLite and PostgreSQL: one ``Dialect`` with two implementations.

The rest of ``store/`` is written once, with ``?`` placeholders, against this interface;
no other module looks at ``conn.dialect``. ``dialect_of(conn)`` finds a connection's
dialect by one dictionary lookup (both implementations are stateless singletons), so a
unit of work resolves it in about as long as the ``dialect.name`` comparisons it replaced.

The bulk writes are the hot path of every batch write: many rows in as few round trips as
the driver allows. SQLAlchemy Core's per-row parameter processing cost about a fifth of a
100-input batch update here. SQLite gets plain SQL through the driver's ``executemany``
(no network, so one statement per row is cheap). PostgreSQL gets one statement per batch
whose rows travel as one JSONB document (``jsonb_to_recordset``), a binary parameter on
the raw psycopg connection: 100 JSON maps as a text array cost about 5 ms a batch, and
psycopg's per-element array dumping most of the rest; one orjson-encoded document costs
well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import lru_cache
from typing import Any, Final, Protocol

import orjson
from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.util import await_only


class Dialect(Protocol):
    """The differences, as SQL fragments and as operations on a ``Connection``."""

    batch_migrations: bool
    """Alembic alters tables by copying them (``render_as_batch``): SQLite's ALTER is small."""
    reuses_deleted_ids: bool
    """A table's next id may be a deleted row's (SQLite's rowid after the highest rows went)
    unless the table says ``AUTOINCREMENT``; PostgreSQL's sequences never go back."""
    row_lock: str
    """Appended to a ``SELECT`` that locks its rows until the transaction ends; SQLite's
    single writer holds the whole database already."""
    share_lock: str
    """Appended to a ``SELECT`` whose rows no other transaction may change (or lock to
    change) until the transaction ends, while others may read and share-lock them."""
    skip_locked: str
    """Appended to a ``SELECT`` that claims rows for this transaction: rows another
    transaction has locked are left out rather than waited for (a queue's claim)."""
    json_param: str
    """The placeholder of a JSON column's value given as text."""
    id_set: str
    """A subquery of one column, ``id``: the ids given as one parameter (``id_list``), so
    a set of any size is one statement's one parameter."""

    pair_set: str
    """A subquery of two integer columns, ``a`` and ``b``: the pairs given as the
    parameters ``pair_params`` makes (one JSON text on SQLite; two arrays on PostgreSQL,
    whose planner then expects a few rows and keeps to the indexes)."""
    json_digest: str
    """An expression (``{}``: a JSON column) that changes whenever the column's content
    does: the text itself on SQLite, read in process; its md5 on PostgreSQL, so that the
    text need not cross the network."""

    writes_in_with: bool
    """A ``WITH`` clause may hold ``INSERT``/``UPDATE``/``DELETE ... RETURNING`` whose rows
    the rest of the statement reads (PostgreSQL): several writes in one round trip.
    SQLite has no such clause, and no round trips to save."""
    members_move: str | None
    """One statement that moves list members, when the database can (PostgreSQL: one round
    trip while the lists' rows are locked; its parameters are named where it is defined);
    None: a statement for each step."""

    def id_list(self, ids: Collection[int]) -> Any:
        """``ids`` as the parameter of ``id_set``."""

    def pair_params(self, pairs: Collection[tuple[int, int]]) -> list[Any]:
        """``pairs`` as the parameters of ``pair_set``."""

    def sql(self, text: str) -> str:
        """A statement with ``?`` placeholders in the driver's own parameter style; each
        distinct text is rendered once and cached."""

    def tuples(self, conn: Connection, statement: str, params: Sequence[Any]) -> list[Any]:
        """The rows of one read (``?`` placeholders) as the driver's own tuples, without
        SQLAlchemy's row objects around them: for reads of many rows (exports)."""
        ...

    def run_many(self, conn: Connection, statement: str, params: Sequence[Sequence[Any]]) -> None:
        """One statement with ``?`` placeholders over many parameter rows."""

    def insert_claims(
        self, conn: Connection, portal_id: int, type_id: str, claims: Sequence[tuple[int, str, str]]
    ) -> int:
        """Each (object id, name, value) into ``unique_values`` unless the value is held
        already (``ON CONFLICT DO NOTHING``); the number of rows inserted."""

    def insert_rows(
        self, conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Many rows into ``table`` in as few round trips as the driver allows."""

    def write_property_maps(
        self, conn: Connection, rows: Sequence[tuple[int, Any]], at: int
    ) -> None:
        """Replace the property map and ``updated_at`` of each (object id, map)."""

    def enqueue(
        self, conn: Connection, portal_id: int, type_id: str, object_ids: Collection[int]
    ) -> None:
        """Queue records for search's index (``store/search_index.py``); queued ones stay."""

    def delete_ids(self, conn: Connection, table: str, column: str, ids: Collection[int]) -> None:
        """Delete the rows whose ``column`` holds one of ``ids``."""

    def pipelined(self, conn: Connection) -> AbstractContextManager[None]:
        """The bulk writes inside go out without waiting for each other's results."""

    def new_ids(self, conn: Connection, count: int, below: int) -> list[int]:
        """``count`` new record ids from the database's own sequence, all under ``below``."""

    def advance_ids(self, conn: Connection, below: int) -> None:
        """Move the sequence past the highest record id under ``below`` (after a restore)."""

    def serialize(self, conn: Connection, key: int | str) -> None:
        """Until the transaction ends, others serializing on ``key`` wait."""

    def lazy_commit(self, conn: Connection) -> None:
        """The transaction's commit need not wait for the disk: for work that is done again
        when a crash loses it (a list fill's slice, whose position is lost with it)."""

    def insert(self, table: Table) -> Any:
        """The dialect's ``INSERT`` construct, which knows ``ON CONFLICT``."""


@lru_cache(maxsize=4096)
def _pyformat(text: str) -> str:
    return text.replace("?", "%s")


@lru_cache(maxsize=64)
def _values_insert(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


class SqliteDialect:
    batch_migrations = True
    reuses_deleted_ids = True
    row_lock = ""
    share_lock = ""
    skip_locked = ""
    json_param = "?"
    id_set = "SELECT value AS id FROM json_each(?)"
    pair_set = (
        "SELECT json_extract(value, '$[0]') AS a, json_extract(value, '$[1]') AS b"
        " FROM json_each(?)"
    )
    json_digest = "{}"
    writes_in_with = False
    members_move: str | None = None

    def id_list(self, ids: Collection[int]) -> Any:
        return orjson.dumps(sorted(ids)).decode()

    def pair_params(self, pairs: Collection[tuple[int, int]]) -> list[Any]:
        return [orjson.dumps(sorted(pairs)).decode()]

    def sql(self, text: str) -> str:
        return text

    def tuples(self, conn: Connection, statement: str, params: Sequence[Any]) -> list[Any]:
        driver = conn.connection.driver_connection
        assert driver is not None
        return list(driver.execute(statement, params).fetchall())

    def run_many(self, conn: Connection, statement: str, params: Sequence[Sequence[Any]]) -> None:
        """Straight to the driver: SQLAlchemy's execution context around each
        ``executemany`` cost more than the few statements of a batch themselves need."""
        if not params:
            return
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.executemany(statement, params)

    def insert_claims(
        self, conn: Connection, portal_id: int, type_id: str, claims: Sequence[tuple[int, str, str]]
    ) -> int:
        driver = conn.connection.driver_connection
        assert driver is not None
        cursor = driver.executemany(
            "INSERT INTO unique_values (portal_id, object_type, name, value, object_id)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(portal_id, type_id, name, value, object_id) for object_id, name, value in claims],
        )
        return int(cursor.rowcount)  # executemany sums the rows each statement changed

    def insert_rows(
        self, conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        self.run_many(conn, _values_insert(table, tuple(columns)), rows)

    def write_property_maps(
        self, conn: Connection, rows: Sequence[tuple[int, Any]], at: int
    ) -> None:
        statement = "UPDATE objects SET properties = ?, updated_at = ? WHERE id = ?"
        params = [(orjson.dumps(props).decode(), at, object_id) for object_id, props in rows]
        self.run_many(conn, statement, params)

    def enqueue(
        self, conn: Connection, portal_id: int, type_id: str, object_ids: Collection[int]
    ) -> None:
        self.run_many(
            conn,
            "INSERT OR IGNORE INTO index_queue (portal_id, object_type, object_id)"
            " VALUES (?, ?, ?)",
            [(portal_id, type_id, i) for i in sorted(object_ids)],
        )

    def delete_ids(self, conn: Connection, table: str, column: str, ids: Collection[int]) -> None:
        self.run_many(conn, f"DELETE FROM {table} WHERE {column} = ?", [(i,) for i in sorted(ids)])

    def pipelined(self, conn: Connection) -> AbstractContextManager[None]:
        return nullcontext()

    def new_ids(self, conn: Connection, count: int, below: int) -> list[int]:
        """The next ids after the highest under ``below``: safe, as the caller holds the
        single writer's lock."""
        statement = "SELECT COALESCE(MAX(id), 0) FROM objects WHERE id < ?"
        highest = int(conn.exec_driver_sql(statement, (below,)).scalar_one())
        return list(range(highest + 1, highest + 1 + count))

    def advance_ids(self, conn: Connection, below: int) -> None:
        """``new_ids`` looks at the records themselves: nothing to move."""

    def serialize(self, conn: Connection, key: int | str) -> None:
        """One ``BEGIN IMMEDIATE`` writer at a time already."""

    def lazy_commit(self, conn: Connection) -> None:
        """WAL with ``synchronous=NORMAL`` doesn't wait for the disk at a commit already."""

    def insert(self, table: Table) -> Any:
        return sqlite.insert(table)


_PG_TYPES: Final = {
    "portal_id": "bigint",
    "object_type": "text",
    "object_id": "bigint",
    "name": "text",
    "value": "text",
    "timestamp": "bigint",
    "source_type": "text",
    "source_id": "text",
    "num_value": "double precision",
    "str_value": "text",
    "token": "text",
    "list_id": "bigint",
    "record_id": "bigint",
    "added_at": "bigint",
    "app_id": "bigint",
    "events": "text",
    "event_count": "integer",
    "attempts": "integer",
    "next_attempt_at": "bigint",
    "created_at": "bigint",
    "attempted_at": "bigint",
    "target_url": "text",
    "headers": "text",
    "status": "integer",
    "latency_ms": "integer",
    "error": "text",
    "state": "text",
    "next_retry_at": "bigint",
}
"""The types of the columns ``insert_rows`` writes, for ``jsonb_to_recordset``."""


def _binary(conn: Connection, statement: str, params: Sequence[Any]) -> int:
    """One statement (``%s`` placeholders) with binary parameters on the psycopg
    connection under ``conn``; the number of rows it changed."""
    raw = conn.connection.driver_connection
    assert raw is not None

    async def run() -> int:
        async with raw.cursor(binary=True) as cursor:
            await cursor.execute(statement, params)
            return int(cursor.rowcount)

    return await_only(run())


@lru_cache(maxsize=64)
def _recordset_insert(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(columns)
    shape = ", ".join(f"{c} {_PG_TYPES[c]}" for c in columns)
    return f"INSERT INTO {table} ({names}) SELECT {names} FROM jsonb_to_recordset(%s) AS r({shape})"


_PAIRS = "unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS p(a, b)"
_LOCKED_FIRST = "(SELECT count(*) FROM locked) >= 0"
_MEMBERS_MOVE = (
    "WITH locked AS (SELECT id FROM lists WHERE portal_id = ? AND id = ANY(CAST(? AS bigint[]))"
    " ORDER BY id FOR SHARE),"
    " joined AS (INSERT INTO list_memberships (portal_id, list_id, record_id, added_at)"
    f" SELECT ?, p.a, p.b, ? FROM {_PAIRS} JOIN objects o ON o.id = p.b"
    f" WHERE o.archived = false AND {_LOCKED_FIRST} ON CONFLICT DO NOTHING RETURNING list_id),"
    " gone AS (DELETE FROM list_memberships WHERE (portal_id, list_id, record_id) IN"
    f" (SELECT ?, a, b FROM {_PAIRS}) AND {_LOCKED_FIRST} RETURNING list_id),"
    " counts AS (SELECT list_id, count(*) FILTER (WHERE d > 0) AS added,"
    " count(*) FILTER (WHERE d < 0) AS removed FROM (SELECT list_id, 1 AS d FROM joined"
    " UNION ALL SELECT list_id, -1 FROM gone) x GROUP BY list_id)"
    " INSERT INTO list_size_changes (portal_id, list_id, added, removed, at)"
    " SELECT CAST(? AS bigint), list_id, added, removed, CAST(? AS bigint) FROM counts"
)
"""List members move in one statement: the lists' rows are share-locked first (the
inserts and deletes wait for ``locked`` through a one-time filter), as every membership
write locks them (the others exclusively: a list's definition, fill or members changed by
a request wait, and wait for these), then the pairs join (live records only) and leave,
and what really changed is added to the lists' sizes as rows of changes
(``list_size_changes_schema``): two writes moving members of the same lists never wait for
each other. Parameters: portal, list ids, portal, time, joining pairs, portal, leaving
pairs, portal, time."""


class PostgresDialect:
    batch_migrations = False
    reuses_deleted_ids = False
    row_lock = " FOR UPDATE"
    share_lock = " FOR SHARE"
    skip_locked = " FOR UPDATE SKIP LOCKED"
    json_param = "CAST(? AS JSONB)"
    id_set = "SELECT unnest(CAST(? AS bigint[])) AS id"
    pair_set = "SELECT a, b FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS p(a, b)"
    json_digest = "md5(CAST({} AS text))"
    writes_in_with = True
    members_move: str | None = _MEMBERS_MOVE

    def id_list(self, ids: Collection[int]) -> Any:
        return sorted(ids)

    def pair_params(self, pairs: Collection[tuple[int, int]]) -> list[Any]:
        ordered = sorted(pairs)
        return [[a for a, _ in ordered], [b for _, b in ordered]]

    def sql(self, text: str) -> str:
        return _pyformat(text)

    def tuples(self, conn: Connection, statement: str, params: Sequence[Any]) -> list[Any]:
        return list(conn.exec_driver_sql(_pyformat(statement), tuple(params)).all())

    def run_many(self, conn: Connection, statement: str, params: Sequence[Sequence[Any]]) -> None:
        if params:
            conn.exec_driver_sql(_pyformat(statement), [tuple(p) for p in params])

    def insert_claims(
        self, conn: Connection, portal_id: int, type_id: str, claims: Sequence[tuple[int, str, str]]
    ) -> int:
        """One statement, the claims as three array parameters (inserted in their order,
        so the first of two claims of one value wins, as with one statement each)."""
        statement = (
            "INSERT INTO unique_values (portal_id, object_type, name, value, object_id)"
            " SELECT %s, %s, c.name, c.value, c.object_id FROM unnest(%s::text[], %s::text[],"
            " %s::bigint[]) WITH ORDINALITY AS c(name, value, object_id, n) ORDER BY c.n"
            " ON CONFLICT DO NOTHING"
        )
        names = [name for _, name, _ in claims]
        values = [value for _, _, value in claims]
        ids = [object_id for object_id, _, _ in claims]
        return _binary(conn, statement, (portal_id, type_id, names, values, ids))

    def insert_rows(
        self, conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """One statement; the rows travel as one JSONB document."""
        if not rows:
            return
        from psycopg.types.json import Jsonb  # here: SQLite never loads psycopg

        document = Jsonb([dict(zip(columns, row, strict=True)) for row in rows])
        _binary(conn, _recordset_insert(table, tuple(columns)), [document])

    def write_property_maps(
        self, conn: Connection, rows: Sequence[tuple[int, Any]], at: int
    ) -> None:
        from psycopg.types.json import Jsonb

        statement = (
            "UPDATE objects AS o SET properties = v.p, updated_at = %s"
            " FROM jsonb_to_recordset(%s) AS v(id bigint, p jsonb) WHERE o.id = v.id"
        )
        document = [{"id": object_id, "p": properties} for object_id, properties in rows]
        _binary(conn, statement, [at, Jsonb(document)])

    def enqueue(
        self, conn: Connection, portal_id: int, type_id: str, object_ids: Collection[int]
    ) -> None:
        """One statement, the ids as one array parameter."""
        _binary(
            conn,
            "INSERT INTO index_queue (portal_id, object_type, object_id)"
            " SELECT %s, %s, unnest(%s::bigint[]) ON CONFLICT DO NOTHING",
            (portal_id, type_id, sorted(object_ids)),
        )

    def delete_ids(self, conn: Connection, table: str, column: str, ids: Collection[int]) -> None:
        """One statement, the ids as one array parameter."""
        statement = f"DELETE FROM {table} WHERE {column} = ANY(%s::bigint[])"
        conn.exec_driver_sql(statement, (sorted(ids),))

    @contextmanager
    def pipelined(self, conn: Connection) -> Iterator[None]:
        """psycopg's pipeline mode: one round trip for the lot, so a batch holds its row
        locks for less time. Errors surface when the block ends."""
        raw = conn.connection.driver_connection
        assert raw is not None
        manager = raw.pipeline()
        await_only(manager.__aenter__())
        try:
            yield
        except BaseException as error:
            await_only(manager.__aexit__(type(error), error, error.__traceback__))
            raise
        await_only(manager.__aexit__(None, None, None))

    def new_ids(self, conn: Connection, count: int, below: int) -> list[int]:
        """The sequence would need ``below`` records to get there."""
        rows = conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence('objects', 'id')) FROM generate_series(1, %s)",
            (count,),
        )
        return [int(i) for i in rows.scalars()]

    def advance_ids(self, conn: Connection, below: int) -> None:
        sequence = conn.exec_driver_sql(
            "SELECT pg_get_serial_sequence('objects', 'id')"
        ).scalar_one()
        conn.exec_driver_sql(
            f"SELECT setval('{sequence}', GREATEST((SELECT last_value FROM {sequence}),"
            " (SELECT COALESCE(MAX(id), 1) FROM objects WHERE id < %s)))",
            (below,),
        )

    def serialize(self, conn: Connection, key: int | str) -> None:
        """A transaction-scoped advisory lock; a text key is hashed to one."""
        if isinstance(key, int):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({int(key)})")
        else:
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))

    def lazy_commit(self, conn: Connection) -> None:
        conn.exec_driver_sql("SET LOCAL synchronous_commit = off")

    def insert(self, table: Table) -> Any:
        return postgresql.insert(table)


SQLITE: Final = SqliteDialect()
POSTGRES: Final = PostgresDialect()
_BY_NAME: Final[dict[str, Dialect]] = {"sqlite": SQLITE, "postgresql": POSTGRES}


def dialect_of(conn: Connection) -> Dialect:
    """The dialect of ``conn``'s database: the one place that asks SQLAlchemy."""
    return _BY_NAME[conn.dialect.name]
