"""Webhook claims apart from the outbox's rows: the ``webhook_claims`` table of
``localspot.store.webhook_outbox_schema``, the holds of 0011's ``webhook_outbox`` moved
into it and that table's ``held_until`` and ``held_by`` columns dropped.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

from localspot.store.webhook_outbox_schema import webhook_claims

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None
HOLDS = ("held_until", "held_by")


def _outbox_columns() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("webhook_outbox")}


def upgrade() -> None:
    webhook_claims.create(op.get_bind())
    if not set(HOLDS) <= _outbox_columns():
        return  # a database made since: 0011 created the outbox without them
    op.execute(
        "INSERT INTO webhook_claims (outbox_id, portal_id, held_by, held_until)"
        " SELECT id, portal_id, held_by, held_until FROM webhook_outbox"
        " WHERE held_by IS NOT NULL AND held_until IS NOT NULL"
    )
    with op.batch_alter_table("webhook_outbox") as batch:
        for name in HOLDS:
            batch.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table("webhook_outbox") as batch:
        batch.add_column(sa.Column("held_until", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("held_by", sa.String(64), nullable=True))
    op.execute(
        "UPDATE webhook_outbox SET held_by = (SELECT c.held_by FROM webhook_claims c"
        " WHERE c.outbox_id = webhook_outbox.id), held_until = (SELECT c.held_until"
        " FROM webhook_claims c WHERE c.outbox_id = webhook_outbox.id)"
    )
    webhook_claims.drop(op.get_bind())
