"""The associations high-usage report (hubspot-behaviour §15.4) through the official SDK."""

from __future__ import annotations

import httpx
import hubspot
import pytest
from hubspot.crm.associations.v4.exceptions import ApiException

from conftest import Server, assert_sdk_error, run_cli_in_process


def test_report_answers_who_receives_it(server: Server) -> None:
    portal = str(server.new_portal())
    token = server.new_token("--portal", portal)
    sdk = hubspot.Client.create(access_token=token, host=server.base_url)
    email = ("--email", "Report@Example.com", "--portal", portal)
    owner_id = run_cli_in_process(server.database_url, "owners", "create", *email)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as http:
        owner = http.get(f"/crm/v3/owners/{owner_id}").json()
    made = sdk.crm.associations.v4.report_api.request(owner["userId"])
    assert made.user_id == owner["userId"]
    assert made.user_email == "report@example.com"
    assert made.enqueue_time is not None
    with pytest.raises(ApiException) as unknown:
        sdk.crm.associations.v4.report_api.request(987654)
    assert_sdk_error(
        unknown.value,
        404,
        message="No user with id 987654",
        category="OBJECT_NOT_FOUND",
        context={"userId": ["987654"]},
        errors=[],
    )
