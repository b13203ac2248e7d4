"""Deal splits: batch read and batch upsert of each deal's split of credit (§14.5).

An upsert checks every input before it writes: percentages are positive, have at most
8 decimal places and add up to exactly 1; owners are live owners of the portal and appear
once per deal; the deal exists and its owner (when it has one) is among the split owners.
Any failure refuses the whole request (400) and nothing is written, as HubSpot's guide says
("If any deals included in the batch request fail validation ..., the request will result
in an error"). A batch read answers 207 for ids that are not live deals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from localspot.crm import batch_rules
from localspot.crm.context import CrmContext
from localspot.crm.deal_splits_storage import DealSplit, DealSplitsStorage, NewSplit
from localspot.crm.errors import ErrorDetail, ValidationError
from localspot.crm.model import InputError, ObjectType, Record
from localspot.crm.owners_storage import OwnerIdsStorage
from localspot.crm.records_storage import RecordsStorage

DEALS = "0-3"
DEAL_OWNER = "hubspot_owner_id"
MAX_DECIMALS = 8
ONE = Decimal(1)
MAX_OWNER_ID = 2**63 - 1
INVALID_MESSAGE = "Deal splits are invalid for some deals. Nothing was written."


class DealSplitsUseCaseStorage(DealSplitsStorage, RecordsStorage, OwnerIdsStorage, Protocol):
    """Splits, the deals they belong to, and which owners are live."""


@dataclass(frozen=True, slots=True)
class SplitsInput:
    deal_id: str
    splits: tuple[tuple[int, str], ...]
    """(owner id, percentage as the request wrote it)."""


@dataclass(frozen=True, slots=True)
class SplitsOutcome:
    results: tuple[tuple[int, tuple[DealSplit, ...]], ...]
    errors: tuple[InputError, ...]
    started_at: int
    completed_at: int


def _percentage(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def percentage_problems(deal: str, splits: Sequence[tuple[int, str]]) -> list[ErrorDetail]:
    """What is wrong with a deal's percentages and owner list (no lookups)."""
    context = {"id": [deal]}
    problems: list[ErrorDetail] = []
    values = [_percentage(raw) for _, raw in splits]
    if any(v is None or v <= 0 or v > ONE for v in values):
        problems.append(
            ErrorDetail(
                "Each deal split percentage must be greater than 0 and at most 1.0",
                "INVALID_SPLIT_PERCENTAGE",
                context,
            )
        )
    elif any(_decimals(v) > MAX_DECIMALS for v in values if v is not None):
        problems.append(
            ErrorDetail(
                f"Deal split percentages may have up to {MAX_DECIMALS} decimal places",
                "INVALID_SPLIT_PERCENTAGE",
                context,
            )
        )
    elif sum(v for v in values if v is not None) != ONE:
        total = _text(sum((v for v in values if v is not None), Decimal(0)))
        problems.append(
            ErrorDetail(
                f"Deal split percentages must sum up to 1.0 (100%), got {total}",
                "INVALID_SPLIT_PERCENTAGE_SUM",
                context,
            )
        )
    owners = [owner for owner, _ in splits]
    if len(set(owners)) != len(owners):
        problems.append(
            ErrorDetail("Each owner may appear once in a deal's splits", "DUPLICATE_OWNER", context)
        )
    return problems


def _deal_problems(
    raw: str, deal: Record | None, owners: Sequence[int], live: frozenset[int]
) -> list[ErrorDetail]:
    """What the stored deal and owners say about one input."""
    context = {"id": [raw]}
    if deal is None:
        return [ErrorDetail(f"Deal {raw} does not exist", "OBJECT_NOT_FOUND", context)]
    problems = [
        ErrorDetail(f"{owner} is not a valid owner id", "INVALID_OWNER_ID", context)
        for owner in dict.fromkeys(owners)
        if owner not in live
    ]
    deal_owner = deal.properties.get(DEAL_OWNER, "")
    if deal_owner and batch_rules.parse_record_id(deal_owner) not in owners:
        problems.append(
            ErrorDetail(
                f"The deal owner {deal_owner} must be included as a split owner",
                "DEAL_OWNER_NOT_IN_SPLITS",
                context,
            )
        )
    return problems


def _check_type(object_type: ObjectType) -> None:
    if object_type.type_id != DEALS:
        raise ValidationError(f"Deal splits exist only for deals, not {object_type.name}")


async def _live_deals(
    ctx: CrmContext[DealSplitsUseCaseStorage], raw_ids: Sequence[str]
) -> dict[str, Record]:
    ids = {raw: batch_rules.parse_record_id(raw) for raw in raw_ids}
    wanted = {i for i in ids.values() if i is not None}
    found = await ctx.store.read_records(ctx.portal_id, DEALS, wanted) if wanted else {}
    return {raw: found[i] for raw, i in ids.items() if i is not None and i in found}


async def batch_read(
    ctx: CrmContext[DealSplitsUseCaseStorage], ids: Sequence[str]
) -> SplitsOutcome:
    """Each live deal's splits (none: an empty list); the other ids are 207 errors."""
    started_at = ctx.clock.now_ms()
    _check_type(ctx.object_type)
    batch_rules.check_batch_size(len(ids), ctx.max_batch_inputs)
    deals = await _live_deals(ctx, ids)
    deal_ids = list(dict.fromkeys(deals[raw].id for raw in ids if raw in deals))
    splits = await ctx.store.deal_splits(ctx.portal_id, deal_ids) if deal_ids else {}
    missing = [(raw, None) for raw in dict.fromkeys(ids) if raw not in deals]
    return SplitsOutcome(
        tuple((i, tuple(splits.get(i, ()))) for i in deal_ids),
        batch_rules.not_found_errors(ctx.object_type, missing),
        started_at,
        ctx.clock.now_ms(),
    )


def _input_problems(inputs: Sequence[SplitsInput]) -> list[ErrorDetail]:
    problems = [p for i in inputs for p in percentage_problems(i.deal_id, i.splits)]
    seen = [str(batch_rules.parse_record_id(i.deal_id) or i.deal_id) for i in inputs]
    duplicates = sorted({d for d in seen if seen.count(d) > 1})
    if duplicates:
        problems.append(
            ErrorDetail("Duplicate IDs found in batch input", "DUPLICATE_ID", {"ids": duplicates})
        )
    return problems


async def batch_upsert(
    ctx: CrmContext[DealSplitsUseCaseStorage], inputs: Sequence[SplitsInput]
) -> SplitsOutcome:
    """Replace each input deal's splits with the given ones, or refuse all of them."""
    started_at = ctx.clock.now_ms()
    _check_type(ctx.object_type)
    batch_rules.check_batch_size(len(inputs), ctx.max_batch_inputs)
    problems = _input_problems(inputs)
    deals = await _live_deals(ctx, [i.deal_id for i in inputs])
    owners = {o for i in inputs for o, _ in i.splits if 0 < o <= MAX_OWNER_ID}
    live = await ctx.store.live_owner_ids(ctx.portal_id, owners) if owners else frozenset()
    for i in inputs:
        split_owners = [owner for owner, _ in i.splits]
        problems += _deal_problems(i.deal_id, deals.get(i.deal_id), split_owners, live)
    if problems:
        raise ValidationError(INVALID_MESSAGE, details=problems)
    wanted: Mapping[int, Sequence[NewSplit]] = {
        deals[i.deal_id].id: [NewSplit(o, _text(Decimal(p))) for o, p in i.splits] for i in inputs
    }
    written = await ctx.store.replace_deal_splits(ctx.portal_id, wanted, ctx.clock.now_ms())
    return SplitsOutcome(
        tuple((deal, tuple(written.get(deal, ()))) for deal in wanted),
        (),
        started_at,
        ctx.clock.now_ms(),
    )
