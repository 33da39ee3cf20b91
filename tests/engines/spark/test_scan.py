"""``spark_scan_paths`` against ``scan_paths`` on the same files, with a real local Spark."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from pyspark.sql import SparkSession

from clearance.demo.ecommerce import generate
from clearance.detection.settings import DetectionSettings
from clearance.engines.spark import spark_scan_paths
from clearance.privacy import Fingerprinter
from clearance.scan import ScanOptions
from clearance.scan.scanner import scan_paths
from tests.engines.spark.conftest import settings

KEY = b"spark-test-key-7f3a9c0e5b2d4618"
REDACT_KEY = b"spark-redact-key-0b8e4f2a6c1d9357"
PLANTED_EMAIL = "zebulon.quispe@planted-example.org"
PLANTED_TOKEN = "ghp_" + "Zq7Rk2Lp9Xw4Nb6Vt1Mc8Hs3Jd5Fg0Ya2Ue4"


def _both(paths: list[Path], options: ScanOptions | None = None) -> tuple[Any, Any]:
    fp = Fingerprinter(KEY)
    local = scan_paths(
        paths, fingerprinter=fp, engine=DetectionSettings().engine(), options=options
    )
    on_spark = spark_scan_paths(paths, fingerprinter=fp, spark=settings(), options=options)
    return json.loads(local.model_dump_json()), json.loads(on_spark.model_dump_json())


def test_demo_dataset_same_report(spark: SparkSession, tmp_path: Path) -> None:
    generate(tmp_path / "demo")
    local, on_spark = _both([tmp_path / "demo"])
    assert local["summary"]["findings"] > 100  # the comparison is not between two empty reports
    assert on_spark == local


def _planted(tmp_path: Path) -> list[Path]:
    """A table of 30,000 rows (several Spark splits and several scan batches) with values
    planted at known rows, as Parquet (small row groups) and CSV."""
    rng = random.Random(3)
    n = 30_000
    rows = {
        "id": [f"R{i:06d}" for i in range(n)],
        "email": [f"user{i}@example.com" for i in range(n)],
        "note": [rng.choice(["ok", "late delivery", "fine", ""]) for _ in range(n)],
        "amount": [rng.randint(1, 500) for _ in range(n)],
    }
    rows["note"][17_321] = f"please write to {PLANTED_EMAIL}"
    rows["note"][29_998] = f"token {PLANTED_TOKEN} leaked"
    frame = pl.DataFrame(rows)
    parquet, csv = tmp_path / "t.parquet", tmp_path / "t.csv"
    frame.write_parquet(parquet, row_group_size=4_000)
    frame.write_csv(csv)
    return [parquet, csv]


def test_planted_table_same_report_across_splits(spark: SparkSession, tmp_path: Path) -> None:
    # every distinct value validated on both sides: beyond validate_limit the local scan counts
    # an entity column's values by pattern, which Spark does not (a documented difference)
    spark.conf.set("spark.sql.files.maxPartitionBytes", "65536")
    try:
        local, on_spark = _both(
            _planted(tmp_path), ScanOptions(batch_rows=7_000, validate_limit=None)
        )
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    assert on_spark == local
    rows = {
        (f["location"]["file"].rsplit(".", 1)[1], f["category"], f["location"]["row"])
        for f in on_spark["findings"]
        if f["location"]["column"] == "note"
    }
    for suffix in ("parquet", "csv"):  # in the third and the last Spark split of the file
        assert {(suffix, "pii", 17_321), (suffix, "secret", 29_998)} <= rows
    text = json.dumps(on_spark)
    assert PLANTED_EMAIL not in text and PLANTED_TOKEN not in text


def test_key_never_reaches_spark(spark: SparkSession, event_log: Path, tmp_path: Path) -> None:
    """The fingerprint key stays on the driver: not in Spark's conf, its event log (which
    records every job's plan) or the plan of the DataFrames the scan runs. The redaction's
    key (pseudonyms of the email column) reaches the executors as a broadcast only: not in
    the conf, the log or a plan either."""
    from clearance.engines.spark.redact import spark_redact_paths
    from clearance.engines.spark.tables import read_table

    paths = _planted(tmp_path)
    spark_scan_paths(paths, fingerprinter=Fingerprinter(KEY), spark=settings())
    manifest = spark_redact_paths(paths[:1], tmp_path / "out", key=REDACT_KEY, spark=settings())
    assert manifest.operators["column:t.email"] == "pseudonym (EMAIL_ADDRESS)"
    needles = [KEY.decode(), KEY.hex(), REDACT_KEY.decode(), REDACT_KEY.hex()]
    logged = "".join(p.read_text(errors="replace") for p in event_log.rglob("*") if p.is_file())
    assert "SparkListenerSQLExecutionStart" in logged  # the plans are in the log read here
    conf = json.dumps(spark.sparkContext.getConf().getAll())
    plan = read_table(spark, paths[0], "parquet")._jdf.queryExecution().toString()
    for needle in needles:
        assert needle not in logged and needle not in conf and needle not in plan


def test_executor_failure_is_one_line_without_values(spark: SparkSession, tmp_path: Path) -> None:
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(f"a,b\n1,2\n{PLANTED_EMAIL},3,4,5\n")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1" + PLANTED_EMAIL.encode() * 10 + b"PAR1")
    report = spark_scan_paths([ragged, broken], fingerprinter=Fingerprinter(KEY), spark=settings())
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == {"ragged.csv", "broken.parquet"}
    for reason in reasons.values():
        assert "\n" not in reason and PLANTED_EMAIL not in reason and "Traceback" not in reason


def test_sample_is_refused(spark: SparkSession, tmp_path: Path) -> None:
    from clearance.errors import PolicyError

    with pytest.raises(PolicyError, match="sample"):
        spark_scan_paths(
            [tmp_path], fingerprinter=Fingerprinter(KEY), options=ScanOptions(sample=5)
        )


def test_column_names_taken_from_data(spark: SparkSession, tmp_path: Path) -> None:
    """A column named by an e-mail address (a dot: Spark would read a struct field), and two
    names differing only by case, scan as locally."""
    data = tmp_path / "h.csv"
    data.write_text(f"id,{PLANTED_EMAIL},Email,email\n1,a,x@example.com,y@example.com\n")
    local, on_spark = _both([data])
    assert on_spark["skipped"] == [] and on_spark == local
