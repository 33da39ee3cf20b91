from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml

from clearance.demo.german import load_german, train_credit_model
from clearance.fairness import audit
from clearance.fairness.audit import ROW_DISPARITIES, ROW_GROUP_METRICS, verdict
from clearance.fairness.metrics import GAPS
from clearance.fairness.models import Comparison, Disparity, FairnessData, GroupMetrics
from clearance.fairness.policy import (
    GERMAN_POLICY,
    FairnessPolicy,
    fairness_policy_from_mapping,
)
from clearance.fairness.report import FairnessReport
from clearance.fairness.run import run_fairness
from clearance.fairness.stats import RATE_METRICS, bootstrap_indices, bootstrap_statistic
from tests._data import german_path, needs_german

ALL_DISPARITIES = tuple(gap.name for gap in GAPS)


@pytest.fixture(scope="module")
def german_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("german_audit")
    frame = load_german(german_path())
    data = folder / "german.csv"
    frame.write_csv(data)
    return data, train_credit_model(frame, folder / "model.skops")


@pytest.fixture(scope="module")
def german_policy() -> FairnessPolicy:
    return fairness_policy_from_mapping(yaml.safe_load(GERMAN_POLICY))


@pytest.fixture(scope="module")
def german_report(german_files: tuple[Path, Path], german_policy: FairnessPolicy) -> FairnessReport:
    data, model = german_files
    report, _ = run_fairness(data, german_policy, model_path=model)
    return report


def _check(interval_low: float, interval_high: float) -> None:
    assert math.isfinite(interval_low) and math.isfinite(interval_high)
    assert interval_low <= interval_high


@needs_german
def test_german_every_group_metric_has_an_interval(german_report: FairnessReport) -> None:
    sufficient = [g for g in german_report.by_group if g.sufficient]
    assert {g.attribute for g in sufficient} == {"sex", "age_group", "sex & age_group"}
    for g in sufficient:
        for metric in (*RATE_METRICS, *ROW_GROUP_METRICS):
            assert getattr(g, metric) is not None, (g.group, metric)
            interval = g.ci[metric]
            _check(interval.low, interval.high)
            assert interval.level == 0.95
        # The AUC and the mean calibration error are smooth statistics: their percentile
        # intervals contain the estimate (ECE, an absolute value, is biased up and may not).
        for metric in ("roc_auc", "calibration_in_the_large", "selection_rate"):
            value = getattr(g, metric)
            assert g.ci[metric].low <= value <= g.ci[metric].high, (g.group, metric)
        assert 0 <= g.ci["roc_auc"].low and g.ci["roc_auc"].high <= 1
        assert g.ci["expected_calibration_error"].low >= 0


@needs_german
def test_german_every_disparity_has_an_interval(german_report: FairnessReport) -> None:
    assert len(german_report.disparities) == 3
    for d in german_report.disparities:
        assert set(d.ci) == set(ALL_DISPARITIES), d.attribute
        for name in ALL_DISPARITIES:
            assert d.metrics[name] is not None
            _check(d.ci[name].low, d.ci[name].high)
        aod = d.ci["average_odds_difference"]
        assert aod.low <= d.metrics["average_odds_difference"] <= aod.high  # type: ignore[operator]
    assert not any("not computed" in w for w in german_report.warnings)


@needs_german
def test_german_intervals_are_deterministic_and_count_based_ones_kept(
    german_files: tuple[Path, Path],
    german_policy: FairnessPolicy,
    german_report: FairnessReport,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data, model = german_files
    again, _ = run_fairness(data, german_policy, model_path=model)
    assert again.by_group == german_report.by_group
    assert again.disparities == german_report.disparities
    # The row-level step adds intervals; it does not replace the exact count-based ones.
    monkeypatch.setattr(audit, "ROW_BOOTSTRAP_MAX_ROWS", 0)
    counts_only, _ = run_fairness(data, german_policy, model_path=model)
    for full, partial in zip(german_report.by_group, counts_only.by_group, strict=True):
        assert {m: full.ci[m] for m in partial.ci} == partial.ci
        assert not set(partial.ci) & set(ROW_GROUP_METRICS)
    for full_d, partial_d in zip(german_report.disparities, counts_only.disparities, strict=True):
        assert {m: full_d.ci[m] for m in partial_d.ci} == partial_d.ci
        assert not set(partial_d.ci) & set(ROW_DISPARITIES)


@needs_german
def test_german_insufficient_groups_get_no_interval(
    german_files: tuple[Path, Path], german_policy: FairnessPolicy
) -> None:
    data, model = german_files
    policy = german_policy.model_copy(update={"min_group_size": 70, "bootstrap": 100})
    report, _ = run_fairness(data, policy, model_path=model)
    small = next(g for g in report.by_group if g.group == "male & <25")
    assert small.count == 65 and not small.sufficient
    assert small.ci == {}
    intersection = next(d for d in report.disparities if d.attribute == "sex & age_group")
    assert intersection.insufficient_groups == ["male & <25"]
    assert set(intersection.ci) == set(ALL_DISPARITIES)
    assert all(set(g.ci) >= set(ROW_GROUP_METRICS) for g in report.by_group if g.sufficient)


# ------------------------------------------------------------------------------ synthetic data


def _synthetic(tmp_path: Path, n: int = 600, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    group = rng.choice(["a", "b", "c"], n, p=[0.5, 0.47, 0.03])
    y = rng.integers(0, 2, n)
    score = np.clip(0.3 * y + 0.7 * rng.random(n), 0, 1)
    pred = (score > 0.5).astype(int)
    path = tmp_path / "preds.parquet"
    pl.DataFrame({"g": group, "y": y, "p": pred, "s": score}).write_parquet(path)
    return path


def _policy(**extra: object) -> FairnessPolicy:
    base = {"target": "y", "prediction": "p", "sensitive": ["g"], "bootstrap": 100}
    return fairness_policy_from_mapping({**base, **extra})


def test_skip_above_row_limit_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "ROW_BOOTSTRAP_MAX_ROWS", 100)
    report, _ = run_fairness(_synthetic(tmp_path), _policy(score="s"), model_path=None)
    (warning,) = [w for w in report.warnings if "not computed" in w]
    for name in (*ROW_GROUP_METRICS, *ROW_DISPARITIES):
        assert name in warning
    assert "100 rows" in warning and "600" in warning
    (d,) = report.disparities
    assert set(d.ci) == {
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equal_opportunity_difference",
    }
    for g in report.by_group:
        if g.sufficient:
            assert set(g.ci) == set(RATE_METRICS)
    monkeypatch.setattr(audit, "ROW_BOOTSTRAP_MAX_ROWS", 600)  # the limit itself is allowed
    report, _ = run_fairness(_synthetic(tmp_path), _policy(score="s"), model_path=None)
    assert not any("not computed" in w for w in report.warnings)
    assert set(report.disparities[0].ci) == set(ALL_DISPARITIES)


def test_no_scores_gives_rate_disparities_only_and_no_bootstrap_gives_none(
    tmp_path: Path,
) -> None:
    path = _synthetic(tmp_path)
    report, _ = run_fairness(path, _policy(), model_path=None)
    (d,) = report.disparities
    assert d.insufficient_groups == ["c"]
    assert set(d.ci) == set(ALL_DISPARITIES) - {"auc_gap", "calibration_gap"}
    for g in report.by_group:
        assert not set(g.ci) & set(ROW_GROUP_METRICS)
        assert (g.ci == {}) == (not g.sufficient)
    off, _ = run_fairness(path, _policy(score="s", bootstrap=0), model_path=None)
    assert all(g.ci == {} for g in off.by_group) and off.disparities[0].ci == {}
    assert not any("not computed" in w for w in off.warnings)


def test_row_bootstrap_seed_is_used_and_replicates_are_capped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _synthetic(tmp_path)
    first, _ = run_fairness(path, _policy(score="s", seed=1), model_path=None)
    other, _ = run_fairness(path, _policy(score="s", seed=2), model_path=None)
    assert first.disparities[0].ci["auc_gap"] != other.disparities[0].ci["auc_gap"]
    calls: list[int] = []

    def spy(strata: np.ndarray, n_resamples: int, seed: int) -> Iterator[np.ndarray]:
        calls.append(n_resamples)
        return bootstrap_indices(strata, n_resamples, seed)

    monkeypatch.setattr(audit, "bootstrap_indices", spy)
    run_fairness(path, _policy(score="s", bootstrap=5000), model_path=None)
    # one row bootstrap for the attribute, one for the overall metrics, each capped
    assert calls == [audit.ROW_BOOTSTRAP_MAX_RESAMPLES] * 2


def test_bootstrap_indices_match_bootstrap_statistic_and_keep_strata() -> None:
    rng = np.random.default_rng(3)
    strata = rng.choice(["x", "y", "z"], 257)
    values = rng.random(257)
    blocks = list(bootstrap_indices(strata, n_resamples=150, seed=9))
    rows = np.concatenate(blocks)
    assert rows.shape == (150, 257)
    for replicate in rows:
        assert sorted(strata[replicate].tolist()) == sorted(strata.tolist())
    means = np.sort(values[rows].mean(axis=1))
    expected = bootstrap_statistic(
        lambda idx: float(values[idx].mean()), strata, n_resamples=150, seed=9
    )
    assert expected is not None
    low, high = np.quantile(means, [0.025, 0.975])
    assert (expected.low, expected.high) == pytest.approx((low, high), rel=1e-12)
    assert list(bootstrap_indices(np.array([]), 10)) == []


# ------------------------------------------------------------------------------------ verdict


def _disparity(
    ratio: float | None = 0.95,
    eo: float | None = 0.05,
    significant: bool | None = False,
) -> Disparity:
    return Disparity(
        attribute="sex",
        reference="male",
        reference_rule="given",
        metrics={"demographic_parity_ratio": ratio, "equalized_odds_difference": eo},
        comparisons=[
            Comparison(
                metric="selection_rate",
                group="female",
                reference="male",
                difference=-0.04,
                test="chi2",
                p_value=0.001 if significant else 0.4,
                p_value_adjusted=0.003 if significant else 0.8,
                significant=significant,
            )
        ],
    )


def test_verdict_passes_when_all_is_fine() -> None:
    result = verdict([_disparity(), _disparity(ratio=None, significant=None)], FairnessPolicy())
    assert result.passed and result.reasons == []
    assert result.thresholds == {"demographic_parity_ratio": 0.8, "alpha": 0.05}


def test_verdict_fails_on_ratio_below_threshold() -> None:
    result = verdict([_disparity(ratio=0.79)], FairnessPolicy())
    assert not result.passed
    (reason,) = result.reasons
    assert "demographic parity ratio 0.790 < 0.8" in reason
    # At the threshold itself it passes.
    assert verdict([_disparity(ratio=0.8)], FairnessPolicy()).passed


def test_verdict_fails_on_significant_comparison() -> None:
    result = verdict([_disparity(significant=True)], FairnessPolicy())
    assert not result.passed
    (reason,) = result.reasons
    assert "selection_rate of female differs from male" in reason
    assert "0.003" in reason


def test_verdict_equalized_odds_limit_only_when_set() -> None:
    assert verdict([_disparity(eo=0.3)], FairnessPolicy()).passed
    policy = fairness_policy_from_mapping({"thresholds": {"equalized_odds_difference": 0.1}})
    result = verdict([_disparity(eo=0.3)], policy)
    assert not result.passed and "equalized odds difference 0.300 > 0.1" in result.reasons[0]
    assert result.thresholds["equalized_odds_difference"] == 0.1


def test_group_metrics_model_unchanged_by_row_bootstrap_without_groups() -> None:
    groups: list[GroupMetrics] = []
    assert audit._row_bootstrap(  # the empty audit is a no-op
        FairnessData(
            y_true=np.array([], dtype=int),
            y_pred=np.array([], dtype=int),
            sensitive=pl.DataFrame({"g": pl.Series([], dtype=pl.String)}),
        ),
        groups,
        [],
        FairnessPolicy(),
    ) == ([], [], [])


# ------------------------------------------------------- adverse-action reasons and label coding


def _coded_model(
    tmp_path: Path, favourable: object, unfavourable: object, n: int = 800
) -> tuple[Path, Path, np.ndarray, np.ndarray, np.ndarray]:
    """A logistic regression trained on labels coded ``favourable`` / ``unfavourable``:
    ``income`` helps (higher = approved), ``debt`` hurts, ``noise`` does nothing."""
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(3)
    income, debt, noise = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
    good = rng.random(n) < 1 / (1 + np.exp(-(0.5 + 2.0 * income - 2.0 * debt)))
    labels = np.where(good, favourable, unfavourable)  # type: ignore[call-overload]
    features = pl.DataFrame({"income": income, "debt": debt, "noise": noise})
    model = LogisticRegression().fit(features.to_pandas(), labels)
    data = tmp_path / "coded.csv"
    features.with_columns(
        pl.Series("label", labels.tolist()), pl.Series("g", rng.choice(["u", "v"], n))
    ).write_csv(data)
    path = tmp_path / "coded.skops"
    sio.dump(model, path)
    # Coefficients towards the favourable class, whatever its position in classes_.
    coef = np.asarray(model.coef_).reshape(-1)
    if str(model.classes_[0]) == str(favourable):
        coef = -coef
    denied = np.array([str(v) != str(favourable) for v in model.predict(features.to_pandas())])
    return data, path, denied, coef, features.to_numpy()


@pytest.mark.parametrize(
    ("favourable", "unfavourable"),
    [
        (1, 2),  # German credit's own coding: the favourable class is classes_[0]
        (1, 0),  # the favourable class is classes_[1]
        ("good", "bad"),  # strings, favourable second
        ("approved", "rejected"),  # strings, favourable first
    ],
)
def test_reasons_point_towards_denial_whatever_the_label_coding(
    tmp_path: Path, favourable: object, unfavourable: object
) -> None:
    data, model, denied_mask, coef, X = _coded_model(tmp_path, favourable, unfavourable)
    policy = fairness_policy_from_mapping(
        {"target": "label", "favourable": favourable, "sensitive": ["g"], "bootstrap": 0}
    )
    report, table = run_fairness(data, policy, model_path=model)
    assert table is not None and table.height > 0
    top = table.filter(pl.col("rank") == 1)
    denied = top.get_column("applicant").to_numpy()
    index = {"income": 0, "debt": 1, "noise": 2}
    assert set(denied.tolist()) <= set(np.flatnonzero(denied_mask).tolist())
    baseline = X[~denied_mask].mean(axis=0)  # the reference: the approved applicants
    for row, feature in zip(denied, top.get_column("feature").to_list(), strict=True):
        j = index[feature]
        # The principal reason pushed this applicant towards denial, never towards approval.
        assert coef[j] * (X[row, j] - baseline[j]) < 0, (row, feature)
    # Denied applicants are mostly denied for debt too high or income too low.
    reasons = set(top.get_column("reason").to_list())
    assert reasons <= {"debt: value too high", "income: value too low", "noise: value too high",
                       "noise: value too low"}  # fmt: skip
    assert report.reasons


def test_progress_is_reported_per_stage(tmp_path: Path) -> None:
    from clearance.fairness.run import STAGES

    stages: list[str] = []
    run_fairness(_synthetic(tmp_path), _policy(score="s"), model_path=None, progress=stages.append)
    assert stages == list(STAGES)
    assert stages == ["loading", "metrics", "bootstrap", "proxies", "reasons", "report"]


def test_onnx_model_says_reasons_were_not_computed(tmp_path: Path) -> None:
    """Nothing skipped silently: an ONNX model gives decisions only, so the report says the
    adverse-action reasons were not computed."""
    skl2onnx = pytest.importorskip("skl2onnx")
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 2)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int)
    model = tmp_path / "m.onnx"
    model.write_bytes(skl2onnx.to_onnx(LogisticRegression().fit(x, y), x[:1]).SerializeToString())
    data = tmp_path / "d.csv"
    pl.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": y, "g": rng.choice(["u", "v"], 300)}).write_csv(
        data
    )
    policy = fairness_policy_from_mapping(
        {"target": "y", "sensitive": ["g"], "bootstrap": 0, "features": ["a", "b"]}
    )
    report, table = run_fairness(data, policy, model_path=model)
    assert table is None
    assert any(w.startswith("adverse-action reasons not computed") for w in report.warnings)


def test_groups_of_a_column_named_like_a_pattern_are_its_own() -> None:
    # polars reads "^.*$" in pl.col as a regex over every column; the name is data
    import polars as pl

    from clearance.fairness.audit import _row_groups

    frame = pl.DataFrame({"^.*$": ["a", "b", None], "sex": ["f", "m", "f"]})
    assert _row_groups(frame, "^.*$").to_list() == ["a", "b", "(missing)"]
    assert _row_groups(frame, "^.*$ & sex").to_list() == ["a & f", "b & m", "(missing) & f"]


def test_overall_metrics_are_every_row_as_one_group_with_intervals(tmp_path: Path) -> None:
    path = _synthetic(tmp_path)
    report, _ = run_fairness(path, _policy(score="s"), model_path=None)
    overall = report.overall
    assert overall is not None and (overall.attribute, overall.group) == ("overall", "all")
    frame = pl.read_parquet(path)
    y, p = frame["y"].to_numpy(), frame["p"].to_numpy()
    assert overall.count == frame.height
    assert overall.accuracy == pytest.approx(float(np.mean(y == p)))
    assert overall.selection_rate == pytest.approx(float(np.mean(p)))
    # the groups' counts add up to the whole; the intervals bracket the point estimates
    assert sum(g.count for g in report.by_group if g.attribute == "g") == overall.count
    for metric in ("accuracy", "selection_rate", "roc_auc"):
        interval = overall.ci[metric]
        assert interval.low <= getattr(overall, metric) <= interval.high
    # the same seed, the same report; the data and no model are fingerprinted
    again, _ = run_fairness(path, _policy(score="s"), model_path=None)
    assert again.overall == overall
    assert report.data.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert report.model is None


@needs_german
def test_german_model_file_is_fingerprinted(
    german_report: FairnessReport, german_files: tuple[Path, Path]
) -> None:
    data, model = german_files
    assert german_report.model is not None
    assert german_report.model.sha256 == hashlib.sha256(model.read_bytes()).hexdigest()
    assert german_report.data.sha256 == hashlib.sha256(data.read_bytes()).hexdigest()
