"""Exact group metrics and between-group disparities, vectorized over all groups at once.

``group_metrics`` encodes every sensitive attribute once, counts the confusion matrix of every
cell of the full cross of the attributes with one ``np.bincount`` and derives each attribute's
(and each intersection's) counts by summing that small table, so the row-level work does not grow
with the number of attributes. Every rate comes from the counts through one spec table
(``RATES``), the between-group figures through another (``GAPS``), as Fairlearn generates its
metrics from a table in ``metrics/_generated_metrics.py``.

Definitions, and where they differ from Fairlearn / scikit-learn:

* Rates are ratios of confusion counts (TN, FP, FN, TP of a group, 1 = favourable):
  ``base_rate`` (FN+TP)/n, ``selection_rate`` (FP+TP)/n, ``true_positive_rate`` TP/(TP+FN),
  ``false_positive_rate`` FP/(FP+TN), ``true_negative_rate`` TN/(TN+FP), ``false_negative_rate``
  FN/(FN+TP), ``precision`` TP/(TP+FP), ``accuracy`` (TP+TN)/n. A rate whose denominator is 0
  is ``None``: Fairlearn's ``true_positive_rate`` & co. return 0 there, and scikit-learn's
  ``precision_score`` returns ``zero_division`` (0 with a warning by default); an audit must
  not read "no positives" as "TPR 0".
* ``roc_auc`` is the Mann-Whitney statistic with tie-averaged ranks, equal to
  ``sklearn.metrics.roc_auc_score`` on the group; ``None`` when the group has one class (where
  scikit-learn warns and returns NaN).
* ``expected_calibration_error``: 10 equal-width bins on [0, 1], binned as
  ``sklearn.calibration.calibration_curve(n_bins=10, strategy="uniform")`` does (right-closed,
  0 in the first bin), ``sum_b n_b / n * |mean score_b - mean y_b|`` (bins weighted by their
  record count; empty bins weigh nothing). ``calibration_in_the_large``: mean score - base rate.
* Intersections: with two attributes their intersection; with more, every pair and the full
  intersection. Names join attributes with ``" & "`` (``"sex & age_group"``), groups join values
  in the same order (``"female & <25"``); only combinations that occur are reported.
* Disparities use sufficient groups only (``count >= min_group_size``) and only the groups where
  the metric is defined; a figure is ``None`` with fewer than two such groups (Fairlearn reports
  0 for one group, which would read as "no disparity"). ``demographic_parity_ratio`` is ``None``
  when no group is selected at all (Fairlearn: NaN). ``average_odds_difference`` follows AIF360:
  ((FPR_g - FPR_ref) + (TPR_g - TPR_ref)) / 2 for each sufficient group g against the reference;
  with several groups the one furthest from 0 is reported, with its sign.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from clearance.fairness.models import Comparison, Disparity, FairnessData, GroupMetrics
from clearance.fairness.stats import COMPARED_METRICS

__all__ = [
    "GAPS",
    "INTERSECTION",
    "MISSING",
    "N_CALIBRATION_BINS",
    "RATES",
    "GapSpec",
    "RateSpec",
    "disparities",
    "group_metrics",
    "overall_rates",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

INTERSECTION = " & "
MISSING = "(missing)"
N_CALIBRATION_BINS = 10

# Confusion cells, in the order ``2 * y_true + y_pred`` gives them to ``np.bincount``.
TN, FP, FN, TP = 0, 1, 2, 3
_ALL = (TN, FP, FN, TP)


@dataclass(frozen=True)
class RateSpec:
    """A per-group rate: sum of the ``numerator`` cells over the sum of the ``denominator``
    cells. ``name`` is the ``GroupMetrics`` field; ``fairlearn`` the equivalent function."""

    name: str
    numerator: tuple[int, ...]
    denominator: tuple[int, ...]
    fairlearn: str


RATES: tuple[RateSpec, ...] = (
    RateSpec("base_rate", (FN, TP), _ALL, "mean(y_true)"),
    RateSpec("selection_rate", (FP, TP), _ALL, "fairlearn.metrics.selection_rate"),
    RateSpec("true_positive_rate", (TP,), (TP, FN), "fairlearn.metrics.true_positive_rate"),
    RateSpec("false_positive_rate", (FP,), (FP, TN), "fairlearn.metrics.false_positive_rate"),
    RateSpec("true_negative_rate", (TN,), (TN, FP), "fairlearn.metrics.true_negative_rate"),
    RateSpec("false_negative_rate", (FN,), (FN, TP), "fairlearn.metrics.false_negative_rate"),
    RateSpec("precision", (TP,), (TP, FP), "sklearn.metrics.precision_score"),
    RateSpec("accuracy", (TP, TN), _ALL, "sklearn.metrics.accuracy_score"),
)


@dataclass(frozen=True)
class GapSpec:
    """A between-group figure over the sufficient groups.

    ``range``: max - min of each metric, the largest over ``metrics`` (Fairlearn's
    ``difference(method="between_groups")`` with ``agg="worst_case"``); ``ratio``: min / max,
    the smallest over ``metrics``; ``average_vs_reference``: the AIF360 average of the
    metrics' differences to the reference group, for the group furthest from 0.
    """

    name: str
    metrics: tuple[str, ...]
    kind: Literal["range", "ratio", "average_vs_reference"]


GAPS: tuple[GapSpec, ...] = (
    GapSpec("demographic_parity_difference", ("selection_rate",), "range"),
    GapSpec("demographic_parity_ratio", ("selection_rate",), "ratio"),
    GapSpec("equalized_odds_difference", ("true_positive_rate", "false_positive_rate"), "range"),
    GapSpec("equal_opportunity_difference", ("true_positive_rate",), "range"),
    GapSpec(
        "average_odds_difference",
        ("false_positive_rate", "true_positive_rate"),
        "average_vs_reference",
    ),
    GapSpec("predictive_parity_difference", ("precision",), "range"),
    GapSpec("auc_gap", ("roc_auc",), "range"),
    GapSpec("calibration_gap", ("expected_calibration_error",), "range"),
)

# Mask matrices of the spec table: counts (G, 4) @ mask.T gives every rate's numerator and
# denominator for every group in one product (integer, so exact).
_NUM = np.array([[c in r.numerator for c in _ALL] for r in RATES], dtype=np.int64)
_DEN = np.array([[c in r.denominator for c in _ALL] for r in RATES], dtype=np.int64)


# --------------------------------------------------------------------------------------------
# Group metrics
# --------------------------------------------------------------------------------------------


def group_metrics(
    data: FairnessData,
    attributes: Sequence[str],
    *,
    intersections: bool = True,
    min_group_size: int = 30,
) -> list[GroupMetrics]:
    """Metrics of every group of each attribute (and of their intersections), sorted by
    attribute name then group value. See the module docstring for the definitions."""
    attrs = _check_attributes(data, attributes)
    if min_group_size < 0:
        raise ValueError("min_group_size must be >= 0")
    y_true = _binary(data.y_true, "y_true")
    y_pred = _binary(data.y_pred, "y_pred")
    scores = None if data.scores is None else _probabilities(data.scores)
    n = len(y_true)
    if n == 0:
        return []

    codes, labels = zip(*(_encode(data.sensitive.get_column(a)) for a in attrs), strict=True)
    cell, keys = _cross(list(codes), [len(v) for v in labels])
    n_cells = len(keys)
    # The only pass over the rows for counts: everything coarser is summed from the cell table.
    cell_counts = np.bincount(cell * 4 + 2 * y_true + y_pred, minlength=4 * n_cells).reshape(
        n_cells, 4
    )
    calibration = None if scores is None else _calibration_sums(cell, n_cells, scores, y_true)
    ranked = None if scores is None else _score_order(scores, y_true, cell)

    out: list[GroupMetrics] = []
    for subset in _groupings(len(attrs), intersections):
        # Group of each cell, numbered in sorted order of the attributes' codes.
        group_of_cell, group_keys = _coarsen(keys, subset)
        n_groups = len(group_keys)
        counts = _sum_by(group_of_cell, cell_counts, n_groups)
        values: dict[str, FloatArray] = dict(
            zip((r.name for r in RATES), _rates(counts).T, strict=True)
        )
        if scores is not None and calibration is not None and ranked is not None:
            values["roc_auc"] = _auc(ranked, group_of_cell, counts)
            score_sum, label_sum = (_sum_by(group_of_cell, s, n_groups) for s in calibration)
            size = counts.sum(axis=1)
            values["expected_calibration_error"] = np.abs(score_sum - label_sum).sum(1) / size
            values["calibration_in_the_large"] = (score_sum.sum(1) - label_sum.sum(1)) / size
        name = INTERSECTION.join(attrs[i] for i in subset)
        for g, key in enumerate(group_keys.tolist()):
            count = int(counts[g].sum())
            fields: dict[str, object] = {m: _float(v[g]) for m, v in values.items()}
            out.append(
                GroupMetrics.model_validate(
                    {
                        "attribute": name,
                        "group": INTERSECTION.join(
                            labels[i][k] for i, k in zip(subset, key, strict=True)
                        ),
                        "count": count,
                        "sufficient": count >= min_group_size,
                        **fields,
                    }
                )
            )
    out.sort(key=lambda g: (g.attribute, g.group))
    return out


def overall_rates(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float | None]:
    """Every ``RATES`` rate over all rows taken as one group (``None`` where undefined)."""
    t, p = _binary(y_true, "y_true"), _binary(y_pred, "y_pred")
    if len(t) != len(p):
        raise ValueError("y_true and y_pred must have the same length")
    counts = np.bincount(2 * t + p, minlength=4).reshape(1, 4)
    return {r.name: _float(v) for r, v in zip(RATES, _rates(counts)[0], strict=True)}


def _check_attributes(data: FairnessData, attributes: Sequence[str]) -> list[str]:
    attrs = list(attributes)
    if not attrs:
        raise ValueError("at least one sensitive attribute is needed")
    if len(set(attrs)) != len(attrs):
        raise ValueError(f"attributes repeat: {attrs}")
    for a in attrs:
        if a not in data.sensitive.columns:
            raise ValueError(f"no sensitive column {a!r} (have {data.sensitive.columns})")
        # The separator names intersections; inside a name it would make them ambiguous.
        if INTERSECTION in a:
            raise ValueError(f"attribute name {a!r} contains {INTERSECTION!r}")
    return attrs


def _binary(values: np.ndarray, name: str) -> IntArray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if array.size and not np.all((array == 0) | (array == 1)):
        raise ValueError(f"{name} must hold 0/1 values (1 = favourable)")
    return array.astype(np.int64)


def _probabilities(values: np.ndarray) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    # NaN fails both comparisons, so it is caught here too.
    if array.size and not np.all((array >= 0.0) & (array <= 1.0)):
        raise ValueError("scores must be probabilities in [0, 1] (no NaN)")
    return array


def _encode(column: pl.Series) -> tuple[IntArray, list[str]]:
    """Codes 0..k-1 in sorted order of the values (as strings), and the values."""
    values = column.cast(pl.String).fill_null(MISSING)
    labels = sorted(values.unique().to_list())
    # An Enum's physical codes are positions in its category list: one hash lookup per row.
    codes = values.cast(pl.Enum(labels)).to_physical().to_numpy().astype(np.int64)
    return codes, labels


def _compress(code: IntArray, size: int) -> tuple[IntArray, IntArray]:
    """Renumber ``code`` (values in [0, size)) to 0..c-1 keeping its order; also returns one
    row index per new code."""
    if size <= max(4 * len(code), 1 << 16):
        present = np.bincount(code, minlength=size) > 0
        new = np.cumsum(present) - 1
        inverse = new[code]
        n_new = int(present.sum())
    else:
        uniq, inverse = np.unique(code, return_inverse=True)
        inverse = inverse.reshape(-1)
        n_new = len(uniq)
    inverse = inverse.astype(np.int64)
    return inverse, _any_index(inverse, n_new)


def _cross(codes: list[IntArray], sizes: list[int]) -> tuple[IntArray, IntArray]:
    """Cell of each row in the cross of all attributes, and each cell's codes (cells x k)."""
    cell = codes[0]
    size = sizes[0]
    for c, s in zip(codes[1:], sizes[1:], strict=True):
        # Compressing after each step keeps the mixed-radix code below n * s (no overflow).
        cell, _ = _compress(cell * s + c, size * s)
        size = int(cell.max()) + 1
    cell, row = _compress(cell, size)
    keys = np.stack([c[row] for c in codes], axis=1)
    return cell, keys


def _groupings(k: int, intersections: bool) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]] = [(i,) for i in range(k)]
    if intersections and k >= 2:
        if k > 2:
            out += list(itertools.combinations(range(k), 2))
        out.append(tuple(range(k)))
    return out


def _coarsen(keys: IntArray, subset: tuple[int, ...]) -> tuple[IntArray, IntArray]:
    """Group (within ``subset`` of the attributes) of each cell, and each group's codes, in
    lexicographic order of the codes. Rows of the small cell table, not of the data, so a
    unique over rows is cheap and cannot overflow the way a mixed-radix code could."""
    group_keys, inverse = np.unique(keys[:, list(subset)], axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), group_keys


def _any_index(inverse: IntArray, n: int) -> IntArray:
    """One position per value of ``inverse`` (which one does not matter: the cells of a group
    carry the same codes, so duplicate writes are harmless)."""
    index = np.empty(n, dtype=np.int64)
    index[inverse] = np.arange(len(inverse), dtype=np.int64)
    return index


def _sum_by(group_of_cell: IntArray, table: np.ndarray, n_groups: int) -> np.ndarray:
    out = np.zeros((n_groups, *table.shape[1:]), dtype=table.dtype)
    np.add.at(out, group_of_cell, table)
    return out


def _rates(counts: IntArray) -> FloatArray:
    num = counts @ _NUM.T
    den = counts @ _DEN.T
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _calibration_sums(
    cell: IntArray, n_cells: int, scores: FloatArray, y_true: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Per cell and calibration bin: sum of scores and sum of labels (cells x bins); sums add up
    over cells, so every grouping's ECE comes from these two tables."""
    edges = np.linspace(0.0, 1.0, N_CALIBRATION_BINS + 1)
    # Interior edges, side="left": calibration_curve's binning (right-closed, 0 in bin 0).
    bins = np.searchsorted(edges[1:-1], scores)
    index = cell * N_CALIBRATION_BINS + bins
    length = n_cells * N_CALIBRATION_BINS
    shape = (n_cells, N_CALIBRATION_BINS)
    # bincount with weights sums in float64 (its stubs say int).
    score_sum = np.asarray(np.bincount(index, weights=scores, minlength=length), np.float64)
    label_sum = np.asarray(np.bincount(index, weights=y_true, minlength=length), np.float64)
    return score_sum.reshape(shape), label_sum.reshape(shape)


@dataclass(frozen=True)
class _Ranked:
    """Rows in ascending score order, computed once and shared by every grouping: each row's
    cell, whether it is a positive, and its run of equal scores (``None``: all distinct)."""

    cell: IntArray
    positive: npt.NDArray[np.bool_]
    tie: npt.NDArray[np.uint32] | None


def _score_order(scores: FloatArray, y_true: IntArray, cell: IntArray) -> _Ranked:
    # Not a stable sort: tied scores get their average rank whatever their order.
    order = np.argsort(scores)
    ordered = scores[order]
    new = ordered[1:] != ordered[:-1]
    tie = None if new.all() else np.concatenate(([0], np.cumsum(new))).astype(np.uint32)
    return _Ranked(cell=cell[order], positive=y_true[order] == 1, tie=tie)


def _auc(ranked: _Ranked, group_of_cell: IntArray, counts: IntArray) -> FloatArray:
    """ROC AUC of every group: (R+ - n+(n+ + 1)/2) / (n+ n-), R+ the sum of the positives'
    tie-averaged ranks within their group."""
    n_groups = len(counts)
    # Small integer keys let numpy's stable sort use a radix sort.
    keys = group_of_cell.astype(np.uint16 if n_groups <= np.iinfo(np.uint16).max else np.int64)
    by_score = keys[ranked.cell]
    # Stable by group of the score-sorted rows: group-major, ascending score within a group.
    perm = np.argsort(by_score, kind="stable")
    g = by_score[perm]
    positive = ranked.positive[perm]
    size = counts.sum(axis=1)
    group_start = np.cumsum(size) - size
    if ranked.tie is None:
        # Every score distinct: a row's rank is its position within its group's block.
        where = np.flatnonzero(positive)
        g_pos = g[where]
        rank_sum = np.bincount(g_pos, weights=where - group_start[g_pos] + 1.0, minlength=n_groups)
    else:
        n = len(g)
        tie = ranked.tie[perm]
        new_run = np.empty(n, dtype=bool)
        new_run[0] = True
        new_run[1:] = (g[1:] != g[:-1]) | (tie[1:] != tie[:-1])
        starts = np.flatnonzero(new_run)
        ends = np.append(starts[1:], n)
        positives_before = np.concatenate(([0], np.cumsum(positive, dtype=np.int64)))
        positives_in_run = positives_before[ends] - positives_before[starts]
        run_group = g[starts]
        # 1-based rank within the group, averaged over the run of tied scores.
        run_rank = (starts + ends + 1) / 2.0 - group_start[run_group]
        rank_sum = np.bincount(run_group, weights=positives_in_run * run_rank, minlength=n_groups)
    n_pos = (counts[:, TP] + counts[:, FN]).astype(np.float64)
    n_neg = (counts[:, TN] + counts[:, FP]).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return np.where((n_pos > 0) & (n_neg > 0), auc, np.nan)


def _float(value: np.floating | float) -> float | None:
    v = float(value)
    return None if np.isnan(v) else v


# --------------------------------------------------------------------------------------------
# Disparities
# --------------------------------------------------------------------------------------------


def disparities(
    groups: list[GroupMetrics], reference: dict[str, str] | None = None
) -> list[Disparity]:
    """Between-group figures (``GAPS``) per attribute, over sufficient groups, and each
    sufficient group's ``COMPARED_METRICS`` against the reference group.

    The reference is ``reference[attribute]`` when given (it must be one of the attribute's
    groups), else the sufficient group with the highest selection rate (the first in group
    order on ties). Comparisons are made only when the reference is itself sufficient; their
    tests and p-values are left for ``stats``.
    """
    by_attribute: dict[str, list[GroupMetrics]] = {}
    for g in groups:
        by_attribute.setdefault(g.attribute, []).append(g)
    given = reference or {}
    out: list[Disparity] = []
    for attribute, members in by_attribute.items():
        members = sorted(members, key=lambda g: g.group)
        sufficient = [g for g in members if g.sufficient]
        ref, rule = _reference(attribute, members, sufficient, given.get(attribute))
        ref_metrics = next(g for g in members if g.group == ref)
        usable_ref = ref_metrics if ref_metrics.sufficient else None
        out.append(
            Disparity(
                attribute=attribute,
                reference=ref,
                reference_rule=rule,
                metrics={gap.name: _gap(gap, sufficient, usable_ref) for gap in GAPS},
                comparisons=[]
                if usable_ref is None
                else [
                    _compare(metric, g, usable_ref)
                    for g in sufficient
                    if g.group != ref
                    for metric in COMPARED_METRICS
                ],
                insufficient_groups=[g.group for g in members if not g.sufficient],
            )
        )
    return out


def _reference(
    attribute: str,
    members: list[GroupMetrics],
    sufficient: list[GroupMetrics],
    given: str | None,
) -> tuple[str, str]:
    if given is not None:
        names = [g.group for g in members]
        if given not in names:
            raise ValueError(f"reference {given!r} is not a group of {attribute!r}: {names}")
        rule = "given"
        if not next(g for g in members if g.group == given).sufficient:
            rule += " (below the minimum group size: no comparisons)"
        return given, rule
    pool, rule = (
        (sufficient, "highest selection rate among sufficient groups")
        if sufficient
        else (members, "highest selection rate (no group has the minimum size: no comparisons)")
    )
    # max keeps the first of equal maxima, and pool is in group order: deterministic ties.
    best = max(pool, key=lambda g: -1.0 if g.selection_rate is None else g.selection_rate)
    return best.group, rule


def _values(groups: list[GroupMetrics], metric: str) -> list[float]:
    return [v for g in groups if (v := getattr(g, metric)) is not None]


def _gap(gap: GapSpec, groups: list[GroupMetrics], ref: GroupMetrics | None) -> float | None:
    if gap.kind == "average_vs_reference":
        return _average_vs_reference(gap.metrics, groups, ref)
    figures: list[float] = []
    for metric in gap.metrics:
        values = _values(groups, metric)
        if len(values) < 2:
            continue
        low, high = min(values), max(values)
        if gap.kind == "range":
            figures.append(high - low)
        elif high > 0:
            figures.append(low / high)
    if not figures:
        return None
    return max(figures) if gap.kind == "range" else min(figures)


def _average_vs_reference(
    metrics: tuple[str, ...], groups: list[GroupMetrics], ref: GroupMetrics | None
) -> float | None:
    if ref is None:
        return None
    ref_values = [getattr(ref, m) for m in metrics]
    if any(v is None for v in ref_values):
        return None
    worst: float | None = None
    for g in groups:
        if g.group == ref.group:
            continue
        values = [getattr(g, m) for m in metrics]
        if any(v is None for v in values):
            continue
        average = sum(v - r for v, r in zip(values, ref_values, strict=True)) / len(metrics)
        if worst is None or abs(average) > abs(worst):
            worst = average
    return worst


def _compare(metric: str, group: GroupMetrics, ref: GroupMetrics) -> Comparison:
    value: float | None = getattr(group, metric)
    ref_value: float | None = getattr(ref, metric)
    if value is None or ref_value is None:
        return Comparison(metric=metric, group=group.group, reference=ref.group, difference=None)
    return Comparison(
        metric=metric,
        group=group.group,
        reference=ref.group,
        difference=value - ref_value,
        # A reference rate of 0 leaves the ratio undefined (not infinite).
        ratio=value / ref_value if ref_value > 0 else None,
    )
