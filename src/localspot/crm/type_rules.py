"""Rules of single object types that their data files cannot say (hubspot-behaviour §14.2):
a lead is created associated with a contact or a company, and a line item takes its
product's name and price and derives its ``amount``. Types without a rule cost nothing."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from localspot.crm import batch_rules
from localspot.crm.context import CrmContext
from localspot.crm.errors import ValidationError
from localspot.crm.links_storage import LinkTarget
from localspot.crm.model import InputError
from localspot.crm.records_storage import RecordsStorage

LEADS, LINE_ITEMS, PRODUCTS = "0-136", "0-8", "0-7"
LEAD_TARGETS = frozenset({"0-1", "0-2"})
LEAD_UNASSOCIATED = "A lead must be associated with a contact or a company when it is created."


def check_links(type_id: str, links: Sequence[tuple[LinkTarget, ...]]) -> None:
    """A whole-request 400 when a lead would be created without a contact or company."""
    if type_id == LEADS and any(not LEAD_TARGETS & {t.to_type for t in own} for own in links):
        raise ValidationError(LEAD_UNASSOCIATED)


def _number(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def line_item_amount(values: dict[str, str]) -> str | None:
    """quantity × (price − discount), where the discount is the per-unit ``discount`` or
    ``hs_discount_percentage`` percent of the price; None without a price."""
    price = _number(values.get("price"))
    if price is None:
        return None
    quantity = _number(values.get("quantity"))
    quantity = Decimal(1) if quantity is None else quantity
    percent = _number(values.get("hs_discount_percentage"))
    discount = price * percent / 100 if percent is not None else _number(values.get("discount"))
    return _text(quantity * (price - (discount or Decimal(0))))


async def derive(
    ctx: CrmContext[RecordsStorage], created: Sequence[dict[str, str]]
) -> list[dict[str, str]]:
    """The values to store for records being created (one product read for line items)."""
    if ctx.object_type.type_id != LINE_ITEMS:
        return list(created)
    wanted = {batch_rules.parse_record_id(v.get("hs_product_id", "")) for v in created}
    ids = {i for i in wanted if i is not None}
    products = await ctx.store.read_records(ctx.portal_id, PRODUCTS, ids) if ids else {}
    out = []
    for values in created:
        product_id = batch_rules.parse_record_id(values.get("hs_product_id", ""))
        product = products.get(product_id) if product_id is not None else None
        filled = dict(values)
        for name in ("name", "price"):
            if product is not None and name not in filled and product.properties.get(name):
                filled[name] = product.properties[name]
        amount = line_item_amount(filled)
        if amount is not None:
            filled["amount"] = amount
        out.append(filled)
    return out


PRICING = frozenset({"price", "quantity", "discount", "hs_discount_percentage"})
"""The line-item properties ``amount`` follows."""


async def derive_updates(
    ctx: CrmContext[RecordsStorage], changes: Sequence[tuple[int, dict[str, str]]]
) -> list[dict[str, str]]:
    """The values to store for updates of existing records: a line item whose pricing changes
    gets the ``amount`` of its stored values overlaid with the new ones (one read of those
    records; no read for other types or inputs that leave the pricing alone)."""
    values = [dict(v) for _, v in changes]
    if ctx.object_type.type_id != LINE_ITEMS:
        return values
    touched = {record_id for record_id, v in changes if PRICING & v.keys()}
    if not touched:
        return values
    stored = await ctx.store.read_records(ctx.portal_id, LINE_ITEMS, touched)
    for (record_id, _), filled in zip(changes, values, strict=True):
        if record_id in touched and record_id in stored:
            amount = line_item_amount({**stored[record_id].properties, **filled})
            if amount is not None:
                filled["amount"] = amount
    return values


def unassociated_lead(trace_id: str | None) -> InputError:
    return InputError("VALIDATION_ERROR", LEAD_UNASSOCIATED, batch_rules.trace_context(trace_id))


def refuse_unassociated_creates(type_id: str, creating: Sequence[bool]) -> frozenset[int]:
    """The positions of upsert inputs that would create a lead: an upsert carries no
    associations, so such an input is refused like a create without one."""
    if type_id != LEADS:
        return frozenset()
    return frozenset(i for i, new in enumerate(creating) if new)
