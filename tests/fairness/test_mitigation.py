"""How each candidate fix is fitted (``clearance.fairness.mitigation``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import pytest
from fairlearn.postprocessing import ThresholdOptimizer

from clearance.fairness.mitigation import METHODS, group_thresholds, reweighing_weights
from clearance.fairness.tradeoff import (
    MitigationResult,
    candidate_predictions,
    fitted_model,
    mitigate,
)
from tests.fairness.mitigation_data import (
    N_RESAMPLES,
    german,
    synthetic,
    train_test,
)

# --- reweighing --------------------------------------------------------------------------------


def test_reweighing_weights_match_the_formula() -> None:
    groups = np.array(["a"] * 6 + ["b"] * 4)
    y = np.array([1, 1, 1, 1, 0, 0, 1, 0, 0, 0])
    w = reweighing_weights(groups, y)
    n = len(y)
    for g in ("a", "b"):
        for label in (0, 1):
            cell = (groups == g) & (y == label)
            expected = (np.mean(groups == g) * np.mean(y == label)) / (cell.sum() / n)
            assert np.allclose(w[cell], expected)
    # a: 4/6 favourable, b: 1/4; overall 5/10. P(a)P(1)/P(a,1) = 0.6 * 0.5 / 0.4 = 0.75
    assert w[0] == pytest.approx(0.75)
    assert w.sum() == pytest.approx(n)


@pytest.mark.parametrize("data", [german, synthetic])
def test_reweighing_makes_the_label_independent_of_the_group(
    data: Callable[[], tuple[pl.DataFrame, np.ndarray, pl.Series]],
) -> None:
    _, y, s = data()
    groups = s.to_numpy().astype(str)
    w = reweighing_weights(groups, y)
    for g in np.unique(groups):
        m = groups == g
        assert np.average(y[m], weights=w[m]) == pytest.approx(y.mean())
        assert w[m].sum() == pytest.approx(m.sum())  # group sizes kept


# --- building blocks ---------------------------------------------------------------------------


def test_group_thresholds_hit_the_target_rate() -> None:
    scores = np.r_[np.linspace(0.0, 1.0, 11), np.linspace(0.0, 0.5, 11)]
    groups = np.array(["a"] * 11 + ["b"] * 11)
    y = np.ones(22, dtype=int)
    cuts = group_thresholds(scores, groups, y, target=0.5, rate="selection")
    for g in ("a", "b"):
        m = groups == g
        assert abs(np.mean(scores[m] >= cuts[g]) - 0.5) <= 0.5 / 11 + 1e-12
    assert cuts["a"] > cuts["b"]
    none = group_thresholds(scores, groups, y, target=0.0, rate="selection")
    assert none == {"a": np.inf, "b": np.inf}


# --- the candidates on synthetic data ----------------------------------------------------------


def test_group_thresholds_improve_parity_on_synthetic(synthetic_result: MitigationResult) -> None:
    base = synthetic_result.candidate("baseline").metrics["demographic_parity_ratio"]
    fixed = synthetic_result.candidate("group-thresholds").metrics["demographic_parity_ratio"]
    assert base is not None and fixed is not None
    assert base < 0.5 and fixed > 0.8 and fixed > base + 0.3
    gt = synthetic_result.candidate("group-thresholds")
    assert gt.needs_sensitive and any("ECOA" in note for note in gt.notes)


def test_all_candidates_deterministic_by_default(synthetic_result: MitigationResult) -> None:
    assert [c.name for c in synthetic_result.candidates] == list(METHODS)
    assert all(c.deterministic for c in synthetic_result.candidates)
    for name in ("exponentiated-gradient", "threshold-optimizer"):
        notes = synthetic_result.candidate(name).notes
        assert any(note.startswith("Derandomized (deterministic)") for note in notes)
    X, y, s = synthetic()
    again = mitigate(X, y, s, seed=3, n_resamples=N_RESAMPLES)
    assert again.model_dump() == synthetic_result.model_dump()
    for name in METHODS:
        assert np.array_equal(
            candidate_predictions(again, name), candidate_predictions(synthetic_result, name)
        )
    # the fitted deterministic models give the same answers every time
    test = np.array(synthetic_result.test_index)
    X_te = X.to_pandas().iloc[test].reset_index(drop=True)
    g_te = s.to_numpy()[test]
    eg = fitted_model(synthetic_result, "exponentiated-gradient")
    assert np.array_equal(eg.predict(X_te), eg.predict(X_te))
    to = fitted_model(synthetic_result, "threshold-optimizer")
    assert np.array_equal(
        to.predict(X_te, sensitive_features=g_te),
        candidate_predictions(synthetic_result, "threshold-optimizer"),
    )


def test_allow_randomized_marks_candidates_and_matches_fairlearn() -> None:
    X, y, s = synthetic()
    methods = ("baseline", "exponentiated-gradient", "threshold-optimizer")
    result = mitigate(
        X, y, s, seed=3, methods=methods, allow_randomized=True, n_resamples=N_RESAMPLES
    )
    for name in ("exponentiated-gradient", "threshold-optimizer"):
        c = result.candidate(name)
        assert not c.deterministic
        assert any(note.startswith("RANDOMIZED classifier") for note in c.notes)
    assert result.candidate("baseline").deterministic
    assert result.candidate(result.chosen).deterministic
    assert any("never chosen" in note for note in result.notes)
    # the randomized threshold optimizer draws exactly what fairlearn draws with the same seed
    train, test = train_test(result, len(y))
    Xp, groups = X.to_pandas(), s.to_numpy()
    X_tr, X_te = Xp.iloc[train].reset_index(drop=True), Xp.iloc[test].reset_index(drop=True)
    to = ThresholdOptimizer(
        estimator=fitted_model(result, "baseline"), constraints="demographic_parity",
        objective="accuracy_score", prefit=True, predict_method="predict_proba",
    ).fit(X_tr, y[train], sensitive_features=groups[train])  # fmt: skip
    expected = to.predict(X_te, sensitive_features=groups[test], random_state=3)
    assert np.array_equal(candidate_predictions(result, "threshold-optimizer"), expected)
    ours = fitted_model(result, "threshold-optimizer")
    pmf = to._pmf_predict(X_te, sensitive_features=groups[test])[:, 1]
    assert np.allclose(ours.predict_proba(X_te, sensitive_features=groups[test])[:, 1], pmf)


def test_progress_per_method_and_skipped_candidates_are_noted() -> None:
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.linear_model import LogisticRegression

    class NoScores(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
        """A classifier with predict only (no predict_proba, no decision_function)."""

        def fit(self, X: Any, y: Any, sample_weight: Any = None) -> NoScores:
            self.model_ = LogisticRegression().fit(X, y, sample_weight=sample_weight)
            self.classes_ = self.model_.classes_
            return self

        def predict(self, X: Any) -> Any:
            return self.model_.predict(X)

    X, y, s = synthetic(n=300)
    numeric = X.select(pl.selectors.numeric())
    stages: list[str] = []
    result = mitigate(
        numeric, y, s, base_estimator=NoScores(), n_resamples=20, progress=stages.append
    )
    assert stages == list(METHODS)
    names = [c.name for c in result.candidates]
    assert "threshold-optimizer" not in names and "group-thresholds" not in names
    for name in ("threshold-optimizer", "group-thresholds"):
        assert any(n.startswith(f"{name} skipped") for n in result.notes), result.notes
