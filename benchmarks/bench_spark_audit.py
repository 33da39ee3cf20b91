"""``clearance audit`` on Spark local mode against the local engine, on the same Parquet tables.

The tables are ``bench_audit_stream``'s (N orders with quasi-identifiers, a native timestamp and
review texts with a few planted e-mails of their authors; N/10 users with e-mail and consent),
the orders rewritten in row groups of 100,000 rows (Spark splits a Parquet file at row groups).
Both engines audit them in the same run, the local one streaming (``--streaming``); the Spark
session's start-up is timed apart from the audit, and the two JSON reports must be equal but
for the local scan's ``validate_limit`` warnings (beyond 20,000 distinct values of an entity
column the local scan counts the rest by pattern and says so; Spark validates every value, as
``scan --engine spark`` does). Reported per engine: seconds and rows per second.

    PYTHONPATH=src python benchmarks/bench_spark_audit.py --rows 1000000
    ... --out benchmarks/results/spark_audit.json     # only on a quiet machine
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_audit_stream import POLICY, make
from clearance import Fingerprinter
from clearance.audit.policy import policy_from_mapping
from clearance.audit.run import audit_sources
from clearance.engines.spark import SparkSettings, spark_audit_paths, spark_session

FP = Fingerprinter(b"bench-key-0123456789")


def tables(folder: Path, rows: int) -> Path:
    data = folder / f"rows-{rows}" / "data"
    if not (data / ".done").exists():
        make(data, rows)
        orders = data / "orders.parquet"
        pq.write_table(pq.read_table(orders), orders, row_group_size=100_000)
        (data / ".done").touch()
    return data


def _cpu() -> float:
    """CPU seconds of this process and its children (the Spark JVM and its Python workers,
    alive or not): on a shared machine the wall clock grows with the load, CPU time much less."""
    import psutil

    me = psutil.Process()
    total = sum(me.cpu_times()[:4])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.Error:
            pass
    return total


def _without_pattern_counts(report: dict[str, Any]) -> dict[str, Any]:
    kept = [w for w in report["warnings"] if "counted by pattern" not in w]
    return {**report, "warnings": kept}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, action="append", default=None)
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench-spark-audit"))
    parser.add_argument("--out", type=Path, default=None, help="write the results (quiet machine)")
    args = parser.parse_args()
    t = time.perf_counter()
    spark_session(SparkSettings(master=args.master))
    startup = time.perf_counter() - t
    policy = policy_from_mapping(POLICY)
    results: list[dict[str, object]] = []
    for rows in args.rows or [1_000_000]:
        data = tables(args.folder, rows)
        load_before = os.getloadavg()[0]  # the machine is shared: the load with each number
        t, c = time.perf_counter(), _cpu()
        local = audit_sources([data], policy=policy, fingerprinter=FP, streaming=True)
        local_s, local_cpu = time.perf_counter() - t, _cpu() - c
        t, c = time.perf_counter(), _cpu()
        on_spark = spark_audit_paths(
            [data], policy=policy, fingerprinter=FP, spark=SparkSettings(master=args.master)
        )
        spark_s, spark_cpu = time.perf_counter() - t, _cpu() - c
        entry: dict[str, object] = {
            "rows": rows + rows // 10,
            "order_rows": rows,
            "local_streaming": {
                "seconds": round(local_s, 1),
                "cpu_seconds": round(local_cpu, 1),
                "rows_per_s": round(rows / local_s),
            },
            "spark": {
                "seconds": round(spark_s, 1),
                "cpu_seconds": round(spark_cpu, 1),
                "rows_per_s": round(rows / spark_s),
            },
            "identical_reports": local.model_dump(mode="json") == on_spark.model_dump(mode="json"),
            "identical_but_pattern_count_warnings": _without_pattern_counts(
                local.model_dump(mode="json")
            )
            == on_spark.model_dump(mode="json"),
            "findings": local.summary.findings,
            "load_avg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "core_s_per_mrow": {
                "local_streaming": round(local_s * (os.cpu_count() or 1) / rows * 1e6, 1),
                "spark": round(spark_s * (os.cpu_count() or 1) / rows * 1e6, 1),
            },
        }
        results.append(entry)
        print(json.dumps(entry), flush=True)
    out = {
        "master": args.master,
        "cores": os.cpu_count(),
        "spark_startup_s": round(startup, 1),
        "results": results,
    }
    print(json.dumps(out, indent=2))
    if args.out is not None:
        args.out.write_text(json.dumps(out, indent=2) + "\n")
    if not all(r["identical_but_pattern_count_warnings"] for r in results):
        sys.exit("the engines' reports differ")


if __name__ == "__main__":
    main()
