"""A minimal OpenAI-compatible HTTP server around a :class:`~clearance.llm.backend_protocol.ModelBackend`.

``create_app(backend, model_name=...)`` returns a FastAPI app with ``GET /v1/models``,
``POST /v1/completions`` and ``POST /v1/chat/completions``; :func:`serve` runs it with uvicorn.
It lets a local model (``hf:PATH``, e.g. a GGUF file) be audited through the same HTTP path as
a remote endpoint, and backs the tests of :class:`~clearance.llm.openai_backend.OpenAICompatibleBackend`.

A prompt longer than the model's context window is cut on the left (its end is kept, what the
model continues; :meth:`HuggingFaceBackend.generate`); a ``max_tokens`` that leaves no room for a
prompt is refused with HTTP 400 ``invalid_request_error``.

Scope: ``prompt`` is a string or a list of strings; ``max_tokens``, ``temperature`` (default 1,
as OpenAI), ``n`` and ``seed`` are honoured; ``stream: true`` (one prompt, ``n`` = 1) answers
with server-sent events as the model writes (:meth:`HuggingFaceBackend.stream`); ``stop``, ``top_p`` and the penalties are ignored.
The backend only gives the summed log-probability of a generation, so ``logprobs`` answers with
one entry per choice (``tokens: [text]``, ``token_logprobs: [sum]``): the sum is right, the
token split is not. ``echo`` (prompt scoring) is refused with HTTP 400 ``invalid_request_error``,
which :meth:`OpenAICompatibleBackend.score` reports as not supported. Chat needs a backend with a
chat template (:class:`~clearance.llm.hf_backend.HuggingFaceBackend` whose tokenizer has one); it
answers HTTP 400 otherwise. Requests are served one at a time (the model is not shared between
threads). No authentication: bind it to 127.0.0.1.

fastapi and uvicorn are optional; they are imported when the app is created.
"""

from __future__ import annotations

import importlib.util
import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from clearance.errors import BackendUnavailableError, ClearanceError, InputError
from clearance.llm.backend_protocol import LLM_EXTRA_HINT, Generation, ModelBackend
from clearance.llm.hf_backend import HuggingFaceBackend

__all__ = ["ChatRequest", "CompletionRequest", "create_app", "load_served_model", "serve"]

SERVE_HINT = "pip install fastapi uvicorn"


class CompletionRequest(BaseModel):
    """The fields of ``POST /v1/completions`` this server reads (others are ignored)."""

    model_config = ConfigDict(extra="allow")

    model: str | None = None
    prompt: str | list[str]
    max_tokens: int = 16
    temperature: float = 1.0
    n: int = 1
    seed: int | None = None
    logprobs: int | None = None
    echo: bool = False
    stream: bool = False


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str
    content: str


class ChatRequest(BaseModel):
    """The fields of ``POST /v1/chat/completions`` this server reads (others are ignored)."""

    model_config = ConfigDict(extra="allow")

    model: str | None = None
    messages: list[ChatMessage]
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    temperature: float = 1.0
    n: int = 1
    seed: int | None = None
    logprobs: bool = False
    stream: bool = False


def _error(status: int, kind: str, message: str) -> Any:
    from fastapi.responses import JSONResponse

    return JSONResponse({"error": {"type": kind, "message": message}}, status_code=status)


def create_app(backend: ModelBackend, *, model_name: str) -> Any:
    """A FastAPI app serving ``backend`` under the model id ``model_name``."""
    try:
        from fastapi import FastAPI
    except ImportError:
        raise BackendUnavailableError("fastapi", SERVE_HINT) from None

    app = FastAPI(title="clearance llm serve")
    lock = threading.Lock()

    def run(
        prompts: list[str], max_tokens: int, temperature: float, n: int, seed: int | None
    ) -> Any:
        if max_tokens < 1 or n < 1 or temperature < 0:
            return _error(400, "invalid_request_error", "max_tokens and n must be >= 1")
        try:
            with lock:
                return backend.generate(
                    prompts,
                    max_new_tokens=max_tokens,
                    temperature=temperature,
                    n=n,
                    seed=seed or 0,
                )
        except InputError as exc:  # a request the model cannot serve (max_tokens too large)
            return _error(400, "invalid_request_error", exc.reason)
        except ClearanceError as exc:
            return _error(500, "server_error", type(exc).__name__)

    def streamed(
        kind: str, model: str | None, prompt: str, max_tokens: int, temperature: float, seed: int
    ) -> Any:
        """An SSE answer (``stream: true``): one chunk per piece the model writes, a last chunk
        with the finish reason, then ``data: [DONE]``, as the OpenAI API streams."""
        from fastapi.responses import StreamingResponse

        if not isinstance(backend, HuggingFaceBackend):
            return _error(400, "invalid_request_error", "this model cannot stream")
        if max_tokens < 1 or temperature < 0:
            return _error(400, "invalid_request_error", "max_tokens must be >= 1")
        ident = f"cmpl-{uuid.uuid4().hex[:16]}"
        chat = kind == "chat.completion.chunk"

        def chunk(piece: str | None, finish: str | None, role: bool = False) -> str:
            if chat:
                delta: dict[str, Any] = {} if piece is None else {"content": piece}
                if role:
                    delta["role"] = "assistant"
                choice: dict[str, Any] = {"index": 0, "delta": delta, "finish_reason": finish}
            else:
                choice = {"index": 0, "text": piece or "", "finish_reason": finish}
            body = {
                "id": ident,
                "object": kind,
                "created": int(time.time()),
                "model": model or model_name,
                "choices": [choice],
            }
            return f"data: {json.dumps(body)}\n\n"

        def events() -> Iterator[str]:
            with lock:
                if chat:
                    yield chunk(None, None, role=True)
                try:
                    for piece in backend.stream(
                        prompt, max_new_tokens=max_tokens, temperature=temperature, seed=seed
                    ):
                        if piece:
                            yield chunk(piece, None)
                except ClearanceError as exc:
                    error = {"error": {"type": "server_error", "message": type(exc).__name__}}
                    yield f"data: {json.dumps(error)}\n\n"
                    return
                yield chunk(None, "length")
                yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": model_name, "object": "model"}]}

    @app.post("/v1/completions")
    def completions(request: CompletionRequest) -> Any:
        if request.echo:
            return _error(400, "invalid_request_error", "echo is not supported by this server")
        prompts = [request.prompt] if isinstance(request.prompt, str) else request.prompt
        if request.stream:
            if len(prompts) != 1 or request.n != 1:
                return _error(400, "invalid_request_error", "streaming takes one prompt, n = 1")
            return streamed(
                "text_completion",
                request.model,
                prompts[0],
                request.max_tokens,
                request.temperature,
                request.seed or 0,
            )
        result = run(prompts, request.max_tokens, request.temperature, request.n, request.seed)
        if not isinstance(result, list):
            return result
        choices = []
        for i, generation in enumerate(g for gens in result for g in gens):
            choice: dict[str, Any] = {
                "index": i,
                "text": generation.text,
                "finish_reason": "length",
            }
            if request.logprobs is not None:
                choice["logprobs"] = _logprobs(generation)
            choices.append(choice)
        return _envelope("text_completion", request.model, choices)

    @app.post("/v1/chat/completions")
    def chat(request: ChatRequest) -> Any:
        prompt = _chat_prompt(backend, [m.model_dump() for m in request.messages])
        if prompt is None:
            return _error(400, "invalid_request_error", "this model has no chat template")
        max_tokens = request.max_completion_tokens or request.max_tokens or 16
        if request.stream:
            if request.n != 1:
                return _error(400, "invalid_request_error", "streaming takes n = 1")
            return streamed(
                "chat.completion.chunk",
                request.model,
                prompt,
                max_tokens,
                request.temperature,
                request.seed or 0,
            )
        result = run([prompt], max_tokens, request.temperature, request.n, request.seed)
        if not isinstance(result, list):
            return result
        choices = []
        for i, generation in enumerate(result[0]):
            choice: dict[str, Any] = {
                "index": i,
                "message": {"role": "assistant", "content": generation.text},
                "finish_reason": "length",
            }
            if request.logprobs and generation.logprob is not None:
                choice["logprobs"] = {
                    "content": [{"token": generation.text, "logprob": generation.logprob}]
                }
            choices.append(choice)
        return _envelope("chat.completion", request.model, choices)

    def _envelope(kind: str, model: str | None, choices: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": f"cmpl-{uuid.uuid4().hex[:16]}",
            "object": kind,
            "created": int(time.time()),
            "model": model or model_name,
            "choices": choices,
        }

    return app


def _logprobs(generation: Generation) -> dict[str, Any] | None:
    if generation.logprob is None:
        return None
    return {"tokens": [generation.text], "token_logprobs": [generation.logprob], "text_offset": [0]}


def _chat_prompt(backend: ModelBackend, messages: list[dict[str, Any]]) -> str | None:
    if not isinstance(backend, HuggingFaceBackend):
        return None
    _, tokenizer = backend._load()
    if not getattr(tokenizer, "chat_template", None):
        return None
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return text if isinstance(text, str) else None


def load_served_model(path: Path, *, gguf_file: str | None = None) -> HuggingFaceBackend:
    """The local model at ``path``, loaded now (so that a bad model fails before a port is
    bound), once the server's own dependencies are known to be installed."""
    for module in ("fastapi", "uvicorn"):
        if importlib.util.find_spec(module) is None:
            raise BackendUnavailableError(module, LLM_EXTRA_HINT)
    backend = HuggingFaceBackend(path, gguf_file=gguf_file)
    backend.generate(["."], max_new_tokens=1)
    return backend


def serve(
    backend: ModelBackend, *, model_name: str, host: str = "127.0.0.1", port: int = 8000
) -> None:
    """Serve ``backend`` until interrupted (blocking)."""
    try:
        import uvicorn
    except ImportError:
        raise BackendUnavailableError("uvicorn", SERVE_HINT) from None
    uvicorn.run(create_app(backend, model_name=model_name), host=host, port=port, log_level="info")
