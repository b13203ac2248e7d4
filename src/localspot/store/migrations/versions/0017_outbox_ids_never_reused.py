"""The ``webhook_outbox`` of ``localspot.store.webhook_outbox_schema`` with ids that are
never used again (SQLite's ``AUTOINCREMENT``), so an event's ``eventId`` (the row's id
times 100 plus its position) is never one an earlier event had. PostgreSQL's sequence never
gave an id twice: nothing changes there.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

from localspot.store.dialect import dialect_of

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _recreate(autoincrement: bool) -> None:
    if not dialect_of(op.get_bind()).reuses_deleted_ids:
        return
    with op.batch_alter_table(
        "webhook_outbox", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def upgrade() -> None:
    _recreate(True)


def downgrade() -> None:
    _recreate(False)
