"""The noise is what the stated scale says: means, spreads and interval coverage checked over
repeated draws, with tolerances derived from the scale (failure probability below 1e-6)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from clearance.dp import mechanisms as mech


def test_count_is_unbiased_within_the_scale() -> None:
    m = mech.count(epsilon=0.5, delta=0.0, contributions=1, gaussian=False)
    assert m.mechanism == "discrete laplace" and m.scale == pytest.approx(2.0, rel=1e-6)
    assert m.epsilon <= 0.5
    rows = np.zeros(1234)
    draws = np.array([m.run(rows) for _ in range(1000)])
    # discrete Laplace of scale b: variance below 2 b^2; 5 standard errors of the mean
    tol = 5 * math.sqrt(2) * m.scale / math.sqrt(1000)
    assert abs(draws.mean() - 1234) < tol
    assert np.all(draws == np.round(draws))  # integer noise
    assert draws.std() == pytest.approx(math.sqrt(2) * m.scale, rel=0.25)


def test_sum_scale_is_the_bound_over_epsilon_and_clamps() -> None:
    m = mech.bounded_sum(1.0, 0.0, 1, False, (0.0, 10.0))
    assert m.scale == pytest.approx(10.0, rel=1e-6)  # sensitivity 10 (OpenDP adds rounding)
    values = np.array([5.0, 500.0, -3.0])  # clamped to 5 + 10 + 0 = 15
    draws = np.array([m.run(values) for _ in range(2000)])
    assert abs(draws.mean() - 15.0) < 5 * math.sqrt(2) * m.scale / math.sqrt(2000)


def test_contributions_multiply_the_scale() -> None:
    one = mech.count(1.0, 0.0, 1, False)
    three = mech.count(1.0, 0.0, 3, False)
    assert three.scale == pytest.approx(3 * one.scale, rel=1e-6)


@pytest.mark.parametrize("gaussian", [False, True])
def test_interval_coverage_is_nominal(gaussian: bool) -> None:
    delta = 1e-6 if gaussian else 0.0
    m = mech.bounded_sum(1.0, delta, 1, gaussian, (0.0, 1.0))
    assert m.accuracy is not None
    half = m.accuracy(0.05)
    values = np.full(100, 0.5)
    n = 2000
    hits = sum(abs(m.run(values) - 50.0) <= half for _ in range(n))
    # 0.95 +- 5 binomial standard errors (0.024)
    assert abs(hits / n - 0.95) < 5 * math.sqrt(0.95 * 0.05 / n)


def test_gaussian_spends_delta() -> None:
    m = mech.count(1.0, 1e-6, 1, True)
    assert m.mechanism == "discrete gaussian"
    assert 0 < m.epsilon <= 1.0 and 0 < m.delta <= 1e-6


def test_quantile_picks_a_candidate_near_the_median() -> None:
    cands = mech.spaced((0.0, 100.0), 101)
    m = mech.quantile(5.0, 1, 0.5, cands)
    assert m.accuracy is None
    values = np.random.default_rng(1).uniform(0, 100, 5000)
    picks = [m.run(values) for _ in range(20)]
    assert all(p in cands for p in picks)
    assert abs(float(np.median(picks)) - 50) < 10


def test_ratio_interval_is_the_box_of_ratios_within_bounds() -> None:
    assert mech.ratio_interval(100.0, 10.0, 10.0, 1.0, (0.0, 100.0)) == pytest.approx(
        (90 / 11, 110 / 9)
    )
    assert mech.ratio_interval(100.0, 10.0, 1.0, 2.0, (0.0, 5.0)) == (0.0, 5.0)  # count may be 0
    assert mech.ratio_interval(1000.0, 10.0, 10.0, 1.0, (0.0, 5.0)) == (5.0, 5.0)


def _cells(values: np.ndarray, cands: list[float]) -> np.ndarray:
    return np.bincount(np.searchsorted(cands, values, side="right"), minlength=len(cands) + 1)


def _exact(values: np.ndarray, q: float, cands: list[float]) -> float:
    return float(np.clip(np.quantile(values, q, method="inverted_cdf"), cands[0], cands[-1]))


@pytest.mark.parametrize("q", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_quantile_interval_without_noise_brackets_the_quantile(q: float) -> None:
    cands = mech.spaced((0.0, 100.0), 21)  # 0, 5, ..., 100
    values = np.random.default_rng(3).uniform(-10, 110, 501)
    lo, hi = mech.quantile_interval(_cells(values, cands), cands, q, np.zeros(len(cands)))
    exact = _exact(values, q, cands)
    assert lo <= exact <= hi
    # the tightest pair: the largest candidate at or below the (unclamped) quantile, the
    # smallest above it; the range's end where none is
    raw = float(np.quantile(values, q, method="inverted_cdf"))
    assert lo == max([c for c in cands if c <= raw], default=cands[0])
    assert hi == min([c for c in cands if c > raw], default=cands[-1])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (np.empty(0), (0.0, 100.0)),  # no rows: every candidate
        (np.array([42.0]), (40.0, 45.0)),  # one row
        (np.full(300, 42.0), (40.0, 45.0)),  # all equal
        (np.full(300, 500.0), (100.0, 100.0)),  # all the data above the bounds: the upper one
        (np.full(300, -5.0), (0.0, 0.0)),  # all below: the lower one
    ],
)
def test_quantile_interval_edge_data(values: np.ndarray, expected: tuple[float, float]) -> None:
    cands = mech.spaced((0.0, 100.0), 21)
    got = mech.quantile_interval(_cells(values, cands), cands, 0.5, np.zeros(len(cands)))
    assert got == expected
    if len(values):
        assert got[0] <= _exact(values, 0.5, cands) <= got[1]


def test_cdf_error_bounds_hold_together_at_the_level() -> None:
    """Discrete Laplace noise drawn from a seeded generator (the difference of two geometric
    draws): the fraction of trials where some candidate's score noise exceeds its bound stays
    below beta (the bound is a union of Chernoff bounds, so well below)."""
    scale, cells, beta, trials = 2.0, 102, 0.05, 4000
    rng = np.random.default_rng(5)
    p = math.exp(-1 / scale)
    for q in (0.05, 0.5, 0.9):
        err = mech.cdf_error_bounds(q, cells, scale, beta)
        assert err.shape == (cells - 1,) and np.all(err > 0)
        noise = rng.geometric(1 - p, (trials, cells)) - rng.geometric(1 - p, (trials, cells))
        below = np.cumsum(noise, axis=1)[:, :-1]
        score = (1 - q) * below - q * (noise.sum(axis=1, keepdims=True) - below)
        fails = np.mean(np.any(np.abs(score) > err, axis=1))
        assert fails < beta
        # far tighter than bounding each cell's noise and adding them up
        naive = max(q, 1 - q) * cells * scale * math.log(cells / beta)
        assert err.max() < naive / 4


def test_quantile_interval_with_noise_covers_at_least_the_level() -> None:
    cands = mech.spaced((0.0, 100.0), 51)
    values = np.random.default_rng(9).normal(40, 15, 800)
    scale, beta = 2.0, 0.05
    err = mech.cdf_error_bounds(0.5, len(cands) + 1, scale, beta)
    exact = _exact(values, 0.5, cands)
    rng = np.random.default_rng(10)
    p = math.exp(-1 / scale)
    hits = 0
    for _ in range(500):
        noise = rng.geometric(1 - p, len(cands) + 1) - rng.geometric(1 - p, len(cands) + 1)
        lo, hi = mech.quantile_interval(_cells(values, cands) + noise, cands, 0.5, err)
        hits += lo <= exact <= hi
        assert lo <= hi
    assert hits / 500 >= 1 - beta


def test_cell_counts_noise_is_the_discrete_laplace_the_bounds_assume() -> None:
    """cdf_error_bounds takes P(z) ~ exp(-|z| / scale): mass (1 - p) / (1 + p) at 0, variance
    2 p / (1 - p)^2; the scale is contributions / epsilon (L1 sensitivity of disjoint cells)."""
    m = mech.cell_counts(0.5, 1)
    assert m.scale == pytest.approx(2.0, rel=1e-6) and m.epsilon <= 0.5
    assert mech.cell_counts(0.5, 3).scale == pytest.approx(6.0, rel=1e-6)
    p = math.exp(-1 / m.scale)
    exact = np.arange(200)
    draws = np.concatenate([m.run(exact) - exact for _ in range(40)])  # 8,000 noises
    expected = (1 - p) / (1 + p)
    assert np.all(draws == np.round(draws))
    assert abs(np.mean(draws == 0) - expected) < 5 * math.sqrt(expected * (1 - expected) / 8000)
    assert draws.var() == pytest.approx(2 * p / (1 - p) ** 2, rel=0.15)
