"""Shared pieces of the benchmarks: a real server on a fresh database, a load process,
latency statistics and the server's peak memory.

Every benchmark prints ratios against a baseline measured in the same run, because this
machine is shared and absolute numbers drift.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import psycopg

from localspot.store.postgres import QUIET_SECONDS

T = TypeVar("T")
POSTGRES_ADMIN_URL = os.environ.get(
    "LOCALSPOT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@dataclass
class RunningServer:
    base_url: str
    token: str
    database_url: str
    process: subprocess.Popen[str]

    def worker_pids(self) -> list[int]:
        """The processes serving requests: uvicorn's workers, or the server itself (whose
        only children are then webhook delivery processes)."""
        workers = [pid for pid in _children(self.process.pid) if not _delivers(pid)]
        return workers or [self.process.pid]

    def peak_rss_mb(self) -> float:
        """Peak resident memory of the server and its worker processes (VmHWM)."""
        pids = [self.process.pid, *_children(self.process.pid)]
        peaks = [_vm_hwm_kb(pid) for pid in pids]
        workers = [p for p in peaks[1:] if p] or peaks[:1]
        return max(workers) / 1024

    def cpu_seconds(self) -> float:
        """CPU time (user and system) the server and its workers have used so far: a
        measure of work that other load on the machine does not inflate."""
        return sum(self.cpu_split())

    def cpu_split(self) -> tuple[float, float]:
        """``cpu_seconds`` as (the server's own process, its child processes)."""
        children = _children(self.process.pid)
        return process_cpu_seconds(self.process.pid), sum(
            process_cpu_seconds(pid) for pid in children
        )


def machine_cpu_seconds() -> float:
    """CPU time every process of the machine has used so far (user, nice, system, irq and
    softirq of ``/proc/stat``): with the server's, the database's, the load drivers' and a
    receiver's. On two saturated cores the throughput follows the machine's CPU a request
    more closely than the server's alone."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) one process has used so far; 0 when it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU time the machine's PostgreSQL processes (backends, WAL writer, checkpointer,
    autovacuum) have used so far; those that ended are not counted."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    total += process_cpu_seconds(int(entry.name))
            except OSError:  # gone meanwhile
                continue
    return total


def ended_children_cpu_seconds() -> float:
    """CPU time of this process's children that ended and were waited for (load drivers
    once ``drive`` joined them; a server or receiver still running is not in it)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


@dataclass
class CpuSplit:
    """The CPU seconds each part of the machine used over a stretch of load."""

    server: float
    server_children: float
    drivers: float
    database: float
    machine: float
    receiver: float | None = None
    """A receiver's, when there is one."""

    def __sub__(self, earlier: CpuSplit) -> CpuSplit:
        receiver = None
        if self.receiver is not None and earlier.receiver is not None:
            receiver = self.receiver - earlier.receiver
        return CpuSplit(
            self.server - earlier.server,
            self.server_children - earlier.server_children,
            self.drivers - earlier.drivers,
            self.database - earlier.database,
            self.machine - earlier.machine,
            receiver,
        )

    def per_request(self, requests: int) -> str:
        """The split as milliseconds a request, one line."""
        ms = 1000 / max(1, requests)
        parts = [
            f"server {self.server * ms:.2f} ms",
            f"its child processes {self.server_children * ms:.2f} ms",
            f"the load drivers {self.drivers * ms:.2f} ms",
            f"PostgreSQL {self.database * ms:.2f} ms",
        ]
        if self.receiver is not None:
            parts.append(f"the receiver {self.receiver * ms:.2f} ms")
        return ", ".join([*parts, f"the machine {self.machine * ms:.2f} ms"])


def cpu_split_over(
    server: RunningServer, load: Callable[[], T], receiver_pid: int | None = None
) -> tuple[T, CpuSplit]:
    """Runs ``load`` and reads what the server's processes, the load drivers (ended
    children of this process), PostgreSQL's processes, a receiver and the whole machine
    used meanwhile."""

    def now() -> CpuSplit:
        return CpuSplit(
            *server.cpu_split(),
            ended_children_cpu_seconds(),
            postgres_cpu_seconds(),
            machine_cpu_seconds(),
            None if receiver_pid is None else process_cpu_seconds(receiver_pid),
        )

    before = now()
    result = load()
    return result, now() - before


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _delivers(pid: int) -> bool:
    try:
        return b"webhook_worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except FileNotFoundError:
        return 0
    return 0


def query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """One statement (``?`` placeholders) on the database, with the raw driver."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return list(conn.execute(sql, params).fetchall())
    with psycopg.connect(url) as pg:
        return list(pg.execute(sql.replace("?", "%s"), params).fetchall())


def indexed_after(url: str, limit: float = 600.0) -> float:
    """Seconds until the server has indexed every record written so far (its index queue
    is empty; polled at most ``limit``). A run that starts before would index records
    that were never indexed, which costs less than reindexing them as in a steady state,
    and more on whichever side of a comparison comes later. On PostgreSQL the server
    indexes only while no other session has been active for ``QUIET_SECONDS``, and this
    poll is such a session: it polls less often than that."""
    pause = 0.1 if url.startswith("sqlite") else 3 * QUIET_SECONDS
    started = time.perf_counter()
    while query(url, "SELECT COUNT(*) FROM index_queue")[0][0]:
        if time.perf_counter() - started > limit:
            raise TimeoutError(f"records still waiting to be indexed after {limit:.0f} s")
        time.sleep(pause)
    return time.perf_counter() - started


def both_in_turn(
    n: int, without: Callable[[], float], with_: Callable[[], float]
) -> tuple[float, float]:
    """Round ``n`` of a comparison: both measures, the one without first in even rounds and
    last in odd ones, so that a drift over the run weighs on both sides alike; returns
    (without, with)."""
    if n % 2 == 0:
        base = without()
        return base, with_()
    other = with_()
    return without(), other


def in_turn(n: int, without: Callable[[], float], with_: Callable[[], float]) -> float:
    """``both_in_turn`` for rates: the ratio with / without."""
    base, rate = both_in_turn(n, without, with_)
    return rate / base


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="localspot-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    name = f"localspot_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running_server(database_url: str, workers: int = 1) -> Iterator[RunningServer]:
    port = free_port()
    token = f"pat-na1-{secrets.token_hex(16)}"
    env = {
        **os.environ,
        "LOCALSPOT_DATABASE_URL": database_url,
        "LOCALSPOT_TOKEN": token,
        "LOCALSPOT_RATE_LIMITS": "off",
        "LOCALSPOT_LOG_LEVEL": "warning",
    }
    command = [sys.executable, "-m", "localspot", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "info"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    started, listening = 0, False
    for line in process.stderr:  # workers start apps; the socket listens once
        started += "Application startup complete" in line
        listening = listening or "Uvicorn running on" in line
        if started == workers and listening:
            break
    else:
        raise RuntimeError("server did not start")
    try:
        yield RunningServer(f"http://127.0.0.1:{port}", token, database_url, process)
    finally:
        process.terminate()
        process.wait(timeout=30)


class StartSignal:
    """Handed to each process of ``run_together``: ``wait()`` once ready to start."""

    def __init__(self, ready: Any, go: Any) -> None:
        self._ready, self._go = ready, go

    def wait(self) -> None:
        self._ready.release()
        self._go.wait()


def _run_one(
    target: Callable[..., Any], args: tuple[Any, ...], signal: StartSignal, out: Any
) -> None:
    out.put(target(*args, signal))


def run_together(
    target: Callable[..., T], jobs: Sequence[tuple[Any, ...]], on_start: Callable[[], None]
) -> list[T]:
    """Runs ``target(*job, signal)`` in one forked process per job (arguments are inherited,
    not pickled), lets them all start at once when each has called ``signal.wait()``, and
    returns their results. Each process times its own work on ``time.monotonic()``, which
    all processes share, so a caller can measure the window from the first start to the
    last end without the cost of starting processes."""
    context = multiprocessing.get_context("fork")
    ready, go, results = context.Semaphore(0), context.Event(), context.Queue()
    signal = StartSignal(ready, go)
    processes = [
        context.Process(target=_run_one, args=(target, job, signal, results)) for job in jobs
    ]
    for process in processes:
        process.start()
    for _ in processes:
        ready.acquire()
    go.set()
    on_start()
    reports = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return reports


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary_ms(samples: Sequence[float]) -> str:
    if not samples:
        return "no samples"
    p50, p99 = percentile(samples, 0.5) * 1000, percentile(samples, 0.99) * 1000
    mean, worst = statistics.fmean(samples) * 1000, max(samples) * 1000
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, mean {mean:.1f} ms, max {worst:.1f} ms"
