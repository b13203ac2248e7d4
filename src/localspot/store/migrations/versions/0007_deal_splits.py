"""Deal splits: the ``deal_splits`` table of ``localspot.store.schema``.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

from localspot.store.schema import deal_splits

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    deal_splits.create(op.get_bind())


def downgrade() -> None:
    deal_splits.drop(op.get_bind())
