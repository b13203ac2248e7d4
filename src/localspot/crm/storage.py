"""The whole store, for wiring only (``app.py``, the CLI): every role plus ``close``.

Use cases never ask for this: each asks for the roles it uses, defined beside it with the
value types that cross them (``accounts_storage``, ``definitions_storage``,
``records_storage``, ``search_storage``, ``links_storage``, ``portal_admin_storage``,
``owners_storage``, ``pipelines_storage``, ``teams_storage``, ``merges_storage``,
``schemas_storage``, ``association_labels_storage``, ``deal_splits_storage``,
``association_limits_storage``, ``lists_storage``, ``list_memberships_storage``,
``apps_storage``, ``webhooks_storage``, ``list_fill_storage``, ``timeline_storage``,
``extension_settings_storage``, ``jobs_storage``, ``webhook_outbox_storage``,
``inspector_storage``). A new capability adds a role of its own and one line here.

Rules every implementation of every role keeps:

1. each write method is one transaction: all of it is written, or none of it;
2. facts are reported as return values (ids missing or archived, unique values held by
   another record); the domain decides which HubSpot error they become;
3. no ``HubSpotError`` is raised here: a store knows nothing of HTTP or HubSpot's bodies;
   a value the database cannot hold is ``StoreRejected``.

Times are epoch milliseconds.
"""

from __future__ import annotations

from typing import Protocol

from localspot.crm.accounts_storage import AccountsStorage
from localspot.crm.apps_storage import AppsStorage
from localspot.crm.association_labels_storage import AssociationLabelsStorage
from localspot.crm.association_limits_storage import AssociationLimitsStorage
from localspot.crm.card_migrations_storage import CardMigrationsStorage
from localspot.crm.deal_splits_storage import DealSplitsStorage
from localspot.crm.definitions_storage import DefinitionsStorage
from localspot.crm.extension_settings_storage import ExtensionSettingsStorage
from localspot.crm.inspector_storage import InspectorStorage
from localspot.crm.jobs_storage import ExportReadsStorage, JobsStorage, JobWritesStorage
from localspot.crm.links_storage import LinksStorage
from localspot.crm.list_fill_storage import ListFillStorage
from localspot.crm.list_memberships_storage import ListMembershipsStorage
from localspot.crm.lists_storage import ListsStorage
from localspot.crm.merges_storage import MergesStorage
from localspot.crm.owners_storage import OwnersStorage
from localspot.crm.pipelines_storage import PipelinesStorage
from localspot.crm.portal_admin_storage import PortalAdminStorage
from localspot.crm.records_storage import RecordsStorage
from localspot.crm.schemas_storage import SchemasStorage
from localspot.crm.search_storage import SearchIndexStorage
from localspot.crm.teams_storage import TeamsStorage
from localspot.crm.timeline_storage import TimelineStorage
from localspot.crm.webhook_outbox_storage import WebhookOutboxStorage
from localspot.crm.webhooks_storage import WebhooksStorage


class StoreRejected(Exception):
    """The database refused a value it cannot hold (too long, a NUL character...): the
    transaction was rolled back and nothing was written."""


class Store(
    AccountsStorage,
    DefinitionsStorage,
    RecordsStorage,
    SearchIndexStorage,
    LinksStorage,
    MergesStorage,
    PortalAdminStorage,
    OwnersStorage,
    PipelinesStorage,
    TeamsStorage,
    SchemasStorage,
    AssociationLabelsStorage,
    DealSplitsStorage,
    AssociationLimitsStorage,
    ListsStorage,
    ListMembershipsStorage,
    AppsStorage,
    WebhooksStorage,
    ListFillStorage,
    TimelineStorage,
    ExtensionSettingsStorage,
    CardMigrationsStorage,
    JobsStorage,
    JobWritesStorage,
    ExportReadsStorage,
    WebhookOutboxStorage,
    InspectorStorage,
    Protocol,
):
    async def close(self) -> None: ...
