"""The tables of imports and exports (``crm/jobs_storage.py``), on the shared
``schema.metadata``. Added by migration 0014.

Both kinds of job are rows of ``jobs``; an import's row errors are rows of
``import_errors``. Both carry ``portal_id``, so a portal's deletion and reset take them.
Job ids are the database's own, unique across portals (as HubSpot's import ids are).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from localspot.store.schema import RecordId, metadata

jobs = Table(
    "jobs",
    metadata,
    Column("id", RecordId, primary_key=True, autoincrement=True),
    Column("portal_id", RecordId, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("name", Text, nullable=False),
    Column("state", String(20), nullable=False),
    Column("request", Text, nullable=False),
    Column("files", Text, nullable=False, server_default="[]"),
    Column("counters", Text, nullable=False, server_default="{}"),
    Column("position", BigInteger, nullable=False, server_default="0"),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("started_at", BigInteger, nullable=True),
    Column("completed_at", BigInteger, nullable=True),
    Column("held_until", BigInteger, nullable=True),
    Column("failure", Text, nullable=True),
    Column("link_key", String(64), nullable=True),
    Column("result_size", BigInteger, nullable=True),
    Index("ix_jobs_portal", "portal_id", "kind", "id"),
    Index("ix_jobs_unfinished", "state", "held_until"),
)
"""One row per import or export. ``position`` is how far it got (committed with the rows it
wrote), ``held_until`` until when the process running it holds it (wall-clock epoch ms,
renewed with every slice; NULL: nobody), ``files`` and ``counters`` JSON text."""

import_errors = Table(
    "import_errors",
    metadata,
    Column("job_id", BigInteger, primary_key=True, autoincrement=False),
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("portal_id", RecordId, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("file_index", Integer, nullable=False, server_default="0"),
    Column("line_number", Integer, nullable=False),
    Column("error_type", String(80), nullable=False),
    Column("message", Text, nullable=False),
    Column("object_type_id", String(40), nullable=True),
    Column("column_number", Integer, nullable=True),
    Column("invalid_value", Text, nullable=True),
    Column("row_data", Text, nullable=False),
    Index("ix_import_errors_portal", "portal_id"),
    sqlite_with_rowid=False,
)
"""An import's row errors, numbered from 1 within the import (the errors endpoint's cursor);
``row_data`` is the row's cells as JSON text."""

TABLES: tuple[Table, ...] = (jobs, import_errors)
