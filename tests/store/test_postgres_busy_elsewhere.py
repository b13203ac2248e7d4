"""On PostgreSQL, background work (search's idle indexing) waits while another process
uses the database, but not for another idle worker asking the same question: two idle
workers asking in turn used to keep each other from ever indexing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psycopg

from localspot.store.open import open_store
from localspot.store.postgres import IDLE_PROBE, QUIET_SECONDS

from .conftest import database


def test_another_workers_question_is_not_work_but_its_transaction_is(tmp_path: Path) -> None:
    with database("postgres", tmp_path) as url, asyncio.Runner() as runner:
        store = open_store(url)
        other = psycopg.connect(url, autocommit=True, application_name="localspot 1")
        try:
            asked = other.execute(IDLE_PROBE, ("localspot 1", "x", QUIET_SECONDS)).fetchone()
            assert asked is not None
            assert runner.run(store.busy_elsewhere()) is False  # it only asked, just now
            other.execute("BEGIN")
            other.execute("SELECT count(*) FROM index_queue")
            assert runner.run(store.busy_elsewhere()) is True  # idle in a transaction
            other.execute("COMMIT")
        finally:
            other.close()
            runner.run(store.close())
