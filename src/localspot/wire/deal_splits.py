"""Deal splits' shapes, named after HubSpot's deal splits API schemas."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct, field

from localspot.wire.errors import StandardError
from localspot.wire.objects import SimplePublicObject

OwnerId = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]


class PublicDealSplitInput(Struct, rename="camel"):
    owner_id: OwnerId
    percentage: float


class PublicDealSplitsCreateRequest(Struct, rename="camel"):
    id: int | str
    splits: list[PublicDealSplitInput]


class PublicDealSplitsBatchCreateRequest(Struct, rename="camel"):
    inputs: list[PublicDealSplitsCreateRequest]


class DealToDealSplits(Struct, rename="camel"):
    id: str
    splits: list[SimplePublicObject]


class BatchResponseDealToDealSplits(Struct, rename="camel", omit_defaults=True):
    status: str
    results: list[DealToDealSplits]
    started_at: str
    completed_at: str
    requested_at: str | None = None
    links: dict[str, str] | None = None


class BatchResponseDealToDealSplitsWithErrors(BatchResponseDealToDealSplits):
    num_errors: int = 0
    errors: list[StandardError] = field(default_factory=list)
