"""WAL checkpoints on a thread of their own, off the request path.

By default SQLite checkpoints inside the ``COMMIT`` that pushes the write-ahead log past
1,000 pages: that commit copies the log back into the database file and syncs it. With
100-record batches that is every few commits, and it was about two thirds of the cost of
a batch update's commit here (4.5 ms against 1.6 ms without it). The store's connection
turns automatic checkpoints off and this thread runs ``PRAGMA wal_checkpoint(PASSIVE)``
after writes instead, on its own connection: SQLite runs a passive checkpoint alongside
readers and the writer, and Python's driver releases the GIL while it runs, so the event
loop keeps serving. Durability is unchanged: a commit is in the log either way.

A passive checkpoint never catches up with a busy writer (new frames land while it
copies), and SQLite only rewinds the log when a write starts with every frame copied, so
under a steady load the log would grow without end (450 MB in 20 s of batch updates).
Once it passes ``RESTART_FRAMES`` the thread runs a ``RESTART`` checkpoint: it waits for
the running write to end, copies the few frames left, and the next write starts the log
from the beginning. The writer waits only for that short tail, on ``write_lock``, which the
store holds around each write transaction: waiting on a lock wakes the writer the moment
the checkpoint ends, where SQLite's busy handler would sleep in steps of up to 100 ms.
While a rewind waits for that lock or holds it, the store awaits its end off the event
loop (``rewinding``/``wait_rewound``), so that a run of back-to-back writes (search's index
catching up in slices) cannot starve it. A rewind never waits for readers (search runs
on connections of its own): it copies what it can and tries again after the next write.

The store's connection limits the log file (``journal_size_limit``): the first write after
a rewind cuts the file back to ``WAL_SIZE_LIMIT``. Once no write has come for
``IDLE_SECONDS`` after a burst, a ``TRUNCATE`` checkpoint empties the file altogether.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger("localspot.store")

RESTART_FRAMES = 16_000
"""Log frames (pages, 4 KiB by default) after which the log is rewound: about 64 MB, every
few hundred batches under a steady load, so the short wait stays out of the 99th percentile."""
RESTART_MAX_LAG = 1_000
"""Frames a passive pass may leave behind for the RESTART to copy while the writer waits: at
a million records the frames are scattered over a large file, and a RESTART that had to
copy a long tail stalled requests for up to a second. Passive passes run again first
(each copies less, so finishes sooner and leaves less behind)."""
CATCH_UP_PASSES = 5
RESTART_FORCED = 4
"""Past this many times ``RESTART_FRAMES`` the log is rewound whatever the tail."""
WAL_SIZE_LIMIT = 64 * 1024 * 1024
"""Bytes the log file is cut back to when it is rewound (``journal_size_limit``)."""
IDLE_SECONDS = 1.0
"""Quiet time after writes before the log file is truncated to nothing."""
BUSY_TIMEOUT_MS = 10_000


class WalCheckpointer:
    """Checkpoints the WAL of the database file at ``path`` whenever writes have landed."""

    def __init__(self, path: str, restart_frames: int | None = None) -> None:
        self._path = path
        self._restart_frames = restart_frames or RESTART_FRAMES
        self._state = threading.Condition()
        self._requested = 0  # writes reported so far
        self._covered = 0  # writes reported before the last finished pass began
        self._stopping = False
        self._dirty = False  # the log file may hold frames (writes since the last truncation)
        self._rewinding = False
        self.write_lock = threading.Lock()
        """Held by the store around each write transaction, and here around a rewind."""
        self._thread = threading.Thread(target=self._loop, name="wal-checkpoints", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def written(self) -> None:
        """Called after each committed write: the next pass picks it up."""
        with self._state:
            self._requested += 1
            self._state.notify_all()

    def settle(self) -> None:
        """Wait until a pass has run since the last reported write (for tests)."""
        with self._state:
            wanted = self._requested
            self._state.wait_for(lambda: self._covered >= wanted or not self._thread.is_alive())

    def rewinding(self) -> bool:
        """Whether a rewind of the log is waiting for the write lock or holds it."""
        return self._rewinding

    def wait_rewound(self) -> None:
        """Block until no rewind is waiting or running (the store calls it off the loop)."""
        with self._state:
            self._state.wait_for(lambda: not self._rewinding)

    def take_write_lock(self) -> None:
        """Let a waiting rewind go first, then take the write lock (off the event loop)."""
        self.wait_rewound()
        self.write_lock.acquire()

    def stop(self) -> None:
        with self._state:
            self._stopping = True
            self._state.notify_all()
        self._thread.join()

    def _next_pass(self) -> tuple[int, bool] | None:
        """The write count the coming pass covers, and whether the writes have paused long
        enough for the log to be truncated; None once stopping."""
        with self._state:
            quiet = self._dirty and not self._state.wait_for(self._called, timeout=IDLE_SECONDS)
            if not quiet:
                self._state.wait_for(self._called)
            return None if self._stopping else (self._requested, quiet)

    def _called(self) -> bool:
        return self._stopping or self._requested > self._covered

    def _loop(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
            while (job := self._next_pass()) is not None:
                covering, quiet = job
                try:
                    if quiet:
                        self._dirty = self._rewind(conn, "TRUNCATE")
                    else:
                        self._dirty = True
                        self._checkpoint(conn)
                except sqlite3.Error:  # the next write's pass tries again
                    log.exception("WAL checkpoint failed")
                with self._state:
                    self._covered = covering
                    self._state.notify_all()
        finally:
            conn.close()
            with self._state:
                self._state.notify_all()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        _busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if frames < self._restart_frames:
            return
        for _ in range(CATCH_UP_PASSES):  # each pass is shorter, so the tail shrinks
            if frames - copied <= RESTART_MAX_LAG:
                break
            _busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if frames - copied <= RESTART_MAX_LAG or frames >= RESTART_FORCED * self._restart_frames:
            self._rewind(conn, "RESTART")

    def _rewind(self, conn: sqlite3.Connection, mode: str) -> bool:
        """A ``RESTART`` or ``TRUNCATE`` checkpoint between writes; True when a reader kept
        it from finishing (it is tried again later)."""
        with self._state:
            self._rewinding = True
        try:
            with self.write_lock:
                conn.execute("PRAGMA busy_timeout=0")  # never wait for a reader
                try:
                    busy, _frames, _copied = conn.execute(
                        f"PRAGMA wal_checkpoint({mode})"
                    ).fetchone()
                finally:
                    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            with self._state:
                self._rewinding = False
                self._state.notify_all()
        return bool(busy)
