"""CRM extension settings of apps (calling, recording, channel connection, video
conferencing) and their CRM cards: the ``extension_settings`` and ``crm_cards`` tables of
``localspot.store.extensions_schema``.

Revision ID: 0013
Revises: 0010
"""

from alembic import op

from localspot.store.extensions_schema import TABLES

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop(op.get_bind())
