"""``spark_redact_paths`` against ``redact_paths`` on the same files, with a real local Spark."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.demo.ecommerce import generate
from clearance.engines.spark.redact import spark_redact_paths
from clearance.errors import InputError
from clearance.io import readers
from clearance.io.files import file_sha256
from clearance.io.tags import SIDECAR_SUFFIX, verify_tags
from clearance.redact import RedactSettings, redact_paths
from clearance.redact.manifest import RedactManifest
from tests.engines.spark.conftest import MASTER, settings

KEY = b"spark-redact-key-5d1e8b2c7a904f36"
PLANTED_EMAIL = "zebulon.quispe@planted-example.org"
PLANTED_DATE = "not-a-date-zebulon-quispe"


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    strings = readers.as_strings(frame)
    return strings.sort(strings.columns, nulls_last=True)


def _local_table(path: Path) -> pl.DataFrame:
    if path.suffix == ".csv":
        return pl.read_csv(path, infer_schema=False)
    if path.suffix == ".jsonl":
        return pl.read_ndjson(path)
    return pl.read_parquet(path, hive_partitioning=True)


def _spark_table(folder: Path) -> pl.DataFrame:
    return pl.read_parquet(folder / "**" / "*.parquet", hive_partitioning=True)


def _check_manifest(manifest: RedactManifest, out: Path) -> None:
    """Every output and tags sidecar the manifest lists is there with its hash; nothing staged
    is left behind."""
    assert manifest.published and manifest.rescan.remaining == 0
    for entry in [*manifest.outputs, *manifest.tags]:
        assert file_sha256(out / entry.path) == entry.sha256
    for tags in manifest.tags:
        data = json.loads((out / tags.path).read_text())
        assert data["run_id"] == manifest.run_id and data["columns"]
        # verified as a local output is: the folder, and each of its part files
        folder = out / tags.path.removesuffix(SIDECAR_SUFFIX)
        assert verify_tags(folder).run_id == manifest.run_id
        for part in folder.rglob("*.parquet"):
            assert verify_tags(part) == verify_tags(folder)
    assert not [p for p in out.rglob(".clearance-*")]


def test_demo_dataset_same_copies_as_local(spark: SparkSession, tmp_path: Path) -> None:
    generate(tmp_path / "demo")
    local = redact_paths([tmp_path / "demo"], tmp_path / "local", key=KEY)
    on_spark = spark_redact_paths(
        [tmp_path / "demo"], tmp_path / "spark", key=KEY, spark=settings()
    )
    _check_manifest(on_spark, tmp_path / "spark")
    assert on_spark.operators == local.operators
    assert any(v.startswith("pseudonym") for v in on_spark.operators.values())  # keyed
    assert [s.path for s in on_spark.skipped] == [str(tmp_path / "demo" / "settings.py")]
    assert [(e.path, e.rows) for e in on_spark.inputs] == [
        (e.path, e.rows) for e in local.inputs if not e.path.endswith(".py")
    ]
    for name in ("users.csv", "orders.parquet", "reviews.jsonl"):
        mine = _spark_table(tmp_path / "spark" / "demo" / Path(name).stem)
        theirs = _local_table(tmp_path / "local" / "demo" / name)
        assert mine.columns == theirs.columns
        assert _sorted(mine).equals(_sorted(theirs)), name
    # a copy changed, added to or cut after the run fails the verification
    users = tmp_path / "spark" / "demo" / "users"
    part = next(users.glob("*.parquet"))
    extra = users / "part-extra.parquet"
    extra.write_bytes(part.read_bytes())
    with pytest.raises(InputError, match="other files"):
        verify_tags(users)
    extra.unlink()
    pl.read_parquet(part).head(1).write_parquet(part)
    for path in (users, part):
        with pytest.raises(InputError, match="changed since"):
            verify_tags(path)
    part.unlink()
    with pytest.raises(InputError, match="other files"):
        verify_tags(users)


def _planted(root: Path) -> tuple[Path, Path]:
    """A table of 30,000 rows written as one Parquet file (small row groups: several Spark
    splits) and as a CSV folder partitioned by year, with values planted past the rows the
    plan is made on."""
    rng = random.Random(5)
    n = 30_000
    rows = {
        "order_id": [f"O{i:06d}" for i in range(n)],
        "email": [f"buyer{i % 7_000}@example.com" for i in range(n)],
        "note": [rng.choice(["ok", "late delivery", "fine", ""]) for _ in range(n)],
        "amount": [rng.randint(1, 500) for _ in range(n)],
        "year": [str(2023 + i % 2) for i in range(n)],
    }
    rows["note"][17_321] = f"please write to {PLANTED_EMAIL}"
    rows["note"][29_998] = f"call me at +1 303 354-7468, {PLANTED_EMAIL}"
    frame = pl.DataFrame(rows)
    parquet = root / "orders.parquet"
    root.mkdir()
    frame.write_parquet(parquet, row_group_size=4_000)
    lake = root / "lake" / "reviews"
    for year, part in frame.group_by("year", maintain_order=True):
        folder = lake / f"year={year[0]}"
        folder.mkdir(parents=True)
        part.drop("year").write_csv(folder / "part-0.csv")
    return parquet, lake


def test_planted_table_and_partitioned_folder_same_as_local(
    spark: SparkSession, tmp_path: Path
) -> None:
    parquet, lake = _planted(tmp_path / "in")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "65536")
    try:
        on_spark = spark_redact_paths(
            [parquet, lake], tmp_path / "spark", key=KEY, spark=settings()
        )
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    local = redact_paths([parquet, lake], tmp_path / "local", key=KEY)
    _check_manifest(on_spark, tmp_path / "spark")
    assert on_spark.operators["column:orders.email"] == "pseudonym (EMAIL_ADDRESS)"
    assert on_spark.operators == {
        k.replace("column:part-0.", "column:reviews."): v for k, v in local.operators.items()
    }
    assert len([o for o in on_spark.outputs if o.path.startswith("orders/")]) > 1  # splits
    # the partitioned folder's copy is partitioned the same way
    assert {p.name for p in (tmp_path / "spark" / "reviews").iterdir() if p.is_dir()} == {
        "year=2023",
        "year=2024",
    }
    local_reviews = pl.concat(
        _local_table(f).with_columns(year=pl.lit(f.parent.name.split("=")[1]))
        for f in sorted((tmp_path / "local" / "reviews").rglob("*.csv"))
    )
    for mine, theirs in [
        (
            _spark_table(tmp_path / "spark" / "orders"),
            _local_table(tmp_path / "local" / "orders.parquet"),
        ),
        (_spark_table(tmp_path / "spark" / "reviews"), local_reviews),
    ]:
        assert _sorted(mine).equals(_sorted(theirs.select(mine.columns)))
        text = mine.write_csv()
        assert PLANTED_EMAIL not in text and "<EMAIL_ADDRESS>" in text and "EMAIL_ADDRESS_" in text


def test_policy_error_in_an_executor_exits_4_as_locally(spark: SparkSession, tmp_path: Path) -> None:
    """A value past the plan's rows that the policy's generalization does not fit fails the
    write job in an executor with a policy error: the command exits 4 with the local engine's
    one-line message (naming the column, never the value), and nothing is written."""
    n = 5_000
    dates = [f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}" for i in range(n)]
    dates[4_321] = PLANTED_DATE
    data = tmp_path / "people.parquet"
    pl.DataFrame(
        {"birth_date": dates, "email": [f"p{i}@example.com" for i in range(n)]}
    ).write_parquet(data)
    policy = tmp_path / "clearance.yaml"
    policy.write_text("redact:\n  columns:\n    birth_date: {op: generalize, to: year}\n")
    results = {}
    for engine in ("local", "spark"):
        out = tmp_path / engine
        results[engine] = CliRunner().invoke(
            app,
            ["redact", str(data), "-o", str(out), "--policy", str(policy), "--engine", engine]
            + (["--master", MASTER] if engine == "spark" else [])
            + ["-q"],
            env={"CLEARANCE_KEY": KEY.decode()},
        )
        assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()], engine
    on_spark, local = results["spark"], results["local"]
    assert local.exit_code == 4 and on_spark.exit_code == 4, on_spark.output
    assert on_spark.output == local.output
    assert "birth_date" in on_spark.output and len(on_spark.output.strip().splitlines()) == 1
    assert PLANTED_DATE not in on_spark.output and "Traceback" not in on_spark.output


def test_redact_settings_refused_on_spark(spark: SparkSession, tmp_path: Path) -> None:
    from clearance.errors import PolicyError
    from clearance.redact.storage import ParquetEncryption

    with pytest.raises(PolicyError, match="encryption"):
        spark_redact_paths(
            [tmp_path],
            tmp_path / "out",
            RedactSettings(parquet_encryption=ParquetEncryption()),
            key=KEY,
            spark=settings(),
        )


HOSTILE_HEADER = "id,jane.doe@example.com,<script>x</script>,\x1b[31mred,Email,email\n"


def test_column_names_taken_from_data(spark: SparkSession, tmp_path: Path) -> None:
    """Column names holding a dot (an e-mail address), markup, an ANSI escape, or differing
    only by case (which Spark's analyzer would confuse) are redacted as locally."""
    data = tmp_path / "in" / "h.csv"
    data.parent.mkdir()
    data.write_text(HOSTILE_HEADER + "1,a,b,c,x@example.com,y@example.com\n2,d,e,f,,\n")
    local = redact_paths([data], tmp_path / "local", key=KEY)
    on_spark = spark_redact_paths([data], tmp_path / "spark", key=KEY, spark=settings())
    assert on_spark.skipped == [] and on_spark.operators == local.operators
    mine = _spark_table(tmp_path / "spark" / "h")
    theirs = _local_table(tmp_path / "local" / "h.csv")
    assert mine.columns == theirs.columns and "jane.doe@example.com" not in mine.columns
    assert _sorted(mine).equals(_sorted(theirs))
