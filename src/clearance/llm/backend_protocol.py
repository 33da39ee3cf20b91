"""What the leakage probes need from a model: the :class:`ModelBackend` protocol, the
:class:`Generation` it returns, and the argument checks every backend shares.

Implementations: :class:`~clearance.llm.hf_backend.HuggingFaceBackend` (a local model) and
:class:`~clearance.llm.openai_backend.OpenAICompatibleBackend` (an HTTP endpoint);
:func:`~clearance.llm.backends.load_backend` builds either from a spec string.

Errors: a request or model path the backend cannot use raises
:class:`~clearance.errors.InputError` (exit 3); a missing optional dependency raises
:class:`~clearance.errors.BackendUnavailableError` (exit 5), and so does
:class:`NotSupportedError`, raised by :meth:`ModelBackend.score` on a backend that cannot score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from clearance.errors import BackendUnavailableError, InputError

__all__ = [
    "LLM_EXTRA_HINT",
    "Generation",
    "ModelBackend",
    "NotSupportedError",
    "check_generate_args",
    "check_score_args",
    "one_line",
]

LLM_EXTRA_HINT = "pip install 'clearance[llm]'"


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


def check_generate_args(max_new_tokens: int, temperature: float, n: int) -> None:
    """Raises :class:`~clearance.errors.InputError` on arguments no backend can generate with."""
    if max_new_tokens < 1:
        raise InputError("generate", f"max_new_tokens must be at least 1, got {max_new_tokens}")
    if temperature < 0 or not math.isfinite(temperature):
        raise InputError("generate", f"temperature must be finite and >= 0, got {temperature}")
    if n < 1:
        raise InputError("generate", f"n must be at least 1, got {n}")


def check_score_args(
    prompts: Sequence[str],
    continuations: Sequence[str],
    temperature: float = 1.0,
    top_p: float = 1.0,
    top_k: int = 0,
) -> None:
    """Raises :class:`~clearance.errors.InputError` on arguments no backend can score with."""
    if not (temperature > 0 and math.isfinite(temperature)):
        raise InputError("score", f"temperature must be finite and > 0, got {temperature}")
    if not 0 < top_p <= 1:
        raise InputError("score", f"top_p must be in (0, 1], got {top_p}")
    if top_k < 0:
        raise InputError("score", f"top_k must be >= 0 (0: no limit), got {top_k}")
    if len(prompts) != len(continuations):
        raise InputError("score", f"{len(prompts)} prompts but {len(continuations)} continuations")


def one_line(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut to ``limit`` characters (for error messages)."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
