"""Significance tests, multiple-testing correction and bootstrap intervals for the fairness audit.

Everything here works on counts or plain arrays so it does not depend on how the group metrics
are computed (``fairness.metrics``). Rate names follow ``GroupMetrics`` / Fairlearn
(``selection_rate``, ``true_positive_rate``, ...), so intervals drop straight into
``GroupMetrics.ci``, ``Disparity.ci`` and ``Comparison.ci``.

Conventions
-----------
* A test on a degenerate table (a group of size 0) reports ``("none", None)``: there is nothing
  to test, and ``None`` (not NaN) is what the report models carry for "undefined".
* Bootstrap intervals are percentile intervals from replicates drawn with
  ``numpy.random.Generator(PCG64(seed))``: same inputs and seed give identical intervals.
  Replicates where a statistic is undefined (a zero denominator) are dropped, so such an
  interval is conditional on the statistic being defined; a statistic that is never defined
  gets no interval at all (the key is absent / ``None`` is returned).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.stats import (  # type: ignore[import-untyped]  # scipy ships no type information
    chi2_contingency,
    fisher_exact,
)

from clearance.fairness.models import Comparison, Interval

TestName = Literal["fisher", "chi2", "none"]
Method = Literal["holm", "bh"]
Stratify = Literal["group_label", "group"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Cochran's rule: the chi-squared approximation is trusted only when every expected cell count
#: of the 2x2 table is at least this; below it the exact (Fisher) test is used.
MIN_EXPECTED = 5.0

DEFAULT_RESAMPLES = 1000
DEFAULT_LEVEL = 0.95

#: The per-group rates ``bootstrap_rates`` returns intervals for (``GroupMetrics`` field names).
RATE_METRICS = (
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "true_negative_rate",
    "false_negative_rate",
    "precision",
    "accuracy",
)
#: The rates a group is compared to the reference on (differences and tests).
COMPARED_METRICS = ("selection_rate", "true_positive_rate", "false_positive_rate")

# Upper bound on the index matrix ``bootstrap_statistic`` builds at once (int64 entries, so
# about 64 MB): replicates are generated in blocks so large evaluation sets do not need
# n_resamples x n rows of memory.
_MAX_BLOCK_ENTRIES = 8_000_000


# --------------------------------------------------------------------------------------------
# Two-proportion test
# --------------------------------------------------------------------------------------------


def _check_count(x: int, n: int) -> tuple[int, int]:
    xi, ni = int(x), int(n)
    if xi != x or ni != n or ni < 0 or not 0 <= xi <= ni:
        raise ValueError(f"need integer counts with 0 <= x <= n, got x={x}, n={n}")
    return xi, ni


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[TestName, float | None]:
    """Two-sided test that two groups have the same rate ``x1/n1`` vs ``x2/n2``.

    The 2x2 table is ``[[x1, n1 - x1], [x2, n2 - x2]]``. If any expected cell count under
    independence (row total x column total / grand total) is below 5 (Cochran's classic rule),
    the large-sample approximation is unreliable and Fisher's exact test is used:
    ``("fisher", p)``. Otherwise Pearson's chi-squared test without Yates' continuity
    correction is used: ``("chi2", p)``. For a 2x2 table that statistic is exactly the square
    of the pooled two-proportion z statistic, and chi2(1 df) upper tail equals the two-sided
    normal tail, so this *is* the two-proportion z-test; it is reported as "chi2".

    Degenerate tables: a group of size 0 has no rate, so ``("none", None)``. When both groups
    have all-0 or all-1 outcomes (a zero column total) the expected count is 0, so Fisher is
    used and gives p = 1 (the rates are equal).
    """
    x1, n1 = _check_count(x1, n1)
    x2, n2 = _check_count(x2, n2)
    if n1 == 0 or n2 == 0:
        return "none", None
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=np.int64)
    total = n1 + n2
    col = table.sum(axis=0)
    expected = np.outer([n1, n2], col) / total
    if float(expected.min()) < MIN_EXPECTED:
        return "fisher", float(fisher_exact(table, alternative="two-sided").pvalue)
    return "chi2", float(chi2_contingency(table, correction=False).pvalue)


# --------------------------------------------------------------------------------------------
# Multiple-testing correction
# --------------------------------------------------------------------------------------------


def adjust(p_values: Sequence[float | None], method: Method) -> list[float | None]:
    """Adjusted p-values, in the input order; ``None`` entries pass through and are not counted.

    * ``"holm"``: Holm's step-down (controls the family-wise error rate, no assumption on
      dependence). With sorted p(1) <= ... <= p(m): adj(i) = max_{j<=i} min(1, (m-j+1) p(j)).
    * ``"bh"``: Benjamini-Hochberg (controls the false discovery rate under independence or
      positive dependence). adj(i) = min_{j>=i} min(1, m p(j) / j).

    Both are monotone in the raw p-values and capped at 1; they match statsmodels'
    ``multipletests`` (``holm``, ``fdr_bh``) and ``scipy.stats.false_discovery_control``.
    """
    if method not in ("holm", "bh"):
        raise ValueError(f"unknown method {method!r}; use 'holm' or 'bh'")
    present = [i for i, p in enumerate(p_values) if p is not None]
    raw = np.array([p_values[i] for i in present], dtype=np.float64)
    if raw.size and (not np.all(np.isfinite(raw)) or raw.min() < 0 or raw.max() > 1):
        # NaN would silently sort anywhere; undefined tests must be None, not NaN.
        raise ValueError("p-values must be in [0, 1] (use None for an undefined test)")
    m = raw.size
    out: list[float | None] = [None] * len(p_values)
    if m == 0:
        return out
    order = np.argsort(raw, kind="stable")
    ranked = raw[order]
    rank = np.arange(1, m + 1, dtype=np.float64)
    if method == "holm":
        adj = np.maximum.accumulate(np.minimum(1.0, (m - rank + 1) * ranked))
    else:
        adj = np.minimum(1.0, np.minimum.accumulate((m * ranked / rank)[::-1])[::-1])
    adjusted = np.empty(m, dtype=np.float64)
    adjusted[order] = adj
    for i, value in zip(present, adjusted.tolist(), strict=True):
        out[i] = value
    return out


# --------------------------------------------------------------------------------------------
# Group vs reference comparisons
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonInput:
    """One group against the reference on one rate, as counts.

    ``metric`` is a ``GroupMetrics`` rate name; the counts are, for
    ``selection_rate``: x = predicted positives, n = group size;
    ``true_positive_rate``: x = true positives, n = actual positives;
    ``false_positive_rate``: x = false positives, n = actual negatives.
    ``ci`` (e.g. from ``BootstrapRates.difference``) is copied to the result unchanged.
    """

    metric: str
    attribute: str
    group: str
    reference: str
    x_g: int
    n_g: int
    x_ref: int
    n_ref: int
    ci: Interval | None = None


def compare_to_reference(
    items: Sequence[ComparisonInput], method: Method = "holm", alpha: float = 0.05
) -> list[Comparison]:
    """Test every comparison and adjust the p-values across *all* of them together.

    Pass every comparison of the audit (all metrics, groups and attributes) in one call: the
    correction is only valid over the whole family of tests that were run. Returns one
    ``Comparison`` per item, in the same order (``Comparison`` has no attribute field, so the
    caller files them under ``Disparity.comparisons`` by ``items[i].attribute``).

    ``difference`` = rate(group) - rate(reference); ``ratio`` = rate(group) / rate(reference)
    (the four-fifths-rule direction), ``None`` when undefined. ``significant`` = adjusted p
    < ``alpha``; ``None`` when the test could not be run.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    tests: list[tuple[TestName, float | None]] = []
    for item in items:
        if item.group == item.reference:
            # A reference-vs-itself test would inflate the family size m for nothing.
            raise ValueError(f"group {item.group!r} is its own reference ({item.metric})")
        tests.append(two_proportion_test(item.x_g, item.n_g, item.x_ref, item.n_ref))
    adjusted = adjust([p for _, p in tests], method)
    out = []
    for item, (test, p), p_adj in zip(items, tests, adjusted, strict=True):
        rate_g = item.x_g / item.n_g if item.n_g else None
        rate_ref = item.x_ref / item.n_ref if item.n_ref else None
        difference = rate_g - rate_ref if rate_g is not None and rate_ref is not None else None
        ratio = rate_g / rate_ref if rate_g is not None and rate_ref else None
        out.append(
            Comparison(
                metric=item.metric,
                group=item.group,
                reference=item.reference,
                difference=difference,
                ratio=ratio,
                test=test,
                p_value=p,
                p_value_adjusted=p_adj,
                significant=None if p_adj is None else p_adj < alpha,
                ci=item.ci,
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Bootstrap
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupCounts:
    """Confusion counts of one group (1 = favourable outcome)."""

    tp: int
    fp: int
    tn: int
    fn: int

    def __post_init__(self) -> None:
        if min(self.tp, self.fp, self.tn, self.fn) < 0:
            raise ValueError(f"negative confusion count in {self}")

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn


def confusion_counts(
    y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray
) -> dict[str, GroupCounts]:
    """Confusion counts per group (keys ``str(group)``), from aligned 0/1 arrays."""
    if not len(y_true) == len(y_pred) == len(groups):
        raise ValueError("y_true, y_pred and groups must have the same length")
    labels, inverse = np.unique(np.asarray(groups), return_inverse=True)
    inverse = inverse.reshape(-1)
    cell = 2 * np.asarray(y_true, dtype=np.int64) + np.asarray(y_pred, dtype=np.int64)
    counts = np.bincount(inverse * 4 + cell, minlength=4 * len(labels)).reshape(-1, 4)
    # cell: 0 = TN (y=0, pred=0), 1 = FP, 2 = FN, 3 = TP
    return {
        str(label): GroupCounts(tp=int(c[3]), fp=int(c[1]), tn=int(c[0]), fn=int(c[2]))
        for label, c in zip(labels.tolist(), counts, strict=True)
    }


@dataclass(frozen=True)
class BootstrapRates:
    """Percentile intervals from one set of bootstrap replicates.

    ``group[g][metric]``: the group's rate (``RATE_METRICS``), ready for ``GroupMetrics.ci``.
    ``disparity[name]``: ``demographic_parity_difference`` (max - min selection rate over the
    groups), ``demographic_parity_ratio`` (min / max), ``equal_opportunity_difference`` (max -
    min TPR), ``equalized_odds_difference`` (max of the TPR and FPR ranges), for
    ``Disparity.ci``. ``difference[g][metric]``: rate(g) - rate(reference) for
    ``COMPARED_METRICS``, for ``Comparison.ci`` (empty without a reference).
    """

    group: dict[str, dict[str, Interval]] = field(default_factory=dict)
    disparity: dict[str, Interval] = field(default_factory=dict)
    difference: dict[str, dict[str, Interval]] = field(default_factory=dict)


def _div(num: FloatArray, den: FloatArray) -> FloatArray:
    """num / den with NaN where den == 0 (undefined rate), without a RuntimeWarning."""
    out = np.full(np.broadcast_shapes(num.shape, den.shape), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _percentile(values: FloatArray, level: float) -> Interval | None:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    low, high = np.quantile(finite, [(1 - level) / 2, (1 + level) / 2])
    return Interval(low=float(low), high=float(high), level=level)


def _range(reps: FloatArray, defined: npt.NDArray[np.bool_]) -> FloatArray | None:
    """Per-replicate max - min over the groups whose point estimate is defined.

    A replicate where one of those groups is undefined gets NaN (dropped later) rather than a
    range over fewer groups, which would be a different statistic. Fewer than two groups: no
    disparity, ``None``.
    """
    cols = reps[:, defined]
    if cols.shape[1] < 2:
        return None
    with np.errstate(invalid="ignore"):
        # max/min propagate NaN, which is exactly the "replicate undefined" we want.
        return cols.max(axis=1) - cols.min(axis=1)  # type: ignore[no-any-return]


def _check_bootstrap_args(n_resamples: int, level: float) -> None:
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")


def bootstrap_rates(
    counts: Mapping[str, GroupCounts],
    *,
    reference: str | None = None,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    stratify: Stratify = "group_label",
) -> BootstrapRates:
    """Bootstrap intervals for per-group rates and the disparities between ``counts``' groups.

    Fast path: the confusion counts are sufficient statistics for every rate, so instead of
    resampling rows the replicate counts are drawn directly. With ``stratify="group_label"``
    (the default) rows are resampled within each (group, y_true) stratum, so each group's size
    and its numbers of actual positives/negatives are fixed; then each resampled positive is
    independently a predicted positive with probability TP/n_pos, so TP* ~ Binomial(n_pos,
    TPR) and FP* ~ Binomial(n_neg, FPR), independent - exactly the distribution of row
    resampling, not an approximation. Every other rate follows: FN* = n_pos - TP*, TN* = n_neg
    - FP*, predicted positives = TP* + FP*, precision = TP* / (TP* + FP*).
    With ``stratify="group"`` rows are resampled within each group only, i.e. (TP, FP, TN, FN)*
    ~ Multinomial(n, observed cell shares); this also carries the sampling variability of each
    group's base rate, which the label-stratified design conditions away (it makes selection
    rate and accuracy intervals wider).

    Pass only the groups the disparities should range over (e.g. the sufficiently large ones).
    Groups are processed in sorted order, so the result does not depend on mapping order.
    """
    _check_bootstrap_args(n_resamples, level)
    if stratify not in ("group_label", "group"):
        raise ValueError(f"unknown stratify {stratify!r}")
    names = sorted(counts)
    if reference is not None and reference not in counts:
        raise ValueError(f"reference group {reference!r} not among the groups")
    if any(counts[g].n == 0 for g in names):
        raise ValueError("every group needs at least one row")
    if not names:
        return BootstrapRates()
    table = np.array(
        [[counts[g].tp, counts[g].fp, counts[g].tn, counts[g].fn] for g in names], dtype=np.int64
    )
    tp0, fp0, tn0, fn0 = table.T
    n = table.sum(axis=1)
    rng = np.random.Generator(np.random.PCG64(seed))
    size = (n_resamples, len(names))
    if stratify == "group_label":
        n_pos, n_neg = tp0 + fn0, fp0 + tn0
        # p = 0 for an empty stratum: binomial(0, p) is 0 whatever p is, it just must be valid.
        tpr0 = np.divide(tp0, n_pos, out=np.zeros(len(names)), where=n_pos > 0)
        fpr0 = np.divide(fp0, n_neg, out=np.zeros(len(names)), where=n_neg > 0)
        tp = rng.binomial(n_pos, tpr0, size=size).astype(np.float64)
        fp = rng.binomial(n_neg, fpr0, size=size).astype(np.float64)
        fn = n_pos - tp
        tn = n_neg - fp
    else:
        cells = rng.multinomial(n, table / n[:, None], size=size).astype(np.float64)
        tp, fp, tn, fn = (cells[..., k] for k in range(4))
    total = np.broadcast_to(n.astype(np.float64), size)
    reps: dict[str, FloatArray] = {
        "selection_rate": (tp + fp) / total,
        "true_positive_rate": _div(tp, tp + fn),
        "false_positive_rate": _div(fp, fp + tn),
        "true_negative_rate": _div(tn, fp + tn),
        "false_negative_rate": _div(fn, tp + fn),
        "precision": _div(tp, tp + fp),
        "accuracy": (tp + tn) / total,
    }

    result = BootstrapRates()
    for j, g in enumerate(names):
        per_metric = {m: _percentile(reps[m][:, j], level) for m in RATE_METRICS}
        result.group[g] = {m: iv for m, iv in per_metric.items() if iv is not None}

    # A group's rate is in the disparity only if it is defined on the data itself (e.g. a
    # group with no actual positives has no TPR and is left out of the TPR range).
    has_pos = (tp0 + fn0) > 0
    has_neg = (fp0 + tn0) > 0
    everyone = np.ones(len(names), dtype=bool)
    sel_range = _range(reps["selection_rate"], everyone)
    tpr_range = _range(reps["true_positive_rate"], has_pos)
    fpr_range = _range(reps["false_positive_rate"], has_neg)
    disparities: dict[str, FloatArray | None] = {
        "demographic_parity_difference": sel_range,
        "equal_opportunity_difference": tpr_range,
        "equalized_odds_difference": (
            None if tpr_range is None or fpr_range is None else np.maximum(tpr_range, fpr_range)
        ),
    }
    if sel_range is not None:
        sel = reps["selection_rate"]
        disparities["demographic_parity_ratio"] = _div(sel.min(axis=1), sel.max(axis=1))
    for name, values in disparities.items():
        interval = None if values is None else _percentile(values, level)
        if interval is not None:
            result.disparity[name] = interval

    if reference is not None:
        r = names.index(reference)
        for j, g in enumerate(names):
            if j == r:
                continue
            diffs = {m: _percentile(reps[m][:, j] - reps[m][:, r], level) for m in COMPARED_METRICS}
            result.difference[g] = {m: iv for m, iv in diffs.items() if iv is not None}
    return result


def bootstrap_statistic(
    fn: Callable[[IntArray], float],
    strata: np.ndarray,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
) -> Interval | None:
    """Stratified bootstrap percentile interval of a row-level statistic (AUC, ECE, ...).

    ``fn`` receives the row indices of one replicate (into the arrays it closes over) and
    returns the statistic; NaN (undefined, e.g. AUC of a one-class resample) replicates are
    dropped. Each replicate draws, within every stratum (distinct value of ``strata``, e.g.
    group x y_true), as many rows with replacement as the stratum has, so stratum sizes are
    fixed. Index generation is vectorized (one ``integers`` call per block of replicates);
    ``fn`` is called once per replicate. ``None`` when no replicate is defined.
    """
    _check_bootstrap_args(n_resamples, level)
    if len(np.asarray(strata)) == 0:
        return None
    values = np.empty(n_resamples, dtype=np.float64)
    done = 0
    for block in bootstrap_indices(strata, n_resamples, seed):
        for rows in block:
            value = fn(rows)
            values[done] = np.nan if value is None or not math.isfinite(value) else value
            done += 1
    return _percentile(values, level)


def bootstrap_indices(
    strata: np.ndarray, n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0
) -> Iterator[IntArray]:
    """Row indices of stratified bootstrap replicates, in blocks of rows (one row per
    replicate, ``n_resamples`` rows over all blocks), for statistics that are cheaper to compute
    from a whole resampled data set than through ``bootstrap_statistic``'s one-number ``fn``.

    Each replicate draws, within every stratum (distinct value of ``strata``), as many rows
    with replacement as the stratum has, so stratum sizes are fixed. The draws are the ones
    ``bootstrap_statistic`` makes for the same ``strata``, ``n_resamples`` and ``seed`` (same
    generator, same order), and blocks hold at most about ``_MAX_BLOCK_ENTRIES`` indices, so
    large data sets do not need ``n_resamples x n`` indices in memory at once. Nothing is
    yielded for empty ``strata``.
    """
    _check_bootstrap_args(n_resamples, DEFAULT_LEVEL)
    strata = np.asarray(strata)
    n_rows = len(strata)
    if n_rows == 0:
        return
    _, codes = np.unique(strata, return_inverse=True)
    codes = codes.reshape(-1)
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    size_at = sizes[codes[order]]
    start_at = starts[codes[order]]
    rng = np.random.Generator(np.random.PCG64(seed))
    block = max(1, _MAX_BLOCK_ENTRIES // n_rows)
    done = 0
    while done < n_resamples:
        b = min(block, n_resamples - done)
        pos = start_at + rng.integers(0, size_at, size=(b, n_rows))
        yield order[pos].astype(np.int64, copy=False)
        done += b


def percentile_interval(values: np.ndarray, level: float = DEFAULT_LEVEL) -> Interval | None:
    """Percentile interval of bootstrap replicate values; NaN (undefined) replicates are
    dropped, ``None`` when none is defined (the module's conventions)."""
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    return _percentile(np.asarray(values, dtype=np.float64), level)
