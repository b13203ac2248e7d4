"""Search shapes, named after HubSpot's schemas."""

from __future__ import annotations

from msgspec import Struct, field

from localspot.wire.objects import SimplePublicObject

FilterValue = str | int | float | bool


class Filter(Struct, rename="camel"):
    property_name: str
    operator: str
    value: FilterValue | None = None
    high_value: FilterValue | None = None
    values: list[FilterValue] | None = None


class FilterGroup(Struct):
    filters: list[Filter]


class SortRule(Struct, rename="camel"):
    property_name: str
    direction: str = "ASCENDING"


class PublicObjectSearchRequest(Struct, rename="camel"):
    filter_groups: list[FilterGroup] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)
    sorts: list[SortRule | str] = field(default_factory=list)
    query: str | None = None
    properties: list[str] = field(default_factory=list)
    limit: int = 10
    after: str | int | None = None


class NextPage(Struct, omit_defaults=True):
    after: str
    link: str | None = None


class ForwardPaging(Struct, omit_defaults=True):
    next: NextPage | None = None


class CollectionResponseWithTotalSimplePublicObject(Struct, omit_defaults=True):
    total: int
    results: list[SimplePublicObject]
    paging: ForwardPaging | None = None
