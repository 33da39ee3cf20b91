"""ROC and calibration curves per group, thinned to a fixed number of points for charts."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from clearance.core.model import FrozenModel

MAX_POINTS = 50
CALIBRATION_BINS = 10


class GroupCurves(FrozenModel):
    attribute: str
    group: str
    roc: list[tuple[float, float]] = Field(description="(false positive rate, true positive rate)")
    calibration: list[tuple[float, float, int]] = Field(
        description="(mean score, observed rate, count) per non-empty score bin"
    )


def roc_points(y_true: np.ndarray, scores: np.ndarray) -> list[tuple[float, float]]:
    """The ROC curve at every distinct score (ties taken together), thinned to MAX_POINTS."""
    pos = int(y_true.sum())
    neg = len(y_true) - pos
    if pos == 0 or neg == 0:
        return []
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], y_true[order]
    last_of_tie = np.r_[np.diff(s) != 0, True]
    tps = np.cumsum(y)[last_of_tie]
    fps = np.cumsum(1 - y)[last_of_tie]
    fpr = np.r_[0.0, fps / neg]
    tpr = np.r_[0.0, tps / pos]
    if len(fpr) > MAX_POINTS:
        keep = np.unique(np.linspace(0, len(fpr) - 1, MAX_POINTS).round().astype(int))
        fpr, tpr = fpr[keep], tpr[keep]
    return [(round(float(a), 6), round(float(b), 6)) for a, b in zip(fpr, tpr, strict=True)]


def calibration_points(y_true: np.ndarray, scores: np.ndarray) -> list[tuple[float, float, int]]:
    """Equal-width bins on [0, 1]: mean score against the observed favourable rate."""
    bins = np.clip((scores * CALIBRATION_BINS).astype(int), 0, CALIBRATION_BINS - 1)
    counts = np.bincount(bins, minlength=CALIBRATION_BINS)
    score_sum = np.bincount(bins, weights=scores, minlength=CALIBRATION_BINS)
    pos_sum = np.bincount(bins, weights=y_true.astype(float), minlength=CALIBRATION_BINS)
    return [
        (
            round(float(score_sum[b] / counts[b]), 6),
            round(float(pos_sum[b] / counts[b]), 6),
            int(counts[b]),
        )
        for b in range(CALIBRATION_BINS)
        if counts[b]
    ]


def group_curves(
    attribute: str, groups: np.ndarray, y_true: np.ndarray, scores: np.ndarray
) -> list[GroupCurves]:
    out = []
    for group in sorted(set(groups.tolist())):
        mask = groups == group
        out.append(
            GroupCurves(
                attribute=attribute,
                group=str(group),
                roc=roc_points(y_true[mask], scores[mask]),
                calibration=calibration_points(y_true[mask], scores[mask]),
            )
        )
    return out
