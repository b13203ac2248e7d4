"""The SQLite store's WAL checkpoints run on their own thread (store/checkpoints.py): the log
must still be copied back into the database file while writes go on, with nothing lost.
That the log stays bounded through a load and search's catch-up indexing, and is truncated
once writes stop, is checked with the thresholds scaled down; under a steady load of batch
updates bench/batch_update.py prints the log's size (it depends on timing)."""

from __future__ import annotations

import asyncio
import random
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from localspot.crm import object_types, search
from localspot.crm.properties import load_definitions
from localspot.crm.records_storage import NewRecord
from localspot.crm.sample_data import sample_call
from localspot.store import checkpoints
from localspot.store.checkpoints import WalCheckpointer
from localspot.store.open import open_store

PAGE = 4096
RESTART_FRAMES = 200
WRITES = 300
ROWS_PER_WRITE = 40
SMALL_RESTART_FRAMES = 500
LOADED = 3_000
DEADLINE_SECONDS = 20


def _writer(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")  # as the store's own connection
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT)")
    return conn


def _write_batches(conn: sqlite3.Connection, checkpointer: WalCheckpointer | None) -> None:
    for n in range(WRITES):
        conn.execute("BEGIN IMMEDIATE")
        rows = [(n * ROWS_PER_WRITE + i, "x" * 1000) for i in range(ROWS_PER_WRITE)]
        conn.executemany("INSERT INTO t VALUES (?, ?)", rows)
        conn.execute("COMMIT")
        if checkpointer:
            checkpointer.written()  # and on at once: the checkpoints run beside the writes


def _rows_in_file_alone(path: Path, scratch: Path) -> int:
    """Rows a copy of the database file holds without its log: what checkpoints copied."""
    copy = scratch / "file-alone.db"
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy)
    try:
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 't'").fetchone()
        return int(conn.execute("SELECT count(*) FROM t").fetchone()[0]) if tables[0] else 0
    finally:
        conn.close()


def _wal_bytes(path: Path) -> int:
    try:  # the last connection to close removes the log: it may go between two calls
        return path.with_name(path.name + "-wal").stat().st_size
    except FileNotFoundError:
        return 0


def test_without_checkpoints_nothing_is_copied_back(tmp_path: Path) -> None:
    """The control: the store's connection never checkpoints by itself."""
    path = tmp_path / "control.db"
    conn = _writer(path)
    _write_batches(conn, None)
    assert _wal_bytes(path) > WRITES * ROWS_PER_WRITE * 1000
    (tmp_path / "scratch").mkdir()
    assert _rows_in_file_alone(path, tmp_path / "scratch") == 0
    conn.close()


def test_the_log_is_copied_back_while_writes_go_on(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    conn = _writer(path)
    checkpointer = WalCheckpointer(str(path), restart_frames=RESTART_FRAMES)
    checkpointer.start()
    try:
        _write_batches(conn, checkpointer)
        checkpointer.settle()
        (tmp_path / "scratch").mkdir()
        assert _rows_in_file_alone(path, tmp_path / "scratch") == WRITES * ROWS_PER_WRITE
    finally:
        checkpointer.stop()
        conn.close()


def test_store_writes_survive_close_and_reopen(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"

    async def write_then_read() -> int:
        store = open_store(url)
        portal = await store.default_portal()
        records = [NewRecord({"hs_call_title": f"call {n}"}) for n in range(50)]
        for _ in range(10):
            await store.insert_records(portal, "0-48", records, 1_700_000_000_000)
        await store.close()
        reopened = open_store(url, migrate=False)
        page = await reopened.list_records(portal, "0-48", after=None, limit=1000)
        await reopened.close()
        return len(page.records)

    assert asyncio.run(write_then_read()) == 500


class _Sampler:
    """The log file's size, read every few milliseconds on a thread while work runs."""

    def __init__(self, path: Path) -> None:
        self.path, self.peak, self._done = path, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._done.wait(0.002):
            self.peak = max(self.peak, _wal_bytes(self.path))

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()


def test_the_log_stays_bounded_through_a_load_and_catch_up_indexing_then_shrinks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batch-sized writes, then search's index catching up on all of them (the slices of
    ``refresh_index``): the log is rewound and cut back to its limit throughout, and once
    the writes stop it is truncated. The thresholds are scaled down (2 MB instead of 64)
    so that a small load crosses them many times."""
    monkeypatch.setattr(checkpoints, "RESTART_FRAMES", SMALL_RESTART_FRAMES)
    monkeypatch.setattr(checkpoints, "WAL_SIZE_LIMIT", SMALL_RESTART_FRAMES * PAGE)
    monkeypatch.setattr(checkpoints, "IDLE_SECONDS", 0.2, raising=False)
    path = tmp_path / "bounded.db"
    # Rewound by the time it holds RESTART_FORCED times the threshold, plus what the writes
    # running meanwhile add (one slice of the index can hold a few MB of pages).
    bound = 2 * checkpoints.RESTART_FORCED * SMALL_RESTART_FRAMES * (PAGE + 24)

    async def load_index_and_rest() -> tuple[int, int, int]:
        store = open_store(f"sqlite:///{path}")
        try:
            portal = await store.default_portal()
            definitions = await load_definitions(store, portal, object_types.resolve("calls"))
            rng = random.Random(3)
            for _ in range(LOADED // 100):
                records = [NewRecord(sample_call(rng, 1_700_000_000_000)) for _ in range(100)]
                await store.insert_records(portal, "0-48", records, 1_700_000_000_000)
            indexed = await store.refresh_index(portal, "0-48", search._entries_of(definitions))
            after_burst = _wal_bytes(path)
            deadline = time.monotonic() + DEADLINE_SECONDS
            while _wal_bytes(path) and time.monotonic() < deadline:
                await asyncio.sleep(0.02)  # polling a condition with a deadline
            return indexed, after_burst, _wal_bytes(path)
        finally:
            await store.close()

    with _Sampler(path) as sampler:
        indexed, after_burst, rested = asyncio.run(load_index_and_rest())
    assert indexed == LOADED
    assert 0 < sampler.peak <= bound, f"peak {sampler.peak:,} bytes, bound {bound:,}"
    assert after_burst > 0
    assert rested == 0
