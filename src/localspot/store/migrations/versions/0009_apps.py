"""Developer apps and their webhooks: the ``apps``, ``app_installs``, ``webhook_settings``
and ``webhook_subscriptions`` tables of ``localspot.store.apps_schema``.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

from localspot.store.apps_schema import TABLES

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop(op.get_bind())
