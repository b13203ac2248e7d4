"""Association labels and limits at ``/crm/associations/v4/...``, where HubSpot's v4
"Associations Schema" file and the Node SDK's ``LabelsApi``/``LimitsApi`` put them: each
round trip there answers as ``/crm/v4/associations/...`` does, with the same data, auth and
errors, and the paths stay out of ``/openapi.json``."""

from __future__ import annotations

from typing import Any

import httpx

from conftest import assert_hubspot_error

NODE = "/crm/associations/v4"
V4 = "/crm/v4/associations"
PATHS = (NODE, V4)


def same(http: httpx.Client, path: str) -> Any:
    """The answer at both prefixes, asserted equal."""
    node, v4 = (http.get(prefix + path) for prefix in PATHS)
    assert node.status_code == v4.status_code == 200, node.text
    assert node.json() == v4.json()
    return node.json()


def labels(http: httpx.Client, from_type: str, to_type: str) -> dict[int, str | None]:
    found = same(http, f"/{from_type}/{to_type}/labels")["results"]
    return {r["typeId"]: r["label"] for r in found}


def test_a_label_round_trip_at_the_schema_path(portal_http: httpx.Client) -> None:
    before = labels(portal_http, "contacts", "companies")
    assert before[279] is None
    made = portal_http.post(
        f"{NODE}/contacts/companies/labels",
        json={"label": "Advisor", "name": "advisor", "inverseLabel": "Advised"},
    )
    assert made.status_code == 200, made.text
    ids = [r["typeId"] for r in made.json()["results"]]
    assert [r["category"] for r in made.json()["results"]] == ["USER_DEFINED"] * 2
    forward = next(r["typeId"] for r in made.json()["results"] if r["label"] == "Advisor")
    assert labels(portal_http, "contacts", "companies")[forward] == "Advisor"
    assert set(ids) - {forward} == {
        k for k, v in labels(portal_http, "companies", "contacts").items() if v == "Advised"
    }

    renamed = portal_http.put(
        f"{NODE}/contacts/companies/labels",
        json={"associationTypeId": forward, "label": "Mentor", "inverseLabel": "Mentee"},
    )
    assert renamed.status_code == 204, renamed.text
    assert labels(portal_http, "contacts", "companies")[forward] == "Mentor"

    gone = portal_http.delete(f"{NODE}/contacts/companies/labels/{forward}")
    assert gone.status_code == 204, gone.text
    assert labels(portal_http, "contacts", "companies") == before


def test_a_limit_round_trip_at_the_schema_path(portal_http: httpx.Client) -> None:
    configs = f"{NODE}/definitions/configurations"
    item = {"category": "HUBSPOT_DEFINED", "typeId": 1, "maxToObjectIds": 3}
    made = portal_http.post(f"{configs}/contacts/companies/batch/create", json={"inputs": [item]})
    assert made.status_code == 201, made.text
    assert [(r["typeId"], r["userEnforcedMaxToObjectIds"]) for r in made.json()["results"]] == [
        (1, 3)
    ]
    pair = same(portal_http, "/definitions/configurations/contacts/companies")["results"]
    assert [(r["typeId"], r["userEnforcedMaxToObjectIds"]) for r in pair] == [(1, 3)]

    updated = portal_http.post(
        f"{configs}/contacts/companies/batch/update",
        json={"inputs": [{**item, "maxToObjectIds": 7}]},
    )
    assert updated.status_code == 200, updated.text
    everything = same(portal_http, "/definitions/configurations/all")["results"]
    assert [(r["typeId"], r["userEnforcedMaxToObjectIds"]) for r in everything] == [(1, 7)]

    purged = portal_http.post(
        f"{configs}/contacts/companies/batch/purge",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 1}]},
    )
    assert purged.status_code == 204, purged.text
    assert same(portal_http, "/definitions/configurations/all")["results"] == []


def test_errors_and_auth_are_those_of_the_v4_paths(
    portal_http: httpx.Client, anonymous_http: httpx.Client
) -> None:
    bodies = []
    for prefix in PATHS:
        response = portal_http.delete(f"{prefix}/contacts/companies/labels/abc")
        assert_hubspot_error(
            response,
            400,
            message="Invalid association type id abc",
            category="VALIDATION_ERROR",
            context={"associationTypeId": ["abc"]},
            errors=[],
        )
        unknown = portal_http.get(f"{prefix}/contacts/spaceships/labels")
        assert unknown.status_code == 404, unknown.text
        bodies.append({k: v for k, v in unknown.json().items() if k != "correlationId"})
        refused = anonymous_http.get(f"{prefix}/definitions/configurations/all")
        assert refused.status_code == 401
    assert bodies[0] == bodies[1]


def test_the_schema_paths_are_left_out_of_openapi(anonymous_http: httpx.Client) -> None:
    paths = anonymous_http.get("/openapi.json").json()["paths"]
    assert f"{V4}/{{object_type}}/{{to_object_type}}/labels" in paths
    assert f"{V4}/definitions/configurations/all" in paths
    assert not [p for p in paths if p.startswith(NODE)]
