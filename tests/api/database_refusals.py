"""A real database that refuses one row: a trigger, installed in the server's own SQLite file
or PostgreSQL database, that aborts the statement writing it. It makes the second half of a
write fail for real, so a test can check that the first half was rolled back with it."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

REFUSAL = "refused by a test trigger"


@contextmanager
def refusing(database_url: str, table: str, column: str, value: str) -> Iterator[None]:
    """While open, inserting or updating a row of ``table`` whose ``column`` is ``value``
    fails (with the statement and its transaction)."""
    name = f"refuse_{uuid.uuid4().hex[:12]}"
    if database_url.startswith("sqlite:///"):
        with _sqlite_triggers(database_url.removeprefix("sqlite:///"), name, table, column, value):
            yield
    else:
        with _postgres_trigger(database_url, name, table, column, value):
            yield


@contextmanager
def _sqlite_triggers(path: str, name: str, table: str, column: str, value: str) -> Iterator[None]:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        for event in ("INSERT", "UPDATE"):
            conn.execute(
                f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table}"
                f" WHEN NEW.{column} = {_quoted(value)}"
                f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )
        yield
    finally:
        for event in ("insert", "update"):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
        conn.close()


@contextmanager
def _postgres_trigger(url: str, name: str, table: str, column: str, value: str) -> Iterator[None]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql"
            f" AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$"
        )
        conn.execute(
            f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW"
            f" WHEN (NEW.{column} = {_quoted(value)}) EXECUTE FUNCTION {name}()"
        )
        try:
            yield
        finally:
            conn.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            conn.execute(f"DROP FUNCTION IF EXISTS {name}()")


def _quoted(value: str) -> str:
    """A SQL string literal (values here are the tests' own constants)."""
    return "'" + value.replace("'", "''") + "'"
