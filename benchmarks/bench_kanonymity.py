"""k-anonymity, l-diversity and prosecutor risk: clearance (Polars) against pycanon (pandas).

Generates a seeded table (default 1,000,000 rows) with four quasi-identifiers (zip3, birth year,
gender, city; the city depends on the zip3, as in real data) and one sensitive attribute
(diagnosis), then times both libraries on the same table in one run and checks that every number
agrees. pycanon needs the ``bench`` extra. Run: ``python benchmarks/bench_kanonymity.py``.

pycanon's functions each regroup the table and loop over the equivalence classes in Python; its
slow ones (l-diversity, entropy l-diversity) can be timed on the first ``--slow-rows`` rows instead
of all of them, and the table says so. clearance's timings are the best of ``--repeat`` runs of a
whole ``measure_anonymity`` call (every figure at once) on the same rows as the pycanon function
it is compared with; pycanon's are single runs, and its pandas conversion is not timed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from clearance.audit.anonymity import AnonymityReport, measure_anonymity

QIS = ["zip3", "birth_year", "gender", "city"]
SENSITIVE = "diagnosis"
DIAGNOSES = (
    "hypertension",
    "diabetes",
    "asthma",
    "migraine",
    "depression",
    "anxiety",
    "arthritis",
    "influenza",
    "bronchitis",
    "eczema",
    "gout",
    "anaemia",
    "hypothyroidism",
    "glaucoma",
    "psoriasis",
    "sinusitis",
    "tendinitis",
    "insomnia",
    "otitis",
    "none",
)


def make_table(rows: int, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n_zip = 900
    zip_weights = 1.0 / np.arange(1, n_zip + 1) ** 0.8
    zip_codes = rng.choice(n_zip, size=rows, p=zip_weights / zip_weights.sum())
    cities = np.array([f"City {i:03d}" for i in range(400)])
    main_city = rng.integers(0, 400, n_zip)
    second_city = rng.integers(0, 400, n_zip)
    city = np.where(rng.random(rows) < 0.75, main_city[zip_codes], second_city[zip_codes])
    birth_year = np.clip(np.round(rng.normal(1972, 17, rows)), 1925, 2007).astype(np.int64)
    gender = rng.choice(np.array(["F", "M", "X"]), size=rows, p=[0.49, 0.49, 0.02])
    d_weights = 1.0 / np.arange(1, len(DIAGNOSES) + 1)
    diagnosis = rng.choice(np.array(DIAGNOSES), size=rows, p=d_weights / d_weights.sum())
    return pl.DataFrame(
        {
            "zip3": pl.Series(np.char.zfill(zip_codes.astype(str), 3)),
            "birth_year": birth_year,
            "gender": gender,
            "city": cities[city],
            SENSITIVE: diagnosis,
        }
    )


def best_of(repeat: int, fn: Callable[[], AnonymityReport]) -> tuple[float, AnonymityReport]:
    best, report = math.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        report = fn()
        best = min(best, time.perf_counter() - t)
    assert report is not None
    return best, report


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--slow-rows",
        type=int,
        default=None,
        help="rows for pycanon's l-diversity and entropy l-diversity (default: all)",
    )
    parser.add_argument("--k-threshold", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/kanonymity.json"))
    args = parser.parse_args()

    from pycanon import anonymity as canon
    from pycanon import metrics as canon_metrics

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    t = time.perf_counter()
    table = make_table(args.rows)
    print(f"generated {args.rows:,} rows in {time.perf_counter() - t:.1f}s")
    slow_rows = min(args.slow_rows or args.rows, args.rows)
    slow_table = table.head(slow_rows)
    df, slow_df = table.to_pandas(), slow_table.to_pandas()

    def ours(frame: pl.DataFrame, sensitive: list[str]) -> Callable[[], AnonymityReport]:
        return lambda: measure_anonymity(frame, QIS, sensitive, k_threshold=args.k_threshold)

    ours(table, [SENSITIVE])()  # warm up
    t_k, rep_k = best_of(args.repeat, ours(table, []))
    t_full, rep_full = best_of(args.repeat, ours(table, [SENSITIVE]))
    t_slow, rep_slow = (
        (t_full, rep_full)
        if slow_rows == args.rows
        else best_of(args.repeat, ours(slow_table, [SENSITIVE]))
    )

    rows: list[dict[str, Any]] = []

    def compare(
        name: str,
        n: int,
        theirs: Callable[[], Any],
        our_s: float,
        ours_v: Any,
        same: Callable[[Any, Any], bool],
    ) -> None:
        print(f"pycanon {name} on {n:,} rows ...", flush=True)
        their_s, their_v = timed(theirs)
        equal = bool(same(ours_v, their_v))
        rows.append(
            {
                "function": name,
                "rows": n,
                "pycanon_s": round(their_s, 3),
                "clearance_s": round(our_s, 4),
                "speedup": round(their_s / our_s, 1),
                "pycanon_value": float(their_v),
                "clearance_value": float(ours_v),
                "equal": equal,
            }
        )

    def exact(a: Any, b: Any) -> bool:
        return bool(a == b)

    def close(a: Any, b: Any) -> bool:
        return math.isclose(a, b, rel_tol=1e-9)

    def truncated(a: Any, b: Any) -> bool:  # pycanon truncates exp(entropy) to an int
        return int(b) in {math.floor(a - 1e-9), math.floor(a + 1e-9)}

    compare("k_anonymity", args.rows, lambda: canon.k_anonymity(df, QIS), t_k, rep_k.k, exact)
    compare(
        "max_rir",
        args.rows,
        lambda: canon_metrics.max_rir(df, QIS),
        t_k,
        rep_k.prosecutor_risk_max,
        close,
    )
    compare(
        "average_rir",
        args.rows,
        lambda: canon_metrics.average_rir(df, QIS),
        t_k,
        rep_k.prosecutor_risk_avg_per_class,
        close,
    )
    compare(
        "l_diversity",
        slow_rows,
        lambda: canon.l_diversity(slow_df, QIS, [SENSITIVE]),
        t_slow,
        rep_slow.l_diversity[SENSITIVE],
        exact,
    )
    compare(
        "entropy_l_diversity",
        slow_rows,
        lambda: canon.entropy_l_diversity(slow_df, QIS, [SENSITIVE]),
        t_slow,
        rep_slow.entropy_l[SENSITIVE],
        truncated,
    )

    all_equal = all(r["equal"] for r in rows)
    full_rows = [r for r in rows if r["rows"] == args.rows]
    result = {
        "rows": args.rows,
        "slow_rows": slow_rows,
        "quasi_identifiers": QIS,
        "sensitive": [SENSITIVE],
        "classes": rep_full.classes,
        "k": rep_full.k,
        "unique_records": rep_full.unique_records,
        "records_below_k": rep_full.records_below_k,
        "k_threshold": args.k_threshold,
        "clearance_measure_anonymity_s": {
            "without_sensitive": round(t_k, 4),
            "with_sensitive": round(t_full, 4),
        },
        "pycanon_total_s_on_all_rows": round(sum(r["pycanon_s"] for r in full_rows), 2),
        "functions": rows,
        "all_equal": all_equal,
        "min_speedup": min(r["speedup"] for r in rows),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, polars {pl.__version__}",
        "load_average_at_start": load_at_start,
    }

    print(f"\n{args.rows:,} rows, {rep_full.classes:,} classes, k = {rep_full.k}")
    print(f"{'function':<22}{'rows':>11}{'pycanon s':>12}{'clearance s':>13}{'speedup':>10}  equal")
    for r in rows:
        print(
            f"{r['function']:<22}{r['rows']:>11,}{r['pycanon_s']:>12.2f}{r['clearance_s']:>13.3f}"
            f"{r['speedup']:>9.0f}x  {r['equal']}"
        )
    print(f"clearance, whole report with l and entropy l on {args.rows:,} rows: {t_full:.3f}s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    if not all_equal:
        raise SystemExit("clearance and pycanon disagree; see the table above")


if __name__ == "__main__":
    main()
