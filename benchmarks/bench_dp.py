"""``clearance dp`` on 1,000,000 rows: time of 20 grouped releases, and the observed coverage of
the stated confidence intervals over repeated releases.

Generates a seeded Parquet table (region: 10 values, amount: lognormal, clamped to [0, 500] by
the releases, age), then

1. times one ``dp_release`` of 20 grouped releases (counts, sums, means, histograms, quantiles
   over the 10 regions; reading, ledger and output included), best of ``--repeat`` fresh ledgers;
2. repeats a grouped count, sum and mean ``--trials`` times (200) on the same rows and counts
   how often each stated 95% interval holds the exact statistic (10 groups each, so 2,000
   intervals per kind). Counts and sums should be near 0.95 (discrete noise makes the count's
   interval hold at least 95%); the mean's interval is conservative by construction (>= 95%);
3. repeats a grouped quantile release (the 0.1, 0.5 and 0.9 quantiles of the amount, 101
   candidates) as often and counts how often each quantile's interval holds the exact quantile
   (the order statistic at rank ceil(q n) of the clamped values). That interval is a union of
   Chernoff bounds over the candidates: conservative by construction, expect close to 1.00.

Run: ``python benchmarks/bench_dp.py [--rows N] [--trials T] [--json PATH]``. OpenDP's noise uses
the OS's randomness, so coverage varies from run to run by about +-0.01.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from clearance.dp import dp_release
from clearance.dp.compute import run_release
from clearance.dp.query import Release

REGIONS = [f"r{i}" for i in range(10)]
BOUNDS = (0.0, 500.0)


def _table(rows: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "region": rng.choice(
                REGIONS, rows, p=np.linspace(1, 3, 10) / np.linspace(1, 3, 10).sum()
            ),
            "amount": rng.lognormal(4, 1, rows).round(2),
            "age": rng.integers(18, 95, rows),
        }
    )


def _query() -> str:
    group = "{region: [" + ", ".join(REGIONS) + "]}"
    kinds = [
        "{kind: count}",
        "{kind: sum, column: amount}",
        "{kind: mean, column: amount}",
        "{kind: histogram, column: age, bins: [18, 30, 45, 60, 75, 95]}",
        "{kind: quantile, column: amount, quantiles: [0.5], candidates: 101}",
    ]
    lines = ["budget: {epsilon: 1000}", "bounds: {amount: {lower: 0, upper: 500}}", "releases:"]
    for i in range(20):
        body = kinds[i % len(kinds)][1:-1]
        lines.append(f"  - {{name: r{i}, epsilon: 0.5, group_by: {group}, {body}}}")
    return "\n".join(lines) + "\n"


def _truth(frame: pl.DataFrame) -> dict[str, dict[str, float]]:
    clamped = pl.col("amount").clip(*BOUNDS)
    t = frame.group_by("region").agg(
        pl.len().alias("count"), clamped.sum().alias("sum"), clamped.mean().alias("mean")
    )
    return {
        k: {r["region"]: float(r[k]) for r in t.iter_rows(named=True)}
        for k in ("count", "sum", "mean")
    }


def _coverage(frame: pl.DataFrame, trials: int) -> dict[str, dict[str, float]]:
    truth = _truth(frame)
    out: dict[str, dict[str, float]] = {}
    for kind in ("count", "sum", "mean"):
        release = Release(
            kind=kind,  # type: ignore[arg-type]
            column=None if kind == "count" else "amount",
            epsilon=0.5,
            group_by={"region": list(REGIONS)},
        )
        hits = total = 0
        width = 0.0
        start = time.perf_counter()
        for _ in range(trials):
            res = run_release(release, kind, frame, BOUNDS, 1, 0.95)
            for g in res.groups:
                assert g.ci is not None
                lo, hi = g.ci
                hits += lo <= truth[kind][g.key["region"]] <= hi
                width += hi - lo
                total += 1
        out[kind] = {
            "intervals": total,
            "coverage": hits / total,
            "mean_half_width": width / total / 2,
            "seconds_per_release": (time.perf_counter() - start) / trials,
        }
    return out


QUANTILES = (0.1, 0.5, 0.9)


def _quantile_coverage(frame: pl.DataFrame, trials: int) -> dict[str, dict[str, float]]:
    values = {
        r: frame.filter(pl.col("region") == r)["amount"].clip(*BOUNDS).to_numpy() for r in REGIONS
    }
    truth = {
        (r, q): float(np.quantile(v, q, method="inverted_cdf"))
        for r, v in values.items()
        for q in QUANTILES
    }
    release = Release(
        kind="quantile",
        column="amount",
        epsilon=0.5,
        quantiles=list(QUANTILES),
        candidates=101,
        group_by={"region": list(REGIONS)},
    )
    hits = dict.fromkeys(QUANTILES, 0)
    width = dict.fromkeys(QUANTILES, 0.0)
    error = dict.fromkeys(QUANTILES, 0.0)
    start = time.perf_counter()
    for _ in range(trials):
        res = run_release(release, "quantile", frame, BOUNDS, 1, 0.95)
        for g in res.groups:
            for q, cell in zip(QUANTILES, g.cells or [], strict=True):
                assert cell.ci is not None and cell.value is not None
                exact = truth[g.key["region"], q]
                hits[q] += cell.ci[0] <= exact <= cell.ci[1]
                width[q] += cell.ci[1] - cell.ci[0]
                error[q] += abs(cell.value - exact)
    seconds = (time.perf_counter() - start) / trials
    total = trials * len(REGIONS)
    return {
        f"quantile {q:g}": {
            "intervals": total,
            "coverage": hits[q] / total,
            "mean_half_width": width[q] / total / 2,
            "mean_abs_error": error[q] / total,
            "seconds_per_release": seconds,
        }
        for q in QUANTILES
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--json", type=Path, default=None, help="write the results here")
    args = ap.parse_args()
    frame = _table(args.rows, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "sales.parquet"
        frame.write_parquet(data)
        (folder / "q.yaml").write_text(_query())
        times = []
        for i in range(args.repeat):
            start = time.perf_counter()
            dp_release(data, folder / "q.yaml", folder / f"ledger{i}.json", folder / "out.json")
            times.append(time.perf_counter() - start)
    coverage = _coverage(frame, args.trials) | _quantile_coverage(frame, args.trials)
    results: dict[str, Any] = {
        "rows": args.rows,
        "releases": 20,
        "groups_per_release": len(REGIONS),
        "release_seconds_best": min(times),
        "release_seconds_all": times,
        "coverage_95": coverage,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
    }
    print(
        f"{args.rows:,} rows, 20 grouped releases x {len(REGIONS)} groups: "
        f"{min(times):.2f} s (best of {args.repeat})"
    )
    print(f"{'kind':12} {'intervals':>9} {'coverage':>9} {'half-width':>11} {'s/release':>10}")
    for kind, c in coverage.items():
        print(
            f"{kind:12} {c['intervals']:9} {c['coverage']:9.3f} {c['mean_half_width']:11.4g} "
            f"{c['seconds_per_release']:10.3f}"
        )
    for kind, c in coverage.items():
        if "mean_abs_error" in c:
            print(f"{kind}: mean |released - exact| {c['mean_abs_error']:.4g}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
