"""Deal splits, as functions of a ``Connection`` run inside the caller's transaction.

Split ids are numbered per portal (the portal's highest id plus one), like owners' ids, so
a restored snapshot keeps its ids without touching another portal's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence

from sqlalchemy import Connection, delete, func, insert, select

from localspot.crm.deal_splits_storage import DealSplit, NewSplit
from localspot.store.schema import deal_splits

c = deal_splits.c


def _split(row: object) -> DealSplit:
    return DealSplit(
        row.id,  # type: ignore[attr-defined]
        row.deal_id,  # type: ignore[attr-defined]
        row.owner_id,  # type: ignore[attr-defined]
        row.percentage,  # type: ignore[attr-defined]
        row.created_at,  # type: ignore[attr-defined]
        row.updated_at,  # type: ignore[attr-defined]
    )


def splits_of(
    conn: Connection, portal_id: int, deal_ids: Collection[int]
) -> dict[int, list[DealSplit]]:
    found: dict[int, list[DealSplit]] = defaultdict(list)
    if not deal_ids:
        return found
    rows = conn.execute(
        select(deal_splits)
        .where(c.portal_id == portal_id, c.deal_id.in_(sorted(deal_ids)))
        .order_by(c.deal_id, c.id)
    )
    for row in rows:
        found[row.deal_id].append(_split(row))
    return dict(found)


def all_splits(conn: Connection, portal_id: int) -> list[DealSplit]:
    rows = conn.execute(select(deal_splits).where(c.portal_id == portal_id).order_by(c.id))
    return [_split(row) for row in rows]


def replace_splits(
    conn: Connection, portal_id: int, wanted: Mapping[int, Sequence[NewSplit]], at: int
) -> dict[int, list[DealSplit]]:
    if not wanted:
        return {}
    delete_splits(conn, portal_id, wanted.keys())
    top = conn.execute(select(func.max(c.id)).where(c.portal_id == portal_id)).scalar()
    next_id = (top or 0) + 1
    rows = []
    for deal_id, splits in wanted.items():
        for split in splits:
            rows.append(DealSplit(next_id, deal_id, split.owner_id, split.percentage, at, at))
            next_id += 1
    write_splits(conn, portal_id, rows)
    return splits_of(conn, portal_id, wanted.keys())


def write_splits(conn: Connection, portal_id: int, found: Iterable[DealSplit]) -> None:
    rows = [
        {
            "portal_id": portal_id,
            "id": s.id,
            "deal_id": s.deal_id,
            "owner_id": s.owner_id,
            "percentage": s.percentage,
            "created_at": s.created_at,
            "updated_at": s.updated_at,
        }
        for s in found
    ]
    if rows:
        conn.execute(insert(deal_splits), rows)


def delete_splits(conn: Connection, portal_id: int, deal_ids: Collection[int]) -> None:
    """The splits of ``deal_ids`` (a deal purged or merged away loses its splits)."""
    if deal_ids:
        conn.execute(
            delete(deal_splits).where(c.portal_id == portal_id, c.deal_id.in_(sorted(deal_ids)))
        )
