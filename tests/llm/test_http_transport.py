"""Tests of clearance.llm.http_transport through the endpoint backend: the rate limit, Retry-After,
the per-request deadline (also against a server dripping a byte at a time), the size cap on an
answer, and what an error may say about an endpoint (no body, no credentials)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest

from clearance.errors import InputError, SourceUnavailableError
from tests.llm._fake_openai import ServerState, backend

# --------------------------------------------------------------------- rate limit and Retry-After


def test_rate_limit(fake: tuple[str, ServerState]) -> None:
    url, _ = fake
    with backend(url, concurrency=4, rate_limit_per_s=10) as client:
        start = time.monotonic()
        client.generate([f"p{i}" for i in range(15)], max_new_tokens=4)
        elapsed = time.monotonic() - start
    # a burst of 10, then 5 more at 10 per second
    assert elapsed >= 0.4


def test_429_retried_after_retry_after(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    state.failures = [(429, {"Retry-After": "1"})]
    with backend(url) as client:
        start = time.monotonic()
        out = client.generate(["again"], max_new_tokens=4)
        elapsed = time.monotonic() - start
    assert out[0][0].text == " AGAIN"
    assert len(state.requests) == 2
    assert elapsed >= 0.95  # waited Retry-After, not the 10 ms backoff


def test_huge_retry_after_is_capped_and_reported(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    state.failures = [(429, {"Retry-After": "100000"})]
    with backend(url, max_retry_after=0.3) as client:
        start = time.monotonic()
        out = client.generate(["again"], max_new_tokens=4)
        elapsed = time.monotonic() - start
    assert out[0][0].text == " AGAIN"
    assert 0.25 <= elapsed < 3
    assert client.notices == [
        f"{url} asked to wait 100000 s before retrying (Retry-After); waited 0.3 s at most"
    ]


# ----------------------------------------------------------------------------- what an error says


def test_other_4xx_is_input_error_without_body(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    state.echo_supported = False
    state.failures = [(422, {})]
    with backend(url) as client, pytest.raises(InputError) as info:
        client.generate(["my secret prompt"], max_new_tokens=4)
    assert str(info.value) == (
        f"{url}/v1/completions: the endpoint rejected the request: HTTP 422 (busy)"
    )
    assert info.value.exit_code == 3
    assert len(state.requests) == 1


def test_endpoint_down() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://user:pa55word@127.0.0.1:{port}"
    with backend(url) as client:
        start = time.monotonic()
        with pytest.raises(SourceUnavailableError) as info:
            client.generate(["x"], max_new_tokens=1)
        assert time.monotonic() - start < 5
    assert str(info.value) == f"http://127.0.0.1:{port}/v1/completions: connection refused"
    assert "pa55word" not in client.name


# ---------------------------------------------------- misbehaving servers: deadlines and size cap


def test_timeout(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    state.delay = 1.0
    with backend(url, timeout=0.2, max_retries=1) as client:
        start = time.monotonic()
        with pytest.raises(SourceUnavailableError) as info:
            client.generate(["slow"], max_new_tokens=4)
        assert time.monotonic() - start < 0.9
    assert "no complete answer within 0.2 s after 1 retries" in str(info.value)
    assert len(state.requests) == 2


class RawServer:
    """A TCP server on 127.0.0.1 that reads a request and answers with ``handler(conn, stop)``:
    whatever bytes, at whatever pace (a thread per connection)."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.stop = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.threads: list[threading.Thread] = []
        self.sent = 0

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            t = threading.Thread(target=self._one, args=(conn,), daemon=True)
            self.threads.append(t)
            t.start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)
                self.handler(self, conn)
            except OSError:
                pass  # the client hung up: what the tests want

    def send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        self.sent += len(data)

    def __enter__(self) -> RawServer:
        self.accept = threading.Thread(target=self._serve, daemon=True)
        self.accept.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.accept.join(timeout=5)
        for t in self.threads:
            t.join(timeout=5)
        self.sock.close()


def _drip(data: bytes, pace: float = 0.05) -> Any:
    def handler(server: RawServer, conn: socket.socket) -> None:
        for i in range(len(data)):
            if server.stop.is_set():
                return
            server.send(conn, data[i : i + 1])
            time.sleep(pace)
        while not server.stop.is_set():  # then a byte a pace, forever
            server.send(conn, b" ")
            time.sleep(pace)

    return handler


@pytest.mark.parametrize(
    "opening",
    [
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",  # headers never end
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{",
    ],
    ids=["headers", "body"],
)
def test_slow_drip_server_is_cut_off_at_the_deadline(opening: bytes) -> None:
    with RawServer(_drip(opening)) as server:
        with backend(server.url, timeout=1.0, max_retries=0) as client:
            start = time.monotonic()
            with pytest.raises(SourceUnavailableError) as info:
                client.generate(["x"], max_new_tokens=4)
            elapsed = time.monotonic() - start
    # each byte comes within the per-read timeout: only the request deadline stops it
    assert elapsed < 2.5, elapsed
    assert str(info.value) == f"{server.url}/v1/completions: no complete answer within 1 s"
    assert info.value.exit_code == 6


def test_endless_body_is_abandoned_past_the_size_cap() -> None:
    def endless(server: RawServer, conn: socket.socket) -> None:
        server.send(conn, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"a" * 65536
        while not server.stop.is_set():
            server.send(conn, b"%x\r\n%s\r\n" % (len(chunk), chunk))

    with RawServer(endless) as server:
        with backend(server.url, timeout=20.0, max_response_bytes=1 << 20) as client:
            start = time.monotonic()
            with pytest.raises(InputError) as info:
                client.generate(["x"], max_new_tokens=4)
            elapsed = time.monotonic() - start
        sent = server.sent
    assert elapsed < 5, elapsed
    assert str(info.value) == (
        f"{server.url}/v1/completions: the answer is over 1 MiB: not an OpenAI-compatible "
        "completion"
    )
    assert sent < 64 << 20  # reading stopped (the socket buffers hold a few MB at most)
