"""Imports and exports: the ``jobs`` and ``import_errors`` tables of
``localspot.store.jobs_schema``.

Revision ID: 0014
Revises: 0010
"""

from alembic import op

from localspot.store.jobs_schema import TABLES

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop(op.get_bind())
