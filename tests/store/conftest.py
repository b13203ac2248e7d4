"""Fixtures of the store contract suite: the real stores, opened with ``open_store`` (so
migrated) on every ``--db`` backend, driven in process.

The stores are async and pytest-asyncio is not used: each backend's store lives on one event
loop (an ``asyncio.Runner``: PostgreSQL's pooled connections belong to the loop that opened
them), and a test calls ``run(store.method(...))``. The suite shares one database per
backend (a fresh SQLite file, or a fresh PostgreSQL database: creating and migrating one
costs about a second there); every test takes a fresh ``portal`` of it, so tests meet no
other test's data. Tests of database-wide behaviour open an empty database of their own
with ``fresh_store``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Coroutine, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest

from conftest import postgres_available, scratch_postgres
from localspot.crm import object_types
from localspot.crm.storage import Store
from localspot.store.open import open_store

T = TypeVar("T")

CALLS = object_types.resolve("calls")
CONTACTS = object_types.resolve("contacts")
AT = 1_767_225_600_000  # 2026-01-01T00:00:00Z, the time of the first write of a test


class Run(Protocol):
    """Runs one coroutine to its end on the store's event loop."""

    def __call__(self, coroutine: Coroutine[Any, Any, T]) -> T: ...


@dataclass
class Opened:
    store: Store
    runner: asyncio.Runner

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coroutine)


@contextmanager
def database(backend: str, directory: Path) -> Iterator[str]:
    """An empty database: a new SQLite file in ``directory``, or a new PostgreSQL database
    (dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / f'{uuid.uuid4().hex}.db'}"
        return
    if not postgres_available():
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")
    with scratch_postgres("localspot_store") as url:
        yield url


@contextmanager
def opened_store(backend: str, directory: Path) -> Iterator[Opened]:
    with database(backend, directory) as url, asyncio.Runner() as runner:
        store = open_store(url)
        try:
            yield Opened(store, runner)
        finally:
            runner.run(store.close())


@pytest.fixture(scope="session")
def opened_by_backend() -> Iterator[tuple[ExitStack, dict[str, Opened]]]:
    """The suite's stores by backend, each opened on first use and closed at the end (as
    ``server`` keeps its servers: ``opened`` is parametrized by backend, and pytest would
    close and reopen it, on a new database, whenever the backend of the next test changes)."""
    with ExitStack() as stack:
        yield stack, {}


@pytest.fixture(scope="session")
def opened(
    backend: str,
    opened_by_backend: tuple[ExitStack, dict[str, Opened]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Opened:
    stack, stores = opened_by_backend
    if backend not in stores:
        stores[backend] = stack.enter_context(
            opened_store(backend, tmp_path_factory.mktemp("store"))
        )
    return stores[backend]


@pytest.fixture
def store(opened: Opened) -> Store:
    return opened.store


@pytest.fixture
def run(opened: Opened) -> Run:
    return opened.run


@pytest.fixture
def portal(store: Store, run: Run) -> int:
    """A new portal of the module's database: this test's own."""
    return run(store.create_portal("contract"))


@pytest.fixture
def other_portal(store: Store, run: Run) -> int:
    return run(store.create_portal("another"))


FreshStore = Callable[[], AbstractContextManager[Opened]]


@pytest.fixture
def fresh_store(backend: str, tmp_path: Path) -> FreshStore:
    """Opens a store on an empty database of its own (for database-wide behaviour)."""
    return lambda: opened_store(backend, tmp_path)
