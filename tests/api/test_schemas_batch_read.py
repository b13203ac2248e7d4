"""``POST /crm-object-schemas/v3/schemas/batch/read`` (the Node SDK's
``crm.schemas`` ``BatchApi``): custom object schemas by type id, fully qualified or plain
name, in the order asked, unknown ones left out, the include flags honoured, at every path
the Schemas API answers; a bad body is HubSpot's 400."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from schema_support import ALIAS, SCHEMAS, car_body, create_schema

from conftest import assert_hubspot_error

EVERYTHING = {
    "includePropertyDefinitions": True,
    "includeAssociationDefinitions": True,
    "includeAuditMetadata": True,
}
NOTHING = dict.fromkeys(EVERYTHING, False)


@pytest.fixture(scope="module")
def two(portal_http: httpx.Client) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        create_schema(portal_http, car_body("batch_cars")),
        create_schema(portal_http, car_body("batch_vans", associatedObjects=["COMPANY"])),
    )


def batch_read(
    http: httpx.Client, inputs: list[str], flags: dict[str, bool], prefix: str = SCHEMAS
) -> list[dict[str, Any]]:
    response = http.post(f"{prefix}/batch/read", json={"inputs": inputs, **flags})
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["results"]
    results: list[dict[str, Any]] = body["results"]
    return results


def test_schemas_are_read_in_the_order_asked_and_unknown_ones_left_out(
    portal_http: httpx.Client, two: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    cars, vans = two
    found = batch_read(portal_http, ["batch_vans", "2-999999999", cars["id"], "ghosts"], EVERYTHING)
    assert [s["id"] for s in found] == [vans["id"], cars["id"]]
    for got, single in zip(found, (vans, cars), strict=True):
        assert got == portal_http.get(f"{SCHEMAS}/{single['id']}").json()
    by_fqn = batch_read(portal_http, [cars["fullyQualifiedName"].upper(), cars["id"]], EVERYTHING)
    assert [s["id"] for s in by_fqn] == [cars["id"]]
    assert batch_read(portal_http, [], EVERYTHING) == []


def test_the_include_flags_choose_properties_associations_and_times(
    portal_http: httpx.Client, two: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    cars, _ = two
    bare = batch_read(portal_http, [cars["id"]], NOTHING)[0]
    assert bare["properties"] == [] and bare["associations"] == []
    assert "createdAt" not in bare and "updatedAt" not in bare
    full = portal_http.get(f"{SCHEMAS}/{cars['id']}").json()
    trimmed = {k: v for k, v in full.items() if k not in ("createdAt", "updatedAt")}
    assert bare == {**trimmed, "properties": [], "associations": []}

    properties = batch_read(
        portal_http, [cars["id"]], {**NOTHING, "includePropertyDefinitions": True}
    )
    assert properties[0]["properties"] == full["properties"]
    assert properties[0]["associations"] == []
    links = batch_read(
        portal_http, [cars["id"]], {**NOTHING, "includeAssociationDefinitions": True}
    )
    assert links[0]["associations"] == full["associations"] != []
    assert links[0]["properties"] == []
    audit = batch_read(portal_http, [cars["id"]], {**NOTHING, "includeAuditMetadata": True})
    assert (audit[0]["createdAt"], audit[0]["updatedAt"]) == (full["createdAt"], full["updatedAt"])


@pytest.mark.parametrize("prefix", [ALIAS, "/crm-object-schemas/2026-03/schemas"])
def test_every_schemas_path_serves_the_batch_read(
    portal_http: httpx.Client, two: tuple[dict[str, Any], dict[str, Any]], prefix: str
) -> None:
    cars, vans = two
    found = batch_read(portal_http, [cars["id"], "batch_vans"], EVERYTHING, prefix)
    assert [s["id"] for s in found] == [cars["id"], vans["id"]]


def test_an_archived_schema_is_left_out(portal_http: httpx.Client) -> None:
    gone = create_schema(portal_http, car_body("batch_gone"))
    assert portal_http.delete(f"{SCHEMAS}/{gone['id']}").status_code == 204
    assert batch_read(portal_http, [gone["id"], "batch_gone"], EVERYTHING) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({**EVERYTHING}, "Object missing required field `inputs`"),
        (
            {"inputs": ["x"], **NOTHING, "includeAuditMetadata": "yes"},
            "Expected `bool`, got `str`",
        ),
        ({"inputs": [1], **NOTHING}, "Expected `str`, got `int`"),
        (
            {"inputs": []},
            "Object missing required field `includePropertyDefinitions`",
        ),
    ],
)
def test_a_bad_body_is_a_400(portal_http: httpx.Client, body: dict[str, Any], reason: str) -> None:
    response = portal_http.post(f"{SCHEMAS}/batch/read", json=body)
    assert_hubspot_error(
        response,
        400,
        message=f"Invalid input JSON: {reason}",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )


def test_the_batch_read_needs_a_schema_read_scope(server: Any) -> None:
    token = server.new_token("--scopes", "crm.objects.contacts.read")
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        response = client.post(f"{SCHEMAS}/batch/read", json={"inputs": [], **EVERYTHING})
    assert response.status_code == 403
    assert response.json()["category"] == "MISSING_SCOPES"
