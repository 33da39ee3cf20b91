"""``clearance retention apply --apply`` on a large table file (default 1,000,000 rows): the
records past a 90-day retention removed, the rest rewritten, ids fingerprinted, tags written.

The file is seeded: an integer id, an ISO timestamp (``--expired`` of the rows 100 to 1,000 days
old, past the 90-day retention; the others under 80 days), a user id and a short note. ``--batch`` is the rows read at once
(``apply_retention(batch_rows=...)``); a batch as large as the table reads it whole, as
``retention apply`` did before it streamed. Peak memory is the process's resident set sampled
with psutil every 20 ms (after the file is made, so the generator does not count):

    python benchmarks/bench_retention.py --rows 1000000 --format csv --batch 100000
    python benchmarks/bench_retention.py --rows 1000000 --format csv --batch 10000000

Numbers go to ``--out`` only when asked (write them only from a quiet machine).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import psutil

from clearance.lifecycle.retention import apply_retention

POLICY = "reference_date: 2026-01-31\ntables:\n  events:\n    retention_days: 90\n"


def make_table(path: Path, rows: int, expired: float = 0.1, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    today = date(2026, 1, 31)  # the policy's reference date
    ages = np.where(
        rng.random(rows) < expired, rng.integers(100, 1000, rows), rng.integers(0, 80, rows)
    )
    frame = pl.DataFrame(
        {
            "id": np.arange(rows),
            "created_at": [(today - timedelta(days=int(d))).isoformat() for d in ages],
            "user_id": rng.integers(0, 50_000, rows),
            "note": rng.choice(["ok", "late delivery", "refund asked", "no comment"], rows),
        }
    )
    {"csv": frame.write_csv, "jsonl": frame.write_ndjson, "parquet": frame.write_parquet}[
        path.suffix[1:]
    ](path)


class _PeakRss:
    def __init__(self) -> None:
        self.proc = psutil.Process()
        self.peak = self.proc.memory_info().rss
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __enter__(self) -> _PeakRss:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("csv", "jsonl", "parquet"), default="csv")
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--expired", type=float, default=0.1, help="share past retention")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / f"events.{args.format}"
        make_table(data, args.rows, args.expired)
        policy = folder / "p.yaml"
        policy.write_text(POLICY)
        size = data.stat().st_size
        base = psutil.Process().memory_info().rss
        with _PeakRss() as rss:
            began = time.perf_counter()
            run = apply_retention(
                [data],
                policy_path=policy,
                apply=True,
                key=b"bench-key",
                record=folder / "record.json",
                batch_rows=args.batch,
            )
            seconds = time.perf_counter() - began
    result = {
        "rows": args.rows,
        "format": args.format,
        "file_mb": round(size / 2**20, 1),
        "batch_rows": args.batch,
        "expired": run.tables[0].expired,
        "seconds": round(seconds, 2),
        "rows_per_second": round(args.rows / seconds),
        "peak_rss_mb": round(rss.peak / 2**20),
        "peak_rss_above_start_mb": round((rss.peak - base) / 2**20),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }
    print(json.dumps(result, indent=2))
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
