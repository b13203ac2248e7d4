"""Association limits: the ``association_limits`` table of ``localspot.store.schema``.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

from localspot.store.schema import association_limits

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    association_limits.create(op.get_bind())


def downgrade() -> None:
    association_limits.drop(op.get_bind())
