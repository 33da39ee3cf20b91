"""``clearance redact`` on Spark local mode against the local engine, on the same Parquet table.

The table is ``bench_redact_table``'s (default 1,000,000 rows: name, e-mail, phone and IBAN per
row, pseudonymized as whole columns, and free-text reviews redacted span by span), written as
Parquet in row groups of 100,000 rows (Spark splits a Parquet file at row groups). Both engines
redact it end to end in the same run (plan, redact every batch, write Parquet, re-scan the
copy); the Spark session's start-up is timed apart. The two copies must hold the same rows
(compared after sorting, as ``tests/engines/spark/test_redact.py`` does). Reported per engine:
seconds, rows per second and core-seconds per million rows (the scaling model's per-row cost),
with the 1-minute load average before and after each run (the machine is shared).

    PYTHONPATH=src python benchmarks/bench_spark_redact.py --rows 1000000 --master 'local[2]'
    ... --out benchmarks/results/spark_redact_1000000.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_redact_table import make_table
from clearance.engines.spark import SparkSettings, spark_redact_paths, spark_session
from clearance.io import readers
from clearance.redact import RedactSettings, redact_paths

KEY = b"bench-spark-redact-key-0123456789"


def table(folder: Path, rows: int) -> Path:
    out = folder / f"rows-{rows}" / "customers.parquet"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        make_table(out, rows)
        pq.write_table(pq.read_table(out), out, row_group_size=100_000)
    return out


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    strings = readers.as_strings(frame)
    return strings.sort(strings.columns, nulls_last=True)


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench-spark-redact"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    path = table(args.folder, args.rows)
    outs = args.folder / f"rows-{args.rows}" / "out"
    shutil.rmtree(outs, ignore_errors=True)
    settings = RedactSettings(text_fields=("review",))
    load0 = _load()
    t = time.perf_counter()
    spark_session(SparkSettings(master=args.master))
    startup = time.perf_counter() - t
    runs: dict[str, Any] = {}
    manifests = {}
    for engine in ("local", "spark"):
        before = _load()
        t = time.perf_counter()
        if engine == "local":
            manifests[engine] = redact_paths([path], outs / engine, settings, key=KEY)
        else:
            manifests[engine] = spark_redact_paths(
                [path], outs / engine, settings, key=KEY, spark=SparkSettings(master=args.master)
            )
        seconds = time.perf_counter() - t
        runs[engine] = {
            "seconds": round(seconds, 1),
            "rows_per_s": round(args.rows / seconds),
            "core_s_per_mrow": round(seconds * cores / args.rows * 1e6, 1),
            "published": manifests[engine].published,
            "load_avg_1m": [before, _load()],
        }
        print(engine, json.dumps(runs[engine]), flush=True)
    local = pl.read_parquet(outs / "local" / "customers.parquet")
    on_spark = pl.read_parquet(outs / "spark" / "customers" / "**" / "*.parquet")
    result = {
        "rows": args.rows,
        "master": args.master,
        "cores": cores,
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "spark_session_startup_s": round(startup, 2),
        "load_avg_1m_at_start": load0,
        **runs,
        "same_operators": manifests["local"].operators == manifests["spark"].operators,
        "same_rows_after_sorting": _sorted(local).equals(_sorted(on_spark.select(local.columns))),
    }
    print(json.dumps(result, indent=2))
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
