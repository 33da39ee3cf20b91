"""clearance.guard.prompts: the request's text redacted before it reaches the model; and the
app's ``prompts`` setting (off, log, redact) against a real scripted upstream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from clearance.guard.app import create_guard_app
from clearance.guard.prompts import scan_request
from clearance.guard.scanner import Redactor
from clearance.guard.settings import GuardSettings
from tests.guard._upstream import AWS_SECRET, GITHUB, Script, Served, make_guard, upstream_app

CHAT = {
    "model": "m",
    "temperature": 0.2,
    "messages": [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": f"why does {GITHUB} fail?"},
        {"role": "user", "content": [{"type": "text", "text": f"key {GITHUB}"}, {"type": "x"}]},
        {
            "role": "assistant",
            "tool_calls": [
                {"id": "1", "function": {"name": "f", "arguments": json.dumps({"t": GITHUB})}}
            ],
        },
        "not a message",
    ],
}


def test_every_text_of_a_request_is_redacted_and_the_rest_kept(redactor: Redactor) -> None:
    cleaned, hits = scan_request(CHAT, redactor)
    assert GITHUB not in json.dumps(cleaned)
    assert len(hits) == 3 and {h.entity for h in hits} == {"GITHUB_TOKEN"}
    assert cleaned["messages"][0] == CHAT["messages"][0]
    assert cleaned["messages"][1]["content"] == "why does [REDACTED:github_token] fail?"
    assert cleaned["messages"][2]["content"][1] == {"type": "x"}
    assert cleaned["messages"][4] == "not a message"
    assert cleaned["temperature"] == 0.2
    assert GITHUB in json.dumps(CHAT)  # the request itself is left as it was
    prompts, hits = scan_request(
        {"prompt": ["plain", f"aws_secret_access_key = {AWS_SECRET}"]}, redactor
    )
    assert prompts["prompt"][0] == "plain" and AWS_SECRET not in prompts["prompt"][1]
    assert scan_request({"prompt": 3, "messages": "x"}, redactor) == (
        {"prompt": 3, "messages": "x"},
        [],
    )


@pytest.fixture
def script() -> Script:
    return Script(content_type="application/json", body=json.dumps({"choices": []}).encode())


@pytest.fixture
def upstream(script: Script) -> Iterator[str]:
    with Served(upstream_app(script)) as running:
        yield running.url


@pytest.mark.parametrize("mode", ["off", "log", "redact"])
def test_the_prompts_setting_decides_what_reaches_the_model(
    mode: str, upstream: str, script: Script, redactor: Redactor, tmp_path: Path
) -> None:
    incidents = tmp_path / "incidents.jsonl"
    settings = GuardSettings(prompts=mode, incidents=incidents)  # type: ignore[arg-type]
    with Served(create_guard_app(make_guard(upstream, redactor, settings))) as guard:
        resp = httpx.post(f"{guard.url}/v1/chat/completions", json=CHAT, timeout=30)
    assert resp.status_code == 200
    sent = json.dumps(script.requests[-1])
    assert (GITHUB in sent) == (mode != "redact")
    lines = incidents.read_text().splitlines() if incidents.exists() else []
    expected = {"off": set(), "log": {"prompt-logged"}, "redact": {"prompt-redacted"}}[mode]
    assert {json.loads(line)["action"] for line in lines} == expected
    assert GITHUB not in (incidents.read_text() if incidents.exists() else "")
