"""A model behind an OpenAI-compatible HTTP API as a
:class:`~clearance.llm.backend_protocol.ModelBackend`.

Any server speaking the OpenAI HTTP API (vLLM, llama.cpp's ``llama-server``, TGI, Ollama,
OpenAI itself), through ``httpx``. Requests run concurrently on a thread pool (the public API
stays synchronous), are rate-limited by a token bucket and retried with exponential backoff and
seeded jitter on HTTP 429/500/502/503/504 and timeouts, honouring ``Retry-After`` up to a cap.
Each request has an overall deadline (not only a per-read timeout: a server dripping a byte a
second cannot hold it), the whole run can have one too (``deadline_s``), and an answer is read
as a stream and abandoned past ``max_response_bytes`` (:mod:`clearance.llm.http_transport`).

Secrets: the API key is read from an environment variable when the client is created, sent only
in the ``Authorization`` header and never logged nor put in an error message. Error messages
never quote a prompt or a response body either: a rejected request is reported with its HTTP
status and the server's short error type only.

Errors: an endpoint that cannot be reached or rejects the key raises
:class:`~clearance.errors.SourceUnavailableError` (exit 6), :class:`RunOutOfTimeError` when the
run's overall deadline passed; an answer the backend cannot use raises
:class:`~clearance.errors.InputError` (exit 3).
"""

from __future__ import annotations

import json
import math
import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal

from clearance.errors import BackendUnavailableError, InputError, SourceUnavailableError
from clearance.llm.backend_protocol import (
    LLM_EXTRA_HINT,
    Generation,
    NotSupportedError,
    check_generate_args,
    check_score_args,
)
from clearance.llm.http_transport import (
    RETRY_STATUSES,
    RequestRejected,
    TokenBucket,
    deadline_transport,
    error_type,
    is_dns_error,
    json_kind,
    mask_url,
    read_capped,
    request_deadline,
    retry_after,
    size_text,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["OpenAICompatibleBackend", "RunOutOfTimeError"]


class RunOutOfTimeError(SourceUnavailableError):
    """The run's overall deadline (``deadline_s``) passed before the endpoint answered."""


def _sum_logprobs(values: Sequence[Any]) -> float | None:
    numbers = [float(v) for v in values if isinstance(v, int | float)]
    return sum(numbers) if numbers else None


class OpenAICompatibleBackend:
    """A model behind an OpenAI-compatible HTTP API.

    ``base_url`` is the server's root (``http://localhost:8000``; a trailing ``/v1`` is
    accepted). ``mode="completions"`` posts the prompt as is to ``/v1/completions``;
    ``mode="chat"`` sends it as one user message to ``/v1/chat/completions`` (the server applies
    the chat template). The API key is read from the environment variable ``api_key_env`` when
    the first request is made and sent as ``Authorization: Bearer``; when the variable is unset no
    header is sent (local servers need none).

    ``concurrency`` requests run at once (a thread pool; one request per prompt, asking for
    ``n`` choices; more requests are made when a server returns fewer choices than asked).
    ``rate_limit_per_s`` caps the request rate with a token bucket. Each request is tried up to
    ``1 + max_retries`` times on HTTP 429/500/502/503/504, timeouts and dropped connections,
    waiting ``Retry-After`` when the server sends it and otherwise ``backoff_base * 2**attempt``
    seconds with a jitter drawn from a generator seeded with ``jitter_seed``. A ``Retry-After``
    over ``max_retry_after`` seconds is cut to it, and the cut is recorded in :attr:`notices`.

    Deadlines: every attempt of a request must be answered in full (connection, headers and body)
    within ``timeout`` seconds: each socket read and write is bounded by the time left, so a
    server that sends a byte a second forever is cut off at the deadline. ``deadline_s`` bounds
    the whole run (every request and every wait from the first request on): past it a request
    raises :class:`~clearance.errors.SourceUnavailableError` instead of starting, and a
    ``Retry-After`` that would end past it gives up at once. Size: an answer is read as a stream
    (decompressed) and abandoned with an :class:`~clearance.errors.InputError` once it exceeds
    ``max_response_bytes``; an error answer is read up to 64 KiB only.

    ``logprobs=True`` asks for token log-probabilities (``logprobs: 1`` on completions,
    ``logprobs: true, top_logprobs: 1`` on chat); :attr:`Generation.logprob` is ``None`` when the
    server leaves them out. :meth:`score` posts ``prompt + continuation`` to ``/v1/completions``
    with ``echo: true, logprobs: 1, max_tokens: 0`` (vLLM and llama.cpp support it; OpenAI's own
    API no longer does) and raises :class:`NotSupportedError` when the server refuses it or
    answers without prompt log-probabilities. Continuation tokens are those whose text ends
    after the prompt (``text_offset``), as in :class:`HuggingFaceBackend`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        model: str,
        api_key_env: str | None = "OPENAI_API_KEY",
        mode: Literal["completions", "chat"] = "completions",
        concurrency: int = 4,
        max_retries: int = 3,
        timeout: float = 30.0,
        rate_limit_per_s: float | None = None,
        logprobs: bool = True,
        backoff_base: float = 0.5,
        max_retry_after: float = 60.0,
        jitter_seed: int = 0,
        deadline_s: float | None = None,
        max_response_bytes: int = 16 * 1024 * 1024,
    ) -> None:
        if mode not in ("completions", "chat"):
            raise InputError(
                "openai backend", f"mode must be 'completions' or 'chat', got {mode!r}"
            )
        if concurrency < 1:
            raise InputError("openai backend", f"concurrency must be at least 1, got {concurrency}")
        if max_retries < 0:
            raise InputError("openai backend", f"max_retries must be >= 0, got {max_retries}")
        if rate_limit_per_s is not None and not rate_limit_per_s > 0:
            raise InputError("openai backend", "rate_limit_per_s must be positive")
        for label, value in (("timeout", timeout), ("max_retry_after", max_retry_after)):
            if not (value > 0 and math.isfinite(value)):
                raise InputError("openai backend", f"{label} must be a positive number of seconds")
        if deadline_s is not None and not (deadline_s > 0 and math.isfinite(deadline_s)):
            raise InputError("openai backend", "the overall timeout must be a positive number")
        if max_response_bytes < 1024:
            raise InputError("openai backend", "max_response_bytes must be at least 1024")
        root = base_url.rstrip("/")
        if root.endswith("/v1"):
            root = root[: -len("/v1")]
        self.base_url = root
        self.model = model
        self.api_key_env = api_key_env
        self.mode = mode
        self.concurrency = concurrency
        self.max_retries = max_retries
        self.timeout = timeout
        self.rate_limit_per_s = rate_limit_per_s
        self.logprobs = logprobs
        self.backoff_base = backoff_base
        self.max_retry_after = max_retry_after
        self.deadline_s = deadline_s
        self.max_response_bytes = max_response_bytes
        self.notices: list[str] = []
        """What the backend did that the caller should report (a ``Retry-After`` cut short)."""
        self._run_deadline: float | None = None  # monotonic; set by the first request
        self._source = mask_url(root)
        self._rng = random.Random(jitter_seed)
        self._rng_lock = threading.Lock()
        self._client_lock = threading.Lock()
        self._client: httpx.Client | None = None
        self._sleep: Callable[[float], None] = time.sleep
        self.on_progress: Callable[[int], None] | None = None
        """Called with 1 after each prompt (or scored pair) is answered."""
        self._bucket = (
            TokenBucket(rate_limit_per_s, self._sleep) if rate_limit_per_s is not None else None
        )

    @property
    def name(self) -> str:
        return f"openai:{self._source}#{self.model}"

    @property
    def supports_logprobs(self) -> bool:
        return self.logprobs

    def __repr__(self) -> str:
        return (
            f"OpenAICompatibleBackend({self._source!r}, model={self.model!r}, mode={self.mode!r})"
        )

    def close(self) -> None:
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def __enter__(self) -> OpenAICompatibleBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP

    def _http(self) -> httpx.Client:
        with self._client_lock:
            if self._client is None:
                try:
                    import httpx
                except ImportError:
                    raise BackendUnavailableError("httpx", LLM_EXTRA_HINT) from None
                headers = {"Accept": "application/json"}
                key = os.environ.get(self.api_key_env) if self.api_key_env else None
                if key:
                    headers["Authorization"] = f"Bearer {key}"
                try:
                    url = httpx.URL(self.base_url)
                except httpx.InvalidURL as exc:  # a control character, a bad port: bad input
                    raise InputError(mask_url(self.base_url), f"not a valid URL ({exc})") from None
                self._client = httpx.Client(
                    base_url=url,
                    headers=headers,
                    timeout=httpx.Timeout(self.timeout),
                    transport=deadline_transport(self.concurrency),
                    follow_redirects=False,
                    trust_env=False,
                )
                if self.deadline_s is not None and self._run_deadline is None:
                    self._run_deadline = time.monotonic() + self.deadline_s
            return self._client

    def _note(self, message: str) -> None:
        with self._rng_lock:
            if message not in self.notices:
                self.notices.append(message)

    def _out_of_time(self, source: str) -> RunOutOfTimeError:
        return RunOutOfTimeError(source, f"the overall timeout of {self.deadline_s:g} s ran out")

    def _backoff(self, attempt: int) -> float:
        with self._rng_lock:
            jitter = self._rng.random()
        return self.backoff_base * (2.0**attempt) * (0.5 + jitter)

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        import httpx

        client = self._http()
        source = self._source + path
        failure = ""
        for attempt in range(self.max_retries + 1):
            if self._bucket is not None:
                self._bucket.acquire()
            now = time.monotonic()
            if self._run_deadline is not None and now >= self._run_deadline:
                raise self._out_of_time(source)
            deadline = now + self.timeout
            if self._run_deadline is not None:
                deadline = min(deadline, self._run_deadline)
            wait: float | None = None
            try:
                with (
                    request_deadline(deadline),
                    client.stream("POST", path, json=payload) as response,
                ):
                    status = response.status_code
                    ok = 200 <= status < 300
                    raw = read_capped(response, self.max_response_bytes if ok else 64 * 1024)
            except httpx.ConnectError as exc:
                reason = "host not found" if is_dns_error(exc) else "connection refused"
                raise SourceUnavailableError(source, reason) from None
            except httpx.TimeoutException:
                if self._run_deadline is not None and time.monotonic() >= self._run_deadline:
                    raise self._out_of_time(source) from None
                failure = f"no complete answer within {self.timeout:g} s"
            except httpx.TransportError:
                failure = "the connection was dropped"
            else:
                if ok:
                    if raw is None:
                        raise InputError(
                            source,
                            f"the answer is over {size_text(self.max_response_bytes)}: "
                            "not an OpenAI-compatible completion",
                        )
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        body = None
                    if not isinstance(body, dict):
                        raise InputError(source, "the endpoint did not answer with a JSON object")
                    return body
                if status in (401, 403):
                    raise SourceUnavailableError(
                        source, f"the endpoint rejected the API key (HTTP {status})"
                    )
                if status not in RETRY_STATUSES:
                    if status >= 500 and status != 501:
                        raise SourceUnavailableError(source, f"HTTP {status} from the endpoint")
                    raise RequestRejected(source, status, error_type(raw))
                failure = f"HTTP {status}"
                wait = retry_after(response.headers.get("Retry-After"))
            if attempt == self.max_retries:
                break
            delay = self._backoff(attempt) if wait is None else wait
            if delay > self.max_retry_after:
                if wait is not None:
                    self._note(
                        f"{self._source} asked to wait {delay:.0f} s before retrying "
                        f"(Retry-After); waited {self.max_retry_after:g} s at most"
                    )
                delay = self.max_retry_after
            if self._run_deadline is not None and time.monotonic() + delay >= self._run_deadline:
                raise SourceUnavailableError(
                    source,
                    f"{failure}; the next retry would start after the overall timeout of "
                    f"{self.deadline_s:g} s",
                )
            self._sleep(delay)
        retries = f" after {self.max_retries} retries" if self.max_retries else ""
        raise SourceUnavailableError(source, f"{failure}{retries}")

    def _map(self, fn: Callable[[int], Any], count: int) -> list[Any]:
        self._http()  # create the client (and read the key) once, before the threads start
        hook = self.on_progress

        def one(i: int) -> Any:
            out = fn(i)
            if hook is not None:
                hook(1)
            return out

        if count == 1 or self.concurrency == 1:
            return [one(i) for i in range(count)]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, count)) as pool:
            return list(pool.map(one, range(count)))

    # -- generation

    def generate(
        self,
        prompts: Sequence[str],
        *,
        max_new_tokens: int,
        temperature: float = 0.0,
        n: int = 1,
        seed: int = 0,
    ) -> list[list[Generation]]:
        check_generate_args(max_new_tokens, temperature, n)
        prompts = list(prompts)
        return self._map(
            lambda i: self._generate_one(prompts[i], max_new_tokens, temperature, n, seed),
            len(prompts),
        )

    def _generate_one(
        self, prompt: str, max_new_tokens: int, temperature: float, n: int, seed: int
    ) -> list[Generation]:
        generations: list[Generation] = []
        request = 0
        while len(generations) < n:
            want = n - len(generations)
            payload: dict[str, Any] = {
                "model": self.model,
                "max_tokens": max_new_tokens,
                "temperature": temperature,
                "n": want,
                "seed": seed + request,
            }
            if self.mode == "chat":
                payload["messages"] = [{"role": "user", "content": prompt}]
                if self.logprobs:
                    payload.update(logprobs=True, top_logprobs=1)
                path = "/v1/chat/completions"
                body = self._post(path, payload)
                got = [self._chat_choice(c, path) for c in self._choices(body, path)]
            else:
                payload["prompt"] = prompt
                if self.logprobs:
                    payload["logprobs"] = 1
                path = "/v1/completions"
                body = self._post(path, payload)
                got = [self._completion_choice(c, path) for c in self._choices(body, path)]
            if not got:
                raise InputError(self._source, "the endpoint answered without any choice")
            generations.extend(got[:want])
            request += 1
        return generations

    def _choices(self, body: dict[str, Any], path: str) -> list[dict[str, Any]]:
        choices = body.get("choices")
        if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
            raise InputError(self._source + path, "unexpected answer: no 'choices' list")
        return sorted(
            choices, key=lambda c: c.get("index", 0) if isinstance(c.get("index"), int) else 0
        )

    def _completion_choice(self, choice: dict[str, Any], path: str) -> Generation:
        text = choice.get("text")
        if not isinstance(text, str):
            # read as an empty output, it would pass the audit as "nothing leaked"
            raise InputError(
                self._source + path,
                f"unexpected answer: a choice's 'text' is {json_kind(text)}, not a string",
            )
        logprobs = choice.get("logprobs")
        total = None
        if isinstance(logprobs, dict) and isinstance(logprobs.get("token_logprobs"), list):
            total = _sum_logprobs(logprobs["token_logprobs"])
        return Generation(text, total)

    def _chat_choice(self, choice: dict[str, Any], path: str) -> Generation:
        message = choice.get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str):
            refused = isinstance(message, dict) and isinstance(message.get("refusal"), str)
            if not (content is None and refused):  # a refusal is an honest empty answer
                shown = json_kind(content) if isinstance(message, dict) else "missing"
                raise InputError(
                    self._source + path,
                    f"unexpected answer: a choice's 'message.content' is {shown}, not a string",
                )
            content = ""
        logprobs = choice.get("logprobs")
        total = None
        if isinstance(logprobs, dict) and isinstance(logprobs.get("content"), list):
            total = _sum_logprobs(
                [t.get("logprob") for t in logprobs["content"] if isinstance(t, dict)]
            )
        return Generation(content, total)

    # -- scoring

    def score(
        self,
        prompts: Sequence[str],
        continuations: Sequence[str],
        *,
        temperature: float = 1.0,
        top_p: float = 1.0,
        top_k: int = 0,
    ) -> list[float]:
        """Prompt log-probabilities from ``/v1/completions`` with ``echo``. Servers return them
        at temperature 1 without truncation only: any other ``temperature``, ``top_p`` or
        ``top_k`` raises :class:`NotSupportedError`."""
        check_score_args(prompts, continuations, temperature, top_p, top_k)
        if temperature != 1.0 or top_p != 1.0 or top_k != 0:
            raise NotSupportedError(
                self.name,
                "the endpoint returns log-probabilities at temperature 1 without top-p/top-k "
                f"truncation only, not temperature {temperature:g}, top_p {top_p:g}, "
                f"top_k {top_k}",
            )
        pairs = list(zip(prompts, continuations, strict=True))
        return self._map(lambda i: self._score_one(*pairs[i]), len(pairs))

    def _not_supported(self) -> NotSupportedError:
        return NotSupportedError(
            self.name,
            "the endpoint does not return prompt log-probabilities (/v1/completions with "
            "echo=true); use a vLLM or llama.cpp server, or an hf: model",
        )

    def _score_one(self, prompt: str, continuation: str) -> float:
        if not continuation:
            return 0.0
        text = prompt + continuation
        payload = {
            "model": self.model,
            "prompt": text,
            "max_tokens": 0,
            "echo": True,
            "logprobs": 1,
            "temperature": 0.0,
        }
        try:
            body = self._post("/v1/completions", payload)
        except RequestRejected:
            raise self._not_supported() from None
        choices = body.get("choices")
        logprobs = (
            choices[0].get("logprobs")
            if isinstance(choices, list) and choices and isinstance(choices[0], dict)
            else None
        )
        if not isinstance(logprobs, dict):
            raise self._not_supported()
        tokens = logprobs.get("tokens")
        values = logprobs.get("token_logprobs")
        offsets = logprobs.get("text_offset")
        if not (
            isinstance(tokens, list) and isinstance(values, list) and isinstance(offsets, list)
        ):
            raise self._not_supported()
        boundary, total = len(prompt), 0.0
        for token, value, offset in zip(tokens, values, offsets, strict=False):
            if not isinstance(offset, int) or offset >= len(text):
                continue  # a generated token, past the echoed text
            end = offset + len(token) if isinstance(token, str) else offset + 1
            if end > boundary and isinstance(value, int | float):
                total += float(value)
        return total
