"""The webhook sender's HTTP client (``http/webhook_client.py``) against scripted receivers:
raw asyncio servers on 127.0.0.1 that answer each request with the bytes a test gives,
so keep-alive, answers with and without bodies, closed connections and broken answers are
each exercised for real."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from localspot.http.webhook_client import ConnectionFailed, WebhookClient

NO_CONTENT = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
HEADERS = {"Content-Type": "application/json", "X-Test": "yes"}


@dataclass
class Scripted:
    """A receiver that answers the n-th request it reads with ``answers[n]`` (the last one
    for every later request); ``None``: close the connection without answering."""

    answers: list[bytes | None]
    connections: int = 0
    requests: list[tuple[bytes, bytes]] = field(default_factory=list)
    """Each request's head and body."""
    close_after: bool = False
    """Close each connection after its first answer (without saying so)."""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                self.requests.append((head, await reader.readexactly(length)))
                answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
                if self.close_after:
                    break
        except asyncio.IncompleteReadError:
            pass
        finally:
            writer.close()


def with_receiver(
    scripted: Scripted, test: Callable[[str, WebhookClient], Awaitable[None]], timeout: float = 5
) -> None:
    async def main() -> None:
        server = await asyncio.start_server(scripted.handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = WebhookClient(timeout)
        try:
            await test(f"http://127.0.0.1:{port}/hooks?x=1", client)
        finally:
            await client.aclose()
            server.close()
            await server.wait_closed()

    asyncio.run(main())


def test_requests_share_one_kept_alive_connection() -> None:
    scripted = Scripted([b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", NO_CONTENT])

    async def test(url: str, client: WebhookClient) -> None:
        assert await client.post(url, b"[1]", HEADERS) == 200
        assert await client.post(url, b"[2,3]", HEADERS) == 204

    with_receiver(scripted, test)
    assert scripted.connections == 1
    (head, body), (_, second) = scripted.requests
    assert (body, second) == (b"[1]", b"[2,3]")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /hooks?x=1 HTTP/1.1"
    assert "X-Test: yes" in lines and "Content-Length: 3" in lines
    assert any(line.startswith("Host: 127.0.0.1:") for line in lines)


def test_a_chunked_answer_is_read_to_its_end() -> None:
    chunked = (
        b"HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\noops!\r\n3;x=y\r\nabc\r\n0\r\nTrailer: 1\r\n\r\n"
    )
    scripted = Scripted([chunked, NO_CONTENT])

    async def test(url: str, client: WebhookClient) -> None:
        assert await client.post(url, b"[]", HEADERS) == 500
        assert await client.post(url, b"[]", HEADERS) == 204

    with_receiver(scripted, test)
    assert scripted.connections == 1


def test_an_interim_answer_is_skipped() -> None:
    scripted = Scripted([b"HTTP/1.1 100 Continue\r\n\r\n" + NO_CONTENT])

    async def test(url: str, client: WebhookClient) -> None:
        assert await client.post(url, b"[]", HEADERS) == 204

    with_receiver(scripted, test)


def test_connection_close_opens_a_new_connection() -> None:
    closing = b"HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    scripted = Scripted([closing, closing])

    async def test(url: str, client: WebhookClient) -> None:
        assert await client.post(url, b"[]", HEADERS) == 201
        assert await client.post(url, b"[]", HEADERS) == 201

    with_receiver(scripted, test)
    assert scripted.connections == 2


def test_a_body_that_ends_with_the_connection() -> None:
    scripted = Scripted([b"HTTP/1.0 202 Accepted\r\n\r\nwhatever", NO_CONTENT], close_after=True)

    async def test(url: str, client: WebhookClient) -> None:
        assert await client.post(url, b"[]", HEADERS) == 202
        assert await client.post(url, b"[]", HEADERS) == 204

    with_receiver(scripted, test)
    assert scripted.connections == 2


def test_a_kept_connection_the_receiver_dropped_is_replaced() -> None:
    """The receiver closes after each answer without saying so: the next request finds
    the connection closed (or gets no answer on it) and goes out on a new one."""
    scripted = Scripted([NO_CONTENT], close_after=True)

    async def test(url: str, client: WebhookClient) -> None:
        for _ in range(3):
            assert await client.post(url, b"[]", HEADERS) == 204

    with_receiver(scripted, test)
    assert scripted.connections == 3
    assert len(scripted.requests) == 3


def test_a_kept_connection_closed_without_an_answer_is_tried_once_more() -> None:
    """The receiver reads the second request and closes the kept connection without an
    answer (as a server timing out idle connections may): it goes again on a new one."""
    scripted = Scripted([NO_CONTENT, None, NO_CONTENT])

    async def test(url: str, client: WebhookClient) -> None:
        assert await client.post(url, b"[1]", HEADERS) == 204
        assert await client.post(url, b"[2]", HEADERS) == 204

    with_receiver(scripted, test)
    assert scripted.connections == 2
    assert [body for _, body in scripted.requests] == [b"[1]", b"[2]", b"[2]"]


def test_no_answer_at_all_is_a_failed_connection() -> None:
    scripted = Scripted([None])

    async def test(url: str, client: WebhookClient) -> None:
        with pytest.raises(
            ConnectionFailed,
            match="^RemoteProtocolError: Server disconnected without sending a response.$",
        ):
            await client.post(url, b"[]", HEADERS)

    with_receiver(scripted, test)


def test_an_answer_that_is_not_http_is_a_failed_connection() -> None:
    scripted = Scripted([b"SSH-2.0-OpenSSH\r\n\r\n"])

    async def test(url: str, client: WebhookClient) -> None:
        with pytest.raises(
            ConnectionFailed, match="^RemoteProtocolError: Not an HTTP/1.x response"
        ):
            await client.post(url, b"[]", HEADERS)

    with_receiver(scripted, test)


def test_a_receiver_that_never_answers_times_out() -> None:
    hold = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await hold.wait()
        writer.close()

    async def main() -> None:
        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = WebhookClient(0.2)
        with pytest.raises(TimeoutError):
            await client.post(f"http://127.0.0.1:{port}/", b"[]", HEADERS)
        hold.set()
        await client.aclose()
        server.close()
        await server.wait_closed()

    asyncio.run(main())


def test_a_refused_connection_is_a_failed_connection() -> None:
    async def main() -> None:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        client = WebhookClient(5)
        with pytest.raises(
            ConnectionFailed, match="^ConnectError: All connection attempts failed$"
        ):
            await client.post(f"http://127.0.0.1:{port}/", b"[]", HEADERS)
        await client.aclose()

    asyncio.run(main())


def test_an_https_receiver_whose_certificate_is_not_trusted_is_refused(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"],
        check=True,
        capture_output=True,
    )
    scripted = Scripted([NO_CONTENT])

    async def main() -> None:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert, key)
        server = await asyncio.start_server(scripted.handle, "127.0.0.1", 0, ssl=tls)
        port = server.sockets[0].getsockname()[1]
        client = WebhookClient(5)
        with pytest.raises(ConnectionFailed, match="^ConnectError: .*CERTIFICATE_VERIFY_FAILED"):
            await client.post(f"https://localhost:{port}/hooks", b"[]", HEADERS)
        await client.aclose()
        server.close()
        await server.wait_closed()

    asyncio.run(main())
    assert scripted.requests == []
