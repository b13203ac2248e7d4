"""Associations v4 shapes, named after HubSpot's OpenAPI schemas.

Record ids inside ``from``/``to`` objects are strings; ``toObjectId`` and
``fromObjectId`` are JSON numbers, as HubSpot's v4 answers send them.
"""

from __future__ import annotations

from msgspec import Struct

from localspot.wire.errors import StandardError
from localspot.wire.objects import AssociationSpec, ForwardPaging, PublicObjectId


class PublicDefaultAssociationMultiPost(Struct, rename={"from_": "from"}):
    from_: PublicObjectId
    to: PublicObjectId


class BatchInputPublicDefaultAssociationMultiPost(Struct):
    inputs: list[PublicDefaultAssociationMultiPost]


class PublicAssociationMultiPost(Struct, rename={"from_": "from"}):
    from_: PublicObjectId
    to: PublicObjectId
    types: list[AssociationSpec]


class BatchInputPublicAssociationMultiPost(Struct):
    inputs: list[PublicAssociationMultiPost]


class PublicFetchAssociationsBatchRequest(Struct):
    id: str | int
    after: str | None = None


class BatchInputPublicFetchAssociationsBatchRequest(Struct):
    inputs: list[PublicFetchAssociationsBatchRequest]


class PublicAssociationMultiArchive(Struct, rename={"from_": "from"}):
    from_: PublicObjectId
    to: list[PublicObjectId]


class BatchInputPublicAssociationMultiArchive(Struct):
    inputs: list[PublicAssociationMultiArchive]


class AssociationSpecWithLabel(Struct, rename="camel"):
    category: str
    type_id: int
    label: str | None


class MultiAssociatedObjectWithLabel(Struct, rename="camel"):
    to_object_id: int
    association_types: list[AssociationSpecWithLabel]


class CollectionResponseMultiAssociatedObjectWithLabelForwardPaging(Struct, omit_defaults=True):
    results: list[MultiAssociatedObjectWithLabel]
    paging: ForwardPaging | None = None


class LabelsBetweenObjectPair(Struct, rename="camel"):
    from_object_type_id: str
    from_object_id: int
    to_object_type_id: str
    to_object_id: int
    labels: list[str]


class PublicDefaultAssociation(
    Struct, rename={"from_": "from", "association_spec": "associationSpec"}
):
    from_: PublicObjectId
    to: PublicObjectId
    association_spec: AssociationSpec


class PublicAssociationMultiWithLabel(Struct, rename={"from_": "from"}, omit_defaults=True):
    from_: PublicObjectId
    to: list[MultiAssociatedObjectWithLabel]


class BatchResponseLabelsBetweenObjectPair(Struct, rename="camel", omit_defaults=True):
    status: str
    results: list[LabelsBetweenObjectPair]
    started_at: str
    completed_at: str
    num_errors: int | None = None
    errors: list[StandardError] | None = None


class BatchResponsePublicDefaultAssociation(Struct, rename="camel", omit_defaults=True):
    status: str
    results: list[PublicDefaultAssociation]
    started_at: str
    completed_at: str
    num_errors: int | None = None
    errors: list[StandardError] | None = None


class BatchResponsePublicAssociationMultiWithLabel(Struct, rename="camel", omit_defaults=True):
    status: str
    results: list[PublicAssociationMultiWithLabel]
    started_at: str
    completed_at: str
    num_errors: int | None = None
    errors: list[StandardError] | None = None


class CollectionResponseAssociationSpecWithLabelNoPaging(Struct):
    results: list[AssociationSpecWithLabel]


class PublicAssociationDefinitionCreateRequest(Struct, rename="camel"):
    label: str
    name: str
    inverse_label: str | None = None


class PublicAssociationDefinitionUpdateRequest(Struct, rename="camel"):
    association_type_id: int
    label: str
    inverse_label: str | None = None


class ReportCreationResponse(Struct, rename="camel"):
    enqueue_time: str
    user_email: str
    user_id: int


class PublicAssociationDefinitionConfigurationCreateRequest(Struct, rename="camel"):
    category: str
    type_id: int
    max_to_object_ids: int


class BatchInputPublicAssociationDefinitionConfigurationCreateRequest(Struct):
    inputs: list[PublicAssociationDefinitionConfigurationCreateRequest]


class PublicAssociationDefinitionConfigurationUpdateRequest(Struct, rename="camel"):
    category: str
    type_id: int
    max_to_object_ids: int


class BatchInputPublicAssociationDefinitionConfigurationUpdateRequest(Struct):
    inputs: list[PublicAssociationDefinitionConfigurationUpdateRequest]


class PublicAssociationSpec(Struct, rename="camel"):
    category: str
    type_id: int


class BatchInputPublicAssociationSpec(Struct):
    inputs: list[PublicAssociationSpec]


class PublicAssociationDefinitionUserConfiguration(Struct, rename="camel", omit_defaults=True):
    category: str
    type_id: int
    user_enforced_max_to_object_ids: int | None = None
    label: str | None = None


class PublicAssociationDefinitionConfigurationUpdateResult(Struct, rename="camel"):
    category: str
    type_id: int
    user_enforced_max_to_object_ids: int


class CollectionResponsePublicAssociationDefinitionUserConfigurationNoPaging(Struct):
    results: list[PublicAssociationDefinitionUserConfiguration]


class BatchResponsePublicAssociationDefinitionUserConfiguration(
    Struct, rename="camel", omit_defaults=True
):
    status: str
    results: list[PublicAssociationDefinitionUserConfiguration]
    started_at: str
    completed_at: str
    num_errors: int | None = None
    errors: list[StandardError] | None = None


class BatchResponsePublicAssociationDefinitionConfigurationUpdateResult(
    Struct, rename="camel", omit_defaults=True
):
    status: str
    results: list[PublicAssociationDefinitionConfigurationUpdateResult]
    started_at: str
    completed_at: str
    num_errors: int | None = None
    errors: list[StandardError] | None = None
