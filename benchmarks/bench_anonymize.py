"""``clearance anonymize`` (Mondrian) side by side with ANJANA (the pycanon authors' anonymizer) on
the same tables at the same k: time, information loss (NCP) and the share of records suppressed.

Two data sets:

* ``synthetic``: seeded records of age, 5-digit postcode, sex and birth date (age follows from
  the birth date, as in real registers), 1,000,000 rows by default;
* ``german``: the public UCI German credit data (``/work/shared/data/german.data``), quasi-
  identifiers age, personal_status_sex, job and housing.

Both tools' outputs are scored by one function, :func:`observed_ncp`, from the records
themselves: for each quasi-identifier and each generalized value shown, the original values of
the records showing it; a number or date costs their span over the column's range, a category or
postcode the share of the column's distinct values they hold (0 for one value). A suppressed
record costs 1 in ``ncp_with_suppressed``. ANJANA needs full-domain hierarchies: they are given
here (age bands of 5/10/20 years, postcode digits, date -> month -> year -> decade, sex -> ``*``).
ANJANA's search over the generalization lattice is slow on large tables; ``--anjana-rows`` caps
the rows it gets (its numbers are then on that subsample, and say so).

    PYTHONPATH=src:/tmp/anon-pkgs python benchmarks/bench_anonymize.py --rows 1000000 \\
        --anjana-rows 100000 --out benchmarks/results/anonymize.json
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from clearance.anonymize.run import anonymize_frame
from clearance.audit.anonymity import measure_anonymity
from clearance.audit.policy import Hierarchy

GERMAN = Path("/work/shared/data/german.data")
SYNTH_QIS = ["age", "zip", "sex", "birth_date"]
GERMAN_QIS = ["age", "personal_status_sex", "job", "housing"]
REF = date(2025, 1, 1)


def synthetic(rows: int, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    days = rng.integers(-25_000, 2_500, rows)  # born 1901 .. 1976
    born = pl.Series("birth_date", days).cast(pl.Date)
    age = ((REF - date(1970, 1, 1)).days - days) // 365
    # postcodes cluster: a few hundred areas, each with its own districts
    area = rng.zipf(1.3, rows) % 900 + 100
    zips = pl.Series("zip", area * 100 + rng.integers(0, 100, rows)).cast(pl.String).str.zfill(5)
    return pl.DataFrame(
        {
            "rid": np.arange(rows),
            "age": age,
            "zip": zips,
            "sex": rng.choice(["F", "M"], rows),
            "birth_date": born,
        }
    )


def german() -> pl.DataFrame:
    from clearance.demo.german import load_german

    return load_german(GERMAN).with_row_index("rid").with_columns(pl.col("rid").cast(pl.Int64))


def observed_ncp(original: pl.DataFrame, released: pl.DataFrame, qis: list[str]) -> dict[str, Any]:
    """NCP of ``released`` (joined to ``original`` on ``rid``) per QI, scored from the records."""
    rows = original.height
    joined = released.select("rid", *[pl.col(q).cast(pl.String).alias(f"g_{q}") for q in qis]).join(
        original.select("rid", *qis), on="rid", how="inner"
    )
    per_column: dict[str, float] = {}
    for q in qis:
        col = original[q]
        if col.dtype.is_numeric() or col.dtype == pl.Date:
            num = pl.col(q).cast(pl.Int64) if col.dtype == pl.Date else pl.col(q).cast(pl.Float64)
            lo, hi = original.select(num.min().alias("lo"), num.max().alias("hi")).row(0)
            span = float(hi - lo) or 1.0
            cost = joined.group_by(f"g_{q}").agg(
                ((num.max() - num.min()) / span).alias("c"), pl.len()
            )
        else:
            domain = col.n_unique()
            cost = joined.group_by(f"g_{q}").agg(
                pl.when(pl.col(q).n_unique() > 1)
                .then(pl.col(q).n_unique() / domain)
                .otherwise(0.0)
                .alias("c"),
                pl.len(),
            )
        per_column[q] = float((cost["c"] * cost["len"]).sum() / max(joined.height, 1))
    ncp = float(np.mean(list(per_column.values())))
    kept = joined.height
    return {
        "ncp": round(ncp, 4),
        "ncp_with_suppressed": round((ncp * kept + (rows - kept)) / rows, 4),
        "suppressed_share": round((rows - kept) / rows, 4),
        "ncp_per_column": {q: round(v, 4) for q, v in per_column.items()},
    }


def run_clearance(
    frame: pl.DataFrame, qis: list[str], k: int, hierarchies: dict[str, Hierarchy]
) -> dict[str, Any]:
    start = time.perf_counter()
    released, report = anonymize_frame(frame, qis, k=k, hierarchies=hierarchies)
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 2),
        "rows": frame.height,
        "k_measured": report.verification.k,
        "classes": report.equivalence_classes.count,
        "ncp_reported": round(report.information_loss.ncp, 4),
        **observed_ncp(frame, released, qis),
    }


def _bands(values: list[int], width: int) -> list[str]:
    return [f"[{v // width * width}, {v // width * width + width})" for v in values]


def _levels(values: list[Any], *fns: Callable[[Any], str]) -> dict[int, Any]:
    import pandas as pd

    levels = {0: pd.Series(values)}
    for i, fn in enumerate(fns, start=1):
        levels[i] = pd.Series([fn(v) for v in values])
    levels[len(fns) + 1] = pd.Series(["*"] * len(values))
    return levels


def anjana_hierarchies(frame: pl.DataFrame, qis: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in qis:
        values = frame[q].unique().sort().to_list()
        if q == "age":
            out[q] = _levels(values, *(lambda v, w=w: _bands([v], w)[0] for w in (5, 10, 20)))
        elif q == "zip":
            out[q] = _levels(values, *(lambda v, n=n: v[:n] + "*" * (5 - n) for n in (4, 3, 2, 1)))
        elif q == "birth_date":  # ISO text: ANJANA compares values with ==
            out[q] = _levels(values, lambda v: v[:7], lambda v: v[:4], lambda v: v[:3] + "0s")
        else:
            out[q] = _levels(values)
    return out


def run_anjana(frame: pl.DataFrame, qis: list[str], k: int, supp: float) -> dict[str, Any]:
    from anjana.anonymity import k_anonymity

    text_dates = frame.with_columns(pl.col(pl.Date).cast(pl.String))
    data = text_dates.to_pandas()
    hierarchies = anjana_hierarchies(text_dates, qis)
    start = time.perf_counter()
    out = k_anonymity(data, [], qis, k, supp * 100, hierarchies)
    seconds = time.perf_counter() - start
    released = pl.from_pandas(
        out.drop(columns=["index"], errors="ignore").astype(str)
    ).with_columns(pl.col("rid").cast(pl.Int64))
    measured = measure_anonymity(released, qis, k_threshold=k) if released.height else None
    return {
        "seconds": round(seconds, 2),
        "rows": frame.height,
        "k_measured": measured.k if measured else 0,
        "classes": measured.classes if measured else 0,
        **observed_ncp(frame, released, qis),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--anjana-rows", type=int, default=100_000)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--suppression", type=float, default=0.05)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results: dict[str, Any] = {"k": args.k, "max_suppression": args.suppression}

    synth = synthetic(args.rows)
    synth_h = {"age": Hierarchy(type="numeric", width=5.0)}
    results["synthetic"] = {"clearance": run_clearance(synth, SYNTH_QIS, args.k, synth_h)}
    print(json.dumps(results["synthetic"]), flush=True)  # partial results survive a timeout
    sub = synth.head(min(args.anjana_rows, args.rows))
    if sub.height < synth.height:
        results["synthetic"]["clearance_on_anjana_rows"] = run_clearance(
            sub, SYNTH_QIS, args.k, synth_h
        )
    try:
        results["synthetic"]["anjana"] = run_anjana(sub, SYNTH_QIS, args.k, args.suppression)
    except ImportError as exc:
        results["synthetic"]["anjana"] = {"error": f"not installed: {exc}"}

    if GERMAN.exists():
        credit = german()
        german_h = {"age": Hierarchy(type="numeric", width=5.0)}
        results["german"] = {
            "clearance": run_clearance(credit, GERMAN_QIS, args.k, german_h),
        }
        try:
            results["german"]["anjana"] = run_anjana(credit, GERMAN_QIS, args.k, args.suppression)
        except ImportError as exc:
            results["german"]["anjana"] = {"error": f"not installed: {exc}"}
    text = json.dumps(results, indent=2, default=str)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
