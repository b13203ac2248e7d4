"""The ``list_versions`` table of ``localspot.store.schema``: a token of each portal's
DYNAMIC lists, renewed whenever they change, so that writes read the lists they follow
only when the token is not the one a process read them with. Portals that have lists get
a token now.

Revision ID: 0015
Revises: 0014
"""

import secrets

from alembic import op
from sqlalchemy import text

from localspot.store.list_versions import TOKEN_BITS
from localspot.store.schema import list_versions

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    list_versions.create(bind)
    portals = bind.execute(text("SELECT DISTINCT portal_id FROM lists")).scalars().all()
    if portals:
        bind.execute(
            list_versions.insert(),
            [{"portal_id": p, "token": secrets.randbits(TOKEN_BITS)} for p in portals],
        )


def downgrade() -> None:
    list_versions.drop(op.get_bind())
