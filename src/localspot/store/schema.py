"""The tables, shared by SQLite and PostgreSQL (SQLAlchemy Core; Alembic migrates them).

Every row carries ``portal_id`` so that a portal can be the shard key when one
PostgreSQL is not enough. Times are epoch milliseconds (BIGINT). Property maps are JSON
(TEXT on SQLite, JSONB on PostgreSQL); ``unique_values`` makes the database itself
enforce unique-value properties.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

JsonMap = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants BIGINT identity.
RecordId = BigInteger().with_variant(Integer(), "sqlite")

portals = Table(
    "portals",
    metadata,
    Column("id", RecordId, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("tier", String(40), nullable=False, server_default="free"),
    Column("timezone", String(64), nullable=False, server_default="UTC"),
    Column("created_at", BigInteger, nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("portal_id", RecordId, ForeignKey("portals.id"), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("kind", String(20), nullable=False, server_default="private_app"),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=True),
    Column("revoked_at", BigInteger, nullable=True),
)

properties = Table(
    "properties",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("object_type", String(32), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("definition", JsonMap, nullable=False),
    Column("archived", Boolean, nullable=False, server_default="0"),
)

property_groups = Table(
    "property_groups",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("object_type", String(32), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("label", String(200), nullable=False),
    Column("display_order", Integer, nullable=False, server_default="-1"),
)

objects = Table(
    "objects",
    metadata,
    Column("id", RecordId, primary_key=True, autoincrement=True),
    Column("portal_id", RecordId, nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("properties", JsonMap, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("archived", Boolean, nullable=False, server_default="0"),
    Column("archived_at", BigInteger, nullable=True),
    Index("ix_objects_portal_type_id", "portal_id", "object_type", "archived", "id"),
)

property_history = Table(
    "property_history",
    metadata,
    Column("seq", RecordId, primary_key=True, autoincrement=True),
    Column("portal_id", RecordId, nullable=False),
    Column("object_id", BigInteger, nullable=False),
    Column("name", String(100), nullable=False),
    Column("value", Text, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("source_type", String(40), nullable=False),
    Column("source_id", String(200), nullable=True),
    Index("ix_history_object_name", "object_id", "name", "seq"),
)

unique_values = Table(
    "unique_values",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("object_type", String(32), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("value", String(400), primary_key=True),
    Column("object_id", BigInteger, nullable=False),
    Index("ix_unique_values_object", "object_id"),
)

property_index = Table(
    "property_index",
    metadata,
    Column("portal_id", RecordId, nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("object_id", BigInteger, nullable=False),
    Column("name", String(100), nullable=False),
    Column("num_value", Float(precision=53), nullable=True),
    Column("str_value", Text, nullable=True),
    Index("ix_index_num", "portal_id", "object_type", "name", "num_value", "object_id"),
    Index("ix_index_str", "portal_id", "object_type", "name", "str_value", "object_id"),
    Index("ix_index_object", "object_id", "name"),
)
"""Search's typed copy of every live record's values (see ``crm/search.py``)."""

# Byte order on PostgreSQL too, so that a word prefix is one index range (as on SQLite).
Word = String(100).with_variant(String(100, collation="C"), "postgresql")

property_tokens = Table(
    "property_tokens",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("object_type", String(32), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("token", Word, primary_key=True),
    Column("object_id", BigInteger, primary_key=True),
    Index("ix_tokens_object", "object_id", "name"),
    sqlite_with_rowid=False,  # the primary key is the word index: one B-tree less per word
)
"""The words of every live record's text values: ``CONTAINS_TOKEN`` and ``query``."""

id_sequences = Table(
    "id_sequences",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("seed", BigInteger, nullable=False),
    Column("next_position", BigInteger, nullable=False),
)
"""Portals whose new record ids come from a seeded sequence (see ``store/id_sequences.py``)."""

associations = Table(
    "associations",
    metadata,
    Column("portal_id", RecordId, nullable=False),
    Column("from_type", String(32), nullable=False),
    Column("from_id", BigInteger, primary_key=True),
    Column("to_type", String(32), primary_key=True),
    Column("to_id", BigInteger, primary_key=True),
    Column("type_id", Integer, primary_key=True),
    Column("category", String(32), nullable=False),
    Index("ix_associations_portal", "portal_id"),
    sqlite_with_rowid=False,
)
"""Links between records, one row per direction (the reverse row has the reverse type):
a record's links to one object type are one range of the primary key, from either end."""

index_queue = Table(
    "index_queue",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("object_type", String(32), primary_key=True),
    Column("object_id", BigInteger, primary_key=True),
    sqlite_with_rowid=False,
)
"""Records written since search's index last saw them (see ``store/search_index.py``)."""

owners = Table(
    "owners",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("user_id", BigInteger, nullable=False),
    Column("email", String(254), nullable=False),
    Column("first_name", String(100), nullable=False, server_default=""),
    Column("last_name", String(100), nullable=False, server_default=""),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("archived", Boolean, nullable=False, server_default="0"),
    Index("ix_owners_email", "portal_id", "email"),
)
"""A portal's owners (its users); ids are numbered per portal (see ``store/owners_sql.py``).
Added by migration 0002."""

teams = Table(
    "teams",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("archived", Boolean, nullable=False, server_default="0"),
)
"""A portal's teams of owners; ids are numbered per portal. Added by migration 0003."""

owner_teams = Table(
    "owner_teams",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("owner_id", BigInteger, primary_key=True, autoincrement=False),
    Column("team_id", BigInteger, primary_key=True, autoincrement=False),
    Column("is_primary", Boolean, nullable=False, server_default="0"),
    Index("ix_owner_teams_team", "portal_id", "team_id"),
)
"""Which owners are on which teams; at most one team per owner is its primary one.
Added by migration 0003."""

pipelines = Table(
    "pipelines",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("object_type", String(32), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("label", String(255), nullable=False),
    Column("display_order", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("archived", Boolean, nullable=False, server_default="0"),
    Column("archived_at", BigInteger, nullable=True),
    Column("number", BigInteger, nullable=True),
)
"""A portal's pipelines per object type; ``number`` is a generated id as a number (see
``store/pipelines_sql.py``). Added by migration 0004."""

pipeline_stages = Table(
    "pipeline_stages",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("object_type", String(32), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("pipeline_id", String(64), nullable=False),
    Column("label", String(255), nullable=False),
    Column("display_order", Integer, nullable=False),
    Column("metadata", JsonMap, nullable=False),
    Column("write_permissions", String(40), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("archived", Boolean, nullable=False, server_default="0"),
    Column("archived_at", BigInteger, nullable=True),
    Column("number", BigInteger, nullable=True),
)
"""The stages of the pipelines; a stage id is unique per portal and object type (it is the
value of the records' stage property). Added by migration 0004."""

pipeline_audits = Table(
    "pipeline_audits",
    metadata,
    Column("id", RecordId, primary_key=True, autoincrement=True),
    Column("portal_id", RecordId, nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("pipeline_id", String(64), nullable=False),
    Column("stage_id", String(64), nullable=True),
    Column("action", String(16), nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("raw_object", JsonMap, nullable=False),
    Index("ix_pipeline_audits_pipeline", "portal_id", "object_type", "pipeline_id"),
)
"""Changes of pipelines (``stage_id`` NULL) and stages, for the audit endpoints. Added by
migration 0004."""

object_schemas = Table(
    "object_schemas",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("number", BigInteger, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("definition", JsonMap, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("archived", Boolean, nullable=False, server_default="0"),
    Column("archived_at", BigInteger, nullable=True),
    UniqueConstraint("portal_id", "name", name="uq_object_schemas_name"),
)
"""A portal's custom object types (``2-<number>``); ``name`` is stored lower-case, so a
name is taken in any case; ``definition`` holds labels, display and required properties.
Added by migration 0005."""

association_definitions = Table(
    "association_definitions",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("type_id", BigInteger, primary_key=True),
    Column("from_type", String(32), nullable=False),
    Column("to_type", String(32), nullable=False),
    Column("name", String(255), nullable=False),
    Column("label", String(255), nullable=True),
    Column("category", String(32), nullable=False),
    Column("inverse_type_id", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)
"""A portal's own association types, one row per direction (``label`` NULL for a pair's
default type). Added by migration 0005."""

deal_splits = Table(
    "deal_splits",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("deal_id", BigInteger, nullable=False),
    Column("owner_id", BigInteger, nullable=False),
    Column("percentage", String(40), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_deal_splits_deal", "portal_id", "deal_id", "id"),
)
"""Each deal's split of credit between owners; ids are numbered per portal (see
``store/deal_splits_sql.py``). Added by migration 0007."""

association_limits = Table(
    "association_limits",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("from_type", String(32), primary_key=True),
    Column("to_type", String(32), primary_key=True),
    Column("type_id", BigInteger, primary_key=True),
    Column("category", String(32), nullable=False),
    Column("max_to_object_ids", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)
"""A portal's association limits: at most ``max_to_object_ids`` records of ``to_type``
linked by ``type_id`` to one record of ``from_type``. Added by migration 0006."""

lists = Table(
    "lists",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("legacy_id", BigInteger, nullable=True),
    Column("name", String(255), nullable=False),
    Column("name_key", Text, nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("processing_type", String(16), nullable=False),
    Column("processing_status", String(16), nullable=False),
    Column("filter_branch", JsonMap, nullable=True),
    Column("folder_id", BigInteger, nullable=False, server_default="0"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("size", BigInteger, nullable=False, server_default="0"),
    Column("extra", JsonMap, nullable=True),
    Column("conversion", JsonMap, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("filters_updated_at", BigInteger, nullable=True),
    Column("deleted_at", BigInteger, nullable=True),
    Column("last_added_at", BigInteger, nullable=True),
    Column("last_removed_at", BigInteger, nullable=True),
    Index("ix_lists_kind", "portal_id", "object_type", "processing_type"),
    Index(
        "uq_lists_live_name",
        "portal_id",
        "name_key",
        unique=True,
        sqlite_where=text("deleted_at IS NULL"),
        postgresql_where=text("deleted_at IS NULL"),
    ),
)
"""A portal's lists (hubspot-behaviour §16); ids are numbered per portal. ``name_key`` is
the name in lower case: a live list's name is taken in any case. ``size`` is kept up to date
in the transaction of every membership change, so reading it costs no count (PostgreSQL's
record writes add theirs as rows of ``list_size_changes``, which reads add to it).
``ix_lists_kind`` finds the DYNAMIC lists of a type, which a record write re-evaluates.
Added by migration 0008."""

list_versions = Table(
    "list_versions",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("token", BigInteger, nullable=False),
)
"""A token of a portal's DYNAMIC lists as writes follow them (``store/list_versions.py``):
a fresh random number whenever a list is created, changed, deleted, restored or written by
a snapshot restore, and when a reset removes them. A process keeps the lists it read under
the token it read with them, and a write reads only the token while it is the same. No
row: the portal's lists are read on every write. Added by migration 0015."""

list_folders = Table(
    "list_folders",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(255), nullable=False),
    Column("parent_id", BigInteger, nullable=False, server_default="0"),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("contents_updated_at", BigInteger, nullable=False),
)
"""A portal's list folders; ids are numbered per portal, the root folder (0) is implied.
Added by migration 0008."""

list_memberships = Table(
    "list_memberships",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("list_id", BigInteger, primary_key=True, autoincrement=False),
    Column("record_id", BigInteger, primary_key=True, autoincrement=False),
    Column("added_at", BigInteger, nullable=False),
    Index("ix_list_memberships_join_order", "portal_id", "list_id", "added_at", "record_id"),
    Index("ix_list_memberships_record", "portal_id", "record_id", "list_id"),
    sqlite_with_rowid=False,
)
"""Which records are in which list: the primary key pages a list by record id, the join
order index by the time records were added, the record index finds a record's lists.
Added by migration 0008."""

list_fills = Table(
    "list_fills",
    metadata,
    Column("portal_id", RecordId, primary_key=True),
    Column("list_id", BigInteger, primary_key=True, autoincrement=False),
    Column("token", Integer, nullable=False),
    Column("after", BigInteger, nullable=False, server_default="0"),
    Column("held_until", BigInteger, nullable=True),
    Column("refill", Boolean, nullable=False, server_default="0"),
)
"""The fills of SNAPSHOT and DYNAMIC lists not finished yet (``store/list_fill_sql.py``): a
row per list whose ``processingStatus`` is ``PROCESSING``. ``token`` names the fill (the
list's version when its filters were last set), ``after`` is the record id it has reached,
``held_until`` when the process working on it lets go unless it renews its hold (wall-clock
epoch ms; NULL: nobody holds it), ``refill`` whether the list may hold members that no
longer match (its filters changed): then a slice also removes them. Added by migration
0010."""
