"""Each aggregate of :class:`SparkTable` equals the local driver's (:class:`Polars`) on a table
read in many Spark splits, with nulls, NaN, -0.0 and keys of mixed forms."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest
from pyspark.sql import SparkSession

from clearance.audit.keys import key_expr
from clearance.audit.plans import Polars
from clearance.detection.settings import DetectionSettings
from clearance.engines.spark.audit_tables import SparkTable
from clearance.engines.spark.tables import read_table

N = 3_000


@pytest.fixture(scope="module")
def tables(
    spark: SparkSession, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Polars, SparkTable]]:
    path = tmp_path_factory.mktemp("t") / "t.parquet"
    frame = pl.DataFrame(
        {
            "id": [None if i % 97 == 0 else f" {i % 1000:04d}" for i in range(N)],
            "zip": [None if i % 13 == 0 else f"{i % 7:05d}" for i in range(N)],
            "x": [math.nan if i % 5 == 0 else (-0.0 if i % 2 else 0.0) for i in range(N)],
            "v": [None if i % 11 == 0 else -float(i) for i in range(N)],
            "text": [f"note {i} to user{i % 50}@example.org" for i in range(N)],
        }
    )
    frame.write_parquet(path, row_group_size=200)
    spark.conf.set("spark.sql.files.maxPartitionBytes", "4096")
    df = read_table(spark, path, "parquet")
    yield Polars(frame), SparkTable("t", str(path), df, "parquet", DetectionSettings())
    spark.conf.unset("spark.sql.files.maxPartitionBytes")


def _sorted(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    return sorted(frame.rows(), key=repr)


def test_shape_and_first_rows(tables: tuple[Polars, SparkTable]) -> None:
    local, spark = tables
    assert spark.df.rdd.getNumPartitions() > 2  # the order crosses splits
    assert spark.schema == local.schema and spark.height == local.height == N
    assert spark.head("v", 1000).to_list() == local.head("v", 1000).to_list()
    assert spark.max_abs("v") == local.max_abs("v") == N - 1
    assert spark.max_abs("x") == local.max_abs("x") == 0.0  # NaN passed over as locally


def test_counts_and_classes(tables: tuple[Polars, SparkTable]) -> None:
    local, spark = tables
    key = key_expr("id", pl.String())
    keys = {"k": key, "z": pl.col("zip")}
    sums = {"neg": pl.col("v") < -100, "has_x": pl.col("x").is_not_nan()}
    spark_counts = spark.group_counts(keys, sums).select("k", "z", "rows", "neg", "has_x")
    local_counts = local.group_counts(keys, sums).select("k", "z", "rows", "neg", "has_x")
    assert _sorted(spark_counts) == _sorted(local_counts)
    assert spark.class_sizes(["zip", "x"], ["id", "v"]) == local.class_sizes(
        ["zip", "x"], ["id", "v"]
    )
    assert spark.class_sizes(["zip"], []) == local.class_sizes(["zip"], [])
    assert spark.key_stats(key) == local.key_stats(key)
    assert sorted(spark.distinct("zip").to_list(), key=repr) == sorted(
        local.distinct("zip").to_list(), key=repr
    )


def test_joins_and_texts(tables: tuple[Polars, SparkTable]) -> None:
    local, spark = tables
    key = key_expr("id", pl.String())
    right = pl.DataFrame({"_k": [str(i) for i in range(0, 1000, 3)], "_flag": [True, False] * 167})
    assert spark.match_counts(key, right) == local.match_counts(key, right)
    exprs = {"k": key, "t": pl.col("text").str.to_uppercase()}
    assert spark.rows(exprs).equals(local.rows(exprs))
    ids = pl.DataFrame(
        {"_k": [str(i) for i in range(60)], "_id0": [f"user{i % 50}@example.org" for i in range(60)],
         "_id1": ["to"] * 60}
    ).with_row_index("_subject_row")  # fmt: skip
    text = pl.col("text").str.to_lowercase()
    hits = spark.text_hits(key, text, ids, 2)
    assert hits == local.text_hits(key, text, ids, 2)
    assert hits[0][0] > 0 and hits[1] == (0, None)  # an identity under 3 characters never hits
