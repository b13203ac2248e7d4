"""Webhook delivery: the ``webhook_outbox`` and ``webhook_deliveries`` tables of
``localspot.store.webhook_outbox_schema``.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

from localspot.store.webhook_outbox_schema import webhook_deliveries, webhook_outbox

TABLES = (webhook_outbox, webhook_deliveries)
"""The outbox is created as it stands now; 0015 drops the holds it had then, if present."""

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop(op.get_bind())
