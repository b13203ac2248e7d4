"""The deal splits role: each deal's split of credit between owners (hubspot-behaviour §14.5).

A deal's splits are replaced as a whole; ids are numbered per portal from 1, so a restored
snapshot never clashes with another portal. The rules every role keeps are in
``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class DealSplit:
    id: int
    deal_id: int
    owner_id: int
    percentage: str
    """The share as a decimal string (``"0.5"``), exactly as checked."""
    created_at: int
    updated_at: int


@dataclass(frozen=True, slots=True)
class NewSplit:
    owner_id: int
    percentage: str


class DealSplitsStorage(Protocol):
    async def deal_splits(
        self, portal_id: int, deal_ids: Collection[int]
    ) -> Mapping[int, Sequence[DealSplit]]:
        """The splits of each of ``deal_ids`` that has any, in the order they were written."""
        ...

    async def replace_deal_splits(
        self, portal_id: int, splits: Mapping[int, Sequence[NewSplit]], at: int
    ) -> Mapping[int, Sequence[DealSplit]]:
        """One transaction: each deal's splits become ``splits[deal]`` (the old ones go)."""
        ...
