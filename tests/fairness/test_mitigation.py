from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import skops.io as sio
from fairlearn.postprocessing import ThresholdOptimizer

from clearance.fairness.mitigation import (
    CI_METRICS,
    METHODS,
    Candidate,
    MitigationResult,
    _metrics_from_counts,
    _strata,
    bootstrap_ci,
    candidate_predictions,
    choose,
    fairness_metrics,
    fitted_model,
    group_thresholds,
    load_model,
    mitigate,
    reweighing_weights,
    save_chosen,
    tradeoff_table,
)
from tests._data import german_path

N_RESAMPLES = 50


def german() -> tuple[pl.DataFrame, np.ndarray, pl.Series]:
    df = pl.read_csv(german_path(), separator=" ", has_header=False)
    names = [f"a{i}" for i in range(1, 21)] + ["label"]
    df = df.rename(dict(zip(df.columns, names, strict=True)))
    y = (df["label"] == 1).to_numpy().astype(int)  # 1 good (favourable), 2 bad
    X = df.drop("label")
    age = X["a13"].to_numpy()
    return X, y, pl.Series("age_group", np.where(age < 25, "<25", ">=25"))


def synthetic(n: int = 900, seed: int = 7) -> tuple[pl.DataFrame, np.ndarray, pl.Series]:
    """Group B has lower income, and income drives the label: a strong group effect."""
    rng = np.random.default_rng(seed)
    group = np.where(rng.random(n) < 0.6, "A", "B")
    income = rng.normal(0.0, 1.0, n) - 1.2 * (group == "B")
    debt = rng.normal(0.0, 1.0, n)
    region = rng.choice(["north", "south", "east"], n)
    logit = 1.8 * income - 0.8 * debt + 0.6
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    X = pl.DataFrame({"income": income, "debt": debt, "region": region})
    return X, y, pl.Series("group", group)


def _train_test(result: MitigationResult, n: int) -> tuple[np.ndarray, np.ndarray]:
    test = np.array(result.test_index)
    return np.setdiff1d(np.arange(n), test), test


@pytest.fixture(scope="module")
def german_result() -> MitigationResult:
    X, y, s = german()
    return mitigate(X, y, s, seed=0, n_resamples=N_RESAMPLES)


@pytest.fixture(scope="module")
def synthetic_result() -> MitigationResult:
    X, y, s = synthetic()
    return mitigate(X, y, s, seed=3, n_resamples=N_RESAMPLES)


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


def test_count_metrics_match_fairlearn() -> None:
    rng = np.random.default_rng(0)
    n = 600
    groups = rng.choice(["x", "y", "z"], n)
    y_true = rng.integers(0, 2, n)
    y_pred = (rng.random(n) < np.where(groups == "x", 0.7, 0.4)).astype(int)
    ours = fairness_metrics(y_true, y_pred, groups)
    fav, sizes, labels, group_of = _strata(y_true, y_pred, groups)
    fast = _metrics_from_counts(fav[None, :], sizes, labels, group_of)
    assert fast["accuracy"][0] == pytest.approx(ours["accuracy"])
    for name, value in ours["metrics"].items():
        assert fast[name][0] == pytest.approx(value), name


def test_binomial_bootstrap_agrees_with_row_resampling() -> None:
    rng = np.random.default_rng(1)
    n = 400
    groups = rng.choice(["x", "y"], n, p=[0.7, 0.3])
    y_true = rng.integers(0, 2, n)
    y_pred = (rng.random(n) < np.where(groups == "x", 0.7, 0.5)).astype(int)
    ci = bootstrap_ci(y_true, y_pred, groups, n_resamples=400, seed=0)
    # row resampling within each group x label stratum, same metrics
    strata = [np.flatnonzero((groups == g) & (y_true == k)) for g in ("x", "y") for k in (0, 1)]
    acc, dpd = [], []
    for _ in range(400):
        idx = np.concatenate([rng.choice(s, len(s)) for s in strata])
        t, p, g = y_true[idx], y_pred[idx], groups[idx]
        acc.append(np.mean(t == p))
        dpd.append(abs(p[g == "x"].mean() - p[g == "y"].mean()))
    for name, values in (("accuracy", acc), ("demographic_parity_difference", dpd)):
        low, high = np.percentile(values, [2.5, 97.5])
        width = high - low
        assert abs(ci[name][0] - low) < 0.25 * width and abs(ci[name][1] - high) < 0.25 * width


def test_choose_rule() -> None:
    def cand(name: str, acc: float, ratio: float | None, det: bool = True) -> Candidate:
        return Candidate(
            name=name, deterministic=det, accuracy=acc, selection_rate={},
            metrics={"demographic_parity_ratio": ratio},
        )  # fmt: skip

    pool = [
        cand("baseline", 0.80, 0.60),
        cand("fair", 0.74, 0.85),
        cand("fairer", 0.72, 0.95),
        cand("random", 0.79, 0.99, det=False),
    ]
    assert choose(pool)[0] == "fair"
    assert choose(pool, min_ratio=0.9)[0] == "fairer"
    name, notes = choose(pool, min_ratio=0.99)  # only the randomized one qualifies
    assert name == "fairer" and "No eligible deterministic candidate reaches" in notes[0]
    assert choose([cand("a", 0.7, None), cand("b", 0.6, 0.5)], min_ratio=0.8)[0] == "b"


def test_choose_never_picks_a_decision_on_the_sensitive_attribute() -> None:
    """A candidate taking the sensitive attribute at decision time is disparate treatment under
    ECOA: listed and flagged, never chosen, even when it is the most accurate and the fairest."""

    def cand(name: str, acc: float, ratio: float, sensitive: bool = False) -> Candidate:
        return Candidate(
            name=name, deterministic=True, needs_sensitive=sensitive, accuracy=acc,
            selection_rate={}, metrics={"demographic_parity_ratio": ratio},
        )  # fmt: skip

    pool = [cand("baseline", 0.70, 0.6), cand("group-thresholds", 0.90, 0.99, sensitive=True)]
    name, notes = choose(pool)
    assert name == "baseline"
    assert any("Not eligible: group-thresholds" in n and "ECOA" in n for n in notes)
    with pytest.raises(ValueError, match="without the sensitive attribute"):
        choose([cand("threshold-optimizer", 0.9, 0.99, sensitive=True)])


# --- the comparison on synthetic data ----------------------------------------------------------


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


def test_metrics_and_intervals_are_consistent(synthetic_result: MitigationResult) -> None:
    _, y, _ = synthetic()
    test = np.array(synthetic_result.test_index)
    for c in synthetic_result.candidates:
        pred = candidate_predictions(synthetic_result, c.name)
        assert c.accuracy == pytest.approx(np.mean(pred == y[test]))
        assert set(c.ci) == set(CI_METRICS)
        for name, (low, high) in c.ci.items():
            value = c.accuracy if name == "accuracy" else c.metrics[name]
            assert value is not None and low <= high
            assert low - 0.05 <= value <= high + 0.05  # percentile CI near its point estimate
    assert synthetic_result.candidate("baseline").roc_auc is not None
    assert synthetic_result.candidate("group-thresholds").roc_auc is None


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
    train, test = _train_test(result, len(y))
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


# --- German credit -----------------------------------------------------------------------------


def test_german_credit_tradeoff(german_result: MitigationResult) -> None:
    assert german_result.n_test == 300 and german_result.n_train == 700
    assert all(c.deterministic for c in german_result.candidates)
    rows = tradeoff_table(german_result)
    assert [r["name"] for r in rows] == list(METHODS)
    assert sum(r["chosen"] for r in rows) == 1
    for r in rows:
        assert 0.6 < r["accuracy"] < 0.85
        assert r["accuracy_low"] <= r["accuracy"] <= r["accuracy_high"]
        assert {"selection_rate[<25]", "selection_rate[>=25]"} <= set(r)
    chosen = german_result.candidate(german_result.chosen)
    qualifying = [
        c for c in german_result.candidates
        if c.deterministic and not c.needs_sensitive
        and (c.metrics["demographic_parity_ratio"] or 0) >= 0.8
    ]  # fmt: skip
    assert not chosen.needs_sensitive
    if qualifying:
        assert chosen.accuracy == max(c.accuracy for c in qualifying)
    auc = german_result.candidate("baseline").roc_auc
    assert auc is not None and auc > 0.7


def test_german_save_chosen_round_trip(german_result: MitigationResult, tmp_path: Path) -> None:
    X, _, s = german()
    test = np.array(german_result.test_index)
    X_te = X.to_pandas().iloc[test].reset_index(drop=True)
    g_te = s.to_numpy()[test]
    for name in (german_result.chosen, "group-thresholds", "exponentiated-gradient"):
        forced = german_result.model_copy(update={"chosen": name})
        forced._models = german_result._models
        path = save_chosen(forced, tmp_path / f"{name}.skops")
        assert sio.get_untrusted_types(file=path) == [
            t for t in sio.get_untrusted_types(file=path) if t.startswith("clearance.")
        ]
        model = load_model(path)
        c = german_result.candidate(name)
        kw = {"sensitive_features": g_te} if c.needs_sensitive else {}
        pred = model.predict(X_te, **kw)
        assert np.array_equal(pred, candidate_predictions(german_result, name)), name
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.load(tmp_path / "group-thresholds.skops")


def test_results_read_back_from_json_have_no_models(german_result: MitigationResult) -> None:
    again = MitigationResult.model_validate_json(german_result.model_dump_json())
    assert again.model_dump() == german_result.model_dump()
    with pytest.raises(ValueError, match="no fitted model"):
        save_chosen(again, "x.skops")


def test_input_validation() -> None:
    X, y, s = synthetic(n=200)
    with pytest.raises(ValueError, match="unknown methods"):
        mitigate(X, y, s, methods=["magic"])
    with pytest.raises(ValueError, match="0/1"):
        mitigate(X, y + 1, s)
    with pytest.raises(ValueError, match="missing"):
        mitigate(X, y, s.scatter(0, None))


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
