"""Tests of clearance.llm.openai_backend: the OpenAI-compatible endpoint backend (generation,
keys, retries, scoring, answers that are not text, the run's overall deadline), against the fake
OpenAI-compatible server of :mod:`tests.llm._fake_openai`; and the ``clearance llm audit``
command over such an endpoint (its timeout and a refused answer)."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import pytest

from clearance.errors import BackendUnavailableError, InputError, SourceUnavailableError
from clearance.llm.backend_protocol import Generation, ModelBackend, NotSupportedError
from clearance.llm.openai_backend import OpenAICompatibleBackend, RunOutOfTimeError
from tests.llm._fake_openai import API_KEY, KEY_ENV, ServerState, backend

# ------------------------------------------------------------------------------------- generation


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


# ----------------------------------------------------------------------------------------- errors


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


# ------------------------------------------------------------------------------------------ score


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


# ---------------------------------------------------------------------- answers that are not text


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


# --------------------------------------------------------------------------- the overall deadline


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


# ----------------------------------------------------------------------- the CLI over an endpoint


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
