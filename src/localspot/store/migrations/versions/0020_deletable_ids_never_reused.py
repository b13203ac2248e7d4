"""Subscriptions, event templates and CRM cards with ids that are never used again
(SQLite's ``AUTOINCREMENT``): HubSpot never gives a deleted one's id to another, and an
event still retrying names its subscription by id. Without it SQLite gives the highest
deleted row's id to the next row. PostgreSQL's sequences never go back: nothing changes
there.

Revision ID: 0020
Revises: 0019
"""

from alembic import op

from localspot.store.dialect import dialect_of

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TABLES = ("webhook_subscriptions", "timeline_event_templates", "crm_cards")


def _recreate(autoincrement: bool) -> None:
    if not dialect_of(op.get_bind()).reuses_deleted_ids:
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _recreate(True)


def downgrade() -> None:
    _recreate(False)
