"""Teams: the ``teams`` and ``owner_teams`` tables of ``localspot.store.schema``.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from localspot.store.schema import owner_teams, teams

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    teams.create(op.get_bind())
    owner_teams.create(op.get_bind())


def downgrade() -> None:
    owner_teams.drop(op.get_bind())
    teams.drop(op.get_bind())
