"""``clearance.fairness.metrics`` against Fairlearn (and scikit-learn) as the oracle.

Fairlearn's numbers always come from Fairlearn (``MetricFrame`` and its disparity functions),
never from our code. Where we return ``None`` (a rate with a 0 denominator, AUC of a one-class
group) Fairlearn returns 0 or NaN: those cells are checked to be exactly that difference.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from clearance.fairness.metrics import GAPS, RATES, disparities, group_metrics
from clearance.fairness.models import Disparity, FairnessData, GroupMetrics
from tests._data import german_path

TOL = 1e-9
LABEL_METRICS: dict[str, Callable[..., Any]] = {
    "count": count,
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "true_negative_rate": true_negative_rate,
    "false_negative_rate": false_negative_rate,
    # zero_division=0: compared only where the precision is defined (TP + FP > 0)
    "precision": functools.partial(precision_score, zero_division=0),
    "accuracy": accuracy_score,
}

# ---------------------------------------------------------------------------------- helpers


def _fairlearn_by_group(data: FairnessData, attribute: str) -> pd.DataFrame:
    """Fairlearn's per-group metrics for an attribute or an ``"a & b"`` intersection, indexed
    by our group names."""
    columns = attribute.split(" & ")
    features = data.sensitive.select(columns).to_pandas()
    sensitive = features[columns[0]] if len(columns) == 1 else features
    frame = MetricFrame(
        metrics=LABEL_METRICS,
        y_true=data.y_true,
        y_pred=data.y_pred,
        sensitive_features=sensitive,
    ).by_group
    if data.scores is not None:
        with warnings.catch_warnings():
            # A one-class group: scikit-learn warns and returns NaN, we return None.
            warnings.filterwarnings("ignore", category=UndefinedMetricWarning)
            auc = MetricFrame(
                metrics={"roc_auc": roc_auc_score},
                y_true=data.y_true,
                y_pred=data.scores,
                sensitive_features=sensitive,
            ).by_group
        frame = frame.join(auc)
    frame.index = [
        " & ".join(str(v) for v in key) if isinstance(key, tuple) else str(key)
        for key in frame.index
    ]
    # MetricFrame lists every combination of the columns' values, those that never occur with
    # NaN metrics; we report only the groups that occur.
    return frame[frame["count"].notna()]


def _assert_matches_fairlearn(data: FairnessData, groups: list[GroupMetrics]) -> int:
    """Every group's metrics equal Fairlearn's; returns how many values were compared."""
    compared = 0
    for attribute in sorted({g.attribute for g in groups}):
        expected = _fairlearn_by_group(data, attribute)
        ours = {g.group: g for g in groups if g.attribute == attribute}
        assert sorted(ours) == sorted(expected.index)
        for name, row in expected.iterrows():
            g = ours[str(name)]
            assert g.count == row["count"]
            for metric in [*LABEL_METRICS, "roc_auc"]:
                if metric == "count" or metric not in row:
                    continue
                value, oracle = getattr(g, metric), float(row[metric])
                if value is None:
                    # Undefined here; Fairlearn / zero_division give 0, roc_auc_score NaN.
                    assert math.isnan(oracle) if metric == "roc_auc" else oracle == 0.0
                    continue
                assert value == pytest.approx(oracle, abs=TOL), (attribute, name, metric)
                compared += 1
    return compared


def _fairlearn_disparities(data: FairnessData, d: Disparity) -> dict[str, float]:
    """Fairlearn's disparity functions on the rows of the sufficient groups."""
    columns = d.attribute.split(" & ")
    labels = data.sensitive.select(
        pl.concat_str([pl.col(c) for c in columns], separator=" & ")
    ).to_series()
    keep = ~labels.is_in(d.insufficient_groups).to_numpy()
    y_true, y_pred = data.y_true[keep], data.y_pred[keep]
    sensitive = labels.filter(pl.Series(keep)).to_numpy()
    return {
        name: float(fn(y_true, y_pred, sensitive_features=sensitive))
        for name, fn in {
            "demographic_parity_difference": demographic_parity_difference,
            "demographic_parity_ratio": demographic_parity_ratio,
            "equalized_odds_difference": equalized_odds_difference,
            "equal_opportunity_difference": equal_opportunity_difference,
        }.items()
    }


def _random_data(
    seed: int, n_groups: int, n: int, n_second: int = 3, *, ties: bool = True
) -> FairnessData:
    """Unbalanced groups (Dirichlet shares), group-dependent base and selection rates; with
    ``ties`` scores are rounded to 2 decimals so the AUC must average tied ranks (without, all
    scores are distinct, the engine's other path)."""
    rng = np.random.default_rng(seed)
    shares = rng.dirichlet(np.full(n_groups, 0.7))
    group = rng.choice(n_groups, n, p=shares)
    base = rng.uniform(0.2, 0.8, n_groups)[group]
    y_true = (rng.random(n) < base).astype(np.int64)
    scores = 0.45 * y_true + 0.5 * rng.random(n) + 0.02
    if ties:
        scores = np.round(scores, 2)
    threshold = rng.uniform(0.3, 0.7, n_groups)[group]
    y_pred = (scores >= threshold).astype(np.int64)
    second = rng.choice(n_second, n, p=rng.dirichlet(np.ones(n_second)))
    return FairnessData(
        y_true=y_true,
        y_pred=y_pred,
        scores=scores,
        sensitive=pl.DataFrame(
            {
                "group": np.array([f"g{i}" for i in range(n_groups)])[group],
                "band": np.array([f"b{i}" for i in range(n_second)])[second],
            }
        ),
    )


@pytest.fixture(scope="module")
def german() -> FairnessData:
    raw = pl.read_csv(german_path(), separator=" ", has_header=False)
    assert raw.shape == (1000, 21)
    columns = {i: raw.to_series(i - 1) for i in range(1, 22)}  # 1-based attribute numbers
    y_true = (columns[21] == 1).to_numpy().astype(np.int64)  # 1 good (favourable), 2 bad
    sex = np.where(columns[9].is_in(["A92", "A95"]).to_numpy(), "female", "male")
    age = columns[13].to_numpy()
    # duration, credit_amount, installment_rate, residence_since, existing_credits,
    # num_dependents: numeric, and neither sex nor age.
    x = np.column_stack([columns[i].to_numpy() for i in (2, 5, 8, 11, 16, 18)])
    model = make_pipeline(StandardScaler(), LogisticRegression(random_state=0))
    model.fit(x, y_true)
    scores = model.predict_proba(x)[:, 1]
    # A 0.7 cut: at 0.5 this weak model grants almost everyone, leaving FPR/TNR degenerate.
    y_pred = (scores >= 0.7).astype(np.int64)
    return FairnessData(
        y_true=y_true,
        y_pred=y_pred,
        scores=scores,
        sensitive=pl.DataFrame({"sex": sex, "age_group": np.where(age < 25, "<25", ">=25")}),
    )


# ------------------------------------------------------------------------- German credit


def test_german_group_metrics_match_fairlearn(german: FairnessData) -> None:
    groups = group_metrics(german, ["sex", "age_group"])
    assert [(g.attribute, g.group) for g in groups] == [
        ("age_group", "<25"),
        ("age_group", ">=25"),
        ("sex", "female"),
        ("sex", "male"),
        ("sex & age_group", "female & <25"),
        ("sex & age_group", "female & >=25"),
        ("sex & age_group", "male & <25"),
        ("sex & age_group", "male & >=25"),
    ]
    assert all(g.sufficient for g in groups)
    # 8 groups x (7 label metrics + AUC), all defined on this data.
    assert _assert_matches_fairlearn(german, groups) == 8 * 8
    for g in groups:
        assert g.base_rate is not None and g.selection_rate is not None
        assert 0.0 < g.selection_rate < 1.0


def test_german_disparities_match_fairlearn(german: FairnessData) -> None:
    result = disparities(group_metrics(german, ["sex", "age_group"]))
    assert [d.attribute for d in result] == ["age_group", "sex", "sex & age_group"]
    for d in result:
        assert list(d.metrics) == [gap.name for gap in GAPS]
        for name, oracle in _fairlearn_disparities(german, d).items():
            assert d.metrics[name] == pytest.approx(oracle, abs=TOL), (d.attribute, name)


def test_german_calibration_matches_sklearn_calibration_curve(german: FairnessData) -> None:
    assert german.scores is not None
    for g in group_metrics(german, ["sex", "age_group"], intersections=False):
        mask = german.sensitive[g.attribute].to_numpy() == g.group
        y, s = german.y_true[mask], german.scores[mask]
        prob_true, prob_pred = calibration_curve(y, s, n_bins=10, strategy="uniform")
        # calibration_curve drops empty bins; its bin ids, to weigh each bin by its count.
        ids = np.searchsorted(np.linspace(0.0, 1.0, 11)[1:-1], s)
        weights = np.bincount(ids, minlength=10)
        weights = weights[weights > 0] / len(s)
        ece = float(np.sum(weights * np.abs(prob_true - prob_pred)))
        assert g.expected_calibration_error == pytest.approx(ece, abs=TOL)
        assert g.calibration_in_the_large == pytest.approx(s.mean() - y.mean(), abs=TOL)


def test_german_reference_and_comparisons(german: FairnessData) -> None:
    groups = group_metrics(german, ["sex", "age_group"])
    by_name = {(g.attribute, g.group): g for g in groups}
    default = {d.attribute: d for d in disparities(groups)}
    sex = default["sex"]
    top = max(("female", "male"), key=lambda v: by_name[("sex", v)].selection_rate or 0.0)
    assert sex.reference == top
    assert sex.reference_rule == "highest selection rate among sufficient groups"
    chosen = {d.attribute: d for d in disparities(groups, {"sex": "male"})}["sex"]
    assert (chosen.reference, chosen.reference_rule) == ("male", "given")
    female, male = by_name[("sex", "female")], by_name[("sex", "male")]
    assert [(c.metric, c.group, c.reference) for c in chosen.comparisons] == [
        ("selection_rate", "female", "male"),
        ("true_positive_rate", "female", "male"),
        ("false_positive_rate", "female", "male"),
    ]
    for c in chosen.comparisons:
        value, ref = getattr(female, c.metric), getattr(male, c.metric)
        assert c.difference == pytest.approx(value - ref, abs=TOL)
        assert c.ratio == pytest.approx(value / ref, abs=TOL)
        assert (c.test, c.p_value) == ("none", None)
    # AIF360's average odds difference, from Fairlearn's rates (one unprivileged group).
    rates = _fairlearn_by_group(german, "sex")
    aod = 0.5 * (
        (rates.loc["female", "false_positive_rate"] - rates.loc["male", "false_positive_rate"])
        + (rates.loc["female", "true_positive_rate"] - rates.loc["male", "true_positive_rate"])
    )
    assert chosen.metrics["average_odds_difference"] == pytest.approx(aod, abs=TOL)
    with pytest.raises(ValueError, match="not a group"):
        disparities(groups, {"sex": "nobody"})


# --------------------------------------------------------------------------- random data


@pytest.mark.parametrize(
    ("seed", "n_groups", "n", "ties"),
    [
        (0, 2, 500, True),
        (1, 3, 2000, True),
        (2, 5, 3000, False),
        (3, 8, 4000, True),
        (4, 12, 1500, False),
    ],
)
def test_random_data_matches_fairlearn(seed: int, n_groups: int, n: int, ties: bool) -> None:
    data = _random_data(seed, n_groups, n, ties=ties)
    assert data.scores is not None
    assert (len(np.unique(data.scores)) < n) == ties
    groups = group_metrics(data, ["group", "band"], min_group_size=30)
    assert _assert_matches_fairlearn(data, groups) > 0
    for d in disparities(groups):
        sufficient = [g for g in groups if g.attribute == d.attribute and g.sufficient]
        assert sorted(d.insufficient_groups) == sorted(
            g.group for g in groups if g.attribute == d.attribute and not g.sufficient
        )
        if len(sufficient) < 2:
            assert d.metrics["demographic_parity_difference"] is None
            continue
        oracle = _fairlearn_disparities(data, d)
        # Fairlearn counts an undefined TPR/FPR as 0; compare where every group defines them.
        defined = all(
            g.true_positive_rate is not None and g.false_positive_rate is not None
            for g in sufficient
        )
        for name, value in oracle.items():
            if defined or name.startswith("demographic"):
                assert d.metrics[name] == pytest.approx(value, abs=TOL), (d.attribute, name)


def test_undefined_rates_are_none_where_fairlearn_gives_zero() -> None:
    # Group "a" has no positive label and predicts nobody: TPR, FNR, precision undefined.
    data = FairnessData(
        y_true=np.array([0, 0, 0, 1, 0, 1, 1, 0]),
        y_pred=np.array([0, 0, 0, 1, 1, 0, 1, 0]),
        scores=np.array([0.1, 0.2, 0.3, 0.9, 0.6, 0.4, 0.8, 0.2]),
        sensitive=pl.DataFrame({"s": ["a", "a", "a", "b", "b", "b", "b", "b"]}),
    )
    a, b = group_metrics(data, ["s"], min_group_size=1)
    assert (a.true_positive_rate, a.false_negative_rate, a.precision, a.roc_auc) == (None,) * 4
    assert a.false_positive_rate == 0.0 and a.true_negative_rate == 1.0
    assert b.roc_auc == pytest.approx(roc_auc_score([1, 0, 1, 1, 0], [0.9, 0.6, 0.4, 0.8, 0.2]))
    assert _assert_matches_fairlearn(data, [a, b]) > 0
    d = disparities([a, b])[0]
    # One group defines the TPR: no TPR gap (Fairlearn would report |TPR_b - 0|).
    assert d.metrics["equal_opportunity_difference"] is None
    assert d.metrics["equalized_odds_difference"] == pytest.approx(0.5)  # FPR: 1/2 - 0


def test_intersections_pairs_and_full() -> None:
    data = _random_data(5, 3, 600)
    sensitive = data.sensitive.with_columns(
        third=pl.Series(np.where(np.arange(600) % 3 == 0, "x", "y"))
    )
    data = FairnessData(data.y_true, data.y_pred, sensitive, data.scores)
    attrs = sorted({g.attribute for g in group_metrics(data, ["group", "band", "third"])})
    assert attrs == [
        "band",
        "band & third",
        "group",
        "group & band",
        "group & band & third",
        "group & third",
        "third",
    ]
    only = group_metrics(data, ["group", "band", "third"], intersections=False)
    assert sorted({g.attribute for g in only}) == ["band", "group", "third"]
    full = [g for g in group_metrics(data, ["group", "band", "third"]) if "&" in g.attribute]
    assert all(len(g.group.split(" & ")) == len(g.attribute.split(" & ")) for g in full)
    for attribute in {g.attribute for g in full}:
        assert sum(g.count for g in full if g.attribute == attribute) == 600


def test_missing_values_and_minimum_size() -> None:
    data = FairnessData(
        y_true=np.array([1, 0, 1, 0, 1, 1]),
        y_pred=np.array([1, 0, 0, 0, 1, 1]),
        sensitive=pl.DataFrame({"s": ["a", "a", "a", None, "b", "b"]}),
    )
    groups = group_metrics(data, ["s"], min_group_size=2)
    assert [(g.group, g.count, g.sufficient) for g in groups] == [
        ("(missing)", 1, False),
        ("a", 3, True),
        ("b", 2, True),
    ]
    assert all(g.roc_auc is None and g.expected_calibration_error is None for g in groups)
    d = disparities(groups)[0]
    assert d.insufficient_groups == ["(missing)"]
    assert d.reference == "b"  # selection rate 1 against 1/3
    assert {c.group for c in d.comparisons} == {"a"}
    assert d.metrics["demographic_parity_difference"] == pytest.approx(2 / 3)
    given_small = disparities(groups, {"s": "(missing)"})[0]
    assert given_small.comparisons == [] and "minimum group size" in given_small.reference_rule
    assert given_small.metrics["average_odds_difference"] is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"y_true": np.array([0, 2, 1])}, "y_true"),
        ({"y_pred": np.array([0.5, 1, 0])}, "y_pred"),
        ({"scores": np.array([0.1, 1.2, 0.3])}, "scores"),
        ({"scores": np.array([0.1, np.nan, 0.3])}, "scores"),
    ],
)
def test_invalid_inputs(change: dict[str, np.ndarray], message: str) -> None:
    fields: dict[str, Any] = {
        "y_true": np.array([0, 1, 1]),
        "y_pred": np.array([0, 1, 0]),
        "sensitive": pl.DataFrame({"s": ["a", "b", "a"]}),
        "scores": None,
    }
    with pytest.raises(ValueError, match=message):
        group_metrics(FairnessData(**(fields | change)), ["s"])


def test_invalid_attributes() -> None:
    data = FairnessData(np.array([0, 1]), np.array([0, 1]), pl.DataFrame({"s": ["a", "b"]}))
    for attributes, message in [
        ([], "at least one"),
        (["t"], "no sensitive"),
        (["s", "s"], "repeat"),
    ]:
        with pytest.raises(ValueError, match=message):
            group_metrics(data, attributes)
    assert (
        group_metrics(FairnessData(np.array([]), np.array([]), pl.DataFrame({"s": []})), ["s"])
        == []
    )


# ------------------------------------------------------------------------- properties

RATE_FIELDS = [r.name for r in RATES] + [
    "roc_auc",
    "expected_calibration_error",
    "calibration_in_the_large",
]
seeds = st.integers(0, 2**32 - 1)
sizes = st.integers(40, 800)
group_counts = st.integers(1, 6)
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(seed=seeds, n_groups=group_counts, n=sizes, minimum=st.integers(0, 60))
def test_rates_and_ratios_in_unit_interval(seed: int, n_groups: int, n: int, minimum: int) -> None:
    groups = group_metrics(
        _random_data(seed, n_groups, n), ["group", "band"], min_group_size=minimum
    )
    for g in groups:
        assert g.sufficient == (g.count >= minimum)
        for name in RATE_FIELDS:
            value = getattr(g, name)
            if value is not None and name != "calibration_in_the_large":
                assert 0.0 <= value <= 1.0, (name, value)
    for d in disparities(groups):
        ratio = d.metrics["demographic_parity_ratio"]
        assert ratio is None or 0.0 <= ratio <= 1.0
        for name, value in d.metrics.items():
            if value is not None and name != "average_odds_difference":
                assert 0.0 <= value <= 1.0, (name, value)


def _profile(g: GroupMetrics) -> tuple[Any, ...]:
    return (g.count, g.sufficient, *(getattr(g, m) for m in RATE_FIELDS))


@PROPERTY
@given(seed=seeds, n_groups=st.integers(2, 6), n=sizes, data=st.data())
def test_permuting_group_labels_keeps_the_metrics(
    seed: int, n_groups: int, n: int, data: st.DataObject
) -> None:
    original = _random_data(seed, n_groups, n)
    names = [f"g{i}" for i in range(n_groups)]
    permuted = data.draw(st.permutations(names))
    relabelled = FairnessData(
        original.y_true,
        original.y_pred,
        original.sensitive.with_columns(
            pl.col("group").replace_strict(dict(zip(names, permuted, strict=True)))
        ),
        original.scores,
    )
    before = group_metrics(original, ["group"], min_group_size=20)
    after = group_metrics(relabelled, ["group"], min_group_size=20)
    assert sorted(map(_profile, before), key=str) == sorted(map(_profile, after), key=str)
    d_before, d_after = disparities(before)[0], disparities(after)[0]
    tied = sum(
        g.selection_rate == max(x.selection_rate or 0.0 for x in before if x.sufficient)
        for g in before
        if g.sufficient
    )
    for name, value in d_before.metrics.items():
        # A tie for the highest selection rate is broken by name, so the reference (and the
        # figure measured against it) may move with the labels.
        if name == "average_odds_difference" and tied > 1:
            continue
        assert d_after.metrics[name] == pytest.approx(value, abs=1e-12), name


@PROPERTY
@given(seed=seeds, copies=st.integers(2, 5), n=st.integers(30, 300))
def test_identical_groups_have_no_disparity(seed: int, copies: int, n: int) -> None:
    one = _random_data(seed, 1, n)
    data = FairnessData(
        y_true=np.tile(one.y_true, copies),
        y_pred=np.tile(one.y_pred, copies),
        scores=np.tile(one.scores, copies) if one.scores is not None else None,
        sensitive=pl.DataFrame({"s": np.repeat([f"copy{i}" for i in range(copies)], n)}),
    )
    groups = group_metrics(data, ["s"], min_group_size=1)
    assert len({_profile(g) for g in groups}) == 1
    d = disparities(groups)[0]
    for name, value in d.metrics.items():
        if name == "demographic_parity_ratio":
            assert value is None or value == 1.0
        else:
            assert value is None or value == 0.0, name
    assert len(d.comparisons) == 3 * (copies - 1)
    for c in d.comparisons:
        assert c.difference is None or c.difference == 0.0
        assert c.ratio is None or c.ratio == 1.0


def test_group_order_and_one_pass_consistency() -> None:
    # The intersection's counts add up to each attribute's counts (they come from one table).
    data = _random_data(11, 4, 3000)
    groups = group_metrics(data, ["group", "band"])
    assert groups == sorted(groups, key=lambda g: (g.attribute, g.group))
    for attribute, position in (("group", 0), ("band", 1)):
        for g in (x for x in groups if x.attribute == attribute):
            cells = [
                x
                for x in groups
                if x.attribute == "group & band" and x.group.split(" & ")[position] == g.group
            ]
            assert g.count == sum(x.count for x in cells)
