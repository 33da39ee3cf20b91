"""The exposure of canaries (Carlini et al., "The Secret Sharer", USENIX Security 2019): how
far up a model ranks each canary among all values of its format.

Exposure (paper, section 4)
    With the log-perplexity ``Px(s) = -log Pr(s | prefix)`` of each candidate ``s`` in ``R``,
    ``rank(s)`` is 1 + the number of candidates with a lower log-perplexity (higher
    log-likelihood) and

        exposure(s) = log2 |R| - log2 rank(s)

    which lies in ``[0, log2 |R|]``: ``log2 |R|`` when the canary is the model's most likely
    value of the format, about 1 bit when it is a median one.

    *Rank estimate* (paper, 4.3: sampling). ``R`` is too large to enumerate, so ``c`` reference
    values are drawn uniformly from it and scored with :meth:`ModelBackend.score` given the same
    prefix. With ``rank_s`` = 1 + the number of references with a strictly higher
    log-likelihood than the canary, the rank in the whole space is estimated as
    ``rank_est = rank_s * |R| / (c + 1)``, so

        exposure_rank = log2 |R| - log2 rank_est = log2(c + 1) - log2 rank_s

    bounded by ``log2(c + 1)`` (about 10 bits for 1,000 references): a sample cannot tell a rank
    better than 1 in ``c + 1``.

    *Extrapolation* (paper, 4.3: "approximation by distribution modeling"). The references'
    log-perplexities are fitted with a skew-normal distribution (``scipy.stats.skewnorm``); the
    fraction of ``R`` the model finds more likely than the canary is the fitted lower tail
    ``tail = F(Px(canary))`` and

        exposure_extrapolated = -log2 tail,   clipped to [0, log2 |R|]

    which goes past the sampling bound, at the price of trusting the fitted tail.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Callable, Sequence
from typing import Any

from clearance.core.model import FrozenModel
from clearance.errors import PolicyError
from clearance.llm.backend_protocol import ModelBackend
from clearance.llm.canary import Canary

__all__ = [
    "Exposure",
    "exposure_from_rank",
    "measure_exposure",
    "measure_exposures",
    "sample_rank",
    "skewnorm_log2_tail",
]


def sample_rank(canary_score: float, reference_scores: Sequence[float]) -> int:
    """1 + the number of references with a strictly higher log-likelihood."""
    return 1 + sum(1 for s in reference_scores if s > canary_score)


def exposure_from_rank(rank: int, candidates: int) -> float:
    """``log2|R| - log2(rank * |R| / (c + 1)) = log2(c + 1) - log2(rank)``."""
    return math.log2(candidates + 1) - math.log2(rank)


def skewnorm_log2_tail(reference_scores: Sequence[float], canary_score: float) -> float:
    """``log2`` of the fitted fraction of the space at least as likely as the canary.

    Fits ``scipy.stats.skewnorm`` to the references' log-perplexities (``-score``) and returns
    ``log2 F(-canary_score)`` (``<= 0``; ``-inf`` when the fitted tail underflows)."""
    import numpy as np
    from scipy import stats  # type: ignore[import-untyped]  # scipy ships no type information

    x = -np.asarray(reference_scores, dtype=float)
    target = -float(canary_score)
    if x.size < 3 or float(np.std(x)) == 0.0:  # nothing to fit: the empirical fraction
        frac = float(np.mean(x <= target)) or 1.0 / (x.size + 1)
        return math.log2(frac)
    a, loc, scale = stats.skewnorm.fit(x)
    return float(stats.skewnorm.logcdf(target, a, loc, scale)) / math.log(2)


class Exposure(FrozenModel):
    """The exposure of one canary (no value: id, format and numbers only). The exposure report
    (:class:`clearance.llm.canary_report.ExposureRow`) adds the canary's fingerprint to these
    fields."""

    id: str
    format: str
    log2_space: float
    candidates: int
    rank: int
    """Rank of the canary among itself and the references (1: the most likely)."""
    exposure_rank: float
    """``log2(c + 1) - log2(rank)`` bits, at most :attr:`max_exposure_rank`."""
    max_exposure_rank: float
    exposure_extrapolated: float
    """``-log2`` of the skew-normal tail, clipped to ``[0, log2_space]``."""
    canary_loglik: float
    reference_loglik_mean: float
    reference_loglik_std: float

    def to_dict(self) -> dict[str, Any]:
        """The fields in order, floats rounded to 4 places (as the report shows them)."""
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in self.model_dump().items()}


def _references(canary: Canary, candidates: int, seed: int) -> list[str]:
    rng = random.Random(f"{seed}:{canary.id}:{canary.format.name}")
    out: list[str] = []
    attempts = 0
    while len(out) < candidates:
        s = canary.format.sample(rng)
        attempts += 1
        if s != canary.secret or attempts > 10 * candidates:
            out.append(s)
    return out


def measure_exposures(
    backend: ModelBackend,
    canaries: Sequence[Canary],
    *,
    candidates: int = 1000,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[Exposure]:
    """The exposure of each canary against ``candidates`` references drawn uniformly from its
    format (seeded by ``seed`` and the canary id), all scored in one :meth:`ModelBackend.score`
    call given the canary's prompt. ``progress(done, total)`` is called as values are scored
    (through the backend's ``on_progress`` hook, when it has one)."""
    if candidates < 2:
        raise PolicyError(f"candidates must be at least 2, got {candidates}")
    prompts: list[str] = []
    continuations: list[str] = []
    for c in canaries:
        refs = _references(c, candidates, seed)
        prompts += [c.prompt] * (candidates + 1)
        continuations += [c.secret, *refs]
    scores = _score(backend, prompts, continuations, progress) if canaries else []
    out: list[Exposure] = []
    for i, c in enumerate(canaries):
        chunk = scores[i * (candidates + 1) : (i + 1) * (candidates + 1)]
        own, refs_scores = chunk[0], chunk[1:]
        rank = sample_rank(own, refs_scores)
        log2_tail = skewnorm_log2_tail(refs_scores, own)
        bits = c.format.log2_space
        extrapolated = bits if math.isinf(log2_tail) else min(bits, max(0.0, -log2_tail))
        mean = sum(refs_scores) / len(refs_scores)
        std = math.sqrt(sum((s - mean) ** 2 for s in refs_scores) / len(refs_scores))
        out.append(
            Exposure(
                id=c.id,
                format=c.format.name,
                log2_space=bits,
                candidates=candidates,
                rank=rank,
                exposure_rank=exposure_from_rank(rank, candidates),
                max_exposure_rank=math.log2(candidates + 1),
                exposure_extrapolated=extrapolated,
                canary_loglik=own,
                reference_loglik_mean=mean,
                reference_loglik_std=std,
            )
        )
    return out


def _score(
    backend: ModelBackend,
    prompts: list[str],
    continuations: list[str],
    progress: Callable[[int, int], None] | None,
) -> list[float]:
    if progress is None or not hasattr(backend, "on_progress"):
        return backend.score(prompts, continuations)
    done = 0
    total = len(prompts)
    lock = threading.Lock()

    def step(n: int) -> None:
        nonlocal done
        with lock:
            done += n
            progress(done, total)

    previous = backend.on_progress
    backend.on_progress = step
    try:
        progress(0, total)
        return backend.score(prompts, continuations)
    finally:
        backend.on_progress = previous


def measure_exposure(
    backend: ModelBackend, canary: Canary, *, candidates: int = 1000, seed: int = 0
) -> Exposure:
    """:func:`measure_exposures` for one canary."""
    return measure_exposures(backend, [canary], candidates=candidates, seed=seed)[0]
