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
