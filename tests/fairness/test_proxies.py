from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from clearance.demo.german import GERMAN_DERIVATIONS, GERMAN_TARGET, load_german
from clearance.errors import InputError
from clearance.fairness.models import Proxy
from clearance.fairness.proxies import find_proxies
from tests._data import german_path


def postcode_data(n: int = 3000, seed: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """40 postcodes, each with a majority ethnicity; the postcode gives the ethnicity 90% of the
    time. Codes are shuffled so their order says nothing (a tree on ordinal codes would fail)."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"P{i:03d}" for i in rng.permutation(40)])
    majority = np.array(["a", "b"] * 20)
    postcode_index = rng.integers(0, 40, n)
    flip = rng.random(n) >= 0.9
    ethnicity = np.where(
        flip, np.where(majority[postcode_index] == "a", "b", "a"), majority[postcode_index]
    )
    features = pl.DataFrame(
        {
            "postcode": codes[postcode_index],
            "noise": rng.normal(size=n),
            "noise_code": rng.choice(["x", "y", "z"], n),
        }
    )
    return features, pl.DataFrame({"ethnicity": ethnicity})


def by_feature(proxies: list[Proxy], attribute: str) -> dict[str, Proxy]:
    return {p.feature: p for p in proxies if p.attribute == attribute}


def test_postcode_flagged_noise_not() -> None:
    features, sensitive = postcode_data()
    result = by_feature(find_proxies(features, sensitive), "ethnicity")
    postcode = result["postcode"]
    assert postcode.flagged and postcode.auc > 0.85
    # Binary attribute, 90% accuracy: MI = ln 2 - H(0.1) = 0.368 nats, less the estimator's noise.
    assert 0.3 < postcode.mutual_information < 0.45
    for name in ("noise", "noise_code"):
        assert not result[name].flagged, result[name]
        assert abs(result[name].auc - 0.5) < 0.05
        assert result[name].mutual_information < 0.02


def test_sorted_by_auc_and_deterministic() -> None:
    features, sensitive = postcode_data()
    first = find_proxies(features, sensitive, seed=3)
    assert first[0].feature == "postcode"
    assert [p.auc for p in first] == sorted((p.auc for p in first), reverse=True)
    assert find_proxies(features, sensitive, seed=3) == first


def test_subsample_is_seeded_and_still_finds_the_proxy() -> None:
    features, sensitive = postcode_data()
    first = find_proxies(features, sensitive, max_rows=1000, seed=1)
    assert first == find_proxies(features, sensitive, max_rows=1000, seed=1)
    assert first != find_proxies(features, sensitive, max_rows=1000, seed=2)
    assert by_feature(first, "ethnicity")["postcode"].auc > 0.85


def test_exclusions_mapping_and_names() -> None:
    features, sensitive = postcode_data()
    sensitive = sensitive.with_columns(other=pl.Series(["u", "v"] * (sensitive.height // 2)))
    per_attribute = find_proxies(features, sensitive, exclude={"ethnicity": ["postcode"]})
    assert "postcode" not in by_feature(per_attribute, "ethnicity")
    assert "postcode" in by_feature(per_attribute, "other")
    everywhere = find_proxies(features, sensitive, exclude=["postcode"])
    assert all(p.feature != "postcode" for p in everywhere)
    single = find_proxies(features, sensitive, exclude="postcode")
    assert single == everywhere


def test_thresholds_decide_flagging() -> None:
    features, sensitive = postcode_data()
    proxies = find_proxies(features, sensitive, mi_threshold=math.inf, auc_threshold=0.99)
    assert not any(p.flagged for p in proxies)
    proxies = find_proxies(features, sensitive, mi_threshold=0.0)
    assert all(p.flagged for p in proxies)


def test_multiclass_missing_values_and_tiny_groups() -> None:
    rng = np.random.default_rng(5)
    n = 1500
    group = rng.choice(["a", "b", "c"], n)
    income = np.where(group == "a", 0.0, np.where(group == "b", 2.0, 4.0)) + rng.normal(size=n)
    income_with_gaps = [None if i % 10 == 0 else float(v) for i, v in enumerate(income)]
    attribute = group.astype(object)
    attribute[:2] = "rare"  # 2 rows: too few for 3 folds, left out rather than failing
    attribute[2:50] = None  # missing values are their own group
    features = pl.DataFrame({"income": income_with_gaps, "noise": rng.normal(size=n)})
    sensitive = pl.DataFrame({"group": pl.Series(attribute, dtype=pl.String)})
    result = by_feature(find_proxies(features, sensitive), "group")
    # Macro over four groups, one of them the unpredictable "(missing)" group (AUC ~0.5).
    assert result["income"].flagged and result["income"].auc > 0.7
    assert not result["noise"].flagged


def test_degenerate_inputs() -> None:
    features, sensitive = postcode_data(n=60)
    constant = pl.DataFrame({"one": ["x"] * 60})
    assert find_proxies(features, constant) == []
    with pytest.raises(InputError, match="row-aligned"):
        find_proxies(features.head(10), sensitive)
    with pytest.raises(InputError, match="not supported"):
        find_proxies(pl.DataFrame({"l": [[1]] * 60}), sensitive)


@pytest.fixture(scope="module")
def german_proxies() -> list[Proxy]:
    german = load_german(german_path())
    sex = GERMAN_DERIVATIONS["sex"]
    assert sex.map is not None
    sensitive = pl.DataFrame(
        {"sex": german.get_column(sex.source).replace_strict(sex.map, return_dtype=pl.String)}
    )
    return find_proxies(
        german.drop(GERMAN_TARGET), sensitive, exclude={"sex": [sex.source]}, seed=0
    )


def test_german_credit_sex_proxies(german_proxies: list[Proxy]) -> None:
    """Sex is folded into personal_status_sex, which is excluded; what is left only weakly
    reveals it (recorded with seed 0: age AUC 0.655 / MI 0.035 nats, employment 0.624, housing
    0.610; every other feature below AUC 0.6 and MI 0.03)."""
    result = by_feature(german_proxies, "sex")
    assert "personal_status_sex" not in result
    assert len(result) == 19
    # Robust facts: no strong proxy, and age is among the strongest (women in the data are
    # younger on average); the exact AUCs near the 0.65 threshold are not asserted.
    assert all(p.auc < 0.75 and p.mutual_information < 0.1 for p in result.values())
    top3 = sorted(result.values(), key=lambda p: -p.auc)[:3]
    assert "age" in {p.feature for p in top3}
    assert result["age"].auc > 0.6
    for weak in ("duration", "credit_amount", "checking_status", "savings", "foreign_worker"):
        assert not result[weak].flagged, result[weak]
