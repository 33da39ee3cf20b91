"""Full dataset audit at scale: 1,000,000 users x 12 columns, 2,000,000 orders and 1,000,000
reviews (Parquet), with the starter policy. Reports wall time per phase and peak memory.

Values come from seeded pools (5,000 distinct names, e-mails, ...), so generation takes seconds;
the README says so. Run: ``python benchmarks/bench_audit.py`` (``--users N`` to scale).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from faker import Faker

from clearance import Fingerprinter
from clearance.audit.auditor import audit_dataset
from clearance.audit.policy import policy_from_mapping
from clearance.audit.sources import load_files

TODAY = date(2026, 1, 31)
TEXTS = (
    "Arrived quickly and works as described.",
    "Size runs small, order one size up.",
    "Battery life is shorter than advertised (about 6 hours).",
    "Great value for money, would buy again from this shop.",
    "Packaging was damaged but the product was fine.",
    "As a diabetic I read every label, and the sugar content here is clearly printed.",
)


def _pick(rng: np.random.Generator, pool: list[str], n: int) -> np.ndarray:
    return np.array(pool)[rng.integers(0, len(pool), n)]


def _times(rng: np.random.Generator, n: int, max_age: int) -> list[str]:
    base = datetime.combine(TODAY, datetime.min.time())
    ages = rng.integers(0, max_age * 86400, n)
    return [(base - timedelta(seconds=int(a))).isoformat() for a in ages]


def make(folder: Path, users: int, seed: int = 5) -> None:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    pool = 5000
    names = [f"{fake.first_name()} {fake.last_name()}" for _ in range(pool)]
    emails = [fake.email() for _ in range(pool)]
    folder.mkdir(parents=True, exist_ok=True)
    ids = np.array([f"U{i:08d}" for i in range(users)])
    pl.DataFrame(
        {
            "user_id": ids,
            "full_name": _pick(rng, names, users),
            "email": _pick(rng, emails, users),
            "phone": [f"(212) {a}-{b}" for a, b in zip(rng.integers(200, 989, users), rng.integers(1000, 9999, users), strict=True)],
            "street_address": _pick(rng, [fake.street_address() for _ in range(pool)], users),
            "city": _pick(rng, [fake.city() for _ in range(200)], users),
            "birth_date": _pick(rng, [str(y) for y in range(1940, 2008)], users),
            "postcode": _pick(rng, [f"{z:05d}" for z in range(10000, 10400)], users),
            "gender": _pick(rng, ["f", "m", "x"], users),
            "signup_at": _times(rng, users, 1500),
            "consent_purposes": _pick(rng, ["model-training,marketing", "marketing", ""], users),
            "loyalty_tier": _pick(rng, ["bronze", "silver", "gold"], users),
        }
    ).write_parquet(folder / "users.parquet")
    orders = 2 * users
    pl.DataFrame(
        {
            "order_id": np.arange(orders),
            "user_id": ids[rng.integers(0, users, orders)],
            "sku": [f"SKU-{v}" for v in rng.integers(10000, 99999, orders)],
            "quantity": rng.integers(1, 5, orders),
            "price": np.round(rng.uniform(1, 500, orders), 2),
            "ordered_at": _times(rng, orders, 900),
        }
    ).write_parquet(folder / "orders.parquet")
    texts = list(TEXTS) * 3 + [f"{TEXTS[0]} Mail me at {e}" for e in emails[:50]]
    pl.DataFrame(
        {
            "review_id": np.arange(users),
            "user_id": ids[rng.integers(0, users, users)],
            "rating": rng.integers(1, 6, users),
            "text": _pick(rng, texts, users),
            "created_at": _times(rng, users, 200),
        }
    ).write_parquet(folder / "reviews.parquet")


POLICY = {
    "purpose": "model-training",
    "subject_key": "user_id",
    "reference_date": TODAY.isoformat(),
    "consent": {"table": "users", "column": "consent_purposes"},
    "tables": {
        "users": {
            "quasi_identifiers": ["postcode", "birth_date", "gender", "city"],
            "features": ["user_id", "signup_at", "loyalty_tier"],
        },
        "orders": {"timestamp": "ordered_at", "retention_days": 730},
        "reviews": {"timestamp": "created_at", "retention_days": 90},
    },
}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, default=Path("benchmarks/results/audit_data"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/audit_scale.json"))
    args = parser.parse_args()
    marker = args.folder / f".users-{args.users}"
    if not marker.exists():
        t = time.perf_counter()
        make(args.folder, args.users)
        marker.touch()
        print(f"generated {args.users:,} users in {time.perf_counter() - t:.1f}s")
    rss_start = _rss_mb()
    t0 = time.perf_counter()
    tables, skipped = load_files([args.folder])
    t_load = time.perf_counter() - t0
    rss_loaded = _rss_mb()
    t1 = time.perf_counter()
    report = audit_dataset(
        tables,
        policy_from_mapping(POLICY),
        fingerprinter=Fingerprinter(b"bench-key-0123456789"),
        skipped=skipped,
    )
    t_audit = time.perf_counter() - t1
    rows = {t.name: t.frame.height for t in tables}
    result = {
        "machine": "2 cores (this benchmark's host)",
        "rows": rows,
        "columns": {t.name: t.frame.width for t in tables},
        "load_seconds": round(t_load, 2),
        "audit_seconds": round(t_audit, 2),
        "total_seconds": round(t_load + t_audit, 2),
        "peak_rss_mb": round(_rss_mb(), 1),
        "rss_before_load_mb": round(rss_start, 1),
        "rss_after_load_mb": round(rss_loaded, 1),
        "findings": report.summary.findings,
        "by_category": report.summary.by_category,
        "k": {a.table: a.k for a in report.anonymity},
        "checks_not_run": [f"{c.rule}[{c.table}]: {c.reason}" for c in report.checks if c.status != "ran"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
