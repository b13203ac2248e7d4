"""How claimed outbox rows become delivery requests: one app and portal a request, at most
100 events, a row never split, each row in the first request with room for it."""

from __future__ import annotations

from localspot.crm.webhook_delivery import MAX_EVENTS_PER_REQUEST, batches
from localspot.crm.webhook_outbox_storage import OutboxRow


def _row(row_id: int, events: int, app: int = 1, portal: int = 10) -> OutboxRow:
    return OutboxRow(row_id, portal, app, "{}", events, 0, 1, "http://127.0.0.1/h", 10, "s")


def _shape(rows: list[OutboxRow]) -> list[list[int]]:
    return [[r.id for r in b.rows] for b in batches(rows)]


def test_the_short_last_rows_of_several_writes_share_a_request() -> None:
    # two writes of 340 events each: rows of 100, 100, 100 and 40
    rows = [_row(i, 40 if i % 4 == 3 else 100) for i in range(8)]
    assert _shape(rows) == [[0], [1], [2], [3, 7], [4], [5], [6]]
    assert all(b.event_count <= MAX_EVENTS_PER_REQUEST for b in batches(rows))


def test_a_row_goes_to_the_first_request_with_room_and_never_past_100() -> None:
    rows = [_row(1, 60), _row(2, 50), _row(3, 40), _row(4, 10), _row(5, 100)]
    assert _shape(rows) == [[1, 3], [2, 4], [5]]


def test_apps_and_portals_never_share_a_request() -> None:
    rows = [_row(1, 10), _row(2, 10, app=2), _row(3, 10, portal=11), _row(4, 10)]
    assert _shape(rows) == [[1, 4], [2], [3]]
    assert [b.event_count for b in batches(rows)] == [20, 10, 10]
