"""Pipelines: the ``pipelines``, ``pipeline_stages`` and ``pipeline_audits`` tables of
``localspot.store.schema``; every existing portal gets the default pipelines.

Revision ID: 0004
Revises: 0003
"""

from alembic import op
from sqlalchemy import select

from localspot.store import pipelines_sql
from localspot.store.schema import pipeline_audits, pipeline_stages, pipelines, portals

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    for table in (pipelines, pipeline_stages, pipeline_audits):
        table.create(conn)
    for portal_id in conn.execute(select(portals.c.id)).scalars().all():
        pipelines_sql.write_defaults(conn, portal_id)


def downgrade() -> None:
    conn = op.get_bind()
    for table in (pipeline_audits, pipeline_stages, pipelines):
        table.drop(conn)
