"""``spark_audit_paths`` against ``audit_sources`` on the same files, with a real local Spark:
the JSON reports are equal (the report has no timing or engine field, so nothing is left out of
the comparison)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from pyspark.sql import SparkSession

from clearance.audit.run import audit_sources
from clearance.demo.ecommerce import generate, write_policy
from clearance.engines.spark.audit import spark_audit_paths
from clearance.engines.spark.audit_tables import SparkTable
from clearance.privacy import Fingerprinter
from tests.audit.test_streaming import _POLICY, _planted
from tests.engines.spark.conftest import settings

FP = Fingerprinter(b"test-key-0123456789")


@pytest.fixture
def spark_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The tables whose aggregates Spark computed (a report equal to the local one must not
    come from tables the local reader held)."""
    calls: list[str] = []
    real = SparkTable.group_counts

    def counted(self: SparkTable, *args: Any) -> pl.DataFrame:
        calls.append(self.name)
        return real(self, *args)

    monkeypatch.setattr(SparkTable, "group_counts", counted)
    yield calls


@pytest.fixture
def small_splits(spark: SparkSession) -> Iterator[None]:
    """Files read in several Spark splits (several partitions, and several splits of one file)."""
    spark.conf.set("spark.sql.files.maxPartitionBytes", "16384")
    yield
    spark.conf.unset("spark.sql.files.maxPartitionBytes")


def _both(paths: list[Path], policy: Path | None, **spark_args: Any) -> tuple[Any, Any]:
    local = audit_sources(paths, policy_path=policy, fingerprinter=FP)
    on_spark = spark_audit_paths(
        paths, policy_path=policy, fingerprinter=FP, spark=settings(), **spark_args
    )
    return json.loads(local.model_dump_json()), json.loads(on_spark.model_dump_json())


def test_demo_dataset_same_report(
    spark: SparkSession, tmp_path: Path, spark_calls: list[str]
) -> None:
    generate(tmp_path / "data", users=400, seed=11)
    policy = write_policy(tmp_path / "clearance.yaml")
    local, on_spark = _both([tmp_path / "data"], policy)
    assert local["summary"]["findings"] > 10 and local["anonymity"] and local["retention"]
    assert on_spark == local
    assert {"users", "orders"} <= set(spark_calls)  # CSV and Parquet held by Spark


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_planted_issues_same_report_across_splits(
    spark: SparkSession, tmp_path: Path, fmt: str, small_splits: None, spark_calls: list[str]
) -> None:
    _planted(tmp_path / "data")
    if fmt == "csv":
        for path in sorted((tmp_path / "data").glob("*.parquet")):
            pl.read_parquet(path).write_csv(path.with_suffix(".csv"))
            path.unlink()
    (tmp_path / "policy.yaml").write_text(_POLICY)
    local, on_spark = _both([tmp_path / "data"], tmp_path / "policy.yaml")
    assert on_spark == local
    rules = {f["rule"] for f in local["findings"]}
    assert {"k-anonymity", "l-diversity", "retention", "retention-unparseable", "consent"} <= rules
    assert {"linkage-self-identifying-text", "linkage-repeated-identifier"} <= rules
    assert not [c for c in local["checks"] if c["status"] == "failed"]
    assert set(spark_calls) >= {"users", "orders"}


def test_awkward_values_and_names_same_report(
    spark: SparkSession, tmp_path: Path, small_splits: None
) -> None:
    """Nulls, NaN and -0.0 in quasi-identifiers, keys that are integers in one table and
    zero-padded text in another, epoch seconds with NaN, column names that are patterns, markup,
    escapes or an e-mail address; an empty CSV and a nested Parquet file (read locally)."""
    n = 900
    names = ["^.*$", "<script>alert(1)</script>", "ana.silva@example.org", "\x1b[31mred"]
    pl.DataFrame(
        {
            "user_id": list(range(n)),
            "email": [f"user{i}@example.org" for i in range(n)],
            "postcode": [None if i % 17 == 0 else f"{i % 7:05d}" for i in range(n)],
            "score": [float("nan") if i % 5 == 0 else (-0.0 if i % 2 else 0.0) for i in range(n)],
            "gender": [None if i % 11 == 0 else "fm"[i % 2] for i in range(n)],
            "signup_ts": [None if i % 13 == 0 else 1.7e9 - i * 86_400.0 for i in range(n)],
            names[0]: [f"{i % 150}" for i in range(n)],
            names[1]: [f"user{i}@example.org" for i in range(n)],
            names[2]: list(range(n)),
            names[3]: ["x"] * n,
        }
    ).write_parquet(tmp_path / "users.parquet", row_group_size=100)
    pl.DataFrame(
        {
            "user_id": [f"{i % (n + 40):04d}" for i in range(2 * n)],
            "text": [
                f"the kettle came {i % 9} days late, mail me at user{i % (n + 40)}@example.org"
                if i % 50 == 0
                else f"the lamp came {i % 9} days late but works well, would buy again"
                for i in range(2 * n)
            ],
            "created_at": [
                (dt.date(2026, 1, 31) - dt.timedelta(days=i % 700)).isoformat()
                for i in range(2 * n)
            ],
        }
    ).write_csv(tmp_path / "orders.csv")
    (tmp_path / "empty.csv").write_text("a,b\n")
    pl.DataFrame({"id": [1, 2], "meta": [{"x": 1}, {"x": 2}]}).write_parquet(
        tmp_path / "nested.parquet"
    )
    (tmp_path / "p.yaml").write_text(
        "version: 1\nreference_date: 2026-01-31\nsubject_key: user_id\nk: 3\n"
        "tables:\n  users:\n    retention_days: 400\n    timestamp: signup_ts\n"
        "    quasi_identifiers: [postcode, score, gender]\n    sensitive_attributes: ['^.*$']\n"
        "  orders:\n    retention_days: 365\n"
    )
    local, on_spark = _both([tmp_path], tmp_path / "p.yaml")
    assert on_spark == local
    assert {"empty", "nested", "users", "orders"} == {t["name"] for t in local["tables"]}
    assert {"k-anonymity", "retention", "linkage-self-identifying-text"} <= {
        f["rule"] for f in local["findings"]
    }
    text = json.dumps(on_spark)
    assert "ana.silva@example.org" not in text and "user10@example.org" not in text


def test_a_catalog_table_is_audited_as_its_file(spark: SparkSession, tmp_path: Path) -> None:
    _planted(tmp_path / "data")
    for name in ("users", "orders", "events"):
        spark.read.parquet(str(tmp_path / "data" / f"{name}.parquet")).coalesce(
            1
        ).createOrReplaceTempView(name)
    (tmp_path / "policy.yaml").write_text(_POLICY)
    local = audit_sources(
        [tmp_path / "data"], policy_path=tmp_path / "policy.yaml", fingerprinter=FP
    )
    on_spark = spark_audit_paths(
        [], policy_path=tmp_path / "policy.yaml", fingerprinter=FP, spark=settings(),
        tables=["events", "orders", "users"],  # the files' order: pairs are ordered
    )  # fmt: skip

    def shape(report: Any) -> list[tuple[Any, ...]]:
        return sorted(
            (f.rule, f.location.table, f.location.column, f.count, f.severity.value)
            for f in report.findings
        )

    assert shape(on_spark) == shape(local) and len(local.findings) > 10
    assert on_spark.anonymity == local.anonymity and on_spark.consent == local.consent
    assert {t.origin for t in on_spark.tables} == {
        "catalog:users",
        "catalog:orders",
        "catalog:events",
    }


def test_epoch_seconds_with_nan_same_report(spark: SparkSession, tmp_path: Path) -> None:
    """Epoch seconds with NaN and infinities: unreadable timestamps on both engines (the check
    runs; it failed on both before), the same report."""
    pl.DataFrame(
        {
            "email": ["zebulon.quispe@planted-example.org", "b@example.org", "c@example.org"],
            "ts": [1.7e9, float("nan"), float("inf")],
        }
    ).write_parquet(tmp_path / "t.parquet")
    (tmp_path / "p.yaml").write_text(
        "version: 1\ntables:\n  t:\n    retention_days: 30\n    timestamp: ts\n"
    )
    local, on_spark = _both([tmp_path / "t.parquet"], tmp_path / "p.yaml")
    assert on_spark == local
    assert [c["status"] for c in local["checks"] if c["rule"] == "retention"] == ["ran"]
    assert local["retention"][0]["unparseable"] == 2
    assert "planted" not in json.dumps(on_spark)


def test_unreadable_inputs_are_skipped_as_locally(spark: SparkSession, tmp_path: Path) -> None:
    """Files Spark cannot read are left to the local reader: skipped with the local engine's
    one-line reason (never a value); a catalog name that is no table is skipped too."""
    secret = "zebulon.quispe@planted-example.org"
    (tmp_path / "ragged.csv").write_text(f"a,b\n1,2\n{secret},3,4,5\n")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1" + secret.encode() * 10 + b"PAR1")
    (tmp_path / "ok.csv").write_text("id,city\n1,Leeds\n2,York\n")
    local = audit_sources([tmp_path], fingerprinter=FP)
    report = spark_audit_paths(
        [tmp_path], fingerprinter=FP, spark=settings(), tables=["no_such_table"]
    )
    assert report.skipped[:2] == local.skipped and len(local.skipped) == 2
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == {"ragged.csv", "broken.parquet", "catalog:no_such_table"}
    for reason in reasons.values():
        assert "\n" not in reason and secret not in reason and "Traceback" not in reason
    assert [t.name for t in report.tables] == ["ok"]


def test_no_value_or_key_reaches_spark_logs(
    spark: SparkSession, event_log: Path, tmp_path: Path
) -> None:
    """The fingerprint key stays on the driver; the values the checks send to the executors
    (subject keys, the subjects' lowercased e-mail addresses for the self-identifying text
    check) travel as data, never in Spark's conf or its event log (which records every plan)."""
    _planted(tmp_path / "data")
    (tmp_path / "policy.yaml").write_text(_POLICY)
    report = spark_audit_paths(
        [tmp_path / "data"], policy_path=tmp_path / "policy.yaml", fingerprinter=FP,
        spark=settings(),
    )  # fmt: skip
    assert "linkage-self-identifying-text" in {f.rule for f in report.findings}
    logged = "".join(p.read_text(errors="replace") for p in event_log.rglob("*") if p.is_file())
    assert "SparkListenerSQLExecutionStart" in logged  # the plans are in the log read here
    conf = json.dumps(spark.sparkContext.getConf().getAll())
    for needle in ["test-key-0123456789", b"test-key-0123456789".hex(), "user97@example.org"]:
        assert needle not in logged and needle not in conf


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_withdrawal_after_the_snapshot_same_report(
    spark: SparkSession, tmp_path: Path, fmt: str
) -> None:
    from clearance.audit.consent_records import consent_table
    from tests.audit.checks.test_consent import EVENTS, REVIEWS

    data = tmp_path / "data"
    data.mkdir()
    table = consent_table(EVENTS)
    if fmt == "parquet":
        table.write_parquet(data / "consent.parquet")
    else:  # timestamps as text, as a CSV consent table holds them
        table.write_csv(data / "consent.csv")
    pl.DataFrame(REVIEWS).write_csv(data / "reviews.csv")
    policy = tmp_path / "clearance.yaml"
    policy.write_text(
        "purpose: model-training\nsubject_key: user_id\n"
        "consent: {table: consent, column: consent, subject_key: subject_id, "
        "snapshot_date: 2025-03-01}\n"
    )
    local, on_spark = _both([data], policy)
    late = [f for f in local["findings"] if f["rule"] == "consent-withdrawn-after-snapshot"]
    assert {(f["location"]["table"], f["count"]) for f in late} == {("consent", 1), ("reviews", 2)}
    assert on_spark == local


def test_join_keys_travel_as_keyed_fingerprints(
    spark: SparkSession, event_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Subject detection, consent, the self-identifying text check and repeated identifiers
    join tables on keys: on Spark the keys are keyed fingerprints, so no key or identifier text
    comes back to the driver in an aggregate or reaches Spark's event log, and the report is
    the local engine's."""
    data = tmp_path / "data"
    data.mkdir()
    keys = [f"zq-planted-key-{i:04d}" for i in range(300)]
    pl.DataFrame(
        {
            "customer_id": keys,
            "email": [f"zq-buyer{i}@example.org" for i in range(300)],
            "consent": ["model-training" if i % 3 else "marketing" for i in range(300)],
        }
    ).write_parquet(data / "customers.parquet", row_group_size=100)
    pl.DataFrame(
        {
            "customer_id": [keys[i % 300] if i % 50 else f"zq-unknown-{i}" for i in range(1200)],
            "review": [
                f"The parcel came {i % 9} days late but the lamp works well, would buy again"
                + (f"; questions to zq-buyer{i % 300}@example.org" if i % 40 == 0 else "")
                for i in range(1200)
            ],
            # the same addresses again: a repeated identifier, compared by fingerprint too
            "contact": [f"zq-buyer{i % 300}@example.org" for i in range(1200)],
        }
    ).write_csv(data / "reviews.csv")
    (tmp_path / "p.yaml").write_text(
        "version: 1\nconsent: {table: customers, column: consent}\n"
    )
    collected: list[str] = []
    real = SparkTable.group_counts

    def recorded(self: SparkTable, *args: Any) -> pl.DataFrame:
        out = real(self, *args)
        collected.append(out.write_csv())
        return out

    monkeypatch.setattr(SparkTable, "group_counts", recorded)
    monkeypatch.setattr(SparkTable, "distinct", lambda *a: pytest.fail("raw values collected"))
    # the run's secret (pickled with the executors' tasks) is not in the event log either
    secret = b"zq-run-secret-0123456789abcdef!!"
    monkeypatch.setattr("clearance.engines.spark.audit.run_secret", lambda: secret)
    local, on_spark = _both([data], tmp_path / "p.yaml")
    assert on_spark == local
    assert {c["table"] for c in local["consent"]} == {"customers", "reviews"}
    rules = {f["rule"] for f in local["findings"]}
    assert {"consent", "linkage-self-identifying-text", "linkage-repeated-identifier"} <= rules
    assert collected and not [c for c in collected if "zq-" in c]
    logged = "".join(p.read_text(errors="replace") for p in event_log.rglob("*") if p.is_file())
    assert "SparkListenerSQLExecutionStart" in logged and "zq-" not in logged
    assert secret.hex() not in logged
