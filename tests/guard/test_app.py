"""clearance.guard.app against real processes: a scripted upstream and the guard, both served by
uvicorn on free ports, talked to over HTTP with httpx."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from clearance.guard.app import OFFLOAD_CHARS, create_guard_app
from clearance.guard.scanner import Redactor
from clearance.guard.settings import ClientKey, GuardSettings
from clearance.guard.sse import ChunkRewriter
from tests.guard._upstream import (
    AWS_SECRET,
    GITHUB,
    KNOWN,
    SECRETS,
    Script,
    Served,
    chat_chunk,
    chat_stream,
    make_guard,
    sse_bytes,
    upstream_app,
)

UPSTREAM_KEY = "sk-upstream-test-0000"


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def upstream(script: Script) -> Iterator[str]:
    with Served(upstream_app(script)) as running:
        yield running.url


def _serve(upstream: str, redactor: Redactor, settings: GuardSettings) -> Served:
    return Served(create_guard_app(make_guard(upstream, redactor, settings)))


@pytest.fixture
def incidents(tmp_path: Path) -> Path:
    return tmp_path / "incidents.jsonl"


@pytest.fixture
def guard_url(
    upstream: str, redactor: Redactor, incidents: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    monkeypatch.setenv("OPENAI_API_KEY", UPSTREAM_KEY)
    settings = GuardSettings(incidents=incidents, upstream_timeout=1.0, max_body_bytes=1 << 20)
    with _serve(upstream, redactor, settings) as running:
        yield running.url


def _events(resp: httpx.Response) -> list[str]:
    return [line[6:] for line in resp.text.split("\n\n") if line.startswith("data: ")]


def _content(events: list[str]) -> str:
    return "".join(
        json.loads(e)["choices"][0]["delta"].get("content") or ""
        for e in events
        if e != "[DONE]" and "choices" in json.loads(e)
    )


CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True}
TEXT = f"Your token is {GITHUB}, the AWS one aws_secret_access_key = {AWS_SECRET} and {KNOWN}. \x1b[2J<script>x</script>"


def test_streaming_chat_is_redacted_across_any_split(
    guard_url: str, script: Script, incidents: Path
) -> None:
    script.body = chat_stream(TEXT, list(range(3, len(TEXT), 5)))
    script.pieces = list(range(1, len(script.body), 7))  # inside framing and characters
    resp = httpx.post(f"{guard_url}/v1/chat/completions", json=CHAT, timeout=30)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
    events = _events(resp)
    assert events[-1] == "[DONE]"
    assert _content(events) == (
        "Your token is [REDACTED:github_token], the AWS one aws_secret_access_key = "
        "[REDACTED:aws_secret_access_key] and [REDACTED:secret]. \x1b[2J<script>x</script>"
    )
    assert script.headers[-1]["authorization"] == f"Bearer {UPSTREAM_KEY}"
    records = [json.loads(line) for line in incidents.read_text().splitlines()]
    assert [(r["rule"], r["type"], r["known"]) for r in records] == [
        ("github-pat", "GITHUB_TOKEN", True),
        ("aws-secret-access-key", "AWS_SECRET_ACCESS_KEY", False),
        ("inventory", "SECRET", True),
    ]
    assert {r["request_id"] for r in records} == {resp.headers["x-request-id"]}
    assert set(records[0]) == {
        "time",
        "request_id",
        "client",
        "action",
        "rule",
        "type",
        "fingerprint",
        "known",
    }
    written = incidents.read_text()
    for secret in SECRETS:
        assert secret not in written and secret[:12] not in written
    metrics = httpx.get(f"{guard_url}/metrics").text
    assert 'clearance_guard_redactions_total{type="GITHUB_TOKEN"} 1' in metrics
    # the latency the guard added, per upstream chunk: a Prometheus histogram
    hist = {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in metrics.splitlines()
        if line.startswith("clearance_guard_chunk_seconds")
    }
    count = hist["clearance_guard_chunk_seconds_count"]
    assert count >= 1 and hist['clearance_guard_chunk_seconds_bucket{le="+Inf"}'] == count
    buckets = [v for k, v in hist.items() if "_bucket" in k]
    assert buckets == sorted(buckets) and 0 < hist["clearance_guard_chunk_seconds_sum"] < 60
    assert "# TYPE clearance_guard_chunk_seconds histogram" in metrics


def test_non_streaming_and_models_and_health(guard_url: str, script: Script) -> None:
    script.content_type = "application/json"
    script.body = json.dumps(
        {
            "id": "x",
            "object": "text_completion",
            "choices": [{"index": 0, "text": TEXT, "finish_reason": "stop"}],
        }
    ).encode()
    resp = httpx.post(f"{guard_url}/v1/completions", json={"model": "m", "prompt": "p"}, timeout=30)
    assert resp.status_code == 200
    text = resp.json()["choices"][0]["text"]
    assert GITHUB not in text and KNOWN not in text and text.endswith("<script>x</script>")
    assert httpx.get(f"{guard_url}/v1/models").json()["data"][0]["id"] == "m"
    assert httpx.get(f"{guard_url}/healthz").json() == {"status": "ok"}


def _error(resp: httpx.Response, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body["error"]) == {"message", "type", "code"} and body["error"]["code"] == code


def test_bad_requests_get_openai_errors(guard_url: str) -> None:
    url = f"{guard_url}/v1/chat/completions"
    _error(httpx.post(url, content=b"{not json", timeout=30), 400, "invalid_json")
    _error(httpx.post(url, content=b"[1, 2]", timeout=30), 400, "invalid_json")
    _error(httpx.post(url, content=b"x" * (10 * 1024 * 1024), timeout=60), 413, "request_too_large")
    _error(httpx.get(f"{guard_url}/v2/nothing"), 404, "not_found")
    assert httpx.get(f"{guard_url}/healthz").status_code == 200  # still serving


def test_upstream_down_is_502_and_upstream_error_keeps_its_status(
    redactor: Redactor, script: Script, upstream: str
) -> None:
    with _serve("http://127.0.0.1:9", redactor, GuardSettings()) as running:
        _error(
            httpx.post(f"{running.url}/v1/chat/completions", json=CHAT, timeout=30),
            502,
            "upstream_unreachable",
        )
    script.status, script.content_type = 500, "application/json"
    script.body = json.dumps({"error": {"message": f"echo {GITHUB}"}}).encode()
    with _serve(upstream, redactor, GuardSettings()) as running:
        resp = httpx.post(f"{running.url}/v1/chat/completions", json=CHAT, timeout=30)
    _error(resp, 500, "upstream_status")
    assert GITHUB not in resp.text
    script.status, script.body = 200, b'{"choices": [{"index": 0, "text": "x"}], "n": NaN}'
    with _serve(upstream, redactor, GuardSettings()) as running:
        resp = httpx.post(f"{running.url}/v1/completions", json={"prompt": "p"}, timeout=30)
        _error(resp, 502, "upstream_malformed")  # not a 500: the upstream's fault, named
        assert httpx.get(f"{running.url}/healthz").status_code == 200


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"hang_after": 2, "hang": 5.0}, "upstream_timeout"),
        ({"fail_after": 2}, "upstream_disconnected"),
        ({"body": b"garbage\n\ndata: {oops\n\n"}, "upstream_malformed"),
        ({"body": chat_stream(TEXT, [30], done=False)[:-40]}, "upstream_malformed"),
        ({"body": sse_bytes([chat_chunk(TEXT[:60])])}, "upstream_disconnected"),
    ],
)
def test_stream_faults_end_with_an_error_event_never_unscanned_text(
    guard_url: str, script: Script, change: dict[str, object], code: str
) -> None:
    script.body = chat_stream(TEXT, [20, 40, 60])
    script.pieces = [150, 300, 450]
    for name, value in change.items():
        setattr(script, name, value)
    resp = httpx.post(f"{guard_url}/v1/chat/completions", json=CHAT, timeout=30)
    events = _events(resp)
    assert json.loads(events[-1])["error"]["code"] == code
    for secret in SECRETS:
        assert all(secret[i : i + 8] not in resp.text for i in range(len(secret) - 7))
    assert httpx.get(f"{guard_url}/healthz").status_code == 200


def test_block_mode_and_client_keys(redactor: Redactor, script: Script, upstream: str) -> None:
    key = "client-key-123"
    settings = GuardSettings(
        action="block",
        clients=(ClientKey(name="ci", key_sha256=hashlib.sha256(key.encode()).hexdigest()),),
    )
    script.body = chat_stream(TEXT, [10, 50])
    with _serve(upstream, redactor, settings) as running:
        url = f"{running.url}/v1/chat/completions"
        _error(httpx.post(url, json=CHAT, timeout=30), 401, "invalid_api_key")
        _error(
            httpx.post(url, json=CHAT, headers={"authorization": "Bearer nope"}),
            401,
            "invalid_api_key",
        )
        resp = httpx.post(url, json=CHAT, headers={"authorization": f"Bearer {key}"}, timeout=30)
        events = _events(resp)
        assert json.loads(events[-1])["error"]["code"] == "secret_detected"
        assert GITHUB[:12] not in resp.text
        assert "authorization" not in script.headers[-1]  # no OPENAI_API_KEY: none sent on


def test_rate_limit_per_client_answers_429_in_the_openai_shape(
    redactor: Redactor, script: Script, upstream: str
) -> None:
    keys = {"ci": "client-key-ci", "dev": "client-key-dev"}
    clients = tuple(
        ClientKey(name=name, key_sha256=hashlib.sha256(key.encode()).hexdigest())
        for name, key in keys.items()
    )
    settings = GuardSettings(clients=clients, rate_limit=2)
    script.content_type = "application/json"
    script.body = json.dumps({"choices": [{"index": 0, "message": {"content": "hi"}}]}).encode()
    body = {**CHAT, "stream": False}
    with _serve(upstream, redactor, settings) as running:
        url = f"{running.url}/v1/chat/completions"

        def post(name: str) -> httpx.Response:
            auth = {"authorization": f"Bearer {keys[name]}"}
            return httpx.post(url, json=body, headers=auth, timeout=30)

        assert [post("ci").status_code for _ in range(2)] == [200, 200]
        refused = post("ci")
        _error(refused, 429, "rate_limit_exceeded")
        assert refused.json()["error"]["type"] == "requests"
        assert int(refused.headers["retry-after"]) >= 1
        assert post("dev").status_code == 200  # another client keeps its own allowance
        models = httpx.get(
            f"{running.url}/v1/models", headers={"authorization": f"Bearer {keys['ci']}"}
        )
        _error(models, 429, "rate_limit_exceeded")
        metrics = httpx.get(f"{running.url}/metrics").text
        assert 'status="429"' in metrics
    assert len(script.requests) == 3  # refused requests never reach the upstream


def test_slow_clients_do_not_hold_up_the_others(guard_url: str, script: Script) -> None:
    """Twenty slow-loris clients (headers sent, the body trickling in a byte at a time) while
    another client is served as usual."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(guard_url)
    slow = []
    for _ in range(20):
        sock = socket.create_connection((where.hostname, where.port), timeout=10)
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"
        )
        slow.append(sock)
    try:
        script.body = chat_stream("all fine here", [4, 8])
        started = time.monotonic()
        resp = httpx.post(f"{guard_url}/v1/chat/completions", json=CHAT, timeout=30)
        assert resp.status_code == 200 and _content(_events(resp)) == "all fine here"
        assert time.monotonic() - started < 20
        for sock in slow:
            sock.sendall(b" ")  # still connected, still trickling
        assert httpx.get(f"{guard_url}/healthz").status_code == 200
    finally:
        for sock in slow:
            sock.close()


def _gated(order: list[str], answered: threading.Event, fn: Any) -> Any:
    """``fn`` turned into a scan that, on a piece over ``OFFLOAD_CHARS``, lasts until another
    client was answered (or 10 s): on the event loop it would keep that answer waiting."""

    def slow(*args: Any) -> Any:
        if any(len(str(a)) > OFFLOAD_CHARS for a in args):
            order.append("scan-start")
            answered.wait(timeout=10)
            order.append("scan-end")
        return fn(*args)

    return slow


def _while_scanning(order: list[str], answered: threading.Event, request: Any, other: Any) -> Any:
    """Sends ``request`` in a thread; once its big scan began, ``other``; the first's answer."""
    result: list[Any] = []
    sender = threading.Thread(target=lambda: result.append(request()))
    sender.start()
    for _ in range(600):
        if "scan-start" in order:
            break
        time.sleep(0.05)
    assert "scan-start" in order
    other()
    order.append("other-answered")
    answered.set()
    sender.join(timeout=60)
    return result[0]


def test_a_huge_event_is_scanned_off_the_loop_while_others_are_served(
    guard_url: str, script: Script, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    answered = threading.Event()
    monkeypatch.setattr(ChunkRewriter, "rewrite", _gated(order, answered, ChunkRewriter.rewrite))
    big = "lorem ipsum dolor " * 100_000 + f" {GITHUB} done"  # one event of 1.8 MB
    script.body = chat_stream(big, [])
    script.pieces = list(range(1, len(script.body), 65_536))

    def request() -> httpx.Response:
        return httpx.post(f"{guard_url}/v1/chat/completions", json=CHAT, timeout=60)

    def other() -> None:
        assert httpx.get(f"{guard_url}/healthz", timeout=30).json() == {"status": "ok"}

    resp = _while_scanning(order, answered, request, other)
    assert order[:3] == ["scan-start", "other-answered", "scan-end"]
    assert _content(_events(resp)) == big.replace(GITHUB, "[REDACTED:github_token]")


def test_a_huge_answer_is_scanned_off_the_loop_while_others_are_served(
    guard_url: str, script: Script, monkeypatch: pytest.MonkeyPatch
) -> None:
    import clearance.guard.app as app_module

    order: list[str] = []
    answered = threading.Event()
    monkeypatch.setattr(
        app_module, "redact_completion", _gated(order, answered, app_module.redact_completion)
    )
    big = "lorem ipsum dolor " * 100_000 + f" {GITHUB} done"
    script.content_type = "application/json"
    script.body = json.dumps(
        {"id": "x", "object": "text_completion", "choices": [{"index": 0, "text": big}]}
    ).encode()

    def request() -> httpx.Response:
        body = {"model": "m", "prompt": "p"}
        return httpx.post(f"{guard_url}/v1/completions", json=body, timeout=60)

    def other() -> None:  # another client, through to the upstream and back
        assert httpx.get(f"{guard_url}/v1/models", timeout=30).json()["data"][0]["id"] == "m"

    resp = _while_scanning(order, answered, request, other)
    assert order[:3] == ["scan-start", "other-answered", "scan-end"]
    assert resp.json()["choices"][0]["text"] == big.replace(GITHUB, "[REDACTED:github_token]")
