"""Record and batch shapes, named exactly after HubSpot's OpenAPI schemas.

Inputs accept any JSON scalar for a property value or an id (HubSpot's own examples send
numbers); judging values is the domain's job, never this module's.
"""

from __future__ import annotations

from msgspec import Struct, field

from localspot.wire.errors import StandardError

PropertyValue = str | int | float | bool | None


class AssociationSpec(Struct, rename="camel"):
    association_category: str
    association_type_id: int


class PublicObjectId(Struct):
    id: str | int


class PublicAssociationsForObject(Struct):
    to: PublicObjectId
    types: list[AssociationSpec]


class SimplePublicObjectInput(Struct, rename="camel"):
    properties: dict[str, PropertyValue]
    object_write_trace_id: str | None = None


class SimplePublicObjectInputForCreate(Struct, rename="camel"):
    properties: dict[str, PropertyValue]
    associations: list[PublicAssociationsForObject] = field(default_factory=list)
    object_write_trace_id: str | None = None


class SimplePublicObjectBatchInputForCreate(SimplePublicObjectInputForCreate):
    pass


class SimplePublicObjectBatchInput(Struct, rename="camel"):
    id: str | int
    properties: dict[str, PropertyValue]
    id_property: str | None = None
    object_write_trace_id: str | None = None


class SimplePublicObjectBatchInputUpsert(SimplePublicObjectBatchInput):
    pass


class SimplePublicObjectId(Struct):
    id: str | int


class BatchInputSimplePublicObjectBatchInput(Struct):
    inputs: list[SimplePublicObjectBatchInput]


class BatchInputSimplePublicObjectBatchInputForCreate(Struct):
    inputs: list[SimplePublicObjectBatchInputForCreate]


class BatchInputSimplePublicObjectBatchInputUpsert(Struct):
    inputs: list[SimplePublicObjectBatchInputUpsert]


class BatchInputSimplePublicObjectId(Struct):
    inputs: list[SimplePublicObjectId]


class BatchReadInputSimplePublicObjectId(Struct, rename="camel"):
    inputs: list[SimplePublicObjectId]
    properties: list[str] = field(default_factory=list)
    properties_with_history: list[str] = field(default_factory=list)
    id_property: str | None = None


class ValueWithTimestamp(Struct, rename="camel", omit_defaults=True):
    value: str
    timestamp: str
    source_type: str
    source_id: str | None = None
    source_label: str | None = None
    updated_by_user_id: int | None = None


class AssociatedId(Struct):
    id: str
    type: str


class NextPage(Struct, omit_defaults=True):
    after: str
    link: str | None = None


class ForwardPaging(Struct, omit_defaults=True):
    next: NextPage | None = None


class CollectionResponseAssociatedId(Struct, omit_defaults=True):
    results: list[AssociatedId]
    paging: ForwardPaging | None = None


class SimplePublicObject(Struct, rename="camel", omit_defaults=True):
    id: str
    properties: dict[str, str | None]
    created_at: str
    updated_at: str
    archived: bool
    archived_at: str | None = None
    properties_with_history: dict[str, list[ValueWithTimestamp]] | None = None
    object_write_trace_id: str | None = None


class SimplePublicObjectWithAssociations(SimplePublicObject):
    associations: dict[str, CollectionResponseAssociatedId] | None = None


class SimplePublicUpsertObject(SimplePublicObject, kw_only=True):
    new: bool


class BatchResponseSimplePublicObject(Struct, rename="camel", omit_defaults=True):
    status: str
    results: list[SimplePublicObject]
    started_at: str
    completed_at: str
    requested_at: str | None = None
    links: dict[str, str] = field(default_factory=dict)


class BatchResponseSimplePublicObjectWithErrors(BatchResponseSimplePublicObject):
    num_errors: int = 0
    errors: list[StandardError] = field(default_factory=list)


class BatchResponseSimplePublicUpsertObject(Struct, rename="camel", omit_defaults=True):
    status: str
    results: list[SimplePublicUpsertObject]
    started_at: str
    completed_at: str
    requested_at: str | None = None
    links: dict[str, str] = field(default_factory=dict)


class BatchResponseSimplePublicUpsertObjectWithErrors(BatchResponseSimplePublicUpsertObject):
    num_errors: int = 0
    errors: list[StandardError] = field(default_factory=list)


class CollectionResponseSimplePublicObjectWithAssociationsForwardPaging(Struct, omit_defaults=True):
    results: list[SimplePublicObjectWithAssociations]
    paging: ForwardPaging | None = None


class PublicMergeInput(Struct, rename="camel"):
    primary_object_id: str
    object_id_to_merge: str


class PublicGdprDeleteInput(Struct, rename="camel"):
    object_id: str
    id_property: str | None = None
