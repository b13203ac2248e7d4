"""open_store(url): the right Store for the URL's scheme, migrated to the newest schema.

The PostgreSQL store (and psycopg with it) is imported only when a URL names PostgreSQL:
a command or server on SQLite never loads it (about 90 ms of each start otherwise)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, inspect
from sqlalchemy.engine import make_url

from localspot.crm.storage import Store
from localspot.store.dialect import dialect_of
from localspot.store.sqlite import SqliteStore, sqlite_engine


class UnsupportedDatabase(ValueError):
    """The URL names a database localspot cannot use."""


def driver_url(url: str, *, asynchronous: bool) -> str:
    """``postgresql://`` → psycopg 3's SQLAlchemy dialect; ``sqlite:///`` stays."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return url
    if parsed.get_backend_name() == "postgresql":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    raise UnsupportedDatabase(f"unsupported database URL scheme: {parsed.drivername}")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "localspot.store:migrations")
    config.attributes["connection"] = connection
    return config


MIGRATION_LOCK = 7_246_105_301
"""The key servers starting together serialize on (PostgreSQL's advisory lock), so that
they migrate one at a time."""


VERSIONS = Path(__file__).parent / "migrations" / "versions"
_REVISION_LINE = re.compile(r'^(down_)?revision = "([^"]+)"$', re.MULTILINE)


@lru_cache(maxsize=1)
def head_revisions() -> frozenset[str]:
    """The newest migrations' revision ids, read from the version files' ``revision`` and
    ``down_revision`` lines (a ``down_revision`` of another shape, such as a merge's tuple,
    only makes ``upgrade`` ask alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        for down, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (parents if down else revisions).add(value)
    return frozenset(revisions - parents)


def at_head(engine: Engine) -> bool:
    """The database's schema is the newest, read without alembic: importing it is about a
    fifth of the start of every command and server, and most find nothing to migrate."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        found = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        return frozenset(found.scalars()) == head_revisions()


def upgrade(engine: Engine) -> None:
    if at_head(engine):
        return
    from alembic import command

    with engine.begin() as connection:
        dialect_of(connection).serialize(connection, MIGRATION_LOCK)
        command.upgrade(_alembic_config(connection), "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(url: str) -> str | None:
    """Upgrade the database at ``url`` to the newest schema; return its revision."""
    engine = sync_engine(url)
    try:
        upgrade(engine)
        return current_revision(engine)
    finally:
        engine.dispose()


def revision_of(url: str) -> str | None:
    engine = sync_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def sync_engine(url: str, sqlite_synchronous: str = "NORMAL") -> Engine:
    if is_sqlite(url):
        return sqlite_engine(url, sqlite_synchronous)
    return create_engine(driver_url(url, asynchronous=False))


def open_store(url: str, *, sqlite_synchronous: str = "NORMAL", migrate: bool = True) -> Store:
    engine = sync_engine(url, sqlite_synchronous)
    if migrate:
        upgrade(engine)
    if is_sqlite(url):
        return SqliteStore(engine)
    engine.dispose()
    from localspot.store.postgres import PostgresStore, postgres_engine

    return PostgresStore(postgres_engine(driver_url(url, asynchronous=True)))
