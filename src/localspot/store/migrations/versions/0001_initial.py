"""The first schema: every table of ``localspot.store.schema``.

Until the first release this one revision creates the whole schema; from then on each
change gets a revision of its own.

Revision ID: 0001
Revises:
"""

from alembic import op
from sqlalchemy import Table

from localspot.store.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


LATER = frozenset(
    {
        "owners",
        "teams",
        "owner_teams",
        "pipelines",
        "pipeline_stages",
        "pipeline_audits",
        "object_schemas",
        "association_definitions",
        "deal_splits",
        "association_limits",
        "lists",
        "list_folders",
        "list_memberships",
        "apps",
        "app_installs",
        "webhook_settings",
        "webhook_subscriptions",
        "list_fills",
        "timeline_event_templates",
        "timeline_events",
        "extension_settings",
        "crm_cards",
        "crm_card_migrations",
        "jobs",
        "import_errors",
        "webhook_outbox",
        "webhook_claims",
        "webhook_deliveries",
        "list_versions",
        "list_size_changes",
    }
)
"""Tables later revisions add: this revision keeps creating the schema as it first stood."""


def _first_tables() -> list[Table]:
    return [t for t in metadata.sorted_tables if t.name not in LATER]


def upgrade() -> None:
    metadata.create_all(op.get_bind(), tables=_first_tables())


def downgrade() -> None:
    metadata.drop_all(op.get_bind(), tables=_first_tables())
