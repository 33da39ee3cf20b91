"""Probability stage of the LLM audit: how likely the model is to emit each secret right after
its best targeted prompt.

:func:`extraction_probabilities` scores every secret's value after the prompt that came closest
to it (when the backend can score) and gives the probability that one sample (and 10, 100
samples) emits the value, under the model's distribution (temperature 1) and under the deployed
decoding (:class:`Decoding`: sampling at that temperature with top-p/top-k truncation, or
greedy at 0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearance.errors import ClearanceError
from clearance.llm.backend_protocol import Generation, ModelBackend
from clearance.llm.probing import AuditProgress, ContextFitter
from clearance.llm.report import (
    DeployedProbability,
    ExtractionProbability,
    NProbability,
    describe_decoding,
)

__all__ = ["PROBABILITY_N", "Decoding", "extraction_probabilities", "extraction_probability"]

PROBABILITY_N = (1, 10, 100)


def extraction_probability(p: float, n: int) -> float:
    """Probability that at least one of ``n`` independent samples emits the value, each with
    probability ``p``: ``1 - (1 - p)^n``, computed stably for tiny ``p``."""
    if p <= 0.0 or n <= 0:
        return 0.0
    if p >= 1.0:
        return 1.0
    return -math.expm1(n * math.log1p(-p))


@dataclass(frozen=True)
class Decoding:
    """The decoding the model is deployed with."""

    temperature: float
    top_p: float = 1.0
    top_k: int = 0

    @property
    def plain(self) -> bool:
        """Sampling from the model's own distribution: its scores need no second pass."""
        return self.temperature == 1 and self.top_p == 1 and self.top_k == 0

    def describe(self) -> str:
        """The decoding in words, for warnings."""
        return describe_decoding(self.temperature, self.top_p, self.top_k)


def _exp(logprob: float) -> float:
    return math.exp(logprob) if math.isfinite(logprob) else 0.0


def _at_n(p: float) -> list[NProbability]:
    return [NProbability(n=n, p=extraction_probability(p, n)) for n in PROBABILITY_N]


def extraction_probabilities(
    backend: ModelBackend,
    score_for: Sequence[tuple[str, int]],
    prompts: Sequence[str],
    values: Mapping[str, str],
    greedy: Sequence[Sequence[Generation]],
    decoding: Decoding,
    *,
    fitter: ContextFitter | None,
    bar: AuditProgress,
    warnings: list[str],
) -> dict[str, ExtractionProbability]:
    """Per secret fingerprint ``f`` of ``score_for`` (``(f, k)``: score ``values[f]`` after
    probe ``k``, whose text is ``prompts[k]``), its extraction probability. A backend that
    cannot score leaves them out with a warning (appended to ``warnings``)."""
    probs: dict[str, ExtractionProbability] = {}
    if not score_for:
        return probs
    bar.stage("scoring", more=len(score_for))
    texts: list[str] = []
    for f, k in score_for:
        text = prompts[k]
        if fitter is not None:
            text, _ = fitter.fit(text, fitter.tokens(values[f]) + 1)
        texts.append(text)
    targets = [values[f] for f, _ in score_for]
    try:
        with bar.hooked():
            scores = backend.score(texts, targets)
    except ClearanceError as exc:
        warnings.append(f"extraction probability not computed: {exc}")
        return probs
    deployed = _deployed_p(backend, decoding, score_for, texts, targets, scores, greedy)
    if deployed is None:
        warnings.append(
            f"deployed-decoding probability ({decoding.describe()}) not computed: "
            "the backend cannot score with those settings"
        )
    t = decoding.temperature
    for j, ((f, _), lp) in enumerate(zip(score_for, scores, strict=True)):
        one = _exp(lp)
        probs[f] = ExtractionProbability(
            logprob=round(lp, 4),
            p=one,
            at_n=_at_n(one),
            deployed=(
                DeployedProbability(
                    temperature=t,
                    top_p=decoding.top_p if t > 0 else 1.0,
                    top_k=decoding.top_k if t > 0 else 0,
                    p=deployed[j],
                    at_n=_at_n(deployed[j]),
                )
                if deployed is not None
                else None
            ),
        )
    return probs


def _deployed_p(
    backend: ModelBackend,
    decoding: Decoding,
    score_for: Sequence[tuple[str, int]],
    prompts: Sequence[str],
    targets: Sequence[str],
    scores: Sequence[float],
    greedy: Sequence[Sequence[Generation]],
) -> list[float] | None:
    """Single-generation probability of emitting each target right after its prompt under the
    deployed decoding, or ``None`` when the backend cannot score at ``temperature``.

    Greedy (``temperature == 0``) is deterministic: 1.0 when the greedy continuation already
    generated from the probe starts with the value, else 0.0. Plain sampling at temperature 1
    reuses the model scores; otherwise the backend scores again under the deployed temperature
    and top-k/top-p truncation."""
    if decoding.temperature == 0:
        return [
            1.0 if greedy[k] and greedy[k][0].text.startswith(value) else 0.0
            for (_, k), value in zip(score_for, targets, strict=True)
        ]
    if decoding.plain:
        return [_exp(lp) for lp in scores]
    try:
        at_t = backend.score(
            prompts,
            targets,
            temperature=decoding.temperature,
            top_p=decoding.top_p,
            top_k=decoding.top_k,
        )
    except ClearanceError:
        return None
    return [_exp(lp) for lp in at_t]
