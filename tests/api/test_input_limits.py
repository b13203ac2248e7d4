"""Limits a client can rely on: the body cap holds before any layer buffers a body (fault
rules included), a body that stops arriving is answered 408 and disconnected, and a JSON
endpoint refuses a body that is not JSON with 415."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from admin_support import CALLS, AdminServer, assert_hubspot_error, serve_with_admin

CAP = 1_000_000
BODY_TIMEOUT_S = 2


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    yield from serve_with_admin(
        backend,
        request,
        tmp_path_factory,
        LOCALSPOT_MAX_BODY_BYTES=str(CAP),
        LOCALSPOT_BODY_TIMEOUT=str(BODY_TIMEOUT_S),
    )


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def chunks(total: int, size: int = 256 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        yield b" " * piece
        sent += piece


@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "chunked"])
def test_body_over_cap_with_fault_rule_is_413_without_buffering(
    spot: AdminServer, announced: bool
) -> None:
    portal_id, crm = spot.new_portal()
    rule = {"method": "POST", "path": "*/batch/create", "latencyMs": 1}
    assert spot.admin.post(f"/_localspot/portals/{portal_id}/faults", json=rule).is_success
    body_size = 64 * 1024 * 1024
    pid = spot.server.process.pid
    before = rss_kib(pid)
    headers = {"Content-Type": "application/json"}
    if announced:
        headers["Content-Length"] = str(body_size)
    response = crm.post(f"{CALLS}/batch/create", content=chunks(body_size), headers=headers)
    grown_mib = (rss_kib(pid) - before) / 1024
    body = assert_hubspot_error(response, 413, "VALIDATION_ERROR")
    assert body["message"] == f"Request body too large: the limit is {CAP} bytes"
    assert grown_mib < 16, f"server grew by {grown_mib:.0f} MiB for a 64 MiB body"
    # The connection was drained, so the same client goes on working.
    assert crm.get(CALLS).status_code == 200


def test_body_just_under_cap_still_reaches_the_app(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    padded = b'{"inputs": []' + b" " * (CAP - 20) + b"}"
    response = crm.post(
        f"{CALLS}/batch/create", content=padded, headers={"Content-Type": "application/json"}
    )
    assert response.status_code != 413
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")


def _send_and_read_to_close(base_url: str, data: bytes) -> bytes:
    """Send ``data``, then read until the server closes the connection (a server that
    keeps it open makes ``recv`` time out, which fails the test)."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=BODY_TIMEOUT_S * 10) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def test_half_a_body_gets_408_and_a_closed_connection(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    token = crm.headers["Authorization"]
    head = (
        f"POST {CALLS} HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    ).encode()
    answer = _send_and_read_to_close(spot.base_url, head + b'{"properties": {')
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 408 Request Timeout", answer
    assert b"connection: close" in rest.lower()
    assert b'"category":"VALIDATION_ERROR"' in rest
    assert b"Request body not received within 2 seconds" in rest


WRONG_TYPES = [
    "text/plain",
    "application/xml",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
]


@pytest.mark.parametrize("content_type", WRONG_TYPES)
@pytest.mark.parametrize(
    "path", [CALLS, f"{CALLS}/batch/create", f"{CALLS}/search", "/_localspot/portals"]
)
def test_json_endpoints_refuse_other_media_types_with_415(
    spot: AdminServer, content_type: str, path: str
) -> None:
    _, crm = spot.new_portal()
    client = spot.admin if path.startswith("/_localspot") else crm
    body = b'{"properties": {}, "inputs": []}'
    response = client.post(path, content=body, headers={"Content-Type": content_type})
    error = assert_hubspot_error(response, 415, "VALIDATION_ERROR")
    media_type = content_type.split(";")[0]
    assert error["message"] == f"Content type '{media_type}' not supported: send application/json"
    assert error["context"] == {"Content-Type": [media_type]}


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", None])
def test_json_with_charset_or_without_content_type_is_read(
    spot: AdminServer, content_type: str | None
) -> None:
    _, crm = spot.new_portal()
    headers = {"Content-Type": content_type} if content_type else {}
    body = b'{"properties": {"hs_timestamp": "2026-01-15T10:30:00.000Z"}}'
    request = crm.build_request("POST", CALLS, content=body, headers=headers)
    assert request.headers.get("content-type") == content_type
    response = crm.send(request)
    assert response.status_code == 201, response.text


def test_wrong_media_type_writes_nothing(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    body = b'{"properties": {"hs_timestamp": "2026-01-15T10:30:00.000Z"}}'
    refused = crm.post(CALLS, content=body, headers={"Content-Type": "text/plain"})
    assert refused.status_code == 415
    assert crm.get(CALLS).json()["results"] == []
