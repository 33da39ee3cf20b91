"""The guard's ASGI app (Starlette): an OpenAI-compatible reverse proxy that redacts answers.

Routes: ``POST /v1/chat/completions`` and ``POST /v1/completions`` (streaming and not),
``GET /v1/models``, ``GET /healthz``, ``GET /metrics``. The client's body is forwarded as it is
(its ``Authorization`` replaced by the upstream key); the answer's generated text is redacted
(:mod:`clearance.guard.sse`). Errors take the OpenAI shape ``{"error": {"message", "type",
"code"}}``: 400 a body that is not a JSON object, 401 a missing or unknown client key, 413 a body
over ``max_body_bytes``, 429 a client over its ``rate_limit`` (with ``Retry-After``; see
:mod:`clearance.guard.ratelimit`), 502 the upstream unreachable or broken, 504 the upstream too
slow, 403 a response blocked (``action: block``), and the upstream's own status for its errors (its
message is not passed on: it may quote the prompt). A stream that cannot be finished safely ends
with an error event (:func:`~clearance.guard.sse.error_event`), never with unscanned text.

starlette and httpx come with the ``llm`` extra (fastapi brings starlette).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from clearance.guard.incidents import append_lines, incident_lines
from clearance.guard.metrics import Metrics
from clearance.guard.prompts import scan_request
from clearance.guard.ratelimit import RateLimiter
from clearance.guard.scanner import Hit, Redactor
from clearance.guard.settings import GuardSettings
from clearance.guard.sse import (
    ChunkRewriter,
    SseDecoder,
    StreamFault,
    error_body,
    error_event,
    frame,
    redact_completion,
)

MAX_UPSTREAM_BODY = 16 * 1024 * 1024
"""A non-streaming answer (or an error body) longer than this is refused (502)."""
OFFLOAD_CHARS = 64 * 1024
"""An event (or a non-streaming answer) longer than this is parsed, scanned and rendered in a
worker thread, so that the event loop keeps serving the other clients meanwhile (a megabyte
takes the scanner about a second); shorter ones stay on the loop, where a thread hop would
cost more than the scan. The stream waits for its own event: its order is kept."""
OFFLOAD_THREADS = 4
"""Worker threads scanning large pieces at once (more would only share the same cores)."""
log = logging.getLogger("clearance.guard")
T = TypeVar("T")
_HOP_HEADERS = {"openai-organization", "openai-project"}


@dataclass
class Guard:
    """One proxy: where it forwards, how it redacts, what it counts."""

    upstream: str
    redactor: Redactor
    settings: GuardSettings
    metrics: Metrics = field(default_factory=Metrics)

    def upstream_key(self) -> str | None:
        return os.environ.get(self.settings.upstream_api_key_env) or None


def _error(status: int, message: str, kind: str, code: str) -> Any:
    from starlette.responses import JSONResponse

    return JSONResponse(error_body(message, kind, code), status_code=status)


def create_guard_app(guard: Guard) -> Any:
    """The Starlette app serving ``guard``."""
    import anyio
    import anyio.to_thread
    import httpx
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
    from starlette.routing import Route

    settings = guard.settings
    metrics = guard.metrics
    timeout = httpx.Timeout(settings.upstream_timeout, connect=min(10.0, settings.upstream_timeout))
    state: dict[str, httpx.AsyncClient] = {}
    limiter = None if settings.rate_limit is None else RateLimiter(settings.rate_limit)
    workers: list[anyio.CapacityLimiter] = []

    async def off_loop(size: int, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)``, in a worker thread when ``size`` is over ``OFFLOAD_CHARS``."""
        if size <= OFFLOAD_CHARS:
            return fn(*args)
        if not workers:  # made on the loop that serves (a limiter belongs to one)
            workers.append(anyio.CapacityLimiter(OFFLOAD_THREADS))
        return await anyio.to_thread.run_sync(fn, *args, limiter=workers[0])

    def limited(who: str) -> Any:
        """The 429 answer when ``who`` is over its rate limit, else ``None``."""
        wait = 0.0 if limiter is None else limiter.take(who)
        if not wait:
            return None
        response = _error(
            429,
            f"rate limit reached: {settings.rate_limit} requests per minute",
            "requests",
            "rate_limit_exceeded",
        )
        response.headers["retry-after"] = RateLimiter.retry_after(wait)
        return response

    def client() -> httpx.AsyncClient:
        if "c" not in state:
            state["c"] = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        return state["c"]

    def record(hits: list[Hit], request_id: str, who: str, action: str) -> None:
        for hit in hits:
            metrics.inc("clearance_guard_redactions_total", type=hit.entity)
        if settings.incidents is not None and hits:
            append_lines(
                settings.incidents,
                incident_lines(hits, request_id=request_id, client=who, action=action),
            )

    def authenticate(request: Request) -> str | None:
        if not settings.clients:
            return "local"
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            return None
        return settings.client_for(key.strip())

    def upstream_headers(request: Request) -> dict[str, str]:
        headers = {
            "content-type": "application/json",
            "accept": request.headers.get("accept", "*/*"),
        }
        key = guard.upstream_key()
        if key:
            headers["authorization"] = f"Bearer {key}"
        for name in _HOP_HEADERS:
            if name in request.headers:
                headers[name] = request.headers[name]
        return headers

    async def read_body(request: Request) -> bytes | None:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > settings.max_body_bytes:
            return None
        body = bytearray()
        async for part in request.stream():
            body += part
            if len(body) > settings.max_body_bytes:
                return None
        return bytes(body)

    def admit(request: Request) -> tuple[str, Any]:
        """The client, or the error answer: an unknown key (401) or one over its rate (429)."""
        who = authenticate(request)
        if who is None:
            return "", _error(
                401, "missing or unknown API key", "authentication_error", "invalid_api_key"
            )
        return who, limited(who)

    async def healthz(request: Request) -> Any:
        return JSONResponse({"status": "ok"})

    async def metrics_route(request: Request) -> Any:
        return PlainTextResponse(metrics.exposition(), media_type="text/plain; version=0.0.4")

    async def models(request: Request) -> Any:
        _, refused = admit(request)
        if refused is not None:
            return refused
        try:
            resp = await client().get(
                f"{guard.upstream}/v1/models", headers=upstream_headers(request)
            )
        except httpx.TimeoutException:
            return _error(504, "upstream timed out", "upstream_error", "upstream_timeout")
        except httpx.HTTPError:
            return _error(502, "upstream unreachable", "upstream_error", "upstream_unreachable")
        if resp.status_code != 200:
            return _error(
                resp.status_code,
                f"upstream answered HTTP {resp.status_code}",
                "upstream_error",
                "upstream_status",
            )
        try:
            data = resp.json()
        except ValueError:
            return _error(
                502, "upstream answer is not JSON", "upstream_error", "upstream_malformed"
            )
        return JSONResponse(data)

    async def proxy(request: Request) -> Any:
        request_id = f"guard-{uuid.uuid4().hex[:16]}"
        route = request.url.path
        began = time.perf_counter()
        response = await _proxy(request, request_id)
        metrics.inc("clearance_guard_requests_total", route=route, status=str(response.status_code))
        response.headers["x-request-id"] = request_id
        # one JSON line per request: what and when, never a body, a key or a header value
        log.info(
            json.dumps(
                {
                    "event": "request",
                    "request_id": request_id,
                    "route": route,
                    "status": response.status_code,
                    "stream": isinstance(response, StreamingResponse),
                    "seconds_to_headers": round(time.perf_counter() - began, 6),
                },
                separators=(",", ":"),
            )
        )
        return response

    async def _proxy(request: Request, request_id: str) -> Any:
        who, refused = admit(request)
        if refused is not None:
            return refused
        raw = await read_body(request)
        if raw is None:
            return _error(
                413,
                f"request body over {settings.max_body_bytes} bytes",
                "invalid_request_error",
                "request_too_large",
            )
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            return _error(400, "request body is not JSON", "invalid_request_error", "invalid_json")
        if not isinstance(body, dict):
            return _error(
                400, "request body is not a JSON object", "invalid_request_error", "invalid_json"
            )
        if settings.prompts != "off":
            cleaned, prompt_hits = await off_loop(len(raw), scan_request, body, guard.redactor)
            if prompt_hits:
                action = "prompt-redacted" if settings.prompts == "redact" else "prompt-logged"
                record(prompt_hits, request_id, who, action)
                if settings.prompts == "redact":
                    raw = json.dumps(cleaned).encode()
        url = f"{guard.upstream}{request.url.path}"
        upstream_req = client().build_request(
            "POST", url, content=raw, headers=upstream_headers(request)
        )
        started = time.monotonic()
        try:
            resp = await asyncio.wait_for(
                client().send(upstream_req, stream=True), settings.request_timeout
            )
        except (httpx.TimeoutException, TimeoutError):
            return _error(504, "upstream timed out", "upstream_error", "upstream_timeout")
        except httpx.HTTPError:
            return _error(502, "upstream unreachable", "upstream_error", "upstream_unreachable")
        if resp.status_code != 200:
            await resp.aclose()
            status = resp.status_code if 400 <= resp.status_code < 600 else 502
            return _error(
                status,
                f"upstream answered HTTP {resp.status_code}",
                "upstream_error",
                "upstream_status",
            )
        if body.get("stream") is True:
            if "text/event-stream" not in resp.headers.get("content-type", ""):
                await resp.aclose()
                return _error(
                    502,
                    "upstream did not answer with an event stream",
                    "upstream_error",
                    "upstream_malformed",
                )
            return StreamingResponse(
                _stream(resp, request_id, who, started),
                media_type="text/event-stream",
                headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
            )
        try:
            data, size = await _read_all(resp, started)
        except StreamFault as fault:
            status = 504 if fault.code == "upstream_timeout" else 502
            return _error(status, fault.message, "upstream_error", fault.code)
        if not isinstance(data, dict):
            return _error(
                502, "upstream answer is not a JSON object", "upstream_error", "upstream_malformed"
            )
        hits = await off_loop(size, redact_completion, guard.redactor, data)
        if hits and settings.action == "block":
            record(hits, request_id, who, "blocked")
            metrics.inc("clearance_guard_blocked_total")
            return _error(
                403,
                "the response held a secret and was blocked",
                "content_blocked",
                "secret_detected",
            )
        record(hits, request_id, who, "redacted")
        return Response(await off_loop(size, _render, data), media_type="application/json")

    async def _chunks(resp: httpx.Response, started: float) -> AsyncIterator[bytes]:
        """The upstream's bytes, each read within ``upstream_timeout`` and all of them within
        ``request_timeout`` (a server dripping a byte at a time is cut off)."""
        it = resp.aiter_raw().__aiter__()
        while True:
            left = settings.request_timeout - (time.monotonic() - started)
            if left <= 0:
                raise StreamFault("upstream_timeout", "upstream answer took too long")
            try:
                chunk = await asyncio.wait_for(it.__anext__(), min(left, settings.upstream_timeout))
            except StopAsyncIteration:
                return
            except (TimeoutError, httpx.TimeoutException):
                raise StreamFault("upstream_timeout", "upstream stopped sending") from None
            except httpx.HTTPError:
                raise StreamFault("upstream_disconnected", "upstream connection broke") from None
            yield chunk

    async def _read_all(resp: httpx.Response, started: float) -> tuple[Any, int]:
        """The upstream's JSON answer and its size in bytes."""
        body = bytearray()
        try:
            async for chunk in _chunks(resp, started):
                body += chunk
                if len(body) > MAX_UPSTREAM_BODY:
                    raise StreamFault("upstream_malformed", "upstream answer over 16 MiB")
        finally:
            await resp.aclose()
        try:
            data = await off_loop(len(body), _strict_json, bytes(body))
            return data, len(body)
        except (ValueError, RecursionError):
            raise StreamFault("upstream_malformed", "upstream answer is not JSON") from None

    async def _stream(
        resp: httpx.Response, request_id: str, who: str, started: float
    ) -> AsyncIterator[bytes]:
        decoder = SseDecoder()
        rewriter = ChunkRewriter(guard.redactor)
        recorded = 0
        done = False
        try:
            async for chunk in _chunks(resp, started):
                spent, mark = 0.0, time.perf_counter()
                for data in decoder.feed(chunk):
                    out = await off_loop(len(data), rewriter.rewrite, data)
                    new = rewriter.hits[recorded:]
                    recorded = len(rewriter.hits)
                    spent += time.perf_counter() - mark  # not the time the client takes
                    if new and settings.action == "block":
                        record(new, request_id, who, "blocked")
                        metrics.inc("clearance_guard_blocked_total")
                        yield error_event(
                            "the response held a secret and was blocked",
                            "content_blocked",
                            "secret_detected",
                        )
                        return
                    record(new, request_id, who, "redacted")
                    yield frame(out)
                    mark = time.perf_counter()
                    if out == "[DONE]":
                        done = True
                metrics.observe_chunk(spent + time.perf_counter() - mark)
            for data in decoder.close():
                if not done:
                    out = rewriter.rewrite(data)
                    new = rewriter.hits[recorded:]
                    recorded = len(rewriter.hits)
                    record(new, request_id, who, "redacted")
                    yield frame(out)
                    done = done or out == "[DONE]"
            if rewriter.holding or not done:
                raise StreamFault("upstream_disconnected", "upstream stream ended mid-answer")
        except StreamFault as fault:
            metrics.inc("clearance_guard_stream_errors_total", code=fault.code)
            yield error_event(fault.message, "upstream_error", fault.code)
        finally:
            await resp.aclose()

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        yield
        if "c" in state:
            await state.pop("c").aclose()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_route, methods=["GET"]),
        Route("/v1/models", models, methods=["GET"]),
        Route("/v1/chat/completions", proxy, methods=["POST"]),
        Route("/v1/completions", proxy, methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_exception_handler(404, _not_found)
    app.add_exception_handler(405, _not_allowed)
    return app


def _strict_json(raw: bytes) -> Any:
    """JSON as the answer is rendered back: ``NaN`` and ``Infinity`` are not JSON (the
    rendering would refuse them after the scan: a 500 instead of the upstream's fault)."""
    return json.loads(raw, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _render(data: Any) -> bytes:
    """``JSONResponse``'s rendering, callable in a worker thread."""
    return json.dumps(
        data, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


async def _not_found(request: Any, exc: Exception) -> Any:
    return _error(404, "no such route", "invalid_request_error", "not_found")


async def _not_allowed(request: Any, exc: Exception) -> Any:
    return _error(405, "method not allowed", "invalid_request_error", "method_not_allowed")
