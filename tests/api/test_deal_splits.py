"""Deal splits (hubspot-behaviour §14.5) through the official Python SDK
(``client.crm.objects.deal_splits.batch_api``) with its client-side validation on: upsert
replaces a deal's splits and batch read returns them; bad percentages, unknown or archived
owners, a deal owner missing from the splits and unknown deals are refused whole with
nothing written; splits are per portal and travel in snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import AdminServer, shared_admin
from hubspot import Client
from hubspot.crm.objects.deal_splits import (
    ApiException,
    BatchInputPublicObjectId,
    PublicDealSplitInput,
    PublicDealSplitsBatchCreateRequest,
    PublicDealSplitsCreateRequest,
    PublicObjectId,
)

from conftest import Server, assert_hubspot_error, assert_sdk_error

DEALS = "/crm/v3/objects/deals"
SPLITS = f"{DEALS}/splits/batch"
INVALID = "Deal splits are invalid for some deals. Nothing was written."


@pytest.fixture(scope="module")
def spot(server: Server) -> Iterator[AdminServer]:
    yield from shared_admin(server)


def make_owner(spot: AdminServer, portal_id: int, email: str) -> int:
    response = spot.admin.post(f"/_localspot/portals/{portal_id}/owners", json={"email": email})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


class Portal:
    def __init__(self, spot: AdminServer) -> None:
        self.id, self.crm = spot.new_portal()
        self.ann = make_owner(spot, self.id, "ann@example.com")
        self.cy = make_owner(spot, self.id, "cy@example.com")
        self.bob = make_owner(spot, self.id, "bob@example.com")
        gone = spot.admin.post(f"/_localspot/portals/{self.id}/owners/{self.bob}/archive")
        assert gone.status_code == 204, gone.text
        token = self.crm.headers["Authorization"].removeprefix("Bearer ")
        self.sdk = Client.create(access_token=token, host=spot.base_url)

    def deal(self, **properties: str) -> int:
        body = {"properties": {"dealname": "Deal", **properties}}
        response = self.crm.post(DEALS, json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    @property
    def api(self) -> Any:
        return self.sdk.crm.objects.deal_splits.batch_api


@pytest.fixture
def portal(spot: AdminServer) -> Portal:
    return Portal(spot)


def upsert_body(*deals: tuple[int, list[tuple[int, float]]]) -> PublicDealSplitsBatchCreateRequest:
    return PublicDealSplitsBatchCreateRequest(
        inputs=[
            PublicDealSplitsCreateRequest(
                id=deal,
                splits=[PublicDealSplitInput(owner_id=o, percentage=p) for o, p in splits],
            )
            for deal, splits in deals
        ]
    )


def read_splits(portal: Portal, *deals: int) -> dict[str, list[tuple[str, str]]]:
    ids = BatchInputPublicObjectId(inputs=[PublicObjectId(id=str(d)) for d in deals])
    response = portal.api.read(ids)
    assert response.status == "COMPLETE"
    return {
        r.id: [
            (s.properties["hubspot_owner_id"], s.properties["hs_deal_split_percentage"])
            for s in r.splits
        ]
        for r in response.results
    }


def test_upsert_then_batch_read_returns_each_deals_splits(portal: Portal) -> None:
    first, second, bare = (
        portal.deal(hubspot_owner_id=str(portal.ann)),
        portal.deal(),
        portal.deal(),
    )
    written = portal.api.upsert(
        upsert_body((first, [(portal.ann, 0.6), (portal.cy, 0.4)]), (second, [(portal.cy, 1.0)]))
    )
    assert [r.id for r in written.results] == [str(first), str(second)]
    assert all(s.id and s.created_at for r in written.results for s in r.splits)
    assert read_splits(portal, first, second, bare) == {
        str(first): [(str(portal.ann), "0.6"), (str(portal.cy), "0.4")],
        str(second): [(str(portal.cy), "1")],
        str(bare): [],
    }


def test_upsert_replaces_a_deals_splits(portal: Portal) -> None:
    deal = portal.deal()
    portal.api.upsert(upsert_body((deal, [(portal.ann, 0.5), (portal.cy, 0.5)])))
    portal.api.upsert(upsert_body((deal, [(portal.cy, 0.25), (portal.ann, 0.75)])))
    assert read_splits(portal, deal) == {
        str(deal): [(str(portal.cy), "0.25"), (str(portal.ann), "0.75")]
    }


def test_batch_read_of_unknown_deal_is_a_multi_status(portal: Portal) -> None:
    deal = portal.deal()
    response = portal.crm.post(f"{SPLITS}/read", json={"inputs": [{"id": str(deal)}, {"id": "9"}]})
    assert response.status_code == 207, response.text
    body = response.json()
    assert body["results"] == [{"id": str(deal), "splits": []}]
    assert body["numErrors"] == 1
    error = body["errors"][0]
    assert (error["category"], error["context"]) == ("OBJECT_NOT_FOUND", {"ids": ["9"]})


def refused(portal: Portal, body: PublicDealSplitsBatchCreateRequest, *errors: Any) -> None:
    with pytest.raises(ApiException) as raised:
        portal.api.upsert(body)
    assert_sdk_error(
        raised.value,
        400,
        message=INVALID,
        category="VALIDATION_ERROR",
        context={},
        errors=list(errors),
    )


def detail(deal: int | str, message: str, code: str) -> dict[str, Any]:
    return {"message": message, "code": code, "context": {"id": [str(deal)]}}


def test_bad_percentages_are_refused_and_nothing_is_written(portal: Portal) -> None:
    good, short, fine, small = portal.deal(), portal.deal(), portal.deal(), portal.deal()
    portal.api.upsert(upsert_body((good, [(portal.ann, 1.0)])))
    refused(
        portal,
        upsert_body(
            (good, [(portal.ann, 0.5), (portal.cy, 0.5)]),
            (short, [(portal.ann, 0.5), (portal.cy, 0.4)]),
            (fine, [(portal.ann, 1.5), (portal.cy, -0.5)]),
            (small, [(portal.ann, 0.123456789), (portal.cy, 0.876543211)]),
        ),
        detail(short, "Deal split percentages must sum up to 1.0 (100%), got 0.9",
               "INVALID_SPLIT_PERCENTAGE_SUM"),
        detail(fine, "Each deal split percentage must be greater than 0 and at most 1.0",
               "INVALID_SPLIT_PERCENTAGE"),
        detail(small, "Deal split percentages may have up to 8 decimal places",
               "INVALID_SPLIT_PERCENTAGE"),
    )  # fmt: skip
    assert read_splits(portal, good, short) == {str(good): [(str(portal.ann), "1")], str(short): []}


def test_unknown_and_archived_owners_and_a_missing_deal_owner_are_refused(
    portal: Portal, spot: AdminServer
) -> None:
    other_id, _ = spot.new_portal()
    foreign = make_owner(spot, other_id, "x@example.com")
    owned, other = portal.deal(hubspot_owner_id=str(portal.ann)), portal.deal()
    refused(
        portal,
        upsert_body(
            (owned, [(portal.cy, 1.0)]),
            (other, [(portal.bob, 0.5), (foreign + 1000, 0.5)]),
        ),
        detail(owned, f"The deal owner {portal.ann} must be included as a split owner",
               "DEAL_OWNER_NOT_IN_SPLITS"),
        detail(other, f"{portal.bob} is not a valid owner id", "INVALID_OWNER_ID"),
        detail(other, f"{foreign + 1000} is not a valid owner id", "INVALID_OWNER_ID"),
    )  # fmt: skip
    assert read_splits(portal, owned, other) == {str(owned): [], str(other): []}


def test_unknown_deals_and_duplicates_are_refused(portal: Portal) -> None:
    deal = portal.deal()
    archived = portal.deal()
    assert portal.crm.delete(f"{DEALS}/{archived}").status_code == 204
    refused(
        portal,
        upsert_body((deal, [(portal.ann, 1.0)]), (archived, [(portal.ann, 1.0)]),
                    (99999999, [(portal.ann, 0.5), (portal.ann, 0.5)])),
        detail(99999999, "Each owner may appear once in a deal's splits", "DUPLICATE_OWNER"),
        detail(archived, f"Deal {archived} does not exist", "OBJECT_NOT_FOUND"),
        detail(99999999, "Deal 99999999 does not exist", "OBJECT_NOT_FOUND"),
    )  # fmt: skip
    refused(
        portal,
        upsert_body((deal, [(portal.ann, 1.0)]), (deal, [(portal.cy, 1.0)])),
        {"message": "Duplicate IDs found in batch input", "code": "DUPLICATE_ID",
         "context": {"ids": [str(deal)]}},
    )  # fmt: skip
    assert read_splits(portal, deal) == {str(deal): []}


def test_splits_are_per_portal(portal: Portal, spot: AdminServer) -> None:
    deal = portal.deal()
    portal.api.upsert(upsert_body((deal, [(portal.ann, 1.0)])))
    stranger = Portal(spot)
    response = stranger.crm.post(f"{SPLITS}/read", json={"inputs": [{"id": str(deal)}]})
    assert response.status_code == 207
    assert response.json()["results"] == []
    refused(
        stranger,
        upsert_body((deal, [(stranger.ann, 1.0)])),
        detail(deal, f"Deal {deal} does not exist", "OBJECT_NOT_FOUND"),
    )
    assert read_splits(portal, deal) == {str(deal): [(str(portal.ann), "1")]}


def test_snapshot_and_restore_carry_splits(portal: Portal, spot: AdminServer) -> None:
    deal = portal.deal()
    portal.api.upsert(upsert_body((deal, [(portal.ann, 0.3), (portal.cy, 0.7)])))
    taken = spot.admin.get(f"/_localspot/portals/{portal.id}/snapshot")
    assert taken.status_code == 200
    saved = [(s["dealId"], s["ownerId"], s["percentage"]) for s in taken.json()["dealSplits"]]
    assert saved == [(deal, portal.ann, "0.3"), (deal, portal.cy, "0.7")]
    portal.api.upsert(upsert_body((deal, [(portal.cy, 1.0)])))
    headers = {"content-type": "application/json"}
    put = spot.admin.put(
        f"/_localspot/portals/{portal.id}/snapshot", content=taken.content, headers=headers
    )
    assert put.status_code == 204, put.text
    assert read_splits(portal, deal) == {
        str(deal): [(str(portal.ann), "0.3"), (str(portal.cy), "0.7")]
    }
    reset = spot.admin.post(f"/_localspot/portals/{portal.id}/reset", json={})
    assert reset.status_code in (200, 204), reset.text
    assert spot.admin.get(f"/_localspot/portals/{portal.id}/snapshot").json()["dealSplits"] == []


def test_splits_of_other_types_and_missing_scope_are_refused(
    portal: Portal, spot: AdminServer
) -> None:
    response = portal.crm.post(
        "/crm/v3/objects/contacts/splits/batch/read", json={"inputs": [{"id": "1"}]}
    )
    assert_hubspot_error(
        response,
        400,
        message="Deal splits exist only for deals, not contacts",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )
    token = spot.server.new_token("--portal", str(portal.id), "--scopes", "crm.objects.deals.read")
    with httpx.Client(base_url=spot.base_url, headers={"Authorization": f"Bearer {token}"}) as c:
        denied = c.post(f"{SPLITS}/read", json={"inputs": [{"id": "1"}]})
    assert denied.status_code == 403
    assert denied.json()["category"] == "MISSING_SCOPES"
