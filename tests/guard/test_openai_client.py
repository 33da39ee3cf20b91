"""The contract: the official ``openai`` Python client, pointed at the guard's ``/v1``, works
unchanged (streaming and not, chat and completions, model list, errors), against the scripted
upstream; what it receives is redacted."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from clearance.guard.app import create_guard_app
from clearance.guard.scanner import Redactor
from clearance.guard.settings import GuardSettings
from tests.guard._upstream import (
    GITHUB,
    KNOWN,
    Script,
    Served,
    chat_stream,
    make_guard,
    sse_bytes,
    upstream_app,
)

openai = pytest.importorskip("openai", reason="the openai client is not installed (dev extra)")

TEXT = f"Use {GITHUB} and the password {KNOWN}, then restart. Done."
REDACTED = "Use [REDACTED:github_token] and the password [REDACTED:secret], then restart. Done."


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def client(script: Script, redactor: Redactor) -> Iterator[object]:
    with Served(upstream_app(script)) as upstream:
        guard = make_guard(upstream.url, redactor, GuardSettings(upstream_timeout=10.0))
        with Served(create_guard_app(guard)) as served:
            with openai.OpenAI(base_url=f"{served.url}/v1", api_key="unused", max_retries=0) as c:
                yield c


def test_streamed_chat_through_the_official_client(client: object, script: Script) -> None:
    script.body = chat_stream(TEXT, list(range(0, len(TEXT), 3)))
    stream = client.chat.completions.create(  # type: ignore[attr-defined]
        model="m", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
    assert "".join(pieces) == REDACTED


def test_whole_chat_completions_and_models(client: object, script: Script) -> None:
    script.content_type = "application/json"
    script.body = json.dumps(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1,
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": TEXT},
                    "finish_reason": "stop",
                }
            ],
        }
    ).encode()
    answer = client.chat.completions.create(  # type: ignore[attr-defined]
        model="m", messages=[{"role": "user", "content": "hi"}]
    )
    assert answer.choices[0].message.content == REDACTED
    assert [m.id for m in client.models.list()] == ["m"]  # type: ignore[attr-defined]


def test_streamed_completion_and_an_upstream_error(client: object, script: Script) -> None:
    events = [
        json.dumps(
            {
                "id": "c",
                "object": "text_completion",
                "created": 1,
                "model": "m",
                "choices": [{"index": 0, "text": TEXT[a : a + 5], "finish_reason": None}],
            }
        )
        for a in range(0, len(TEXT), 5)
    ]
    last = {"id": "c", "object": "text_completion", "created": 1, "model": "m"}
    last["choices"] = [{"index": 0, "text": "", "finish_reason": "stop"}]
    script.body = sse_bytes([*events, json.dumps(last), "[DONE]"])
    stream = client.completions.create(model="m", prompt="x", stream=True)  # type: ignore[attr-defined]
    assert "".join(c.choices[0].text for c in stream if c.choices) == REDACTED
    script.status, script.content_type, script.body = 500, "application/json", b"{}"
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])  # type: ignore[attr-defined]
    assert info.value.status_code == 500
