"""Owners: the ``owners`` table of ``localspot.store.schema``.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from localspot.store.schema import owners

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    owners.create(op.get_bind())


def downgrade() -> None:
    owners.drop(op.get_bind())
