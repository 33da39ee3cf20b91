"""Time a scan of a large CSV table (default 1,000,000 rows x 12 columns) and report peak memory.

Values are drawn from seeded Faker pools, so generation is fast and the table is realistic: direct
identifiers in columns, free-text reviews carrying PII in about one row in six, clean control
columns (sku, price). Run: ``python benchmarks/bench_scan_table.py --rows 1000000``.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import numpy as np
import polars as pl
from faker import Faker

from clearance import Engine, Fingerprinter, ScanOptions, scan_paths
from clearance.detection.parallel import default_workers

REVIEWS = (
    "Arrived quickly and works as described.",
    "Size runs small, order one size up.",
    "Battery life is shorter than advertised (about 6 hours).",
    "Great value for money, would buy again from this shop.",
    "Packaging was damaged but the product was fine.",
)


def make_table(path: Path, rows: int, seed: int = 11) -> None:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    pool = 5000
    names = [f"{fake.first_name()} {fake.last_name()}" for _ in range(pool)]
    emails = [fake.email() for _ in range(pool)]
    phones = [f"({rng.choice(['212', '415', '617'])}) {rng.integers(200, 989)}-{rng.integers(1000, 9999)}" for _ in range(pool)]
    streets = [fake.street_address() for _ in range(pool)]
    cities = [fake.city() for _ in range(pool)]
    dobs = [fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat() for _ in range(pool)]
    cards = [fake.credit_card_number() for _ in range(pool)]
    ips = [fake.ipv4_public() for _ in range(pool)]
    reviews = list(REVIEWS) * 4 + [f"{REVIEWS[0]} Mail me at {e}" for e in emails[:2]] + [
        f"{REVIEWS[1]} Call {p} after 5pm" for p in phones[:2]
    ]
    idx = lambda n: rng.integers(0, n, rows)  # noqa: E731
    frame = pl.DataFrame(
        {
            "user_id": [f"U{i:08d}" for i in range(rows)],
            "full_name": np.array(names)[idx(pool)],
            "email": np.array(emails)[idx(pool)],
            "phone": np.array(phones)[idx(pool)],
            "street_address": np.array(streets)[idx(pool)],
            "city": np.array(cities)[idx(pool)],
            "birth_date": np.array(dobs)[idx(pool)],
            "card_number": np.array(cards)[idx(pool)],
            "signup_ip": np.array(ips)[idx(pool)],
            "review": np.array(reviews)[idx(len(reviews))],
            "sku": [f"SKU-{v}" for v in rng.integers(10000, 99999, rows)],
            "price": np.round(rng.uniform(1, 500, rows), 2),
        }
    )
    frame.write_csv(path)


def _children_peak_mb() -> list[float]:
    """Peak RSS (VmHWM) of each live child process: the detection workers."""
    import psutil

    peaks = []
    for child in psutil.Process().children(recursive=True):
        try:
            status = Path(f"/proc/{child.pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(round(int(line.split()[1]) / 1024, 1))
    return sorted(peaks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--path", type=Path, default=Path("benchmarks/results/table.csv"))
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--workers", type=int, default=None, help="Engine(workers=); 1: none")
    args = parser.parse_args()
    args.path.parent.mkdir(parents=True, exist_ok=True)
    if not args.path.exists() or pl.scan_csv(args.path).select(pl.len()).collect().item() != args.rows:
        t = time.perf_counter()
        make_table(args.path, args.rows)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t:.1f}s")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    engine = Engine(workers=args.workers)
    engine.detect("warm up the lexicons: John Smith lives in Boston")
    t = time.perf_counter()
    report = scan_paths(
        [args.path],
        fingerprinter=Fingerprinter(b"bench"),
        engine=engine,
        options=ScanOptions(sample=args.sample),
    )
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_peak = _children_peak_mb()
    size_mb = args.path.stat().st_size / 2**20
    result = {
        "rows": report.summary.rows_scanned,
        "columns": len(report.columns),
        "file_mb": round(size_mb, 1),
        "seconds": round(seconds, 2),
        "rows_per_second": round(report.summary.rows_scanned / seconds),
        "workers": engine.workers or default_workers(),
        "peak_rss_mb": round(peak, 1),
        "worker_peak_rss_mb": workers_peak,
        "rss_before_scan_mb": round(rss_before, 1),
        "findings": report.summary.findings,
        "entity_columns": {c.column: c.entity for c in report.columns if c.entity},
    }
    print(json.dumps(result, indent=2))
    suffix = "" if args.workers is None else f"_workers{args.workers}"
    out = args.path.parent / f"scan_table_{args.rows}{suffix}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
