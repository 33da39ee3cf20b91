"""``clearance scan`` on Spark local mode against the local engine, on the same Parquet table.

The table is ``bench_scan_table``'s e-commerce table (seeded Faker pools: identifiers in
columns, free-text reviews with PII in about one row in six), written as Parquet in row groups
of 100,000 rows (Spark splits a Parquet file at row groups; a CSV file is read whole by one
task, because its quoted cells may span lines), with two values planted at known rows. Both
engines scan it in the same run; the Spark session's start-up is timed apart from the scan.
Reported per engine: seconds, rows per second, and the per-row cost in core-seconds (seconds x
cores used / rows), the number the scaling model in the README starts from.

    PYTHONPATH=src:/tmp/spark-pkgs python benchmarks/bench_spark.py --rows 1000000
    ... --rows 1000000 --rows 10000000 --out benchmarks/results/spark_scan.json  # quiet machine
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scan_table import make_table
from clearance import Engine, Fingerprinter, scan_paths
from clearance.detection.parallel import default_workers
from clearance.engines.spark import SparkSettings, spark_scan_paths, spark_session

PLANTED = {  # row -> review text
    123_457: "Never arrived. Write to zebulon.quispe@planted-example.org please",
    -2: "Refund to IBAN DE89 3704 0044 0532 0130 00 thanks",
}


def table(folder: Path, rows: int) -> Path:
    out = folder / f"shop_{rows}.parquet"
    if out.exists() and pl.scan_parquet(out).select(pl.len()).collect().item() == rows:
        return out
    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / f"shop_{rows}.csv"
    make_table(csv, rows)
    frame = pl.read_csv(csv, infer_schema=False)
    reviews = frame["review"].to_list()
    for row, text in PLANTED.items():
        reviews[row % rows] = text
    frame = frame.with_columns(review=pl.Series(reviews))
    frame.write_parquet(out, row_group_size=100_000)
    csv.unlink()
    return out


def planted_found(report: Any, rows: int) -> bool:
    found = {(f.location.column, f.location.row) for f in report.findings}
    return all(("review", row % rows) in found for row in PLANTED)


def differing(local: Any, on_spark: Any) -> list[str]:
    """The fields (names only) in which the two engines' findings differ."""
    out: set[str] = set()
    for a, b in zip(local.findings, on_spark.findings, strict=False):
        da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
        out |= {k for k in da if da[k] != db.get(k)}
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, action="append", default=None)
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench-spark"))
    parser.add_argument("--out", type=Path, default=None, help="write the results (quiet machine)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    t = time.perf_counter()
    spark_session(SparkSettings(master=args.master))
    startup = time.perf_counter() - t
    results: dict[str, Any] = {
        "master": args.master,
        "cores": cores,
        "local_workers": default_workers(),
        "load_average_at_start": os.getloadavg(),
        "spark_session_startup_s": round(startup, 2),
        "runs": [],
    }
    for rows in args.rows or [1_000_000]:
        path = table(args.folder, rows)
        fp = Fingerprinter(b"bench-spark")
        engine = Engine()
        engine.detect("warm up the lexicons: John Smith lives in Boston")
        t = time.perf_counter()
        local = scan_paths([path], fingerprinter=fp, engine=engine)
        local_s = time.perf_counter() - t
        t = time.perf_counter()
        on_spark = spark_scan_paths(
            [path], fingerprinter=fp, spark=SparkSettings(master=args.master)
        )
        spark_s = time.perf_counter() - t
        run = {
            "rows": rows,
            "file_mb": round(path.stat().st_size / 2**20, 1),
            "local_s": round(local_s, 2),
            "spark_s": round(spark_s, 2),
            "local_rows_per_s": round(rows / local_s),
            "spark_rows_per_s": round(rows / spark_s),
            # core-seconds per million rows: the per-row cost of the scaling model
            "local_core_s_per_mrow": round(local_s * cores / rows * 1e6, 2),
            "spark_core_s_per_mrow": round(spark_s * cores / rows * 1e6, 2),
            "findings_local": local.summary.findings,
            "findings_spark": on_spark.summary.findings,
            "same_findings": [f.model_dump() for f in local.findings]
            == [f.model_dump() for f in on_spark.findings],
            "differing_finding_fields": differing(local, on_spark),
            "planted_found": [planted_found(local, rows), planted_found(on_spark, rows)],
            "load_average_after": os.getloadavg(),
        }
        results["runs"].append(run)
        print(json.dumps(run), flush=True)
    print(json.dumps(results, indent=2))
    if args.out is not None:
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
