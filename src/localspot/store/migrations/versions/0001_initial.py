"""The first schema: portals, tokens, properties, groups, objects, history, unique values.

Revision ID: 0001
Revises:
"""

from alembic import op

from localspot.store.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    "portals",
    "tokens",
    "properties",
    "property_groups",
    "objects",
    "property_history",
    "unique_values",
)


def upgrade() -> None:
    bind = op.get_bind()
    for name in TABLES:
        metadata.tables[name].create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for name in reversed(TABLES):
        metadata.tables[name].drop(bind)
