"""The fake OpenAI-compatible server of the endpoint tests: a small FastAPI app run by uvicorn on a
free local port in a background thread, with switches to fail, stall or reject the key; and
:func:`backend`, the client the tests point at it. Importing this module skips the importing
test module when fastapi/uvicorn (dev extra) are absent."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from clearance.llm.openai_backend import OpenAICompatibleBackend

fastapi = pytest.importorskip("fastapi", reason="the test HTTP server needs fastapi (dev extra)")
uvicorn = pytest.importorskip("uvicorn", reason="the test HTTP server needs uvicorn (dev extra)")
# module-level: FastAPI resolves the handlers' (string) annotations in this module's globals
Request = fastapi.Request
JSONResponse = fastapi.responses.JSONResponse


API_KEY = "sk-test-SECRET-4f9a0c1b2d3e"


KEY_ENV = "CLEARANCE_TEST_LLM_KEY"


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

    def __init__(self, app: Any, *, lifespan: str = "off") -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="error", lifespan=lifespan, access_log=False)
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


def backend(url: str, **options: Any) -> OpenAICompatibleBackend:
    options.setdefault("api_key_env", KEY_ENV)
    options.setdefault("backoff_base", 0.01)
    return OpenAICompatibleBackend(url, model="fake-model", **options)
