"""What PostgreSQL's record writes add to lists' sizes: the ``list_size_changes`` table of
``localspot.store.list_size_changes_schema``.

Revision ID: 0019
Revises: 0018
"""

from alembic import op

from localspot.store.list_size_changes_schema import TABLES

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop(op.get_bind())
