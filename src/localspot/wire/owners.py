"""HubSpot's Owners API v3 shapes, named after HubSpot's schemas."""

from __future__ import annotations

from msgspec import Struct


class PublicTeam(Struct, rename="camel"):
    id: str
    name: str
    primary: bool


class PublicOwner(Struct, rename="camel"):
    id: str
    email: str
    first_name: str
    last_name: str
    user_id: int
    user_id_including_inactive: int
    created_at: str
    updated_at: str
    archived: bool
    type: str = "PERSON"
    teams: list[PublicTeam] = []
    """The owner's live teams, its primary team first."""


class NextPage(Struct, rename="camel"):
    after: str
    link: str | None = None


class ForwardPaging(Struct, rename="camel", omit_defaults=True):
    next: NextPage | None = None


class CollectionResponsePublicOwnerForwardPaging(Struct, rename="camel", omit_defaults=True):
    results: list[PublicOwner]
    paging: ForwardPaging | None = None
