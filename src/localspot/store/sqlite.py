"""SqliteStore: one file, one writer, transactions run inline on the event loop.

Why inline: a SQLite write is a short synchronous call, and pushing it through a thread
pool measured 15-20% slower here. Rule 1 of the Store (no transaction across an
``await``) keeps this safe: while one request's transaction runs, no other can start.
Writes open with ``BEGIN IMMEDIATE`` so the writer lock is taken up front.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event

from localspot.store.sql import SqlStore, engine_options

T = TypeVar("T")


def sqlite_engine(url: str, synchronous: str = "NORMAL") -> Engine:
    engine = create_engine(url, **engine_options())

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("immediate") else "BEGIN")

    return engine


class SqliteStore(SqlStore):
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _run(self, work: Callable[[Connection], T], *, immediate: bool) -> T:
        with self._engine.connect() as conn:
            conn.info["immediate"] = immediate
            with conn.begin():
                return work(conn)

    async def _read(self, work: Callable[[Connection], T]) -> T:
        return self._run(work, immediate=False)

    async def _write(self, work: Callable[[Connection], T]) -> T:
        return self._run(work, immediate=True)

    async def close(self) -> None:
        self._engine.dispose()
