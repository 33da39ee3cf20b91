"""The OpenDP measurements behind ``clearance dp``, with their noise scales and intervals.

Each statistic is an OpenDP chain from the vector of a group's values to a noisy number (clamp,
then sum or count, then noise), so the sensitivity is OpenDP's own (its float sum accounts for
rounding) and the epsilon is its privacy map at ``contributions`` (most rows one person adds).
The noise scale is the smallest that OpenDP's map keeps within the release's epsilon (and delta):
:func:`opendp.mod.binary_search_param`.

Grouped releases use disjoint groups (each row is in one group, one bin): adding or removing a
person's rows changes at most ``contributions`` rows over all groups, and the maps used here are
linear (Laplace) or convex (Gaussian, zCDP) in that distance, so the map at ``contributions``
bounds the whole grouped release (parallel composition); releases then add up (sequential).

OpenDP draws its noise from the operating system's randomness: a release cannot be repeated from
a seed, which is the point (noise that public information reproduces protects nothing).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from clearance.errors import BackendUnavailableError

_HINT = "install the dp extra: pip install 'clearance[dp]' (OpenDP)"


def opendp() -> Any:
    """OpenDP's modules (the names of ``opendp.prelude``) with the ``contrib`` features on (the quantile and the Gaussian
    conversions are contributed, not yet vetted, OpenDP code; the README says so)."""
    # The modules one by one: opendp.prelude also imports scikit-learn when it is installed
    # (seven seconds), for OpenDP's estimators this command does not use.
    try:
        from opendp import (
            accuracy,
            combinators,
            domains,
            measurements,
            measures,
            metrics,
            mod,
            transformations,
        )
    except ImportError:
        raise BackendUnavailableError("OpenDP", _HINT) from None
    mod.enable_features("contrib")
    return SimpleNamespace(
        m=measurements,
        t=transformations,
        c=combinators,
        vector_domain=domains.vector_domain,
        atom_domain=domains.atom_domain,
        symmetric_distance=metrics.symmetric_distance,
        l1_distance=metrics.l1_distance,
        max_divergence=measures.max_divergence,
        binary_search_param=mod.binary_search_param,
        laplacian_scale_to_accuracy=accuracy.laplacian_scale_to_accuracy,
        discrete_laplacian_scale_to_accuracy=accuracy.discrete_laplacian_scale_to_accuracy,
        gaussian_scale_to_accuracy=accuracy.gaussian_scale_to_accuracy,
        discrete_gaussian_scale_to_accuracy=accuracy.discrete_gaussian_scale_to_accuracy,
    )


@dataclass(frozen=True)
class Noisy:
    """A measurement calibrated to a budget: call it on a group's values."""

    mechanism: str
    scale: float
    epsilon: float
    delta: float
    run: Callable[[np.ndarray[Any, Any]], float]
    accuracy: Callable[[float], float] | None
    """half-width of the interval holding the exact value with probability 1 - alpha"""


@dataclass(frozen=True)
class NoisyCounts:
    """A vector of counts with independent integer noise each (one call for every cell)."""

    mechanism: str
    scale: float
    epsilon: float
    run: Callable[[np.ndarray[Any, Any]], np.ndarray[Any, Any]]


def _space(dp: Any) -> tuple[Any, Any]:
    return dp.vector_domain(dp.atom_domain(T=float, nan=False)), dp.symmetric_distance()


def _calibrate(
    dp: Any, build: Callable[[float], Any], d_in: int, epsilon: float, delta: float
) -> tuple[Any, float, float, float]:
    """The measurement with the smallest scale OpenDP proves within (epsilon, delta); its map
    at ``d_in`` (what the ledger records)."""
    if delta > 0:

        def approx(scale: float) -> Any:
            return dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(build(scale)), delta)

        scale = float(dp.binary_search_param(approx, d_in=d_in, d_out=(epsilon, delta)))
        meas = approx(scale)
        spent_eps, spent_delta = meas.map(d_in)
        return meas, scale, float(spent_eps), float(spent_delta)
    # Pure DP: these maps are (sensitivity x d_in) / scale, so the scale at which the map
    # meets epsilon is read off the map at scale 1, then checked by the map itself and nudged
    # up past float rounding; a binary search (0.2 s a measurement) only when that fails.
    scale = float(build(1.0).map(d_in)) / epsilon
    for step in range(6):
        meas = build(scale)
        spent = float(meas.map(d_in))
        if spent <= epsilon:
            return meas, scale, spent, 0.0
        scale *= 1 + 1e-12 * 10**step
    scale = float(dp.binary_search_param(build, d_in=d_in, d_out=epsilon))
    meas = build(scale)
    return meas, scale, float(meas.map(d_in)), 0.0


def count(epsilon: float, delta: float, contributions: int, gaussian: bool) -> Noisy:
    """Rows of a group: OpenDP's count (sensitivity 1 per row), integer (discrete) noise."""
    dp = opendp()
    noise = dp.m.then_gaussian if gaussian else dp.m.then_laplace

    def build(scale: float) -> Any:
        return _space(dp) >> dp.t.then_count() >> noise(scale)

    meas, scale, eps, dlt = _calibrate(dp, build, contributions, epsilon, delta)
    to_acc = (
        dp.discrete_gaussian_scale_to_accuracy
        if gaussian
        else dp.discrete_laplacian_scale_to_accuracy
    )
    return Noisy(
        mechanism="discrete gaussian" if gaussian else "discrete laplace",
        scale=scale,
        epsilon=eps,
        delta=dlt,
        run=lambda values: float(meas(values)),
        accuracy=lambda alpha: float(to_acc(scale, alpha)),
    )


def bounded_sum(
    epsilon: float, delta: float, contributions: int, gaussian: bool, bounds: tuple[float, float]
) -> Noisy:
    """Sum of the values clamped to ``bounds``; continuous noise on the float sum."""
    dp = opendp()
    noise = dp.m.then_gaussian if gaussian else dp.m.then_laplace

    def build(scale: float) -> Any:
        return _space(dp) >> dp.t.then_clamp(bounds) >> dp.t.then_sum() >> noise(scale)

    meas, scale, eps, dlt = _calibrate(dp, build, contributions, epsilon, delta)
    to_acc = dp.gaussian_scale_to_accuracy if gaussian else dp.laplacian_scale_to_accuracy
    return Noisy(
        mechanism="gaussian" if gaussian else "laplace",
        scale=scale,
        epsilon=eps,
        delta=dlt,
        run=lambda values: float(meas(values)),
        accuracy=lambda alpha: float(to_acc(scale, alpha)),
    )


def cell_counts(epsilon: float, contributions: int) -> NoisyCounts:
    """Noisy counts of the rows in disjoint cells: OpenDP's Laplace on a vector of integers
    (discrete Laplace each), at an L1 distance of ``contributions``: one person's rows change
    the cells' counts by at most that much in all (each row is in one cell)."""
    dp = opendp()
    domain = dp.vector_domain(dp.atom_domain(T=int))

    def build(scale: float) -> Any:
        return dp.m.make_laplace(domain, dp.l1_distance(T=int), scale)

    meas, scale, eps, _ = _calibrate(dp, build, contributions, epsilon, 0.0)
    return NoisyCounts(
        mechanism="discrete laplace",
        scale=scale,
        epsilon=eps,
        run=lambda counts: np.asarray(meas([int(c) for c in counts]), dtype=np.float64),
    )


def quantile(epsilon: float, contributions: int, alpha: float, candidates: list[float]) -> Noisy:
    """OpenDP's private quantile: the exponential mechanism over ``candidates`` (scores of
    how far each candidate is from the ``alpha`` quantile). Its interval comes from a separate
    noisy count per candidate cell (:func:`quantile_interval`)."""
    dp = opendp()
    domain, metric = _space(dp)

    def build(scale: float) -> Any:
        return dp.m.make_private_quantile(
            domain, metric, dp.max_divergence(), candidates=candidates, alpha=alpha, scale=scale
        )

    meas, scale, eps, _ = _calibrate(dp, build, contributions, epsilon, 0.0)
    return Noisy(
        mechanism="exponential (private quantile)",
        scale=scale,
        epsilon=eps,
        delta=0.0,
        run=lambda values: float(meas(values)),
        accuracy=None,
    )


def _log_mgf_discrete_laplace(lam: np.ndarray[Any, Any], scale: float) -> np.ndarray[Any, Any]:
    """log E[exp(lam Z)] of the discrete Laplace of ``scale`` (P(z) ~ exp(-|z| / scale)), for
    |lam| < 1 / scale: (1 - p)^2 / ((1 - p e^lam)(1 - p e^-lam)) with p = exp(-1 / scale)."""
    p = math.exp(-1.0 / scale)
    out: np.ndarray[Any, Any] = (
        2 * math.log1p(-p) - np.log1p(-p * np.exp(lam)) - np.log1p(-p * np.exp(-lam))
    )
    return out


def cdf_error_bounds(alpha: float, cells: int, scale: float, beta: float) -> np.ndarray[Any, Any]:
    """For each candidate i (1..cells-1), a bound t_i on the noise of the noisy score
    (1 - alpha) * (rows below candidate i) - alpha * (rows at or above it), when each of the
    ``cells`` counts carries independent discrete Laplace noise of ``scale``: all of them hold
    together with probability at least 1 - beta.

    The score's noise is a weighted sum of the cells' noises (weight 1 - alpha below, alpha
    above); each t_i is a Chernoff bound from the exact moment generating function at the best
    of a grid of exponents (any exponent gives a valid bound; the grid only tightens it),
    two-sided at beta / (2 (cells - 1)) each, so the union over the candidates is at most beta.
    """
    m = cells - 1
    wmax = max(alpha, 1 - alpha)
    # exponents in (0, 1 / (scale * wmax)): where every weighted noise's MGF is finite
    lam = np.geomspace(1e-6, 0.999, 600) / (scale * wmax)
    per_below = _log_mgf_discrete_laplace(lam * (1 - alpha), scale)
    per_above = _log_mgf_discrete_laplace(lam * alpha, scale)
    tail = math.log(2 * m / beta)
    bounds = np.empty(m, dtype=np.float64)
    for start in range(0, m, 2048):  # memory bounded however many candidates there are
        below = np.arange(start + 1, min(start + 2048, m) + 1, dtype=np.float64)[:, None]
        log_mgf = below * per_below + (cells - below) * per_above
        bounds[start : start + len(below)] = np.min((log_mgf + tail) / lam, axis=1)
    return bounds


def quantile_interval(
    noisy_cells: np.ndarray[Any, Any],
    candidates: list[float],
    alpha: float,
    error: np.ndarray[Any, Any],
) -> tuple[float, float]:
    """Interval of the ``alpha`` quantile (clamped to the candidates' range) from noisy counts of
    the rows in the cells the sorted ``candidates`` cut (below the first, between each pair, at
    or above the last), given the bounds ``error`` of :func:`cdf_error_bounds`.

    The quantile is the order statistic at rank max(1, ceil(alpha n)) (numpy's ``inverted_cdf``);
    it is at or above candidate c_i exactly when (1 - alpha) below_i - alpha above_i < 0, and
    below c_i when that score is > 0 (strict, so alpha 0 and empty groups are right too). When
    every noise bound holds, each candidate the noisy score puts surely below (above) the
    quantile is a valid lower (upper) end. Post-processing of the noisy counts only."""
    below = np.cumsum(noisy_cells)[:-1]  # noisy rows below each candidate
    above = float(np.sum(noisy_cells)) - below
    score = (1 - alpha) * below - alpha * above
    lo = [c for c, s, t in zip(candidates, score, error, strict=True) if s + t < 0]
    hi = [c for c, s, t in zip(candidates, score, error, strict=True) if s - t > 0]
    low = max(lo, default=candidates[0])
    high = min(hi, default=candidates[-1])
    # only when some noise exceeded its bound can the ends cross; keep the pair ordered
    return min(low, high), max(low, high)


def ratio_interval(
    total: float, total_acc: float, n: float, n_acc: float, bounds: tuple[float, float]
) -> tuple[float, float]:
    """Interval of a mean from the intervals of its noisy sum and count (each at alpha / 2, so
    both hold together with probability >= 1 - alpha): every ratio of the box, within bounds.
    Conservative: its coverage is at least the level."""
    lo, hi = bounds
    n_lo, n_hi = n - n_acc, n + n_acc
    if n_lo <= 0:
        return lo, hi
    corners = [s / m for s in (total - total_acc, total + total_acc) for m in (n_lo, n_hi)]
    # both ends inside the bounds (the mean of clamped values is)
    return min(max(min(corners), lo), hi), max(min(max(corners), hi), lo)


def spaced(bounds: tuple[float, float], n: int) -> list[float]:
    """``n`` candidates evenly spaced over the bounds, ends included."""
    lo, hi = bounds
    return [lo + (hi - lo) * i / (n - 1) for i in range(n)]


def finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


__all__ = [
    "Noisy",
    "NoisyCounts",
    "bounded_sum",
    "cdf_error_bounds",
    "cell_counts",
    "count",
    "finite",
    "opendp",
    "quantile",
    "quantile_interval",
    "ratio_interval",
    "spaced",
]
