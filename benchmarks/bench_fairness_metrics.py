"""Time ``clearance.fairness.metrics.group_metrics`` against Fairlearn's ``MetricFrame`` on the
same data in one run, check that the values agree, print a table and write
``benchmarks/results/fairness_metrics.json``.

Data (seeded): 1,000,000 rows, ``sex`` (2 groups, 48/52) and ``age_band`` (5 unbalanced
groups), labels with a group-dependent base rate, scores = noisy probabilities, ``y_pred`` =
score >= 0.5. MetricFrame gets 5 metrics (selection rate, TPR, FPR, accuracy, precision) over
both columns (their 10 intersection groups). ``group_metrics`` computes more: 8 rates for each
attribute and the intersection (17 groups), plus ROC AUC and calibration when given scores;
it is timed with and without scores. Run: ``python benchmarks/bench_fairness_metrics.py``.
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import statistics
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
from fairlearn.metrics import (
    MetricFrame,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score, roc_auc_score

from clearance.fairness.metrics import group_metrics
from clearance.fairness.models import FairnessData, GroupMetrics

AGE_BANDS = ("18-24", "25-34", "35-49", "50-64", "65+")
AGE_SHARES = (0.08, 0.27, 0.35, 0.22, 0.08)
METRICS = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "accuracy": accuracy_score,
    "precision": functools.partial(precision_score, zero_division=0),
}


def make(rows: int, seed: int = 7) -> FairnessData:
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["female", "male"]), rows, p=[0.48, 0.52])
    age_code = rng.choice(len(AGE_BANDS), rows, p=AGE_SHARES)
    age = np.array(AGE_BANDS)[age_code]
    base = 0.55 + 0.05 * age_code / 4 + 0.05 * (sex == "male")
    y_true = (rng.random(rows) < base).astype(np.int64)
    logit = 1.2 * (2 * y_true - 1) + rng.normal(0.0, 1.5, rows) + 0.2 * (sex == "male")
    scores = 1.0 / (1.0 + np.exp(-logit))
    y_pred = (scores >= 0.5).astype(np.int64)
    return FairnessData(
        y_true=y_true,
        y_pred=y_pred,
        sensitive=pl.DataFrame({"sex": sex, "age_band": age}),
        scores=scores,
    )


def run_fairlearn(data: FairnessData) -> tuple[float, pd.DataFrame]:
    features = data.sensitive.to_pandas()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = MetricFrame(
            metrics=METRICS,
            y_true=data.y_true,
            y_pred=data.y_pred,
            sensitive_features=features,
        )
        by_group = frame.by_group
    return time.perf_counter() - start, by_group


def run_ours(data: FairnessData, repeats: int) -> tuple[list[float], list[GroupMetrics]]:
    times: list[float] = []
    result: list[GroupMetrics] = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = group_metrics(data, ["sex", "age_band"], min_group_size=30)
        times.append(time.perf_counter() - start)
    return times, result


def max_abs_difference(by_group: pd.DataFrame, ours: list[GroupMetrics]) -> float:
    mine = {g.group: g for g in ours if g.attribute == "sex & age_band"}
    if len(mine) != len(by_group):
        raise AssertionError(f"{len(mine)} intersection groups, Fairlearn has {len(by_group)}")
    worst = 0.0
    for (sex, age), row in by_group.iterrows():
        g = mine[f"{sex} & {age}"]
        for metric in METRICS:
            value = getattr(g, metric)
            if value is None:  # undefined here, 0 in Fairlearn: not compared
                continue
            worst = max(worst, abs(value - float(row[metric])))
    return worst


def max_auc_difference(data: FairnessData, ours: list[GroupMetrics]) -> float:
    """Our rank-based AUC against scikit-learn's, per group of every attribute (untimed)."""
    assert data.scores is not None
    worst = 0.0
    for g in ours:
        mask = np.ones(len(data.y_true), dtype=bool)
        for column, value in zip(g.attribute.split(" & "), g.group.split(" & "), strict=True):
            mask &= data.sensitive[column].to_numpy() == value
        oracle = roc_auc_score(data.y_true[mask], data.scores[mask])
        worst = max(worst, abs((g.roc_auc if g.roc_auc is not None else np.nan) - oracle))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()

    data = make(args.rows)
    no_scores = FairnessData(data.y_true, data.y_pred, data.sensitive)
    # Ours first, warm (imports, first-call allocations), then timed: median of the repeats.
    group_metrics(data, ["sex", "age_band"])
    ours_times, ours = run_ours(data, args.repeats)
    counts_times, counts_only = run_ours(no_scores, args.repeats)
    fairlearn_seconds, by_group = run_fairlearn(data)

    difference = max(max_abs_difference(by_group, ours), max_abs_difference(by_group, counts_only))
    auc_difference = max_auc_difference(data, ours)
    if not difference <= 1e-9 or not auc_difference <= 1e-9:
        raise AssertionError(f"values differ: Fairlearn {difference}, AUC {auc_difference}")
    ours_median = statistics.median(ours_times)
    counts_median = statistics.median(counts_times)
    result: dict[str, Any] = {
        "rows": args.rows,
        "attributes": {"sex": 2, "age_band": len(AGE_BANDS)},
        "fairlearn_metricframe_seconds": round(fairlearn_seconds, 3),
        "fairlearn_metrics": list(METRICS),
        "fairlearn_groups": len(by_group),
        "group_metrics_seconds_median": round(ours_median, 4),
        "group_metrics_seconds_all": [round(t, 4) for t in ours_times],
        "group_metrics_groups": len(ours),
        "group_metrics_without_scores_seconds_median": round(counts_median, 4),
        "speedup": round(fairlearn_seconds / ours_median, 1),
        "speedup_without_scores": round(fairlearn_seconds / counts_median, 1),
        "max_abs_difference": difference,
        "max_abs_difference_roc_auc_vs_sklearn": auc_difference,
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
        },
    }
    rows = [
        ("Fairlearn MetricFrame (5 metrics, 10 groups)", fairlearn_seconds, 1.0),
        (
            "group_metrics with scores (11 metrics incl. AUC/ECE, 17 groups)",
            ours_median,
            fairlearn_seconds / ours_median,
        ),
        (
            "group_metrics without scores (8 rates, 17 groups)",
            counts_median,
            fairlearn_seconds / counts_median,
        ),
    ]
    print(
        f"{args.rows:,} rows; max |difference|: {difference:.2e} on the shared metrics "
        f"(Fairlearn), {auc_difference:.2e} on ROC AUC (scikit-learn)"
    )
    print(f"{'':66} {'seconds':>9} {'speedup':>8}")
    for name, seconds, speedup in rows:
        print(f"{name:66} {seconds:9.3f} {speedup:7.1f}x")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "fairness_metrics.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
