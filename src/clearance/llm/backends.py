"""Model backends for ``clearance llm``: what the leakage probes generate from and score with.

Two backends implement the :class:`ModelBackend` protocol:

* :class:`HuggingFaceBackend`: a causal LM read from a local folder with ``transformers``
  (safetensors/bin weights, or a ``.gguf`` file through ``gguf_file=``). Nothing is downloaded:
  every ``from_pretrained`` call passes ``local_files_only=True``. ``torch`` and ``transformers``
  are optional (``pip install 'clearance[llm]'``) and imported only when the model is loaded.
* :class:`OpenAICompatibleBackend`: any server speaking the OpenAI HTTP API (vLLM, llama.cpp's
  ``llama-server``, TGI, Ollama, OpenAI itself), through ``httpx``. Requests run concurrently on
  a thread pool (the public API stays synchronous), are rate-limited by a token bucket and retried
  with exponential backoff and seeded jitter on HTTP 429/500/502/503/504 and timeouts, honouring
  ``Retry-After`` up to a cap. Each request has an overall deadline (not only a per-read timeout:
  a server dripping a byte a second cannot hold it), the whole run can have one too
  (``deadline_s``), and an answer is read as a stream and abandoned past ``max_response_bytes``.

:func:`load_backend` builds either from a spec string: ``hf:PATH[#GGUF_FILE]`` or
``openai:URL#MODEL``.

Secrets: the API key is read from an environment variable when the client is created, sent only
in the ``Authorization`` header and never logged nor put in an error message. Error messages
never quote a prompt or a response body either (a server's 4xx body may echo the prompt, which
may hold the very secret being audited): a rejected request is reported with its HTTP status and
the server's short error type only.

Errors: an endpoint that cannot be reached or rejects the key raises
:class:`~clearance.errors.SourceUnavailableError` (exit 6); a request or model path the backend
cannot use raises :class:`~clearance.errors.InputError` (exit 3); a missing optional dependency
raises :class:`~clearance.errors.BackendUnavailableError` (exit 5), and so does
:class:`NotSupportedError`, raised by :meth:`ModelBackend.score` on a backend that cannot score.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from clearance.errors import BackendUnavailableError, InputError, SourceUnavailableError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "Generation",
    "HuggingFaceBackend",
    "ModelBackend",
    "NotSupportedError",
    "OpenAICompatibleBackend",
    "load_backend",
]

LLM_EXTRA_HINT = "pip install 'clearance[llm]'"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_ERROR_TYPE = re.compile(r"[A-Za-z0-9_.\-]{1,40}")


@dataclass(frozen=True)
class Generation:
    """One generated continuation.

    ``logprob`` is the sum of the log-probabilities of the generated tokens under the model (at
    temperature 1, whatever the sampling temperature), or ``None`` when the backend did not
    return them."""

    text: str
    logprob: float | None = None


class NotSupportedError(BackendUnavailableError):
    """The backend cannot do what was asked (e.g. score a continuation: the endpoint does not
    return prompt log-probabilities)."""


@runtime_checkable
class ModelBackend(Protocol):
    """What the LLM probes need from a model."""

    @property
    def name(self) -> str:
        """A display name, without credentials."""
        ...

    @property
    def supports_logprobs(self) -> bool:
        """Whether :meth:`generate` fills :attr:`Generation.logprob`."""
        ...

    def generate(
        self,
        prompts: Sequence[str],
        *,
        max_new_tokens: int,
        temperature: float = 0.0,
        n: int = 1,
        seed: int = 0,
    ) -> list[list[Generation]]:
        """``n`` generations per prompt, in prompt order. ``temperature == 0`` is greedy."""
        ...

    def score(
        self,
        prompts: Sequence[str],
        continuations: Sequence[str],
        *,
        temperature: float = 1.0,
        top_p: float = 1.0,
        top_k: int = 0,
    ) -> list[float]:
        """The log-likelihood of each continuation given its prompt (natural log, summed over the
        continuation's tokens), under the softmax of the logits divided by ``temperature``
        (``> 0``; 1: the model's own distribution), truncated at each position to the ``top_k``
        most likely tokens (0: no limit) and then to the nucleus of mass ``top_p`` (1: all) and
        renormalised, as sampling with those settings draws. A token outside the truncated set
        scores ``-inf``. Raises :class:`NotSupportedError` when the backend cannot (score at
        all, or with those settings)."""
        ...


def _check_generate_args(max_new_tokens: int, temperature: float, n: int) -> None:
    if max_new_tokens < 1:
        raise InputError("generate", f"max_new_tokens must be at least 1, got {max_new_tokens}")
    if temperature < 0 or not math.isfinite(temperature):
        raise InputError("generate", f"temperature must be finite and >= 0, got {temperature}")
    if n < 1:
        raise InputError("generate", f"n must be at least 1, got {n}")


def _check_score_args(
    prompts: Sequence[str],
    continuations: Sequence[str],
    temperature: float = 1.0,
    top_p: float = 1.0,
    top_k: int = 0,
) -> None:
    if not (temperature > 0 and math.isfinite(temperature)):
        raise InputError("score", f"temperature must be finite and > 0, got {temperature}")
    if not 0 < top_p <= 1:
        raise InputError("score", f"top_p must be in (0, 1], got {top_p}")
    if top_k < 0:
        raise InputError("score", f"top_k must be >= 0 (0: no limit), got {top_k}")
    if len(prompts) != len(continuations):
        raise InputError("score", f"{len(prompts)} prompts but {len(continuations)} continuations")


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _load_error(exc: BaseException) -> str:
    """A loader's exception in one line: its type and the first line of its message."""
    first = next((ln for ln in str(exc).splitlines() if ln.strip()), "")
    return _one_line(f"{type(exc).__name__}: {first}" if first else type(exc).__name__, 120)


# ------------------------------------------------------------------------------- Hugging Face


class HuggingFaceBackend:
    """A local causal LM run with ``transformers`` (``AutoModelForCausalLM``).

    ``path`` is a model folder (``config.json`` + weights + tokenizer files), or a folder holding
    a GGUF file named by ``gguf_file`` (``path`` may also be the ``.gguf`` file itself); GGUF
    weights are dequantised by ``transformers`` and need the ``gguf`` package. ``dtype`` is a
    torch dtype name (``"float32"``, ``"bfloat16"``, ...) or ``None`` for the checkpoint's.
    The model is loaded on first use.

    Generation pads batches on the left (the tokenizer's pad token is set to its end-of-sequence
    token when it has none) and uses a fresh ``GenerationConfig``, not the checkpoint's, so that
    ``temperature == 0`` is plain greedy decoding (no repetition penalty or top-k from the
    checkpoint) and ``temperature > 0`` is plain sampling from the softmax at that temperature
    (``top_k=0``, ``top_p=1``). Sampling is seeded with ``torch.manual_seed(seed)`` inside
    ``torch.random.fork_rng`` (the caller's global RNG state is left untouched): the same
    prompts, ``batch_size`` and seed give the same generations.

    Scoring tokenizes ``prompt + continuation`` as one text (as the model would see it) and sums
    the log-softmax of the tokens that cover at least one character of the continuation, found
    with the fast tokenizer's offset mapping. A token that straddles the boundary (BPE may merge
    the prompt's last characters with the continuation's first) is counted with the
    continuation. Without a fast tokenizer the continuation's tokens are the last
    ``len(tokens(prompt + continuation)) - len(tokens(prompt))``. The first token of a text has
    no context; when it belongs to the continuation (empty prompt), the tokenizer's BOS token is
    put in front when it has one, and the token is left out of the sum otherwise.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        gguf_file: str | None = None,
        device: str = "cpu",
        batch_size: int = 8,
        dtype: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.gguf_file = gguf_file
        self.device = device
        self.batch_size = batch_size
        self.dtype = dtype
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self.on_progress: Callable[[int], None] | None = None
        """Called with the number of prompts (or scored pairs) of each batch just done."""

    @property
    def name(self) -> str:
        return f"hf:{self.path}" + (f"#{self.gguf_file}" if self.gguf_file else "")

    @property
    def supports_logprobs(self) -> bool:
        return True

    # -- loading

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._model is None:
                self._model, self._tokenizer = self._load_model()
        return self._model, self._tokenizer

    def _load_model(self) -> tuple[Any, Any]:
        try:
            import torch
            import transformers
        except ImportError:
            raise BackendUnavailableError("transformers", LLM_EXTRA_HINT) from None
        if self.batch_size < 1:
            raise InputError(self.name, f"batch_size must be at least 1, got {self.batch_size}")
        folder, gguf = self.path, self.gguf_file
        if gguf is None and folder.suffix.lower() == ".gguf":
            folder, gguf = folder.parent, folder.name
        source = str(self.path)
        if not folder.exists():
            # the documented "model not found" (exit 5), as for a missing optional backend
            raise BackendUnavailableError(
                source, "model not found (no such folder; give a local transformers model folder)"
            )
        if not folder.is_dir():
            raise InputError(source, "not a model folder (give the folder, or PATH#file.gguf)")
        kwargs: dict[str, Any] = {"local_files_only": True}
        if gguf is not None:
            if not (folder / gguf).is_file():
                raise InputError(source, f"no GGUF file named {gguf!r} in the folder")
            kwargs["gguf_file"] = gguf
        elif not (folder / "config.json").is_file():
            raise InputError(source, "not a transformers model folder (no config.json)")
        torch_dtype: Any = None
        if self.dtype is not None:
            torch_dtype = getattr(torch, self.dtype, None)
            if not isinstance(torch_dtype, torch.dtype):
                raise InputError(source, f"unknown dtype {self.dtype!r}")
        try:
            config = transformers.AutoConfig.from_pretrained(folder, **kwargs)
        except ImportError as exc:  # GGUF without the gguf package, and the like
            raise BackendUnavailableError(
                "transformers", f"{LLM_EXTRA_HINT} ({_one_line(str(exc), 80)})"
            ) from None
        except Exception as exc:  # a config.json that is not JSON, not an object, ...
            raise InputError(source, f"cannot read the model config: {_load_error(exc)}") from None
        model_kwargs = dict(kwargs)
        if torch_dtype is not None:
            # ``torch_dtype`` was renamed ``dtype`` in transformers 4.56
            model_kwargs[_dtype_kwarg(transformers.__version__)] = torch_dtype
        try:
            model: Any = transformers.AutoModelForCausalLM.from_pretrained(
                folder, config=config, **model_kwargs
            )
        except ValueError as exc:
            if "Unrecognized configuration class" in str(exc):
                kind = getattr(config, "model_type", None) or type(config).__name__
                raise InputError(source, f"not a causal language model ({kind})") from None
            raise InputError(source, f"cannot load the model: {_one_line(str(exc))}") from None
        except ImportError as exc:
            raise BackendUnavailableError(
                "transformers", f"{LLM_EXTRA_HINT} ({_one_line(str(exc), 80)})"
            ) from None
        except Exception as exc:  # corrupt weights: a pickle torch refuses, a bad safetensors
            # header... whatever the loader raises, the folder is unusable input, not a crash
            raise InputError(source, f"cannot load the model weights: {_load_error(exc)}") from None
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(folder, **kwargs)
        except Exception as exc:
            raise InputError(source, f"cannot load the tokenizer: {_load_error(exc)}") from None
        tokenizer.padding_side = "left"
        tokenizer.truncation_side = "left"  # a prompt too long for the window keeps its end
        if tokenizer.pad_token_id is None:
            if tokenizer.eos_token_id is not None:
                tokenizer.pad_token = tokenizer.eos_token
            else:  # any id does: padded positions are masked out
                tokenizer.pad_token = tokenizer.convert_ids_to_tokens(0)
        try:
            model.to(self.device)
        except (RuntimeError, AssertionError) as exc:
            raise BackendUnavailableError(f"device {self.device}", _one_line(str(exc))) from None
        model.eval()
        return model, tokenizer

    @property
    def context_window(self) -> int | None:
        """The model's context length in tokens (``n_positions`` or
        ``max_position_embeddings``), or ``None`` when its config does not say."""
        model, _ = self._load()
        config = model.config
        limit = getattr(config, "n_positions", None) or getattr(
            config, "max_position_embeddings", None
        )
        return limit if isinstance(limit, int) and limit > 0 else None

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
        """See :meth:`ModelBackend.generate`. A prompt longer than the context window minus
        ``max_new_tokens`` is cut on the left (its end, what the model continues, is kept)."""
        _check_generate_args(max_new_tokens, temperature, n)
        if not prompts:
            return []
        model, tokenizer = self._load()  # first: raises BackendUnavailableError without torch
        import torch
        import transformers

        window = self.context_window
        budget = None if window is None else window - max_new_tokens
        if budget is not None and budget < 1:
            raise InputError(
                self.name,
                f"max_new_tokens {max_new_tokens} leaves no room for a prompt in the model's "
                f"{window}-token context window",
            )

        generation_config: Any = transformers.GenerationConfig

        sample = temperature > 0
        eos = model.generation_config.eos_token_id
        if eos is None:
            eos = tokenizer.eos_token_id
        options: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            "do_sample": sample,
            "num_return_sequences": n,
            "pad_token_id": tokenizer.pad_token_id,
            "eos_token_id": eos,
            "bos_token_id": tokenizer.bos_token_id,
            "return_dict_in_generate": True,
            "output_logits": True,
        }
        if sample:
            options.update(temperature=temperature, top_k=0, top_p=1.0)
        config = generation_config(**options)
        stops = {eos} if isinstance(eos, int) else set(eos or ())
        results: list[list[Generation]] = []
        devices = [torch.device(self.device)] if torch.device(self.device).type == "cuda" else []
        with torch.random.fork_rng(devices=devices), torch.inference_mode():
            torch.manual_seed(seed)
            for start in range(0, len(prompts), self.batch_size):
                batch = list(prompts[start : start + self.batch_size])
                results.extend(
                    self._generate_batch(model, tokenizer, batch, config, n, stops, budget)
                )
                if self.on_progress is not None:
                    self.on_progress(len(batch))
        return results

    def _generate_batch(
        self,
        model: Any,
        tokenizer: Any,
        batch: list[str],
        config: Any,
        n: int,
        stops: set[int],
        budget: int | None = None,
    ) -> list[list[Generation]]:
        import torch

        if budget is None:
            enc = tokenizer(batch, return_tensors="pt", padding=True)
        else:  # truncation_side is "left": the end of the prompt stays
            enc = tokenizer(
                batch, return_tensors="pt", padding=True, truncation=True, max_length=budget
            )
        enc = {k: v.to(model.device) for k, v in enc.items()}
        out = model.generate(**enc, generation_config=config)
        width = enc["input_ids"].shape[1]
        new = out.sequences[:, width:]
        # raw logits (temperature 1): log-probabilities under the model, as the HTTP APIs give
        logits = torch.stack(out.logits, dim=1).float()[:, : new.shape[1]]
        token_lp = torch.log_softmax(logits, dim=-1).gather(-1, new.unsqueeze(-1)).squeeze(-1)
        generations: list[Generation] = []
        for row in range(new.shape[0]):
            ids = new[row].tolist()
            length = len(ids)
            for i, tok in enumerate(ids):
                if tok in stops:  # the end-of-sequence token counts; the padding after it not
                    length = i + 1
                    break
            text = tokenizer.decode(ids[:length], skip_special_tokens=True)
            generations.append(Generation(text, float(token_lp[row, :length].sum())))
        return [generations[i * n : (i + 1) * n] for i in range(len(batch))]

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
        _check_score_args(prompts, continuations, temperature, top_p, top_k)
        if not prompts:
            return []
        model, tokenizer = self._load()
        import torch

        warp = _decoding_warpers(temperature, top_p, top_k)

        encoded = [
            self._encode_pair(tokenizer, p, c) for p, c in zip(prompts, continuations, strict=True)
        ]
        window = self.context_window
        if window is not None:  # too long for the window: cut the prompt on the left
            for i, (ids, first) in enumerate(encoded):
                cut = len(ids) - window
                if cut <= 0:
                    continue
                if first - cut < 1 and first < len(ids):
                    raise InputError(
                        self.name,
                        f"a continuation of {len(ids) - first} tokens does not fit the model's "
                        f"{window}-token context window",
                    )
                encoded[i] = (ids[cut:], first - cut)
        scores: list[float] = []
        pad = tokenizer.pad_token_id
        with torch.inference_mode():
            for start in range(0, len(encoded), self.batch_size):
                batch = encoded[start : start + self.batch_size]
                width = max(len(ids) for ids, _ in batch)
                # right padding: positions stay 0..len-1 and no real token attends to a pad
                input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, (ids, _) in enumerate(batch):
                    input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
                    mask[row, : len(ids)] = 1
                logits = model(
                    input_ids=input_ids.to(model.device), attention_mask=mask.to(model.device)
                ).logits.float()[:, :-1]
                if warp is not None:
                    shape = logits.shape
                    logits = warp(logits.reshape(-1, shape[-1])).reshape(shape)
                logp = torch.log_softmax(logits, dim=-1)
                targets = input_ids[:, 1:].to(model.device).unsqueeze(-1)
                token_lp = logp.gather(-1, targets).squeeze(-1).cpu()
                for row, (_, first) in enumerate(batch):
                    length = len(batch[row][0])
                    # token t is predicted at position t-1; the first token is never scored
                    lo = max(first, 1)
                    scores.append(
                        float(token_lp[row, lo - 1 : length - 1].sum()) if lo < length else 0.0
                    )
                if self.on_progress is not None:
                    self.on_progress(len(batch))
        return scores

    @staticmethod
    def _encode_pair(tokenizer: Any, prompt: str, continuation: str) -> tuple[list[int], int]:
        """The token ids of ``prompt + continuation`` and the index of the continuation's first
        token (``len(ids)`` when the continuation is empty)."""
        text = prompt + continuation
        if not continuation:
            return tokenizer(text)["input_ids"] or [0], 1 << 30
        if getattr(tokenizer, "is_fast", False):
            enc = tokenizer(text, return_offsets_mapping=True)
            ids: list[int] = list(enc["input_ids"])
            offsets = enc["offset_mapping"]
            boundary = len(prompt)
            first = next(
                (i for i, (s, e) in enumerate(offsets) if e > boundary and e > s), len(ids)
            )
        else:
            ids = list(tokenizer(text)["input_ids"])
            n_prompt = len(tokenizer(prompt)["input_ids"]) if prompt else 0
            first = min(n_prompt, len(ids))
        if first == 0 and tokenizer.bos_token_id is not None:
            ids, first = [tokenizer.bos_token_id, *ids], 1
        return ids, first


def _decoding_warpers(temperature: float, top_p: float, top_k: int) -> Callable[[Any], Any] | None:
    """The logits transform of sampling at ``temperature`` with ``top_k``/``top_p``, built from
    transformers' own warpers in the order ``generate`` applies them (temperature, top-k, top-p),
    so the scored distribution is the one the deployed model samples from; ``None`` when it is
    the identity. Truncated tokens get ``-inf``."""
    import transformers

    steps: list[Any] = []
    if temperature != 1.0:
        steps.append(transformers.TemperatureLogitsWarper(temperature))
    if top_k > 0:
        steps.append(transformers.TopKLogitsWarper(top_k))
    if top_p < 1.0:
        steps.append(transformers.TopPLogitsWarper(top_p))
    if not steps:
        return None

    def warp(scores: Any) -> Any:
        # the warpers read only the scores; the (rows, vocab) shape is what they expect
        for step in steps:
            scores = step(None, scores)
        return scores

    return warp


def _dtype_kwarg(version: str) -> str:
    parts = re.findall(r"\d+", version)[:2]
    major, minor = (int(parts[0]), int(parts[1])) if len(parts) == 2 else (0, 0)
    return "dtype" if (major, minor) >= (4, 56) else "torch_dtype"


# --------------------------------------------------------------------------- OpenAI-compatible


class _TokenBucket:
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


class _RequestRejected(InputError):
    """A 4xx (other than 401/403/429) or 501 answer; ``status`` says which."""

    def __init__(self, source: str, status: int, error_type: str | None) -> None:
        self.status = status
        detail = f" ({error_type})" if error_type else ""
        super().__init__(source, f"the endpoint rejected the request: HTTP {status}{detail}")


def _mask_url(url: str) -> str:
    """The URL without user info, query string or fragment."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "<endpoint URL>"
    rest = rest.split("?", 1)[0].split("#", 1)[0]
    host, slash, path = rest.partition("/")
    host = host.rpartition("@")[2]
    return f"{scheme}://{host}{slash}{path}".rstrip("/")


def _retry_after(value: str | None) -> float | None:
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


def _error_type(raw: bytes | None) -> str | None:
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


def _json_kind(value: object) -> str:
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


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB" if n >= 1024 * 1024 else f"{n / 1024:g} KiB"


def _read_capped(response: httpx.Response, limit: int) -> bytes | None:
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
def _deadline(when: float) -> Iterator[None]:
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


def _deadline_transport(concurrency: int) -> Any:
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
        self._source = _mask_url(root)
        self._rng = random.Random(jitter_seed)
        self._rng_lock = threading.Lock()
        self._client_lock = threading.Lock()
        self._client: httpx.Client | None = None
        self._sleep: Callable[[float], None] = time.sleep
        self.on_progress: Callable[[int], None] | None = None
        """Called with 1 after each prompt (or scored pair) is answered."""
        self._bucket = (
            _TokenBucket(rate_limit_per_s, self._sleep) if rate_limit_per_s is not None else None
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
                self._client = httpx.Client(
                    base_url=self.base_url,
                    headers=headers,
                    timeout=httpx.Timeout(self.timeout),
                    transport=_deadline_transport(self.concurrency),
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

    def _out_of_time(self, source: str) -> SourceUnavailableError:
        return SourceUnavailableError(
            source, f"the overall timeout of {self.deadline_s:g} s ran out (raise --timeout)"
        )

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
                with _deadline(deadline), client.stream("POST", path, json=payload) as response:
                    status = response.status_code
                    ok = 200 <= status < 300
                    raw = _read_capped(response, self.max_response_bytes if ok else 64 * 1024)
            except httpx.ConnectError as exc:
                reason = "host not found" if _is_dns_error(exc) else "connection refused"
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
                            f"the answer is over {_size(self.max_response_bytes)}: "
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
                if status not in _RETRY_STATUSES:
                    if status >= 500 and status != 501:
                        raise SourceUnavailableError(source, f"HTTP {status} from the endpoint")
                    raise _RequestRejected(source, status, _error_type(raw))
                failure = f"HTTP {status}"
                wait = _retry_after(response.headers.get("Retry-After"))
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
        _check_generate_args(max_new_tokens, temperature, n)
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
                f"unexpected answer: a choice's 'text' is {_json_kind(text)}, not a string",
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
                shown = _json_kind(content) if isinstance(message, dict) else "missing"
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
        _check_score_args(prompts, continuations, temperature, top_p, top_k)
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
        except _RequestRejected:
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


def _is_dns_error(exc: Exception) -> bool:
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


# --------------------------------------------------------------------------------- load_backend


def load_backend(spec: str, **options: Any) -> ModelBackend:
    """A backend from a spec string; ``options`` go to its constructor.

    * ``hf:PATH`` or ``hf:PATH#FILE.gguf``: :class:`HuggingFaceBackend` (``PATH`` may also be the
      ``.gguf`` file itself);
    * ``openai:URL#MODEL``: :class:`OpenAICompatibleBackend`, e.g.
      ``openai:http://localhost:8000/v1#Qwen/Qwen2.5-0.5B``.
    """
    kind, sep, rest = spec.partition(":")
    if sep and kind == "hf" and rest:
        path, hash_, gguf = rest.partition("#")
        return HuggingFaceBackend(path, gguf_file=gguf if hash_ and gguf else None, **options)
    if sep and kind == "openai" and rest:
        url, hash_, model = rest.rpartition("#")
        if not hash_ or not url or not model:
            raise InputError(
                _mask_url(rest), "an openai: backend needs the model name: openai:URL#MODEL"
            )
        if not url.startswith(("http://", "https://")):
            raise InputError(_mask_url(url), "the endpoint URL must start with http:// or https://")
        return OpenAICompatibleBackend(url, model=model, **options)
    shown = f"{kind}:…" if sep else "<backend spec>"
    raise InputError(shown, "unknown backend: use hf:PATH[#FILE.gguf] or openai:URL#MODEL")
