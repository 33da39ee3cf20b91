"""Shared by the canary and exposure tests: a fake backend whose scores are controlled."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence

from clearance.llm.canary import Canary, parse_format


def uniform_of(text: str) -> float:
    """A fixed pseudo-random number in (0, 1) for ``text``."""
    h = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    return (h + 0.5) / 2**64


class FakeBackend:
    """Scores a continuation with ``fn(prompt, continuation)``; records the calls."""

    name = "fake"
    supports_logprobs = True

    def __init__(self, fn: Callable[[str, str], float]) -> None:
        self.fn = fn
        self.calls = 0

    def generate(self, *args: object, **kwargs: object) -> list[list[object]]:
        raise NotImplementedError

    def score(self, prompts: Sequence[str], continuations: Sequence[str]) -> list[float]:
        self.calls += 1
        return [self.fn(p, c) for p, c in zip(prompts, continuations, strict=True)]


def canary_of(spec: str = "digits:9", secret: str | None = None) -> Canary:
    fmt = parse_format(spec)
    return Canary("c1", fmt, secret if secret is not None else fmt.sample(random.Random(7)))
