"""Merging contacts and companies (hubspot-behaviour §14.3) through the official SDK and HTTP,
and the GDPR delete of contacts (§14.4): what survives, what answers, and the errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conftest import assert_hubspot_error, assert_sdk_error, object_not_found

OBJECTS = "/crm/v3/objects"


def create(http: httpx.Client, type_name: str, **properties: str) -> str:
    response = http.post(f"{OBJECTS}/{type_name}", json={"properties": properties})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def link(http: httpx.Client, from_type: str, from_id: str, to_type: str, to_id: str) -> None:
    response = http.put(
        f"/crm/v4/objects/{from_type}/{from_id}/associations/default/{to_type}/{to_id}"
    )
    assert response.status_code == 200, response.text


def linked_ids(http: httpx.Client, from_type: str, from_id: str, to_type: str) -> list[str]:
    response = http.get(f"/crm/v4/objects/{from_type}/{from_id}/associations/{to_type}")
    assert response.status_code == 200, response.text
    return sorted(str(r["toObjectId"]) for r in response.json()["results"])


def search_ids(http: httpx.Client, type_name: str, name: str, value: str) -> list[str]:
    body = {
        "filterGroups": [{"filters": [{"propertyName": name, "operator": "EQ", "value": value}]}]
    }
    response = http.post(f"{OBJECTS}/{type_name}/search", json=body)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["results"]]


def test_sdk_merges_contacts_keeping_values_associations_and_history(
    portal_http: httpx.Client, portal_sdk: Any
) -> None:
    from hubspot.crm.contacts import PublicMergeInput

    primary = create(portal_http, "contacts", email="keep@merge.example", firstname="Kim")
    other = create(
        portal_http, "contacts", email="gone@merge.example", firstname="Old", city="Oslo"
    )
    patched = portal_http.patch(
        f"{OBJECTS}/contacts/{other}", json={"properties": {"firstname": "Older"}}
    )
    assert patched.status_code == 200, patched.text
    company = create(portal_http, "companies", name="Merge Co")
    link(portal_http, "contacts", other, "companies", company)

    merged = portal_sdk.crm.contacts.basic_api.merge(
        PublicMergeInput(primary_object_id=primary, object_id_to_merge=other)
    )
    assert merged.id == primary
    assert merged.properties["hs_merged_object_ids"] == other
    got = portal_http.get(
        f"{OBJECTS}/contacts/{primary}",
        params={"properties": "firstname,city,email", "propertiesWithHistory": "firstname"},
    ).json()
    assert (got["properties"]["firstname"], got["properties"]["city"]) == ("Kim", "Oslo")
    assert got["properties"]["email"] == "keep@merge.example"
    assert {"Older", "Old", "Kim"} <= {
        h["value"] for h in got["propertiesWithHistory"]["firstname"]
    }
    via_old = portal_http.get(f"{OBJECTS}/contacts/{other}")
    assert via_old.status_code == 200 and via_old.json()["id"] == primary
    assert linked_ids(portal_http, "contacts", primary, "companies") == [company]
    assert linked_ids(portal_http, "companies", company, "contacts") == [primary]
    assert search_ids(portal_http, "contacts", "city", "Oslo") == [primary]
    archived = portal_http.get(f"{OBJECTS}/contacts", params={"archived": "true"}).json()
    assert other not in [r["id"] for r in archived["results"]]


def test_companies_merge_through_the_generic_path(portal_http: httpx.Client) -> None:
    primary = create(portal_http, "companies", name="A")
    other = create(portal_http, "companies", name="B", domain="b.example")
    response = portal_http.post(
        f"{OBJECTS}/0-2/merge", json={"primaryObjectId": primary, "objectIdToMerge": other}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == primary
    assert body["properties"]["domain"] == "b.example"
    assert body["properties"]["name"] == "A"


def test_merging_a_record_with_itself_is_400(portal_sdk: Any, portal_http: httpx.Client) -> None:
    from hubspot.crm.contacts import ApiException, PublicMergeInput

    one = create(portal_http, "contacts", firstname="Self")
    with pytest.raises(ApiException) as raised:
        portal_sdk.crm.contacts.basic_api.merge(
            PublicMergeInput(primary_object_id=one, object_id_to_merge=one)
        )
    assert_sdk_error(
        raised.value,
        400,
        message="Cannot merge an object with itself: "
        "primaryObjectId and objectIdToMerge are equal.",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )


@pytest.mark.parametrize("case", ["missing", "archived", "other type"])
def test_merging_with_a_missing_archived_or_foreign_record_is_404(
    portal_http: httpx.Client, case: str
) -> None:
    primary = create(portal_http, "contacts", firstname="P")
    if case == "missing":
        other = "999999999"
    elif case == "other type":
        other = create(portal_http, "companies", name="Not a contact")
    else:
        other = create(portal_http, "contacts", firstname="A")
        assert portal_http.delete(f"{OBJECTS}/contacts/{other}").status_code == 204
    before = portal_http.get(f"{OBJECTS}/contacts/{primary}").json()
    response = portal_http.post(
        f"{OBJECTS}/contacts/merge", json={"primaryObjectId": primary, "objectIdToMerge": other}
    )
    assert_hubspot_error(response, 404, **object_not_found(other))
    assert portal_http.get(f"{OBJECTS}/contacts/{primary}").json() == before


def test_gdpr_delete_by_id_leaves_no_trace(portal_http: httpx.Client, portal_sdk: Any) -> None:
    from hubspot.crm.contacts import PublicGdprDeleteInput

    contact = create(portal_http, "contacts", email="erase@gdpr.example", city="Bergen")
    company = create(portal_http, "companies", name="Gdpr Co")
    link(portal_http, "companies", company, "contacts", contact)
    assert search_ids(portal_http, "contacts", "city", "Bergen") == [contact]

    portal_sdk.crm.contacts.basic_api.purge(PublicGdprDeleteInput(object_id=contact))

    assert_hubspot_error(
        portal_http.get(f"{OBJECTS}/contacts/{contact}"), 404, **object_not_found(contact)
    )
    assert_hubspot_error(
        portal_http.get(f"{OBJECTS}/contacts/{contact}", params={"archived": "true"}),
        404,
        **object_not_found(contact),
    )
    archived = portal_http.get(f"{OBJECTS}/contacts", params={"archived": "true"}).json()
    assert contact not in [r["id"] for r in archived["results"]]
    assert search_ids(portal_http, "contacts", "city", "Bergen") == []
    assert linked_ids(portal_http, "companies", company, "contacts") == []
    again = create(portal_http, "contacts", email="erase@gdpr.example")
    assert again != contact


def test_gdpr_delete_by_email_and_unknown_values(portal_http: httpx.Client) -> None:
    contact = create(portal_http, "contacts", email="mail@gdpr.example")
    url = f"{OBJECTS}/contacts/gdpr-delete"
    by_email = portal_http.post(url, json={"objectId": "mail@gdpr.example", "idProperty": "email"})
    assert by_email.status_code == 204, by_email.text
    assert portal_http.get(f"{OBJECTS}/contacts/{contact}").status_code == 404
    unknown_email = portal_http.post(
        url, json={"objectId": "no@gdpr.example", "idProperty": "email"}
    )
    assert unknown_email.status_code == 204, unknown_email.text
    unknown_id = portal_http.post(url, json={"objectId": "999999999"})
    assert_hubspot_error(unknown_id, 404, **object_not_found("999999999"))


def test_gdpr_delete_also_erases_an_archived_contact(portal_http: httpx.Client) -> None:
    contact = create(portal_http, "contacts", firstname="Binned")
    assert portal_http.delete(f"{OBJECTS}/contacts/{contact}").status_code == 204
    response = portal_http.post(f"{OBJECTS}/contacts/gdpr-delete", json={"objectId": contact})
    assert response.status_code == 204, response.text
    archived = portal_http.get(f"{OBJECTS}/contacts", params={"archived": "true"}).json()
    assert contact not in [r["id"] for r in archived["results"]]


def test_gdpr_delete_is_for_contacts_only(portal_http: httpx.Client) -> None:
    response = portal_http.post(f"{OBJECTS}/companies/gdpr-delete", json={"objectId": "1"})
    assert_hubspot_error(
        response,
        405,
        message="HTTP method POST is not supported by this resource",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )


def test_batch_read_of_a_merged_away_id_returns_the_merged_record(
    portal_http: httpx.Client,
) -> None:
    """As a GET does (§14.3), batch read answers a merged-away id with the record it was
    merged into, under that record's id; an id that never existed is still a 207 error."""
    primary = create(portal_http, "contacts", email="one@batchmerge.example")
    other = create(portal_http, "contacts", email="two@batchmerge.example")
    merged = portal_http.post(
        f"{OBJECTS}/contacts/merge", json={"primaryObjectId": primary, "objectIdToMerge": other}
    )
    assert merged.status_code == 200, merged.text
    body = {"inputs": [{"id": other}, {"id": "999999999"}], "properties": ["email"]}
    response = portal_http.post(f"{OBJECTS}/contacts/batch/read", json=body)
    assert response.status_code == 207, response.text
    got = response.json()
    assert [(r["id"], r["properties"]["email"]) for r in got["results"]] == [
        (primary, "one@batchmerge.example")
    ]
    assert [e["context"] for e in got["errors"]] == [{"ids": ["999999999"]}]
    both = {"inputs": [{"id": primary}, {"id": other}]}
    once = portal_http.post(f"{OBJECTS}/contacts/batch/read", json=both)
    assert once.status_code == 200, once.text
    assert [r["id"] for r in once.json()["results"]] == [primary]
