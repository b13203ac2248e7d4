"""Timeline events: the ``timeline_event_templates`` and ``timeline_events`` tables of
``localspot.store.timeline_schema``.

Revision ID: 0012
Revises: 0010
"""

from alembic import op

from localspot.store.timeline_schema import TABLES

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in TABLES:
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(TABLES):
        table.drop(op.get_bind())
