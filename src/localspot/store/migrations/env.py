"""Alembic environment: one migration history for SQLite and PostgreSQL.

``open.py`` passes the connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from localspot.store.dialect import dialect_of
from localspot.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=dialect_of(connection).batch_migrations,
)
with context.begin_transaction():
    context.run_migrations()
