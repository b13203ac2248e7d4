"""SqliteStore: one file, one writer, transactions run inline on the event loop.

Why inline: a SQLite write is a short synchronous call, and pushing it through a thread
pool measured 15-20% slower here. Rule 1 of the Store (no transaction across an
``await``) keeps this safe: while one request's transaction runs, no other can start.
Writes open with ``BEGIN IMMEDIATE`` so the writer lock is taken up front.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DataError

from localspot.crm.storage import StoreRejected
from localspot.store.checkpoints import WalCheckpointer
from localspot.store.sql import SqlStore, engine_options

T = TypeVar("T")
STATISTICS_EVERY_WRITES = 200


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
        cursor.execute("PRAGMA analysis_limit=1000")  # keep statistics cheap to refresh
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        if not conn.info.get("manual_transactions"):  # migrations and other plain uses
            conn.exec_driver_sql("BEGIN")

    return engine


class SqliteStore(SqlStore):
    """Holds one connection for the life of the process and runs each unit of work on it.

    SQLAlchemy's per-call connect/begin/commit cost about 0.3 ms here, more than the
    queries of a small read; the store issues ``BEGIN IMMEDIATE``/``COMMIT`` itself on the
    driver connection instead. Reads run without an explicit transaction: with one
    writer in this process and no ``await`` inside a unit of work, nothing can change
    between the statements of a read.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn = engine.connect()
        self._conn.info["manual_transactions"] = True
        driver = self._conn.connection.driver_connection
        assert driver is not None
        self._driver: Any = driver
        self._writes_since_analysis = 0
        self._refresh_statistics(force=True)
        self._checkpointer = self._start_checkpointer(engine.url.database)

    def _start_checkpointer(self, path: str | None) -> WalCheckpointer | None:
        """A file database's WAL is checkpointed off the request path (``checkpoints.py``)."""
        if not path or path == ":memory:" or path.startswith("file:"):
            return None
        checkpointer = WalCheckpointer(path)
        self._driver.execute("PRAGMA wal_autocheckpoint=0")
        checkpointer.start()
        return checkpointer

    def _refresh_statistics(self, *, force: bool = False) -> None:
        """SQLite's planner needs table statistics to drive a search from its most selective
        index (without them it walked a sort index instead: 56 ms against 0.9 ms at 20,000
        calls). ``ANALYZE`` under ``analysis_limit`` samples each index, so it stays cheap."""
        self._writes_since_analysis += 1
        if force or self._writes_since_analysis >= STATISTICS_EVERY_WRITES:
            self._driver.execute("ANALYZE")
            self._writes_since_analysis = 0

    def _run(self, work: Callable[[Connection], T], *, immediate: bool) -> T:
        if immediate:
            self._driver.execute("BEGIN IMMEDIATE")
        try:
            result = work(self._conn)
        except (DataError, sqlite3.DataError, OverflowError) as error:
            # Statements run through SQLAlchemy raise its DataError; the bulk writes that go
            # straight to the driver (store/bulk.py) raise the driver's own.
            self._conn.rollback()
            if self._driver.in_transaction:
                self._driver.execute("ROLLBACK")
            raise StoreRejected(str(getattr(error, "orig", error))) from error
        except BaseException:
            self._conn.rollback()
            if self._driver.in_transaction:
                self._driver.execute("ROLLBACK")
            raise
        self._finish()
        return result

    def _finish(self) -> None:
        """Commit whatever the unit of work opened, by whichever path it wrote.

        SQLAlchemy's ``commit()`` only commits a transaction SQLAlchemy itself began: a unit
        of work whose statements all went straight to the driver (``store/bulk.py``) left
        the driver's transaction open, so its write was answered yet not durable. The
        driver's own state decides instead."""
        self._conn.commit()
        if self._driver.in_transaction:
            self._driver.execute("COMMIT")

    async def _read(self, work: Callable[[Connection], T]) -> T:
        return self._run(work, immediate=False)

    async def busy_elsewhere(self) -> bool:
        """One process holds the only connection: its own activity is all there is."""
        return False

    async def _write(self, work: Callable[[Connection], T]) -> T:
        checkpointer = self._checkpointer
        with checkpointer.write_lock if checkpointer else nullcontext():  # statistics write too
            result = self._run(work, immediate=True)
            self._refresh_statistics()
        if checkpointer:
            checkpointer.written()
        return result

    async def close(self) -> None:
        if self._checkpointer:
            self._checkpointer.stop()
        self._conn.close()
        self._engine.dispose()
