"""What differs between SQLite and PostgreSQL lives in ``store/dialect.py`` alone."""

from __future__ import annotations

import re
from pathlib import Path

from localspot.store.dialect import POSTGRES, SQLITE

STORE = Path(__file__).resolve().parents[1] / "src" / "localspot" / "store"
DIALECT_CHECK = re.compile(
    r"(?<!store)\.dialect\b|paramstyle|^\s*(from|import) psycopg|sqlalchemy\.dialects import",
    re.MULTILINE,
)
OWN_CONNECTIONS = {"dialect.py", "postgres.py"}
"""``postgres.py`` holds PostgreSQL's connection handling (its pool, psycopg's errors)."""


def test_no_store_module_but_the_dialect_checks_the_database() -> None:
    found = [
        f"{path.relative_to(STORE)}: {match.group(0).strip()}"
        for path in sorted(STORE.rglob("*.py"))
        if path.name not in OWN_CONNECTIONS
        for match in DIALECT_CHECK.finditer(path.read_text())
    ]
    assert not found, f"database checks outside store/dialect.py: {found}"


def test_statements_are_written_once_with_question_marks() -> None:
    statement = "SELECT id FROM objects WHERE portal_id = ? AND id IN (?, ?)"
    assert SQLITE.sql(statement) is statement
    rendered = POSTGRES.sql(statement)
    assert rendered == "SELECT id FROM objects WHERE portal_id = %s AND id IN (%s, %s)"
    assert POSTGRES.sql(statement) is rendered  # rendered once, then cached
