"""Associations v3 shapes (``/crm/v3/associations/...``), named after HubSpot's OpenAPI
schemas. Record ids are strings; a link's ``type`` is the v3 type name
(``contact_to_company_unlabeled``) and a type's ``id`` its numeric id as a string.
"""

from __future__ import annotations

from msgspec import Struct

from localspot.wire.errors import StandardError
from localspot.wire.objects import AssociatedId, PublicObjectId


class PublicAssociation(Struct, rename={"from_": "from"}):
    from_: PublicObjectId
    to: PublicObjectId
    type: str


class BatchInputPublicAssociation(Struct):
    inputs: list[PublicAssociation]


class BatchInputPublicObjectId(Struct):
    inputs: list[PublicObjectId]


class PublicAssociationMulti(Struct, rename={"from_": "from"}):
    from_: PublicObjectId
    to: list[AssociatedId]


class BatchResponsePublicAssociation(Struct, rename="camel", omit_defaults=True):
    status: str
    results: list[PublicAssociation]
    started_at: str
    completed_at: str
    num_errors: int | None = None
    errors: list[StandardError] | None = None


class BatchResponsePublicAssociationMulti(Struct, rename="camel", omit_defaults=True):
    status: str
    results: list[PublicAssociationMulti]
    started_at: str
    completed_at: str
    num_errors: int | None = None
    errors: list[StandardError] | None = None


class PublicAssociationDefinition(Struct):
    id: str
    name: str


class CollectionResponsePublicAssociationDefinitionNoPaging(Struct):
    results: list[PublicAssociationDefinition]
