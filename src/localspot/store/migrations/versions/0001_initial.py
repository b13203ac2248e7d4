"""The first schema: every table of ``localspot.store.schema``.

Until the first release this one revision creates the whole schema; from then on each
change gets a revision of its own.

Revision ID: 0001
Revises:
"""

from alembic import op

from localspot.store.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
