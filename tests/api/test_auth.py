"""Bearer tokens, portals and scopes (hubspot-behaviour §6)."""

from __future__ import annotations

from typing import Any

import httpx

from conftest import UNAUTHENTICATED, assert_hubspot_error, assert_sdk_error

BATCH_UPDATE = "/crm/v3/objects/calls/batch/update"
ONE_INPUT = {"inputs": [{"id": "1", "properties": {"hs_call_title": "x"}}]}


def missing_scopes(*scopes: str) -> dict[str, Any]:
    """The 403 body of a token without a scope the call needs (§6.2, captured)."""
    return {
        "message": (
            "This app hasn't been granted all required scopes to make this call. Read more"
            " about required scopes here: https://developers.hubspot.com/scopes."
        ),
        "category": "MISSING_SCOPES",
        "context": {},
        "errors": [
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": list(scopes)},
            }
        ],
        "links": {"scopes": "https://developers.hubspot.com/scopes"},
    }


def test_missing_token_returns_401_invalid_authentication(anonymous_http: httpx.Client) -> None:
    response = anonymous_http.post(BATCH_UPDATE, json=ONE_INPUT)
    assert_hubspot_error(response, 401, **UNAUTHENTICATED)
    assert response.headers["x-hubspot-auth-failure"] == "401 Unauthorized"


def test_unknown_token_returns_401(anonymous_http: httpx.Client) -> None:
    headers = {"Authorization": "Bearer pat-na1-not-a-real-token"}
    response = anonymous_http.get("/crm/v3/objects/calls", headers=headers)
    assert_hubspot_error(response, 401, **UNAUTHENTICATED)
    assert response.headers["x-hubspot-auth-failure"] == "401 Unauthorized"


def test_auth_is_checked_before_the_body(anonymous_http: httpx.Client) -> None:
    response = anonymous_http.post(BATCH_UPDATE, content=b"{not json")
    assert_hubspot_error(response, 401, **UNAUTHENTICATED)


def test_write_without_write_scope_returns_403_with_required_scopes(server: Any) -> None:
    read_only = server.new_token("--scopes", "crm.objects.contacts.read")
    headers = {"Authorization": f"Bearer {read_only}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        assert client.get("/crm/v3/objects/calls").status_code == 200
        response = client.post(BATCH_UPDATE, json=ONE_INPUT)
    assert_hubspot_error(response, 403, **missing_scopes("crm.objects.contacts.write"))


def test_read_without_read_scope_returns_403(server: Any) -> None:
    write_only = server.new_token("--scopes", "crm.objects.contacts.write")
    headers = {"Authorization": f"Bearer {write_only}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        response = client.get("/crm/v3/objects/calls")
    assert_hubspot_error(response, 403, **missing_scopes("crm.objects.contacts.read"))


def test_sdk_reports_401_as_api_exception(server: Any) -> None:
    import hubspot
    from hubspot.crm.objects.calls import ApiException

    client = hubspot.Client.create(access_token="pat-na1-wrong", host=server.base_url)
    try:
        client.crm.objects.calls.basic_api.get_page()
    except ApiException as error:
        assert_sdk_error(error, 401, **UNAUTHENTICATED)
    else:
        raise AssertionError("expected a 401")


def test_associating_with_a_type_the_token_cannot_read_returns_403(server: Any) -> None:
    calls_only = server.new_token(
        "--scopes", "crm.objects.contacts.read,crm.objects.contacts.write"
    )
    headers = {"Authorization": f"Bearer {calls_only}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        response = client.put("/crm/v4/objects/calls/1/associations/default/companies/2")
        listed = client.get("/crm/v4/objects/calls/1/associations/deals")
    for answer, scope in (
        (response, "crm.objects.companies.read"),
        (listed, "crm.objects.deals.read"),
    ):
        assert answer.status_code == 403
        assert answer.json()["errors"][0]["context"]["requiredGranularScopes"] == [scope]
