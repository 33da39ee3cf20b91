"""HTTP plumbing of the OpenAI-compatible backend (:mod:`clearance.llm.openai_backend`):
deadlines, rate limiting, retry timing and reading answers without trusting them.

* :func:`deadline_transport`: an ``httpx`` transport whose every socket connect, read and write
  is bounded by the running request's deadline (:func:`request_deadline`), so a server dripping
  a byte a second cannot hold a request past it;
* :class:`TokenBucket`: the request rate limit;
* :func:`retry_after`: a ``Retry-After`` header in seconds;
* :func:`read_capped`: an answer read as a stream and abandoned past a size;
* :func:`error_type`, :func:`json_kind`, :func:`mask_url`: what an error message may say about
  an answer or an endpoint, never a body (a server's 4xx body may echo the prompt, which may
  hold the very secret being audited) nor credentials.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from clearance.errors import InputError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "RETRY_STATUSES",
    "RequestRejected",
    "TokenBucket",
    "deadline_transport",
    "error_type",
    "is_dns_error",
    "json_kind",
    "mask_url",
    "read_capped",
    "request_deadline",
    "retry_after",
    "size_text",
]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_ERROR_TYPE = re.compile(r"[A-Za-z0-9_.\-]{1,40}")


class TokenBucket:
    """At most ``rate`` acquisitions per second on average, bursts up to ``max(1, rate)``."""

    def __init__(self, rate: float, sleep: Callable[[float], None]) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.updated = time.monotonic()
        self._sleep = sleep
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                wait = (1 - self.tokens) / self.rate
            self._sleep(wait)


class RequestRejected(InputError):
    """A 4xx (other than 401/403/429) or 501 answer; ``status`` says which."""

    def __init__(self, source: str, status: int, error_type: str | None) -> None:
        self.status = status
        detail = f" ({error_type})" if error_type else ""
        super().__init__(source, f"the endpoint rejected the request: HTTP {status}{detail}")


def mask_url(url: str) -> str:
    """The URL without user info, query string or fragment."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "<endpoint URL>"
    rest = rest.split("?", 1)[0].split("#", 1)[0]
    host, slash, path = rest.partition("/")
    host = host.rpartition("@")[2]
    return f"{scheme}://{host}{slash}{path}".rstrip("/")


def retry_after(value: str | None) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) in seconds from now, or ``None``."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def error_type(raw: bytes | None) -> str | None:
    """The server's short error type (``invalid_request_error``, ``BadRequestError``, ...), never
    its message: that may echo the prompt."""
    if raw is None:
        return None
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    candidates: list[Any] = []
    if isinstance(error, dict):
        candidates = [error.get("type"), error.get("code")]
    candidates.append(body.get("type"))
    for value in candidates:
        if isinstance(value, str) and _ERROR_TYPE.fullmatch(value):
            return value
    return None


def json_kind(value: object) -> str:
    """What a JSON value is, in words, never the value itself (it may hold a secret)."""
    if value is None:
        return "missing or null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def size_text(n: int) -> str:
    """``n`` bytes in KiB or MiB, for messages."""
    return f"{n / (1024 * 1024):g} MiB" if n >= 1024 * 1024 else f"{n / 1024:g} KiB"


def read_capped(response: httpx.Response, limit: int) -> bytes | None:
    """The (decompressed) body, or ``None`` once it exceeds ``limit`` bytes (reading stops)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


# Deadline of the request running in this thread (time.monotonic()); read by the transport.
_REQUEST_DEADLINE = threading.local()


@contextmanager
def request_deadline(when: float) -> Iterator[None]:
    """Bounds the sockets of this thread's request by ``when`` (``time.monotonic()``)."""
    previous = getattr(_REQUEST_DEADLINE, "at", None)
    _REQUEST_DEADLINE.at = when
    try:
        yield
    finally:
        _REQUEST_DEADLINE.at = previous


def _time_left(timeout: float | None) -> float | None:
    """``timeout`` cut to the time left before this thread's request deadline."""
    at: float | None = getattr(_REQUEST_DEADLINE, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    return left if timeout is None else min(timeout, left)


def deadline_transport(concurrency: int) -> Any:
    """An httpx transport whose every socket connect, read and write is bounded by the running
    request's deadline (httpx's own timeouts are per operation: a server sending a byte a
    second never trips them)."""
    import httpcore
    import httpx

    class Stream(httpcore.NetworkStream):
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            left = _time_left(timeout)
            if left is not None and left <= 0:
                raise httpcore.ReadTimeout("request deadline")
            return bytes(self.inner.read(max_bytes, left))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            left = _time_left(timeout)
            if left is not None and left <= 0:
                raise httpcore.WriteTimeout("request deadline")
            self.inner.write(buffer, left)

        def close(self) -> None:
            self.inner.close()

        def start_tls(
            self,
            ssl_context: Any,
            server_hostname: str | None = None,
            timeout: float | None = None,
        ) -> Any:
            left = _time_left(timeout)
            if left is not None and left <= 0:
                raise httpcore.ConnectTimeout("request deadline")
            return Stream(self.inner.start_tls(ssl_context, server_hostname, left))

        def get_extra_info(self, info: str) -> Any:
            return self.inner.get_extra_info(info)

    class Backend(httpcore.NetworkBackend):
        def __init__(self) -> None:
            self.inner = httpcore.SyncBackend()

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> Any:
            left = _time_left(timeout)
            if left is not None and left <= 0:
                raise httpcore.ConnectTimeout("request deadline")
            stream = self.inner.connect_tcp(
                host, port, timeout=left, local_address=local_address, socket_options=socket_options
            )
            return Stream(stream)

        def sleep(self, seconds: float) -> None:
            self.inner.sleep(seconds)

    transport = httpx.HTTPTransport(trust_env=False)
    # httpx builds its httpcore pool with no way to pass a network backend: put the same pool
    # over the deadline-bounded backend in its place
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=concurrency,
        max_keepalive_connections=concurrency,
        network_backend=Backend(),
    )
    return transport


def is_dns_error(exc: Exception) -> bool:
    """Whether a connection error is a host name that did not resolve."""
    text = str(exc).lower()
    return any(
        marker in text
        for marker in (
            "name or service not known",
            "nodename nor servname",
            "getaddrinfo",
            "name resolution",
        )
    )
