"""Measuring, comparing and choosing the candidates (``clearance.fairness.tradeoff``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
import skops.io as sio

from clearance.fairness.mitigation import METHODS
from clearance.fairness.tradeoff import (
    CI_METRICS,
    Candidate,
    MitigationResult,
    candidate_predictions,
    choose,
    load_model,
    mitigate,
    save_chosen,
    tradeoff_table,
)
from tests.fairness.mitigation_data import (
    german,
    synthetic,
)


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
    # no ratio measured at all: the most accurate, and no made-up ratio in the notes
    name, notes = choose([cand("a", 0.6, None), cand("b", 0.7, None)])
    assert name == "b" and "could be measured" in notes[0] and "-1" not in " ".join(notes)


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


# --- one measurement for the audit and the mitigation --------------------------------------------

COMPARED = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equal_opportunity_difference",
)


def _edge_cases(seed: int = 5) -> tuple[pl.DataFrame, np.ndarray, pl.Series]:
    """Group c has no favourable applicant, so its true positive rate has an empty denominator
    (undefined: Fairlearn reads it as 0); group d is below the minimum group size (30) on the
    test split."""
    rng = np.random.default_rng(seed)
    sizes = {"a": 300, "b": 300, "c": 150, "d": 40}
    groups = np.repeat(list(sizes), list(sizes.values()))
    income = rng.normal(0.0, 1.0, len(groups)) - 0.8 * (groups == "b")
    debt = rng.normal(0.0, 1.0, len(groups))
    y = (income - 0.5 * debt + rng.normal(0.0, 1.0, len(groups)) > -0.3).astype(int)
    y[groups == "c"] = 0
    return pl.DataFrame({"income": income, "debt": debt}), y, pl.Series("g", groups)


def test_mitigation_reports_what_the_audit_reports_for_the_same_decisions(tmp_path: Path) -> None:
    """``fairness mitigate`` and ``fairness`` share one metric table and one bootstrap: every
    candidate's row equals the audit of its decisions on the test split, figures and intervals,
    including a group whose TPR is undefined and a group too small to be compared."""
    from clearance.fairness.policy import FairnessPolicy
    from clearance.fairness.run import run_fairness

    X, y, s = _edge_cases()
    methods = ("baseline", "reweighing")
    result = mitigate(X, y, s, methods=methods, seed=0, n_resamples=200)
    test = np.array(result.test_index)
    g_test = s.to_numpy()[test]
    assert not y[test][g_test == "c"].any()  # the empty denominator is on the test split
    assert (g_test == "d").sum() < 30  # and d is insufficient there
    for i, name in enumerate(methods):
        path = tmp_path / f"{name}.csv"
        decisions = pl.Series("decision", candidate_predictions(result, name))
        X[test].with_columns(s[test], pl.Series("y", y[test]), decisions).write_csv(path)
        # The candidate at position i bootstraps with seed + i.
        policy = FairnessPolicy(
            target="y", prediction="decision", sensitive=["g"], bootstrap=200, seed=i
        )
        report, _ = run_fairness(path, policy)
        (disparity,) = report.disparities
        assert disparity.insufficient_groups == ["d"]
        candidate = result.candidate(name)
        assert candidate.metrics == {m: disparity.metrics[m] for m in COMPARED}
        assert candidate.metrics["equal_opportunity_difference"] is not None
        assert candidate.selection_rate == {g.group: g.selection_rate for g in report.by_group}
        assert {m: candidate.ci[m] for m in COMPARED} == {
            m: (disparity.ci[m].low, disparity.ci[m].high) for m in COMPARED
        }


def test_measure_matches_fairlearn_where_fairlearn_defines_the_figures() -> None:
    from fairlearn.metrics import (
        demographic_parity_difference,
        demographic_parity_ratio,
        equal_opportunity_difference,
        equalized_odds_difference,
    )

    from clearance.fairness.tradeoff import measure

    rng = np.random.default_rng(0)
    n = 600
    groups = rng.choice(["x", "y", "z"], n)
    y_true = rng.integers(0, 2, n)
    y_pred = (rng.random(n) < np.where(groups == "x", 0.7, 0.4)).astype(int)
    ours = measure(y_true, y_pred, groups, n_resamples=50)
    kw = {"sensitive_features": groups}
    oracle = {
        "demographic_parity_difference": demographic_parity_difference(y_true, y_pred, **kw),
        "demographic_parity_ratio": demographic_parity_ratio(y_true, y_pred, **kw),
        "equalized_odds_difference": equalized_odds_difference(y_true, y_pred, **kw),
        "equal_opportunity_difference": equal_opportunity_difference(y_true, y_pred, **kw),
    }
    for name, value in oracle.items():
        assert ours.metrics[name] == pytest.approx(value, abs=1e-12), name
    assert ours.accuracy == np.mean(y_true == y_pred)
    assert set(ours.ci) == set(CI_METRICS)
    low, high = ours.ci["accuracy"]
    assert low < ours.accuracy < high
