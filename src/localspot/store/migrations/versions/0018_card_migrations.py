"""Apps' CRM card migrations (a legacy card swapped for an app card in record views): the
``crm_card_migrations`` table of ``localspot.store.card_migrations_schema``.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

from localspot.store.card_migrations_schema import TABLES

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop(op.get_bind())
