from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_curve

from clearance.fairness.curves import calibration_points, group_curves, roc_points


def test_roc_points_match_sklearn_on_small_input() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 40)
    s = np.round(rng.random(40), 2)
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    ours = roc_points(y, s)
    assert len(ours) == len(fpr)
    assert np.allclose([p[0] for p in ours], fpr) and np.allclose([p[1] for p in ours], tpr)


def test_roc_points_thinned_and_one_class_empty() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 5000)
    pts = roc_points(y, rng.random(5000))
    assert len(pts) <= 50 and pts[0] == (0.0, 0.0) and pts[-1] == (1.0, 1.0)
    assert roc_points(np.ones(5, dtype=int), np.linspace(0, 1, 5)) == []


def test_calibration_points_perfectly_calibrated() -> None:
    scores = np.repeat([0.05, 0.95], 100)
    y = np.r_[np.zeros(95), np.ones(5), np.ones(95), np.zeros(5)].astype(int)
    pts = calibration_points(y, scores)
    assert pts == [(0.05, 0.05, 100), (0.95, 0.95, 100)]
    curves = group_curves("sex", np.array(["f", "m"] * 100), y, scores)
    assert [c.group for c in curves] == ["f", "m"]
