"""The local driver's aggregates in passes (:mod:`clearance.audit.plans`): as many as the
distinct values need, the same results as one pass."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from clearance.audit import plans
from clearance.audit.sources import load_files


@pytest.fixture
def table(tmp_path: Path, audit_passes: list[int]) -> plans.PolarsAggregates:
    n = 2000
    pl.DataFrame(
        {
            "id": [f"U{i % 700:04d}" if i % 13 else None for i in range(n)],
            "tier": [("gold", "silver")[i % 2] for i in range(n)],
            "zip": [f"{i % 300:05d}" for i in range(n)],
            "year": [1950 + i % 29 for i in range(n)],
            # 4 or 5 values in every class of zip but one (the least: in one pass only)
            "diag": [
                "x" if i % 300 == 7 else ("a", "b", "c", "d", None)[i // 300 % 5] for i in range(n)
            ],
        }
    ).write_parquet(tmp_path / "t.parquet", row_group_size=256)
    (lazy,), _ = load_files([tmp_path / "t.parquet"], streaming=True)
    return lazy


def test_passes_follow_the_distinct_values_not_the_rows(table: plans.PolarsAggregates) -> None:
    data = table.data.lazy()
    assert table._passes(data, [pl.col("tier")]) == 1  # two values, 2,000 rows
    # 700 ids (HyperLogLog's estimate, within a few percent), 300 per pass
    assert table._passes(data, [pl.col("id")]) == 3
    eager = plans.Polars(table.data.collect())
    assert eager._passes(eager.data.lazy(), [pl.col("id")]) == 1  # in memory: one pass


def test_every_aggregate_in_passes_equals_one_pass(
    table: plans.PolarsAggregates, audit_passes: list[int]
) -> None:
    eager = plans.Polars(table.data.collect())
    key = pl.col("id").str.to_lowercase()
    right = pl.DataFrame({"_k": [f"u{i:04d}" for i in range(0, 1800, 2)]}).with_columns(
        (pl.col("_k").str.slice(-1) == "0").alias("_flag")
    )
    ids = right.select("_k", pl.col("_k").alias("_id0")).with_row_index("_subject_row")
    text = pl.concat_str(pl.lit("from "), pl.col("id").str.to_lowercase(), pl.lit(" hi"))

    def everything(t: plans.PolarsAggregates) -> tuple[object, ...]:
        counts = t.group_counts({"k": key}, {"gold": pl.col("tier") == "gold"})
        return (
            sorted(t.distinct("id").to_list(), key=str),
            counts.sort("k").rows(),
            t.class_sizes(["zip"], ["diag", "tier"]),
            t.class_sizes(["zip", "year"], []),
            t.key_stats(key),
            t.match_counts(key, right),
            t.text_hits(key, text, ids, 1),
        )

    expected = everything(eager)
    audit_passes.clear()  # the in-memory table's single passes
    assert everything(table) == expected
    assert len(audit_passes) >= 6 and min(audit_passes) >= 2  # every aggregate took passes
    hits, first = expected[6][0]
    assert hits > 0 and first == "u0000"  # the first subject's first text
    assert expected[2][1][0] == (1, 0.0)  # the one class of a single diagnosis
