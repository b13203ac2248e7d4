"""The definitions role: a portal's custom properties and property groups per object type.

The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from localspot.crm.model import PropertyDefinition, PropertyGroup

PropertyCreated = Literal["created", "name_taken", "too_many_unique"]
"""What ``create_properties`` did with one property: wrote it, found the name taken, or
found the type already holding its most unique-value properties."""


class DefinitionsStorage(Protocol):
    async def custom_properties(
        self, portal_id: int, type_id: str, *, archived: bool = False
    ) -> Sequence[PropertyDefinition]: ...

    async def create_properties(
        self,
        portal_id: int,
        type_id: str,
        definitions: Sequence[PropertyDefinition],
        *,
        max_unique: int,
    ) -> list[PropertyCreated]:
        """Insert new custom properties, all in one transaction, and say what became of each
        (in order). A unique-value one is refused when the type already has ``max_unique``
        live unique custom properties, counted in the same transaction with those created
        before it in this call (two concurrent creates can't both take the last place)."""
        ...

    async def save_properties(
        self, portal_id: int, type_id: str, definitions: Sequence[PropertyDefinition]
    ) -> None:
        """Replace custom properties (or insert them), all in one transaction."""
        ...

    async def property_groups(self, portal_id: int, type_id: str) -> Sequence[PropertyGroup]: ...

    async def save_property_group(
        self, portal_id: int, type_id: str, group: PropertyGroup
    ) -> None: ...

    async def delete_property_group(self, portal_id: int, type_id: str, name: str) -> None: ...
