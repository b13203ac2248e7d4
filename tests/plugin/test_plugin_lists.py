"""The ``localspot`` fixture and lists: made through the official SDK, carried by the
fixture's snapshots, gone after the per-test reset."""

from __future__ import annotations

from hubspot.crm.lists import ListCreateRequest, ListFolderCreateRequest, ListSearchRequest

from localspot.testing import LocalSpot


def make(localspot: LocalSpot, name: str) -> str:
    request = ListCreateRequest(name=name, object_type_id="0-1", processing_type="MANUAL")
    return str(localspot.client.crm.lists.lists_api.create(request).list.list_id)


def search(localspot: LocalSpot) -> list[str]:
    found = localspot.client.crm.lists.lists_api.do_search(
        ListSearchRequest(offset=0, additional_properties=[])
    )
    return [x.name for x in found.lists]


def test_a_snapshot_brings_lists_and_members_back(localspot: LocalSpot) -> None:
    contact = localspot.client.crm.contacts.basic_api.create(
        {"properties": {"email": "ann@example.com"}}
    )
    list_id = make(localspot, "Kept")
    localspot.client.crm.lists.memberships_api.add(list_id=list_id, request_body=[contact.id])
    saved = localspot.snapshot()
    localspot.client.crm.lists.lists_api.remove(list_id=list_id)
    assert search(localspot) == []
    localspot.restore(saved)
    page = localspot.client.crm.lists.memberships_api.get_page(list_id=list_id)
    assert [m.record_id for m in page.results] == [contact.id]


def test_each_test_starts_without_lists_or_folders(localspot: LocalSpot) -> None:
    assert search(localspot) == []
    assert localspot.client.crm.lists.folders_api.get_all().folder.child_nodes == []
    make(localspot, "Left behind")
    localspot.client.crm.lists.folders_api.create(ListFolderCreateRequest(name="Left behind"))


def test_the_next_test_starts_without_them_again(localspot: LocalSpot) -> None:
    assert search(localspot) == []
    assert make(localspot, "Left behind") == "1"
