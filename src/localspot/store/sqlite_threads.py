"""SQLite work that runs off the event loop, on connections of its own in worker threads.

The store's one connection runs each unit of work inline on the event loop
(``store/sqlite.py``), which suits requests' writes and short reads; but a search over
many records can take a second, and indexing a bulk load's records minutes, and meanwhile
no other request would be served. WAL mode lets readers run beside the writer, and
Python's driver releases the GIL while SQLite works, so both run here, in threads, and
the event loop keeps serving.

``ReadConnections``: search's reads.
Each read is one read transaction (``BEGIN`` ... ``ROLLBACK``): one snapshot, so a
search's ``total`` and its page agree even when a write lands in between; and it sees
every write committed before it began. A connection reads the planner's statistics when
it opens, so connections older than the store's last ``ANALYZE`` (``generation``) are
replaced.

``BackgroundWriter``: search's index, written in slices (``store/sql.py refresh_index``).
SQLite has one writer at a time: a slice holds the store's write lock (its requests'
writes wait for it without blocking the loop) and refreshes the planner's statistics
every ``STATISTICS_EVERY_WRITES`` slices, since the index grows by the slice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

T = TypeVar("T")
MAX_READERS = 2
"""Searches running at once; more wait for a connection (in their thread, not on the loop)."""


class ReadConnections:
    def __init__(self, engine: Engine, size: int = MAX_READERS) -> None:
        self._engine = engine
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[tuple[int, Connection]] = []
        self._generation = 0

    def run(self, work: Callable[[Connection], T]) -> T:
        """``work`` in one read transaction (call it from a worker thread)."""
        with self._slots:
            generation, conn = self._take()
            try:
                return work(conn)
            finally:
                conn.rollback()  # ends the read transaction the first statement began
                with self._lock:
                    self._idle.append((generation, conn))

    def statistics_changed(self) -> None:
        """After an ``ANALYZE``: connections opened before it are replaced."""
        with self._lock:
            self._generation += 1

    def _take(self) -> tuple[int, Connection]:
        with self._lock:
            while self._idle:
                generation, conn = self._idle.pop()
                if generation == self._generation:
                    return generation, conn
                conn.invalidate()  # closes the driver's connection (not back to the pool)
            generation = self._generation
        return generation, self._engine.connect()

    def close(self) -> None:
        with self._lock:
            for _, conn in self._idle:
                conn.close()
            self._idle.clear()


class BackgroundWriter:
    def __init__(self, engine: Engine, lock: threading.Lock, readers: ReadConnections) -> None:
        self._engine = engine
        self._lock = lock
        self._readers = readers
        self._conn: Connection | None = None
        self._writes = 0
        self._busy = threading.Lock()  # one slice at a time on the one connection

    def run(self, work: Callable[[Connection], T], statistics_every: int) -> T:
        """``work`` in one write transaction (call it from a worker thread)."""
        with self._busy, self._lock:
            conn = self._connection()
            driver: Any = conn.connection.driver_connection
            driver.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
            except BaseException:
                conn.rollback()
                if driver.in_transaction:
                    driver.execute("ROLLBACK")
                raise
            conn.commit()
            if driver.in_transaction:
                driver.execute("COMMIT")
            self._writes += 1
            if self._writes % statistics_every == 0:
                driver.execute("ANALYZE")
                self._readers.statistics_changed()
            return result

    def _connection(self) -> Connection:
        if self._conn is None:
            conn = self._engine.connect()
            conn.info["manual_transactions"] = True
            driver: Any = conn.connection.driver_connection
            driver.execute("PRAGMA wal_autocheckpoint=0")  # see checkpoints.py
            self._conn = conn
        return self._conn

    def close(self) -> None:
        with self._busy:
            if self._conn is not None:
                self._conn.close()
