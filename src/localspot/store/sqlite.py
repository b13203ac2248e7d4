"""SqliteStore: one file, one writer, transactions run inline on the event loop.

Why inline: a SQLite write is a short synchronous call, and pushing it through a thread
pool measured 15-20% slower here. Rule 1 of the Store (no transaction across an
``await``) keeps this safe: while one request's transaction runs, no other can start.
Writes open with ``BEGIN IMMEDIATE`` so the writer lock is taken up front. Search, whose
query can take long, reads on connections of its own in worker threads instead
(``store/sqlite_readers.py``).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DataError

from localspot.crm.storage import StoreRejected
from localspot.store import checkpoints
from localspot.store.checkpoints import WalCheckpointer
from localspot.store.sql import SqlStore, engine_options
from localspot.store.sqlite_threads import BackgroundWriter, ReadConnections

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
        cursor.execute(f"PRAGMA journal_size_limit={checkpoints.WAL_SIZE_LIMIT}")
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
    driver connection instead. Reads run without an explicit transaction: with no
    ``await`` inside a unit of work, nothing a request writes can change between the
    statements of a read (the only other writer, ``BackgroundWriter``, writes search's
    index, which search reads on connections of its own).

    On a file, search reads and index writes run in worker threads
    (``store/sqlite_threads.py``); a request's write then waits for the write lock without
    blocking the event loop.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn = engine.connect()
        self._conn.info["manual_transactions"] = True
        driver = self._conn.connection.driver_connection
        assert driver is not None
        self._driver: Any = driver
        self._writes_since_analysis = 0
        path = engine.url.database or ""
        on_file = path not in ("", ":memory:") and not path.startswith("file:")
        self._readers = ReadConnections(engine) if on_file else None
        self._refresh_statistics(force=True)
        self._checkpointer = self._start_checkpointer(path) if on_file else None
        self._indexer = (
            BackgroundWriter(engine, self._checkpointer.write_lock, self._readers)
            if self._checkpointer and self._readers
            else None
        )

    def _start_checkpointer(self, path: str) -> WalCheckpointer:
        """A file database's WAL is checkpointed off the request path (``checkpoints.py``)."""
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
            if self._readers:
                self._readers.statistics_changed()

    def _run(self, work: Callable[[Connection], T], *, immediate: bool) -> T:
        if immediate:
            self._driver.execute("BEGIN IMMEDIATE")
        try:
            result = work(self._conn)
        except (DataError, sqlite3.DataError, OverflowError) as error:
            # Statements run through SQLAlchemy raise its DataError; the bulk writes that go
            # straight to the driver (store/dialect.py) raise the driver's own.
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
        of work whose statements all went straight to the driver (``store/dialect.py``) left
        the driver's transaction open, so its write was answered yet not durable. The
        driver's own state decides instead."""
        self._conn.commit()
        if self._driver.in_transaction:
            self._driver.execute("COMMIT")

    async def _read(self, work: Callable[[Connection], T]) -> T:
        return self._run(work, immediate=False)

    async def _long_read(self, work: Callable[[Connection], T]) -> T:
        if self._readers is None:  # an in-memory database has no second connection
            return self._run(work, immediate=False)
        return await asyncio.to_thread(self._readers.run, work)

    async def busy_elsewhere(self) -> bool:
        """One process holds the only connection: its own activity is all there is."""
        return False

    async def _write(self, work: Callable[[Connection], T]) -> T:
        checkpointer = self._checkpointer
        if checkpointer is None:
            result = self._run(work, immediate=True)
            self._refresh_statistics()
            self._after_write()
            return result
        await self._take_write_lock(checkpointer)
        try:
            result = self._run(work, immediate=True)
            self._refresh_statistics()  # statistics write too
        finally:
            checkpointer.write_lock.release()
        checkpointer.written()
        self._after_write()
        return result

    async def _take_write_lock(self, checkpointer: WalCheckpointer) -> None:
        """The lock is free unless an index slice or a rewind of the log holds it (or waits
        for it): then wait in a thread, and the loop keeps serving."""
        lock = checkpointer.write_lock
        if checkpointer.rewinding() or not lock.acquire(blocking=False):
            await asyncio.to_thread(checkpointer.take_write_lock)

    async def _background_write(self, work: Callable[[Connection], T]) -> T:
        if self._indexer is None or self._checkpointer is None:
            return await self._write(work)
        if self._checkpointer.rewinding():
            await asyncio.to_thread(self._checkpointer.wait_rewound)
        result = await asyncio.to_thread(self._indexer.run, work, STATISTICS_EVERY_WRITES)
        self._checkpointer.written()
        return result

    async def close(self) -> None:
        if self._checkpointer:
            self._checkpointer.stop()
        if self._indexer:
            self._indexer.close()
        if self._readers:
            self._readers.close()
        self._conn.close()
        self._engine.dispose()
