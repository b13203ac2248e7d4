"""List fills: the ``list_fills`` table of ``localspot.store.schema`` (unfinished fills of
SNAPSHOT and DYNAMIC lists, resumed when a server starts).

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from localspot.store.schema import list_fills

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    list_fills.create(op.get_bind())


def downgrade() -> None:
    list_fills.drop(op.get_bind())
