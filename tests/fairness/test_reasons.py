from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from clearance.demo.german import GERMAN_TARGET, load_german, train_credit_model
from clearance.errors import InputError
from clearance.fairness.loading import load_model
from clearance.fairness.reasons import (
    REASON_COLUMNS,
    adverse_action_reasons,
    default_reason,
    summarise_reasons,
)
from tests._data import german_path

NUMERIC = ["debt_ratio", "income", "years_at_address"]


def credit_data(n: int = 2000, seed: int = 0) -> tuple[pl.DataFrame, np.ndarray]:
    """Approval driven mostly by debt_ratio; income and employment matter a little; years at
    address not at all."""
    rng = np.random.default_rng(seed)
    debt_ratio = rng.uniform(0.0, 1.0, n)
    income = rng.normal(0.0, 1.0, n)
    employment = rng.choice(["permanent", "temporary", "none"], n, p=[0.6, 0.3, 0.1])
    years = rng.integers(0, 30, n)
    logit = 4.0 - 9.0 * debt_ratio + 0.4 * income - 0.5 * (employment == "none")
    approved = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    X = pl.DataFrame(
        {"debt_ratio": debt_ratio, "income": income, "employment": employment,
         "years_at_address": years}
    )  # fmt: skip
    return X, approved


def linear_pipeline(X: pl.DataFrame, y: np.ndarray) -> Any:
    model = Pipeline(
        [
            (
                "features",
                ColumnTransformer(
                    [
                        ("coded", OneHotEncoder(handle_unknown="ignore"), ["employment"]),
                        ("numeric", StandardScaler(), NUMERIC),
                    ]
                ),
            ),
            ("classifier", LogisticRegression(max_iter=1000)),
        ]
    )
    model.fit(X.to_pandas(), y)
    return model


def tree_pipeline(X: pl.DataFrame, y: np.ndarray) -> Any:
    model = Pipeline(
        [
            (
                "features",
                ColumnTransformer(
                    [("coded", OrdinalEncoder(), ["employment"])], remainder="passthrough"
                ),
            ),
            ("classifier", HistGradientBoostingClassifier(max_depth=3, random_state=0)),
        ]
    )
    model.fit(X.to_pandas(), y)
    return model


@pytest.fixture(scope="module")
def data() -> tuple[pl.DataFrame, np.ndarray]:
    return credit_data()


@pytest.fixture(scope="module")
def linear(data: tuple[pl.DataFrame, np.ndarray]) -> Any:
    return linear_pipeline(*data)


def denied_by(model: Any, X: pl.DataFrame) -> np.ndarray:
    return np.asarray(model.predict(X.to_pandas())) == 0


def top_reason_share(reasons: pl.DataFrame, feature: str) -> float:
    top = reasons.filter(pl.col("rank") == 1)
    return float((top.get_column("feature") == feature).mean() or 0.0)


def test_linear_top_reason_is_debt_ratio(
    data: tuple[pl.DataFrame, np.ndarray], linear: Any
) -> None:
    X, _ = data
    denied = denied_by(linear, X)
    reasons = adverse_action_reasons(linear, X, denied)
    assert dict(reasons.schema) == dict(REASON_COLUMNS)
    assert top_reason_share(reasons, "debt_ratio") > 0.8
    top = reasons.filter((pl.col("rank") == 1) & (pl.col("feature") == "debt_ratio"))
    assert set(top.get_column("reason")) == {"debt_ratio: value too high"}
    # Ranks run 1..k per applicant with contributions negative and growing towards zero.
    for _, rows in reasons.group_by("applicant"):
        rows = rows.sort("rank")
        assert rows.get_column("rank").to_list() == list(range(1, rows.height + 1))
        assert rows.height <= 4
        values = rows.get_column("contribution").to_numpy()
        assert (values < 0).all() and (np.diff(values) >= 0).all()
    # years_at_address has no effect, so it is rarely a principal reason.
    assert top_reason_share(reasons, "years_at_address") < 0.05


def test_no_approved_applicant_gets_reasons(
    data: tuple[pl.DataFrame, np.ndarray], linear: Any
) -> None:
    X, _ = data
    denied = denied_by(linear, X)
    assert 0 < denied.sum() < len(denied)
    for method in ("linear", "occlusion"):
        reasons = adverse_action_reasons(linear, X, denied, method=method)  # type: ignore[arg-type]
        applicants = set(reasons.get_column("applicant").to_list())
        assert applicants <= set(np.flatnonzero(denied).tolist())
        # Almost every denied applicant has at least one reason.
        assert len(applicants) > 0.95 * denied.sum()
    nobody = adverse_action_reasons(linear, X, np.zeros(X.height, dtype=bool))
    assert nobody.height == 0 and dict(nobody.schema) == dict(REASON_COLUMNS)


def test_one_hot_columns_map_back_to_their_source(
    data: tuple[pl.DataFrame, np.ndarray], linear: Any
) -> None:
    X, _ = data
    denied = denied_by(linear, X)
    reasons = adverse_action_reasons(linear, X, denied, top_n=10)
    assert set(reasons.get_column("feature")) <= set(X.columns)
    employment = reasons.filter(pl.col("feature") == "employment")
    assert employment.height > 0
    assert set(employment.get_column("reason")) == {"employment: unfavourable value"}
    # The summed one-hot contribution is coef[own category] - sum(coef * approved share).
    coef = linear[-1].coef_.reshape(-1)[:3]  # the three one-hot columns come first
    categories = list(linear[0].named_transformers_["coded"].categories_[0])
    approved = X.filter(pl.Series(~denied)).get_column("employment").to_list()
    share = np.array([approved.count(c) / len(approved) for c in categories])
    row = employment.row(0, named=True)
    own = categories.index(X.get_column("employment")[row["applicant"]])
    assert row["contribution"] == pytest.approx(coef[own] - float(coef @ share))


def test_occlusion_on_a_tree_model_agrees(data: tuple[pl.DataFrame, np.ndarray]) -> None:
    X, y = data
    tree = tree_pipeline(X, y)
    denied = denied_by(tree, X)
    reasons = adverse_action_reasons(tree, X, denied)
    assert top_reason_share(reasons, "debt_ratio") > 0.8
    # Probability units: contributions lie in [-1, 0).
    values = reasons.get_column("contribution").to_numpy()
    assert (values >= -1).all() and (values < 0).all()
    with pytest.raises(InputError, match="occlusion"):
        adverse_action_reasons(tree, X, denied, method="linear")


def test_custom_texts_and_directions(data: tuple[pl.DataFrame, np.ndarray], linear: Any) -> None:
    X, _ = data
    denied = denied_by(linear, X)
    texts = {
        "debt_ratio": "Excessive obligations in relation to income",
        "income:low": "Income insufficient for amount of credit requested",
    }
    reasons = adverse_action_reasons(linear, X, denied, reason_texts=texts)
    by_feature = dict(reasons.group_by("feature").agg(pl.col("reason").unique().sort()).iter_rows())
    assert by_feature["debt_ratio"] == ["Excessive obligations in relation to income"]
    assert by_feature["income"] == ["Income insufficient for amount of credit requested"]
    assert default_reason("income", "high") == "income: value too high"


def test_deterministic_and_baselines(data: tuple[pl.DataFrame, np.ndarray], linear: Any) -> None:
    X, _ = data
    denied = denied_by(linear, X)
    first = adverse_action_reasons(linear, X, denied, seed=1)
    assert first.equals(adverse_action_reasons(linear, X, denied, seed=2))
    occluded = adverse_action_reasons(linear, X, denied, method="occlusion")
    assert occluded.equals(adverse_action_reasons(linear, X, denied, method="occlusion"))
    everyone = adverse_action_reasons(linear, X, denied, baseline="mean")
    assert top_reason_share(everyone, "debt_ratio") > 0.7
    # Against the average applicant (who has more debt than the average approved one), the
    # debt_ratio contributions are smaller in magnitude.
    first_debt = first.filter(pl.col("feature") == "debt_ratio").get_column("contribution")
    every_debt = everyone.filter(pl.col("feature") == "debt_ratio").get_column("contribution")
    assert every_debt.mean() > first_debt.mean()  # type: ignore[operator]


def test_bare_estimator_and_favourable_label() -> None:
    X, approved = credit_data(n=800, seed=2)
    numeric = X.select(NUMERIC)
    labels = np.where(approved == 1, "good", "bad")
    model = LogisticRegression(max_iter=1000).fit(numeric.to_numpy(), labels)
    denied = model.predict(numeric.to_numpy()) == "bad"
    # classes_ is ['bad', 'good']: strings do not say which is favourable, so it must be given.
    with pytest.raises(InputError, match="favourable="):
        adverse_action_reasons(model, numeric, denied)
    reasons = adverse_action_reasons(model, numeric, denied, favourable="good")
    assert top_reason_share(reasons, "debt_ratio") > 0.8
    # ... and naming 'bad' as favourable flips every sign, so debt_ratio stops being a reason.
    flipped = adverse_action_reasons(model, numeric, denied, favourable="bad")
    assert top_reason_share(flipped, "debt_ratio") < 0.2
    with pytest.raises(InputError, match="favourable"):
        adverse_action_reasons(model, numeric, denied, favourable="maybe")
    with pytest.raises(InputError, match="align"):
        adverse_action_reasons(model, numeric, denied[:10], favourable="good")
    with pytest.raises(InputError, match="baseline='mean'"):
        adverse_action_reasons(
            model, numeric, np.ones(numeric.height, dtype=bool), favourable="good"
        )


def test_summarise_reasons(data: tuple[pl.DataFrame, np.ndarray], linear: Any) -> None:
    X, _ = data
    denied = denied_by(linear, X)
    reasons = adverse_action_reasons(linear, X, denied)
    groups = pl.Series("region", np.where(np.arange(X.height) % 2 == 0, "even", "odd"))
    summary = summarise_reasons(reasons, groups, denied=denied, limit=3)
    assert [s["group"] for s in summary] == ["even", "odd"]
    for entry in summary:
        assert entry["attribute"] == "region"
        assert entry["top1"][0][0] == "debt_ratio: value too high"
        assert len(entry["top1"]) <= 3 and len(entry["top3"]) <= 3
        counts = [n for _, n in entry["top3"]]
        assert counts == sorted(counts, reverse=True)
        assert entry["top3"][0][1] >= entry["top1"][0][1]
        assert entry["top1"][0][1] <= entry["denied"]
    assert sum(s["denied"] for s in summary) == int(denied.sum())
    without_flags = summarise_reasons(reasons, groups)
    assert [s["top1"] for s in without_flags] == [s["top1"] for s in summary]


def test_german_credit_demo_model(tmp_path: Path) -> None:
    """The demo's LoadedModel (skops, one-hot + scaling + logistic regression, labels 1/2)."""
    german = load_german(german_path())
    path = train_credit_model(german, tmp_path / "credit.skops")
    model = load_model(path, favourable=1)
    X = german.drop(GERMAN_TARGET)
    denied = model.predict(X) == 0
    reasons = adverse_action_reasons(model, X, denied)
    assert set(reasons.get_column("applicant").to_list()) <= set(np.flatnonzero(denied).tolist())
    assert set(reasons.get_column("feature")) <= set(model.feature_names or [])
    occluded = adverse_action_reasons(model, X, denied, method="occlusion")
    # Both methods name checking_status most often as the principal reason.
    for frame in (reasons, occluded):
        top = frame.filter(pl.col("rank") == 1).get_column("feature").value_counts(sort=True)
        assert top.get_column("feature")[0] == "checking_status"


def test_sparse_output_and_dropped_categories(data: tuple[pl.DataFrame, np.ndarray]) -> None:
    """A sparse ColumnTransformer output and OneHotEncoder(drop="first") still map back."""
    X, y = data
    encoder = OneHotEncoder(handle_unknown="ignore", drop="first")
    columns = ColumnTransformer(
        [("coded", encoder, ["employment"]), ("numeric", StandardScaler(), NUMERIC)],
        sparse_threshold=1.0,
    )
    model = Pipeline([("features", columns), ("classifier", LogisticRegression(max_iter=1000))])
    model.fit(X.to_pandas(), y)
    denied = denied_by(model, X)
    reasons = adverse_action_reasons(model, X, denied, method="linear", top_n=10)
    assert set(reasons.get_column("feature")) <= set(X.columns)
    assert top_reason_share(reasons, "debt_ratio") > 0.8


@pytest.mark.parametrize(
    ("favourable", "unfavourable"), [(1, 2), (1, 0), ("good", "bad"), ("approved", "rejected")]
)
@pytest.mark.parametrize("method", ["linear", "occlusion"])
def test_reasons_follow_the_favourable_class_in_any_coding(
    favourable: object, unfavourable: object, method: str
) -> None:
    """Favourable first or second in classes_, numbers or strings: the principal reason of a
    denied applicant is a feature that pushed them towards denial (the sign of
    coef x (value - approved mean), with coef taken towards the favourable class)."""
    X, approved = credit_data(n=800, seed=4)
    numeric = X.select(NUMERIC)
    labels = np.where(approved == 1, favourable, unfavourable)  # type: ignore[call-overload]
    model = LogisticRegression(max_iter=1000).fit(numeric.to_pandas(), labels)
    denied = np.array([str(v) != str(favourable) for v in model.predict(numeric.to_pandas())])
    coef = np.asarray(model.coef_).reshape(-1)
    if str(model.classes_[0]) == str(favourable):
        coef = -coef
    reasons = adverse_action_reasons(
        model,
        numeric,
        denied,
        favourable=favourable,
        method=method,  # type: ignore[arg-type]
    )
    top = reasons.filter(pl.col("rank") == 1)
    assert top.height > 0
    values = numeric.to_numpy()
    baseline = values[~denied].mean(axis=0)
    for row, feature in top.select("applicant", "feature").iter_rows():
        j = NUMERIC.index(feature)
        assert coef[j] * (values[row, j] - baseline[j]) < 0, (row, feature)
    assert top_reason_share(reasons, "debt_ratio") > 0.8
    if sorted(str(c) for c in model.classes_) != ["0", "1"]:
        with pytest.raises(InputError, match="favourable="):
            adverse_action_reasons(model, numeric, denied, method=method)  # type: ignore[arg-type]
