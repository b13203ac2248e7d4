"""Custom object types: the ``object_schemas`` and ``association_definitions`` tables of
``localspot.store.schema``.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

from localspot.store.schema import association_definitions, object_schemas

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    for table in (object_schemas, association_definitions):
        table.create(conn)


def downgrade() -> None:
    conn = op.get_bind()
    for table in (association_definitions, object_schemas):
        table.drop(conn)
