"""Lists: the ``lists``, ``list_folders`` and ``list_memberships`` tables of
``localspot.store.schema``.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

from localspot.store.schema import list_folders, list_memberships, lists

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = (lists, list_folders, list_memberships)


def upgrade() -> None:
    for table in TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop(op.get_bind())
