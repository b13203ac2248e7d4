"""What PostgreSQL's record writes add to lists' sizes, on the shared ``schema.metadata``.
Added by migration 0019.

A write that moves a DYNAMIC list's members adds a row here (how many joined and left, and
when) instead of updating the list's row: an update of the list's row is held until the
commit, and every batch that moves members of the same lists (most of a portal's
segments, nearly every time) would wait for the one before it (bench/README.md, "Judging
with values read once, and PostgreSQL's list rows"). Reads of a list add its rows to the
list's ``size`` and last-added/removed times (``lists_sql``); the lists' background task
folds them into the lists' rows every few seconds (``list_memberships_sql.fold_sizes``).
SQLite has one writer and updates the list's row itself: it never writes here.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Table

from localspot.store.schema import RecordId, metadata

list_size_changes = Table(
    "list_size_changes",
    metadata,
    Column("id", RecordId, primary_key=True, autoincrement=True),
    Column("portal_id", RecordId, nullable=False),
    Column("list_id", BigInteger, nullable=False),
    Column("added", BigInteger, nullable=False),
    Column("removed", BigInteger, nullable=False),
    Column("at", BigInteger, nullable=False),
    Index("ix_list_size_changes_list", "portal_id", "list_id"),
)
"""One row per write and list whose members it moved."""

TABLES = (list_size_changes,)
