"""k-anonymity, l-diversity and prosecutor risk, checked against pycanon and a plain-Python count."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.audit.anonymity import (
    AnonymityReport,
    equivalence_class_sizes,
    measure_anonymity,
)
from clearance.errors import InputError, PolicyError

# pandas 3, under pycanon's groupby(by=[one column]).groups, announces a change of key type that
# does not touch the sizes pycanon reads; this one message is let through, nothing else.
pytestmark = pytest.mark.filterwarnings(
    "ignore:In a future version, the keys of `groups` will be a tuple:Warning"
)


def _pycanon_figures(frame: pl.DataFrame, qis: Sequence[str], sas: Sequence[str]) -> dict[str, Any]:
    # pycanon (the oracle, in the dev extra) is imported here so the property tests run without it.
    pycanon_anonymity = pytest.importorskip("pycanon.anonymity")
    pycanon_metrics = pytest.importorskip("pycanon.metrics")
    df = frame.to_pandas()
    out: dict[str, Any] = {
        "k": int(pycanon_anonymity.k_anonymity(df, list(qis))),
        "max_rir": float(pycanon_metrics.max_rir(df, list(qis))),
        "average_rir": float(pycanon_metrics.average_rir(df, list(qis))),
        "n_ec": int(pycanon_metrics.sizes_ec(df, list(qis))["n_ec"]),
        "l": {sa: int(pycanon_anonymity.l_diversity(df, list(qis), [sa])) for sa in sas},
        "entropy_l": {
            sa: int(pycanon_anonymity.entropy_l_diversity(df, list(qis), [sa])) for sa in sas
        },
    }
    if len(sas) > 1:
        out["l_all"] = int(pycanon_anonymity.l_diversity(df, list(qis), list(sas)))
    return out


def _plain_figures(frame: pl.DataFrame, qis: Sequence[str], k_threshold: int) -> dict[str, Any]:
    """The same figures from a Counter over row tuples: a second oracle that shares no code."""
    keys = list(zip(*(frame[q].to_list() for q in qis), strict=True))
    sizes = Counter(keys)
    per_record = [sizes[key] for key in keys]
    return {
        "rows": len(keys),
        "classes": len(sizes),
        "k": min(sizes.values(), default=0),
        "histogram": sorted(Counter(sizes.values()).items()),
        "below": sum(1 for s in per_record if s < k_threshold),
        "unique": sum(1 for s in per_record if s == 1),
        "record_avg_risk": sum(1 / s for s in per_record) / len(keys) if keys else 0.0,
    }


def _assert_matches_oracles(
    frame: pl.DataFrame, qis: Sequence[str], sas: Sequence[str], k_threshold: int
) -> AnonymityReport:
    report = measure_anonymity(frame, qis, sas, k_threshold=k_threshold)
    canon = _pycanon_figures(frame, qis, sas)
    plain = _plain_figures(frame, qis, k_threshold)

    assert report.k == canon["k"] == plain["k"]
    assert report.classes == canon["n_ec"] == plain["classes"]
    assert report.rows == plain["rows"] == frame.height
    assert report.prosecutor_risk_max == pytest.approx(canon["max_rir"], rel=1e-12)
    assert report.prosecutor_risk_avg_per_class == pytest.approx(canon["average_rir"], rel=1e-9)
    assert report.prosecutor_risk_avg == pytest.approx(plain["record_avg_risk"], rel=1e-9)
    assert report.class_size_histogram == plain["histogram"]
    assert report.records_below_k == plain["below"]
    assert report.unique_records == plain["unique"]
    assert report.l_diversity == canon["l"]
    if len(sas) > 1:
        assert min(report.l_diversity.values()) == canon["l_all"]
    for sa in sas:
        # pycanon truncates exp(entropy) to an int; allow for the last bit of float error.
        ours = report.entropy_l[sa]
        assert canon["entropy_l"][sa] in {math.floor(ours - 1e-9), math.floor(ours + 1e-9)}
        assert 1.0 - 1e-12 <= ours <= report.l_diversity[sa] + 1e-9
    return report


# --- (1) a hand-made table ------------------------------------------------------------------

HAND = pl.DataFrame(
    {
        "zip3": ["021", "021", "021", "021", "100", "100", "100", "945", "945", "606"],
        "birth_year": [1980, 1980, 1980, 1980, 1975, 1975, 1975, 1990, 1990, 1962],
        "gender": ["F", "F", "F", "F", "M", "M", "M", "F", "F", "M"],
        "diagnosis": ["flu", "flu", "asthma", "cold", "flu", "flu", "flu", "cold", "asthma", "flu"],
        "income": ["lo", "hi", "lo", "hi", "lo", "hi", "mid", "lo", "lo", "hi"],
    }
)


def test_hand_made_table_has_the_figures_worked_out_by_hand() -> None:
    # Classes: (021,1980,F) x4, (100,1975,M) x3, (945,1990,F) x2, (606,1962,M) x1.
    report = _assert_matches_oracles(
        HAND, ["zip3", "birth_year", "gender"], ["diagnosis", "income"], k_threshold=3
    )
    assert report.k == 1
    assert report.classes == 4
    assert report.class_size_histogram == [(1, 1), (2, 1), (3, 1), (4, 1)]
    assert report.records_below_k == 3  # the pair and the singleton
    assert report.share_below_k == pytest.approx(0.3)
    assert report.unique_records == 1
    assert report.sample_uniqueness == pytest.approx(0.1)
    assert report.prosecutor_risk_max == 1.0
    assert report.prosecutor_risk_avg == pytest.approx(4 / 10)
    assert report.prosecutor_risk_avg_per_class == pytest.approx((1 / 4 + 1 / 3 + 1 / 2 + 1) / 4)
    # diagnosis: {flu, asthma, cold}, {flu}, {cold, asthma}, {flu} -> l = 1
    assert report.l_diversity == {"diagnosis": 1, "income": 1}


def test_generalising_away_the_small_classes_raises_k() -> None:
    # Drop the singleton and the pair, and gender: two classes of 4 and 3 remain.
    frame = HAND.filter(pl.col("zip3").is_in(["021", "100"]))
    report = _assert_matches_oracles(frame, ["zip3", "birth_year"], ["diagnosis"], k_threshold=3)
    assert report.k == 3
    assert report.records_below_k == 0
    assert report.share_below_k == 0.0
    assert report.prosecutor_risk_max == pytest.approx(1 / 3)
    assert report.l_diversity == {"diagnosis": 1}  # the 1975 class all has flu
    # (021, 1980): flu x2, asthma, cold -> H = 1.5 ln 2 is the larger; the flu class gives 0.
    assert report.entropy_l == {"diagnosis": pytest.approx(1.0)}
    only_1980 = measure_anonymity(frame.filter(pl.col("zip3") == "021"), ["zip3"], ["diagnosis"])
    assert only_1980.entropy_l["diagnosis"] == pytest.approx(math.exp(1.5 * math.log(2)))
    assert only_1980.l_diversity["diagnosis"] == 3


def test_one_class_and_all_unique_extremes() -> None:
    same = pl.DataFrame({"a": [7] * 6})
    report = measure_anonymity(same, ["a"], k_threshold=7)
    assert (report.k, report.classes, report.records_below_k, report.share_below_k) == (6, 1, 6, 1)
    unique = pl.DataFrame({"a": list(range(6))})
    report = measure_anonymity(unique, ["a"], k_threshold=2)
    assert report.k == 1
    assert report.unique_records == 6
    assert report.sample_uniqueness == 1.0
    assert report.prosecutor_risk_avg == 1.0


def test_empty_table() -> None:
    report = measure_anonymity(HAND.head(0), ["zip3", "gender"], ["diagnosis"])
    assert report.rows == 0
    assert report.k == 0
    assert report.classes == 0
    assert report.class_size_histogram == []
    assert report.share_below_k == 0.0
    assert report.prosecutor_risk_max == 0.0
    assert report.l_diversity == {"diagnosis": 0}
    assert report.entropy_l == {"diagnosis": 0.0}


# --- nulls ------------------------------------------------------------------------------------

WITH_NULLS = pl.DataFrame(
    {
        "zip3": ["021", "021", None, None, None, "100", "100", None],
        "gender": ["F", "F", "M", "M", None, "M", "M", None],
        "diagnosis": ["flu", "cold", "flu", None, "flu", "flu", "cold", "cold"],
    }
)


def test_a_null_is_one_more_value() -> None:
    report = measure_anonymity(WITH_NULLS, ["zip3", "gender"], ["diagnosis"], k_threshold=2)
    # (021,F) x2, (null,M) x2, (null,null) x2, (100,M) x2: no record is dropped.
    assert report.rows == 8
    assert report.classes == 4
    assert report.k == 2
    assert report.class_size_histogram == [(2, 4)]
    # (null, M) holds flu and null: a null sensitive value is one distinct value.
    assert report.l_diversity == {"diagnosis": 2}
    sizes = equivalence_class_sizes(WITH_NULLS, ["zip3"], per_record=True)
    assert sizes["class_size"].to_list() == [2, 2, 4, 4, 4, 2, 2, 4]


def test_nulls_match_pycanon_once_replaced_by_a_sentinel() -> None:
    qis = ["zip3", "gender"]
    filled = WITH_NULLS.with_columns(pl.col(*qis, "diagnosis").fill_null("<null>"))
    ours = measure_anonymity(WITH_NULLS, qis, ["diagnosis"], k_threshold=2)
    assert ours == _assert_matches_oracles(filled, qis, ["diagnosis"], k_threshold=2)


# --- errors -----------------------------------------------------------------------------------


def test_missing_column_names_the_column_and_the_available_ones() -> None:
    with pytest.raises(InputError) as info:
        measure_anonymity(HAND, ["zip3", "postcode"], source="patients.csv")
    assert info.value.source == "patients.csv"
    assert "'postcode'" in info.value.reason
    assert "zip3, birth_year, gender, diagnosis, income" in info.value.reason
    with pytest.raises(InputError, match="sensitive attribute column 'disease'"):
        measure_anonymity(HAND, ["zip3"], ["disease"])
    with pytest.raises(InputError, match="'postcode'"):
        equivalence_class_sizes(HAND.lazy(), ["postcode"])


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(InputError, match="no quasi-identifiers"):
        measure_anonymity(HAND, [])
    with pytest.raises(InputError, match="lists of column names"):
        measure_anonymity(HAND, "zip3")
    with pytest.raises(InputError, match="listed twice"):
        measure_anonymity(HAND, ["zip3", "zip3"])
    with pytest.raises(InputError, match="both as a quasi-identifier and as sensitive"):
        measure_anonymity(HAND, ["zip3", "gender"], ["gender"])
    for bad in (0, -3, True):
        with pytest.raises(PolicyError, match="k_threshold"):
            measure_anonymity(HAND, ["zip3"], k_threshold=bad)


# --- equivalence_class_sizes ------------------------------------------------------------------


def test_equivalence_class_sizes_per_class_and_per_record() -> None:
    qis = ["zip3", "birth_year", "gender"]
    per_class = equivalence_class_sizes(HAND, qis)
    assert per_class.columns == [*qis, "class_size"]
    assert per_class["class_size"].to_list() == [1, 2, 3, 4]
    assert per_class.row(0) == ("606", 1962, "M", 1)
    per_record = equivalence_class_sizes(HAND.lazy(), qis, per_record=True)
    assert per_record.select(qis).equals(HAND.select(qis))
    assert per_record["class_size"].to_list() == [4, 4, 4, 4, 3, 3, 3, 2, 2, 1]
    report = measure_anonymity(HAND, qis, k_threshold=3)
    assert per_record.filter(pl.col("class_size") < 3).height == report.records_below_k


# --- (2) random tables ------------------------------------------------------------------------


def _random_table(seed: int, rows: int, spec: Sequence[tuple[str, int]], sas: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    columns: dict[str, Any] = {}
    for i, (kind, cardinality) in enumerate(spec):
        codes = rng.integers(0, cardinality, rows)
        if kind == "int":
            columns[f"q{i}"] = (codes * 7 - 3).astype(np.int64)
        else:
            columns[f"q{i}"] = [f"v{c}" for c in codes]
    for j in range(sas):
        columns[f"s{j}"] = [f"d{c}" for c in rng.integers(0, 1 + j * 3 + 1, rows)]
    return pl.DataFrame(columns)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(1, 250),
    spec=st.lists(
        st.tuples(st.sampled_from(["int", "str"]), st.integers(1, 6)), min_size=1, max_size=4
    ),
    sas=st.integers(0, 2),
    k_threshold=st.integers(1, 6),
)
def test_random_tables_match_pycanon(
    seed: int, rows: int, spec: list[tuple[str, int]], sas: int, k_threshold: int
) -> None:
    frame = _random_table(seed, rows, spec, sas)
    qis = [f"q{i}" for i in range(len(spec))]
    _assert_matches_oracles(frame, qis, [f"s{j}" for j in range(sas)], k_threshold)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(0, 300),
    spec=st.lists(
        st.tuples(st.sampled_from(["int", "str"]), st.integers(1, 8)), min_size=1, max_size=4
    ),
    k_threshold=st.integers(1, 10),
)
def test_properties_of_random_tables(
    seed: int, rows: int, spec: list[tuple[str, int]], k_threshold: int
) -> None:
    frame = _random_table(seed, rows, spec, sas=1)
    # Knock out some values: nulls must not change any of the invariants.
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) % 11 == seed % 11)
        .then(None)
        .otherwise(pl.col("q0"))
        .alias("q0")
    )
    qis = [f"q{i}" for i in range(len(spec))]
    report = measure_anonymity(frame, qis, ["s0"], k_threshold=k_threshold)
    sizes = equivalence_class_sizes(frame, qis)["class_size"].to_list()

    assert report.rows == frame.height == sum(sizes)
    assert report.classes == len(sizes)
    assert all(report.k <= s for s in sizes)
    assert report.k == (min(sizes) if sizes else 0)
    assert sum(n for _, n in report.class_size_histogram) == report.classes
    assert sum(s * n for s, n in report.class_size_histogram) == report.rows
    for share in (report.share_below_k, report.sample_uniqueness, report.prosecutor_risk_avg):
        assert 0.0 <= share <= 1.0
    assert report.prosecutor_risk_avg <= report.prosecutor_risk_max + 1e-12
    assert report.unique_records <= report.records_below_k or k_threshold == 1
    assert (report.records_below_k == 0) == (report.k >= k_threshold or report.rows == 0)

    order = list(range(frame.height))
    random.Random(seed).shuffle(order)
    shuffled = frame[order]
    assert measure_anonymity(shuffled, qis, ["s0"], k_threshold=k_threshold) == report
    assert measure_anonymity(
        frame.lazy(), list(reversed(qis)), ["s0"], k_threshold=k_threshold
    ) == (report.model_copy(update={"quasi_identifiers": list(reversed(qis))}))


def test_the_l_diversity_is_the_fewest_distinct_values_in_any_class() -> None:
    frame = _random_table(5, 400, [("str", 3), ("int", 3)], sas=2)
    report = measure_anonymity(frame, ["q0", "q1"], ["s0", "s1"])
    by_class: defaultdict[tuple[Any, ...], set[Any]] = defaultdict(set)
    for q0, q1, s1 in frame.select("q0", "q1", "s1").iter_rows():
        by_class[(q0, q1)].add(s1)
    assert report.l_diversity["s1"] == min(len(v) for v in by_class.values())
    assert report.l_diversity["s0"] == 2  # s0 has 2 values and 400 rows over 9 classes


# --- (3) German credit, a real table ----------------------------------------------------------


def _german() -> pl.DataFrame:
    here = Path(__file__).resolve()
    for root in (here.parents[2], here.parents[3]):
        path = root / "shared" / "data" / "german.data"
        if path.exists():
            break
    else:
        pytest.skip("shared/data/german.data is not present")
    names = {  # 1-based attribute numbers of german.txt
        4: "purpose",
        9: "personal_status_sex",
        13: "age",
        15: "housing",
        17: "job",
        20: "foreign_worker",
        21: "credit",
    }
    raw = pl.read_csv(path, separator=" ", has_header=False)
    assert raw.width == 21
    return raw.select(pl.nth(number - 1).alias(name) for number, name in names.items())


def test_german_credit_matches_pycanon() -> None:
    frame = _german()
    assert frame.height == 1000
    report = _assert_matches_oracles(
        frame, ["age", "personal_status_sex", "job"], ["purpose", "credit"], k_threshold=5
    )
    assert report.k == 1
    assert report.records_below_k > 0
    coarse = frame.with_columns((pl.col("age") // 10 * 10).alias("age"))
    _assert_matches_oracles(
        coarse, ["age", "personal_status_sex", "housing"], ["purpose", "credit"], k_threshold=5
    )


def test_a_column_named_like_a_pattern_is_measured_as_itself() -> None:
    # polars reads "^.*$" in pl.col as a regex over every column; the name is data
    frame = pl.DataFrame(
        {"^.*$": ["a", "a", "b", "b", "b"], "^a$": [1, 1, 2, 2, 3], "dx": ["x", "y", "x", "x", "z"]}
    )
    named = measure_anonymity(frame, ["^.*$", "^a$"], ["dx"], k_threshold=2).model_dump()
    plain = frame.rename({"^.*$": "p", "^a$": "q"})
    expected = measure_anonymity(plain, ["p", "q"], ["dx"], k_threshold=2).model_dump()
    assert named.pop("quasi_identifiers") == ["^.*$", "^a$"]
    expected.pop("quasi_identifiers")
    assert named == expected and named["k"] == 1
    sizes = equivalence_class_sizes(frame, ["^.*$", "^a$"], per_record=True)
    assert sizes.columns == ["^.*$", "^a$", "class_size"]
    assert sizes["class_size"].to_list() == [2, 2, 2, 2, 1]
