"""Streaming against in-memory audit: time and peak memory against rows.

Generates an e-commerce-like Parquet dataset of N order rows (user id, postcode, birth year,
gender and city as quasi-identifiers, a native timestamp for retention, a review text with a few
planted e-mails of its author) and N/10 users (e-mail, consent), written in row groups so the
generator's own memory stays bounded. Each audit runs in a fresh child process
(``clearance audit --streaming`` or ``--in-memory`` through :func:`audit_sources`), which
reports its wall time and peak RSS (``getrusage`` of itself and of its detection workers); the
two reports must be identical. Run: ``python benchmarks/bench_audit_stream.py --rows 1000000
10000000`` (``--out FILE`` writes the results; only on a quiet machine). The memory
assertion of issue 16 (a 20M-row streaming audit within a few GiB) is this benchmark, not a
timed test: ``--rows 20000000 --modes streaming --max-streaming-rss-mb 4096`` exits 1 when the
peak is higher (or when the two modes' reports differ).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

TODAY = date(2026, 1, 31)
CHUNK = 1_000_000
TEXTS = (
    "Arrived quickly and works as described.",
    "Size runs small, order one size up.",
    "Battery life is shorter than advertised (about 6 hours).",
    "Great value for money, would buy again from this shop.",
    "Packaging was damaged but the product was fine.",
)
POLICY = {
    "purpose": "model-training",
    "subject_key": "user_id",
    "reference_date": TODAY.isoformat(),
    "consent": {"table": "users", "column": "consent"},
    "tables": {
        "users": {"features": ["user_id", "consent"]},
        "orders": {
            "timestamp": "ordered_at",
            "retention_days": 730,
            "quasi_identifiers": ["postcode", "birth_year", "gender", "city"],
        },
    },
}


def _ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    """``prefix`` + each number as 8 digits (``U00000042``), built by Arrow: a Python f-string
    per row made generating 100M rows take most of an hour."""
    digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width=8, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def make(folder: Path, rows: int, seed: int = 5) -> None:
    """``orders.parquet`` (``rows`` rows) and ``users.parquet`` (``rows // 10``), chunk by chunk."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    users = max(1, rows // 10)
    with pq.ParquetWriter(folder / "users.parquet", _USERS) as out:
        for lo in range(0, users, CHUNK):
            hi = min(users, lo + CHUNK)
            consent = np.array(["model-training", "marketing", ""])[rng.integers(0, 3, hi - lo)]
            numbers = np.arange(lo, hi)
            emails = pc.binary_join_element_wise(
                "shopper", pa.array(numbers).cast(pa.string()), "@example.org", ""
            )
            out.write_table(
                pa.table(
                    {"user_id": _ids("U", numbers), "email": emails, "consent": consent},
                    schema=_USERS,
                )
            )
    base = np.datetime64(datetime.combine(TODAY, datetime.min.time()), "us")
    cities = np.array([f"Town {i}" for i in range(200)])
    postcodes = np.array([f"{z:05d}" for z in range(10000, 10400)])
    with pq.ParquetWriter(folder / "orders.parquet", _ORDERS) as out:
        for lo in range(0, rows, CHUNK):
            n = min(rows, lo + CHUNK) - lo
            who = rng.integers(0, users, n)
            texts = np.array(TEXTS)[rng.integers(0, len(TEXTS), n)].astype(object)
            planted = rng.random(n) < 0.0005  # about 500 per million: the author's own e-mail
            texts[planted] = [f"{TEXTS[0]} Mail me at shopper{u}@example.org" for u in who[planted]]
            ages = rng.integers(0, 1000 * 86400, n)
            out.write_table(
                pa.table(
                    {
                        "order_id": np.arange(lo, lo + n),
                        "user_id": _ids("U", who),
                        "postcode": postcodes[rng.integers(0, 400, n)],
                        "birth_year": rng.integers(1940, 2008, n),
                        "gender": np.array(["f", "m", "x"])[rng.integers(0, 3, n)],
                        "city": cities[rng.integers(0, len(cities), n)],
                        "price": np.round(rng.uniform(1, 500, n), 2),
                        "ordered_at": pa.array(base - ages.astype("timedelta64[s]")),
                        "text": texts,
                    },
                    schema=_ORDERS,
                )
            )


_USERS = pa.schema([("user_id", pa.string()), ("email", pa.string()), ("consent", pa.string())])
_ORDERS = pa.schema(
    [
        ("order_id", pa.int64()),
        ("user_id", pa.string()),
        ("postcode", pa.string()),
        ("birth_year", pa.int64()),
        ("gender", pa.string()),
        ("city", pa.string()),
        ("price", pa.float64()),
        ("ordered_at", pa.timestamp("us")),
        ("text", pa.string()),
    ]
)


def child(folder: Path, streaming: bool, report: Path) -> None:
    """One audit in this process; prints its time and peak RSS as JSON."""
    from clearance import Fingerprinter
    from clearance.audit.policy import policy_from_mapping
    from clearance.audit.run import audit_sources

    t = time.perf_counter()
    audited = audit_sources(
        [folder],
        policy=policy_from_mapping(POLICY),
        fingerprinter=Fingerprinter(b"bench-key-0123456789"),
        streaming=streaming,
    )
    seconds = time.perf_counter() - t
    report.write_text(json.dumps(audited.model_dump(mode="json"), sort_keys=True))
    own_usage = resource.getrusage(resource.RUSAGE_SELF)
    worker_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = own_usage.ru_maxrss / 1024
    workers = worker_usage.ru_maxrss / 1024
    # CPU seconds of this process and its workers: on a shared machine the wall clock grows
    # with the load, the CPU time much less
    cpu = sum(u.ru_utime + u.ru_stime for u in (own_usage, worker_usage))
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "cpu_seconds": round(cpu, 1),
                "peak_rss_mb": round(own),
                "worker_rss_mb": round(workers),
            }
        )
    )


def run(folder: Path, streaming: bool, report: Path) -> dict[str, object]:
    args = [sys.executable, __file__, "--child", str(folder), "--report", str(report)]
    args += ["--streaming"] if streaming else []
    env = {**os.environ, "CLEARANCE_WORKERS": os.environ.get("CLEARANCE_WORKERS", "1")}
    done = subprocess.run(args, check=True, capture_output=True, text=True, env=env)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _same(a: Path, b: Path) -> bool:
    return json.loads(a.read_text()) == json.loads(b.read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench_audit_stream"))
    parser.add_argument("--modes", default="streaming,in-memory")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--max-streaming-rss-mb",
        type=float,
        default=None,
        help="exit 1 when a streaming audit's peak RSS exceeds this (the memory assertion)",
    )
    parser.add_argument("--child", type=Path, default=None)
    parser.add_argument("--streaming", action="store_true")
    parser.add_argument("--report", type=Path, default=None)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.streaming, args.report)
        return
    results = []
    for rows in args.rows:
        folder = args.folder / f"rows-{rows}" / "data"
        if not (folder / ".done").exists():
            t = time.perf_counter()
            make(folder, rows)
            (folder / ".done").touch()
            print(f"generated {rows:,} rows in {time.perf_counter() - t:.1f}s", flush=True)
        size = sum(p.stat().st_size for p in folder.glob("*.parquet"))
        entry: dict[str, object] = {"rows": rows, "parquet_mb": round(size / 2**20)}
        reports = {}
        for mode in args.modes.split(","):
            reports[mode] = folder.parent / f"report-{mode}.json"  # not in the audited folder
            load_before = os.getloadavg()[0]
            measured = run(folder, mode == "streaming", reports[mode])
            # the machine is shared: the 1-minute load average before and after each run
            measured["load_avg_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            measured["us_per_row"] = round(measured["seconds"] * 1e6 / rows, 3)
            entry[mode] = measured
            print(rows, mode, entry[mode], flush=True)
        if len(reports) == 2:
            entry["identical_reports"] = _same(*reports.values())
        results.append(entry)
        print(json.dumps(entry), flush=True)
    if args.out is not None:
        args.out.write_text(json.dumps({"results": results}, indent=2) + "\n")
    problems = [
        f"{r['rows']:,} rows: the reports differ"
        for r in results
        if not r.get("identical_reports", True)
    ]
    if args.max_streaming_rss_mb is not None:
        problems += [
            f"{r['rows']:,} rows: streaming peak RSS {rss:,} MB > {args.max_streaming_rss_mb:,} MB"
            for r in results
            if "streaming" in r
            and (rss := r["streaming"]["peak_rss_mb"]) > args.max_streaming_rss_mb  # type: ignore[index]
        ]
    if problems:
        sys.exit("; ".join(problems))


if __name__ == "__main__":
    main()
