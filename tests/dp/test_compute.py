"""Quantile releases: each quantile's interval and how often it holds the exact quantile.

OpenDP's noise cannot be seeded (on purpose), so coverage is checked with a margin that makes a
failure astronomically unlikely: each interval holds with probability at least 95%, the 150
releases of one quantile (50 repeats x 3 groups) draw independent noise, and the test allows 30
misses each (binomial tail at exactly 95%: 2e-11); the data are seeded."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from clearance.dp import mechanisms as mech
from clearance.dp.compute import run_release
from clearance.dp.query import Release

BOUNDS = (0.0, 100.0)


def _release(**kw: object) -> Release:
    base: dict[str, object] = {"kind": "quantile", "column": "v", "epsilon": 1.0}
    return Release(**(base | kw))  # type: ignore[arg-type]


def test_quantile_intervals_cover_the_exact_quantile() -> None:
    rng = np.random.default_rng(21)
    frame = pl.DataFrame(
        {"g": rng.choice(["a", "b", "c"], 3000), "v": rng.normal(45, 20, 3000).round(1)}
    )
    release = _release(quantiles=[0.25, 0.5, 0.9], candidates=51, group_by={"g": ["a", "b", "c"]})
    cands = mech.spaced(BOUNDS, 51)
    truth = {
        (g, q): float(
            np.clip(
                np.quantile(
                    frame.filter(pl.col("g") == g)["v"].to_numpy(), q, method="inverted_cdf"
                ),
                *BOUNDS,
            )
        )
        for g in "abc"
        for q in (0.25, 0.5, 0.9)
    }
    misses = dict.fromkeys((0.25, 0.5, 0.9), 0)
    for _ in range(50):
        res = run_release(release, "q", frame, BOUNDS, 1, 0.95)
        for group in res.groups:
            assert group.cells is not None and group.ci is None and group.value is None
            for cell in group.cells:
                assert cell.ci is not None and cell.value in cands
                lo, hi = cell.ci
                assert lo in cands and hi in cands and lo <= hi
                q = float((cell.label or "")[1:])
                misses[q] += not lo <= truth[group.key["g"], q] <= hi
    assert all(m <= 30 for m in misses.values()), misses


def test_quantile_budget_is_split_between_the_values_and_the_intervals() -> None:
    frame = pl.DataFrame({"v": np.linspace(0, 100, 400)})
    res = run_release(_release(quantiles=[0.5, 0.9]), "q", frame, BOUNDS, 1, 0.9)
    assert [n.statistic for n in res.noise] == ["quantile", "quantile", "count"]
    assert [n.epsilon for n in res.noise] == pytest.approx([0.25, 0.25, 0.5])
    assert res.epsilon == pytest.approx(1.0) and res.delta == 0
    assert res.noise[2].mechanism == "discrete laplace" and res.noise[2].scale == pytest.approx(2.0)
    assert res.interval.startswith("90% per quantile, conservative")


@pytest.mark.parametrize(
    "values",
    [[], [42.0], [42.0] * 50, [500.0] * 50, [-3.0] * 50],
    ids=["no rows", "one row", "all equal", "above the bounds", "below the bounds"],
)
def test_quantile_on_hostile_data_gives_an_ordered_interval(values: list[float]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Float64})
    res = run_release(
        _release(candidates=[0.0, 25.0, 50.0, 75.0, 100.0]), "q", frame, None, 1, 0.95
    )
    (cell,) = res.groups[0].cells or []
    assert cell.ci is not None and 0.0 <= cell.ci[0] <= cell.ci[1] <= 100.0
    assert cell.value in (0.0, 25.0, 50.0, 75.0, 100.0)


def test_a_group_column_named_like_a_pattern_groups_by_itself() -> None:
    # polars reads "^.*$" in pl.col as a regex over every column; the name is data
    frame = pl.DataFrame({"^.*$": ["a"] * 300 + ["b"] * 100, "v": [1.0] * 400})
    release = Release(kind="count", epsilon=5.0, group_by={"^.*$": ["a", "b"]})
    result = run_release(release, "n", frame, None, 1, 0.95)
    counts = {g.key["^.*$"]: g.value for g in result.groups}
    assert set(counts) == {"a", "b"}
    assert abs(counts["a"] - 300) < 30 and abs(counts["b"] - 100) < 30  # noise at epsilon 5
