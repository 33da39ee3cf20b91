from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import chi2_contingency, false_discovery_control, fisher_exact, norm

from clearance.fairness import stats
from clearance.fairness.models import Interval
from clearance.fairness.stats import (
    ComparisonInput,
    GroupCounts,
    adjust,
    bootstrap_rates,
    bootstrap_statistic,
    compare_to_reference,
    confusion_counts,
    two_proportion_test,
)

# ---------------------------------------------------------------------------- two-proportion


def test_fisher_on_small_textbook_table() -> None:
    # Fisher's lady tasting tea: [[3, 1], [1, 3]], two-sided p = 34/70.
    test, p = two_proportion_test(3, 4, 1, 4)
    assert test == "fisher"
    assert p == pytest.approx(34 / 70, rel=1e-12)


def test_chi2_on_large_table_equals_scipy_and_pooled_z_test() -> None:
    x1, n1, x2, n2 = 30, 100, 45, 100
    test, p = two_proportion_test(x1, n1, x2, n2)
    assert test == "chi2"
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    assert p == pytest.approx(chi2_contingency(table, correction=False).pvalue, rel=1e-12)
    # Same test as the pooled two-proportion z-test.
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert p == pytest.approx(2 * norm.sf(abs(z)), rel=1e-10)
    assert p == pytest.approx(0.02838, abs=1e-4)


def test_choice_follows_expected_count_rule_at_the_boundary() -> None:
    # 10 + 10 rows, 10 successes: every expected count is exactly 5 -> chi2.
    assert two_proportion_test(6, 10, 4, 10)[0] == "chi2"
    # 9 successes: expected successes 4.5 < 5 -> Fisher, with scipy's value.
    test, p = two_proportion_test(5, 10, 4, 10)
    assert test == "fisher"
    assert p == pytest.approx(fisher_exact([[5, 5], [4, 6]]).pvalue, rel=1e-12)
    # Large groups but a rare outcome still go to Fisher.
    assert two_proportion_test(1, 1000, 3, 1000)[0] == "fisher"


def test_degenerate_tables() -> None:
    assert two_proportion_test(0, 0, 3, 10) == ("none", None)
    assert two_proportion_test(3, 10, 0, 0) == ("none", None)
    assert two_proportion_test(0, 0, 0, 0) == ("none", None)
    # No successes (or all) anywhere: rates equal, zero expected cells -> Fisher p = 1.
    assert two_proportion_test(0, 50, 0, 60) == ("fisher", 1.0)
    assert two_proportion_test(50, 50, 60, 60) == ("fisher", 1.0)
    for bad in [(5, 4, 1, 2), (-1, 4, 1, 2), (1, 4, 1, -2), (1.5, 4, 1, 2)]:
        with pytest.raises(ValueError):
            two_proportion_test(*bad)  # type: ignore[arg-type]


def test_accepts_numpy_integers() -> None:
    assert two_proportion_test(np.int64(30), np.int64(100), 45, 100)[0] == "chi2"


# ---------------------------------------------------------------------------- adjustment


@pytest.mark.parametrize("seed", range(20))
def test_adjust_matches_statsmodels_and_scipy(seed: int) -> None:
    multitest = pytest.importorskip("statsmodels.stats.multitest")  # oracle, in the dev extra
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 40))
    p = rng.random(m) ** 3  # skewed toward 0 so some adjustments bite
    p[rng.random(m) < 0.2] = p[0]  # ties
    with_none: list[float | None] = list(p.tolist())
    for i in sorted(rng.choice(m + 1, size=int(rng.integers(0, 5))).tolist(), reverse=True):
        with_none.insert(i, None)
    present = [i for i, v in enumerate(with_none) if v is not None]

    holm = adjust(with_none, "holm")
    bh = adjust(with_none, "bh")
    expected_holm = multitest.multipletests(p, method="holm")[1]
    expected_bh = multitest.multipletests(p, method="fdr_bh")[1]
    assert [holm[i] for i in range(len(with_none)) if i not in present] == [None] * (
        len(with_none) - m
    )
    np.testing.assert_allclose([holm[i] for i in present], expected_holm, rtol=1e-12)
    np.testing.assert_allclose([bh[i] for i in present], expected_bh, rtol=1e-12)
    np.testing.assert_allclose([bh[i] for i in present], false_discovery_control(p), rtol=1e-12)


def test_adjust_is_monotone_capped_and_not_below_raw() -> None:
    rng = np.random.default_rng(7)
    p = rng.random(50)
    order = np.argsort(p)
    for method in ("holm", "bh"):
        adj = np.array(adjust(p.tolist(), method), dtype=float)
        assert np.all(np.diff(adj[order]) >= 0)
        assert np.all(adj <= 1) and np.all(adj >= p)


def test_adjust_edge_cases() -> None:
    assert adjust([], "holm") == []
    assert adjust([None, None], "bh") == [None, None]
    assert adjust([0.01, None], "holm") == [0.01, None]  # m = 1: None is not counted
    assert adjust([0.01, 0.04], "holm") == [0.02, 0.04]
    assert adjust([0.01, 0.04], "bh") == [0.02, 0.04]
    with pytest.raises(ValueError):
        adjust([0.1, math.nan], "holm")
    with pytest.raises(ValueError):
        adjust([1.2], "bh")
    with pytest.raises(ValueError):
        adjust([0.1], "bonferroni")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- comparisons


def _items() -> list[ComparisonInput]:
    ci = Interval(low=-0.2, high=-0.05)
    return [
        ComparisonInput("selection_rate", "sex", "F", "M", 300, 1000, 420, 1000, ci=ci),
        ComparisonInput("true_positive_rate", "sex", "F", "M", 3, 5, 4, 6),
        ComparisonInput("false_positive_rate", "sex", "F", "M", 0, 0, 10, 100),
        ComparisonInput("selection_rate", "age", "<25", "25-60", 50, 100, 52, 100),
        ComparisonInput("selection_rate", "age", ">60", "25-60", 10, 100, 52, 100),
    ]


def test_compare_to_reference_adjusts_across_all_items() -> None:
    items = _items()
    out = compare_to_reference(items, method="holm", alpha=0.05)
    assert [(c.metric, c.group, c.reference) for c in out] == [
        (i.metric, i.group, i.reference) for i in items
    ]
    raw = [two_proportion_test(i.x_g, i.n_g, i.x_ref, i.n_ref)[1] for i in items]
    assert [c.p_value for c in out] == raw
    assert [c.p_value_adjusted for c in out] == adjust(raw, "holm")
    assert [c.test for c in out] == ["chi2", "fisher", "none", "chi2", "chi2"]
    assert out[0].difference == pytest.approx(-0.12)
    assert out[0].ratio == pytest.approx(0.3 / 0.42)
    assert out[0].ci == Interval(low=-0.2, high=-0.05)
    assert out[0].significant is True and out[4].significant is True
    assert out[1].significant is False and out[3].significant is False
    degenerate = out[2]
    assert degenerate.difference is None and degenerate.ratio is None
    assert degenerate.p_value is None and degenerate.significant is None
    # The degenerate test is not counted in the family: m = 4.
    assert out[3].p_value_adjusted == pytest.approx(min(1.0, 2 * (out[3].p_value or 0)))
    bh = compare_to_reference(items, method="bh")
    assert [c.p_value_adjusted for c in bh] == adjust(raw, "bh")


def test_compare_to_reference_zero_reference_rate_and_errors() -> None:
    (c,) = compare_to_reference([ComparisonInput("selection_rate", "a", "x", "y", 5, 50, 0, 50)])
    assert c.ratio is None and c.difference == pytest.approx(0.1)
    with pytest.raises(ValueError):
        compare_to_reference([ComparisonInput("selection_rate", "a", "y", "y", 5, 50, 5, 50)])
    with pytest.raises(ValueError):
        compare_to_reference(_items(), alpha=0)
    assert compare_to_reference([]) == []


# ---------------------------------------------------------------------------- bootstrap


def _simulate(
    rng: np.random.Generator,
    sizes: dict[str, int],
    base: float,
    tpr: dict[str, float],
    fpr: dict[str, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    groups = np.repeat(list(sizes), list(sizes.values()))
    y = (rng.random(len(groups)) < base).astype(np.int64)
    t = np.array([tpr[g] for g in groups])
    f = np.array([fpr[g] for g in groups])
    pred = (rng.random(len(groups)) < np.where(y == 1, t, f)).astype(np.int64)
    return y, pred, groups


def test_confusion_counts() -> None:
    y = np.array([1, 1, 0, 0, 1, 0, 1])
    p = np.array([1, 0, 1, 0, 1, 0, 0])
    g = np.array(["a", "a", "a", "a", "b", "b", "b"])
    assert confusion_counts(y, p, g) == {
        "a": GroupCounts(tp=1, fp=1, tn=1, fn=1),
        "b": GroupCounts(tp=1, fp=0, tn=1, fn=1),
    }


def _counts() -> dict[str, GroupCounts]:
    return {
        "a": GroupCounts(tp=80, fp=30, tn=70, fn=20),
        "b": GroupCounts(tp=40, fp=10, tn=90, fn=60),
        "c": GroupCounts(tp=15, fp=5, tn=25, fn=5),
    }


def test_bootstrap_rates_is_deterministic_and_complete() -> None:
    first = bootstrap_rates(_counts(), reference="a", seed=42)
    again = bootstrap_rates(dict(reversed(list(_counts().items()))), reference="a", seed=42)
    other = bootstrap_rates(_counts(), reference="a", seed=43)
    assert first == again
    assert first != other
    assert set(first.group) == {"a", "b", "c"}
    assert all(set(m) == set(stats.RATE_METRICS) for m in first.group.values())
    assert set(first.disparity) == {
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equal_opportunity_difference",
        "equalized_odds_difference",
    }
    assert set(first.difference) == {"b", "c"}
    assert all(set(m) == set(stats.COMPARED_METRICS) for m in first.difference.values())
    assert all(iv.level == 0.95 for iv in first.disparity.values())
    for stratify in ("group_label", "group"):
        x = bootstrap_rates(_counts(), seed=1, n_resamples=200, stratify=stratify)  # type: ignore[arg-type]
        assert x == bootstrap_rates(_counts(), seed=1, n_resamples=200, stratify=stratify)  # type: ignore[arg-type]


def _rates(c: GroupCounts) -> dict[str, float]:
    return {
        "selection_rate": (c.tp + c.fp) / c.n,
        "true_positive_rate": c.tp / (c.tp + c.fn),
        "false_positive_rate": c.fp / (c.fp + c.tn),
        "true_negative_rate": c.tn / (c.fp + c.tn),
        "false_negative_rate": c.fn / (c.tp + c.fn),
        "precision": c.tp / (c.tp + c.fp),
        "accuracy": (c.tp + c.tn) / c.n,
    }


@pytest.mark.parametrize("stratify", ["group_label", "group"])
def test_bootstrap_intervals_contain_point_estimates(stratify: str) -> None:
    rng = np.random.default_rng(3)
    y, p, g = _simulate(
        rng,
        {"a": 400, "b": 150, "c": 60},
        0.4,
        {"a": 0.8, "b": 0.6, "c": 0.7},
        {"a": 0.2, "b": 0.1, "c": 0.3},
    )
    counts = confusion_counts(y, p, g)
    res = bootstrap_rates(counts, reference="a", seed=0, stratify=stratify)  # type: ignore[arg-type]
    point = {k: _rates(c) for k, c in counts.items()}
    for group, metrics in res.group.items():
        for metric, iv in metrics.items():
            assert iv.low <= point[group][metric] <= iv.high, (group, metric)
            assert iv.high - iv.low > 0
    for group, metrics in res.difference.items():
        for metric, iv in metrics.items():
            assert iv.low <= point[group][metric] - point["a"][metric] <= iv.high
    # Groups differ clearly here, so the range statistics' intervals hold their estimates too.
    sel = [r["selection_rate"] for r in point.values()]
    dpd = res.disparity["demographic_parity_difference"]
    assert dpd.low <= max(sel) - min(sel) <= dpd.high
    dpr = res.disparity["demographic_parity_ratio"]
    assert dpr.low <= min(sel) / max(sel) <= dpr.high


def test_bootstrap_rates_edge_cases() -> None:
    counts = {
        "a": GroupCounts(tp=10, fp=5, tn=15, fn=10),
        "nopos": GroupCounts(tp=0, fp=3, tn=7, fn=0),  # no actual positives: no TPR / FNR
    }
    res = bootstrap_rates(counts, reference="a", n_resamples=200)
    assert "true_positive_rate" not in res.group["nopos"]
    assert "false_negative_rate" not in res.group["nopos"]
    assert "true_positive_rate" not in res.difference["nopos"]
    # TPR is defined for one group only: no equal opportunity / equalized odds disparity.
    assert set(res.disparity) == {"demographic_parity_difference", "demographic_parity_ratio"}
    single = bootstrap_rates({"a": counts["a"]}, n_resamples=50)
    assert single.disparity == {} and single.difference == {}
    # A group that never predicts positive: precision undefined, selection rate exactly 0.
    none_pred = bootstrap_rates({"z": GroupCounts(tp=0, fp=0, tn=5, fn=5)}, n_resamples=50)
    assert "precision" not in none_pred.group["z"]
    assert none_pred.group["z"]["selection_rate"] == Interval(low=0.0, high=0.0)
    assert bootstrap_rates({}) == stats.BootstrapRates()
    with pytest.raises(ValueError):
        bootstrap_rates(counts, reference="zzz")
    with pytest.raises(ValueError):
        bootstrap_rates({"e": GroupCounts(0, 0, 0, 0)})
    with pytest.raises(ValueError):
        bootstrap_rates(counts, level=1.0)
    with pytest.raises(ValueError):
        bootstrap_rates(counts, n_resamples=0)


def _slow_row_bootstrap(
    y: np.ndarray, p: np.ndarray, g: np.ndarray, by_label: bool, n_resamples: int, seed: int
) -> dict[str, np.ndarray]:
    """Plain row resampling, one replicate at a time (the oracle for the counts fast path)."""
    rng = np.random.default_rng(seed)
    labels = sorted(set(g.tolist()))
    strata = (
        [np.flatnonzero((g == k) & (y == v)) for k in labels for v in (0, 1)]
        if by_label
        else [np.flatnonzero(g == k) for k in labels]
    )
    out: dict[str, list[float]] = {
        "sel_a": [],
        "tpr_b": [],
        "fpr_c": [],
        "prec_c": [],
        "dpd": [],
        "eod": [],
        "diff_sel_b": [],
    }
    for _ in range(n_resamples):
        idx = np.concatenate([s[rng.integers(0, len(s), len(s))] for s in strata])
        c = confusion_counts(y[idx], p[idx], g[idx])
        r = {k: _rates(v) for k, v in c.items()}
        sel = [r[k]["selection_rate"] for k in labels]
        tprs = [r[k]["true_positive_rate"] for k in labels]
        fprs = [r[k]["false_positive_rate"] for k in labels]
        out["sel_a"].append(r["a"]["selection_rate"])
        out["tpr_b"].append(r["b"]["true_positive_rate"])
        out["fpr_c"].append(r["c"]["false_positive_rate"])
        out["prec_c"].append(r["c"]["precision"])
        out["dpd"].append(max(sel) - min(sel))
        out["eod"].append(max(max(tprs) - min(tprs), max(fprs) - min(fprs)))
        out["diff_sel_b"].append(r["b"]["selection_rate"] - r["a"]["selection_rate"])
    return {k: np.array(v) for k, v in out.items()}


@pytest.mark.parametrize("stratify", ["group_label", "group"])
def test_counts_fast_path_matches_row_resampling(stratify: str) -> None:
    rng = np.random.default_rng(11)
    y, p, g = _simulate(
        rng,
        {"a": 1500, "b": 1000, "c": 600},
        0.45,
        {"a": 0.75, "b": 0.55, "c": 0.7},
        {"a": 0.25, "b": 0.15, "c": 0.2},
    )
    slow = _slow_row_bootstrap(y, p, g, stratify == "group_label", 2000, seed=5)
    counts = confusion_counts(y, p, g)
    other = "group" if stratify == "group_label" else "group_label"
    for level in (0.8, 0.95):
        fast, wrong = (
            bootstrap_rates(
                counts,
                reference="a",
                n_resamples=20_000,
                seed=9,
                level=level,
                stratify=design,  # type: ignore[arg-type]
            )
            for design in (stratify, other)
        )
        pairs = {
            "sel_a": fast.group["a"]["selection_rate"],
            "tpr_b": fast.group["b"]["true_positive_rate"],
            "fpr_c": fast.group["c"]["false_positive_rate"],
            "prec_c": fast.group["c"]["precision"],
            "dpd": fast.disparity["demographic_parity_difference"],
            "eod": fast.disparity["equalized_odds_difference"],
            "diff_sel_b": fast.difference["b"]["selection_rate"],
        }
        for key, iv in pairs.items():
            lo, hi = np.quantile(slow[key], [(1 - level) / 2, (1 + level) / 2])
            # Monte Carlo error of the slow quantiles (2000 draws) is ~2-5% of the width.
            assert abs(iv.low - lo) <= 0.07 * (hi - lo), (key, level)
            assert abs(iv.high - hi) <= 0.07 * (hi - lo), (key, level)
            assert iv.high - iv.low == pytest.approx(hi - lo, rel=0.07), (key, level)
        # The check has power: the other resampling design misses the selection-rate width.
        lo, hi = np.quantile(slow["sel_a"], [(1 - level) / 2, (1 + level) / 2])
        off = wrong.group["a"]["selection_rate"]
        assert off.high - off.low != pytest.approx(hi - lo, rel=0.1)


def test_selection_rate_strata_widths_differ_as_documented() -> None:
    # Conditioning on the label margins removes base-rate variability from selection rate.
    counts = {"a": GroupCounts(tp=210, fp=60, tn=240, fn=90)}
    by_label = bootstrap_rates(counts, n_resamples=4000).group["a"]["selection_rate"]
    by_group = bootstrap_rates(counts, n_resamples=4000, stratify="group").group["a"]
    assert (by_label.high - by_label.low) < 0.95 * (
        by_group["selection_rate"].high - by_group["selection_rate"].low
    )


def test_bootstrap_coverage_on_simulated_data() -> None:
    # Labels fixed per group (the design the label-stratified bootstrap conditions on);
    # predictions random with known rates. 200 simulations, 95% intervals.
    rng = np.random.default_rng(2024)
    n_pos, n_neg = {"a": 120, "b": 80}, {"a": 180, "b": 120}
    tpr, fpr = {"a": 0.7, "b": 0.55}, {"a": 0.2, "b": 0.1}
    truth_sel = {k: (n_pos[k] * tpr[k] + n_neg[k] * fpr[k]) / (n_pos[k] + n_neg[k]) for k in tpr}
    hits = {"sel_a": 0, "tpr_b": 0, "fpr_a": 0, "diff_tpr_b": 0, "dpd": 0}
    sims = 200
    for s in range(sims):
        counts = {}
        for k in tpr:
            tp = int(rng.binomial(n_pos[k], tpr[k]))
            fp = int(rng.binomial(n_neg[k], fpr[k]))
            counts[k] = GroupCounts(tp=tp, fp=fp, tn=n_neg[k] - fp, fn=n_pos[k] - tp)
        res = bootstrap_rates(counts, reference="a", seed=s)
        checks = {
            "sel_a": (res.group["a"]["selection_rate"], truth_sel["a"]),
            "tpr_b": (res.group["b"]["true_positive_rate"], tpr["b"]),
            "fpr_a": (res.group["a"]["false_positive_rate"], fpr["a"]),
            "diff_tpr_b": (res.difference["b"]["true_positive_rate"], tpr["b"] - tpr["a"]),
            "dpd": (
                res.disparity["demographic_parity_difference"],
                abs(truth_sel["a"] - truth_sel["b"]),
            ),
        }
        for key, (iv, truth) in checks.items():
            hits[key] += iv.low <= truth <= iv.high
    for key, h in hits.items():
        assert 0.90 <= h / sims <= 0.99, (key, h / sims)


def test_group_stratified_coverage_with_random_labels() -> None:
    rng = np.random.default_rng(99)
    n, base, tpr, fpr = 300, 0.5, 0.7, 0.2
    truth = base * tpr + (1 - base) * fpr
    hits, sims = 0, 200
    for s in range(sims):
        y = rng.random(n) < base
        p = np.where(y, rng.random(n) < tpr, rng.random(n) < fpr)
        c = confusion_counts(y.astype(int), p.astype(int), np.zeros(n, dtype=int))["0"]
        iv = bootstrap_rates({"g": c}, seed=s, stratify="group").group["g"]["selection_rate"]
        hits += iv.low <= truth <= iv.high
    assert 0.90 <= hits / sims <= 0.99


# ---------------------------------------------------------------------------- generic bootstrap


def test_bootstrap_statistic_keeps_strata_sizes_and_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    strata = rng.choice(np.array(["a0", "a1", "b0", "b1"]), size=137)
    _, codes = np.unique(strata, return_inverse=True)
    expected = np.bincount(codes)
    values = rng.random(137)

    def fn(idx: np.ndarray) -> float:
        assert np.array_equal(np.bincount(codes[idx], minlength=4), expected)
        return float(values[idx].mean())

    first = bootstrap_statistic(fn, strata, n_resamples=300, seed=5)
    assert first is not None
    assert first == bootstrap_statistic(fn, strata, n_resamples=300, seed=5)
    assert first != bootstrap_statistic(fn, strata, n_resamples=300, seed=6)
    assert first.low <= values.mean() <= first.high


def test_bootstrap_statistic_independent_of_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    strata = np.repeat([0, 1, 2], [40, 25, 10])
    values = np.random.default_rng(1).random(75)

    def fn(idx: np.ndarray) -> float:
        return float(values[idx].mean())

    whole = bootstrap_statistic(fn, strata, n_resamples=100, seed=3)
    monkeypatch.setattr(stats, "_MAX_BLOCK_ENTRIES", 75 * 7)  # blocks of 7 replicates
    assert bootstrap_statistic(fn, strata, n_resamples=100, seed=3) == whole


def test_bootstrap_statistic_matches_counts_fast_path() -> None:
    rng = np.random.default_rng(4)
    y, p, g = _simulate(rng, {"a": 250, "b": 150}, 0.4, {"a": 0.8, "b": 0.6}, {"a": 0.2, "b": 0.1})
    strata = np.char.add(g.astype(str), y.astype(str))
    mask_b_pos = (g == "b") & (y == 1)

    def tpr_b(idx: np.ndarray) -> float:
        return float(p[idx][mask_b_pos[idx]].mean())

    generic = bootstrap_statistic(tpr_b, strata, n_resamples=3000, seed=1)
    fast = bootstrap_rates(confusion_counts(y, p, g), n_resamples=20_000, seed=1)
    assert generic is not None
    expected = fast.group["b"]["true_positive_rate"]
    assert generic.low == pytest.approx(expected.low, abs=0.02)
    assert generic.high == pytest.approx(expected.high, abs=0.02)


def test_bootstrap_statistic_coverage_and_undefined_replicates() -> None:
    rng = np.random.default_rng(8)
    hits, sims = 0, 200
    for s in range(sims):
        x = rng.random(150) < 0.3
        iv = bootstrap_statistic(
            lambda idx, x=x: float(x[idx].mean()), np.zeros(150), n_resamples=300, seed=s
        )
        assert iv is not None
        hits += iv.low <= 0.3 <= iv.high
    assert 0.90 <= hits / sims <= 0.99

    calls = iter(range(10**6))
    half_nan = bootstrap_statistic(
        lambda idx: math.nan if next(calls) % 2 else 1.0, np.zeros(10), n_resamples=50
    )
    assert half_nan == Interval(low=1.0, high=1.0)
    assert bootstrap_statistic(lambda idx: math.nan, np.zeros(10), n_resamples=20) is None
    assert bootstrap_statistic(lambda idx: 0.0, np.array([]), n_resamples=20) is None
