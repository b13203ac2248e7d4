"""The SQLite store's WAL checkpoints run on their own thread (store/checkpoints.py): the log
must still be copied back into the database file while writes go on, with nothing lost.
(That the log also stays bounded under a steady load, through the RESTART checkpoints, is
measured by bench/batch_update.py, which prints the log's size: it depends on timing.)"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

from localspot.crm.storage import NewRecord
from localspot.store.checkpoints import WalCheckpointer
from localspot.store.open import open_store

PAGE = 4096
RESTART_FRAMES = 200
WRITES = 300
ROWS_PER_WRITE = 40


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
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


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
