"""``clearance redact`` on a large table (default 1,000,000 rows): every direct-identifier column
(name, e-mail, phone, IBAN) pseudonymized and the free-text column redacted span by span, end to
end (plan, redact batch by batch, write Parquet, re-scan every row of the copy).

The table is seeded: names from a Faker pool (names repeat, as in real data), one e-mail, phone
and IBAN per row (unique: the worst case for per-value caching), and reviews built from a pool of
sentences of which about one in five quotes the customer's e-mail, phone or name. Peak memory
is the process's resident set sampled with psutil every 50 ms; run it once per batch size:

    python benchmarks/bench_redact_table.py --rows 1000000 --batch 100000
    python benchmarks/bench_redact_table.py --rows 1000000 --batch 20000 --profile prof.out

Numbers go to ``--out`` only when asked (write them only from a quiet machine).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import polars as pl
import psutil
from faker import Faker

from clearance import RedactSettings, redact_paths
from clearance.detection.settings import DetectionSettings

SENTENCES = (
    "Arrived quickly and works as described.",
    "Size runs small, order one size up.",
    "Battery life is shorter than advertised.",
    "Great value for money, would buy again.",
    "Packaging was damaged but the product was fine.",
    "The colour is darker than on the photos.",
    "Customer service answered within a day.",
    "Stopped working after two weeks, sent it back.",
)


def _iban(bank: int, account: int) -> str:
    """A German IBAN with valid check digits (ISO 13616, mod 97)."""
    bban = f"{bank:08d}{account:010d}"
    check = 98 - int(bban + "131400") % 97  # "DE00": D=13, E=14
    return f"DE{check:02d}{bban}"


def make_table(path: Path, rows: int, seed: int = 7) -> None:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    pool = 5000
    firsts = [fake.first_name() for _ in range(pool)]
    lasts = [fake.last_name() for _ in range(pool)]
    fi = rng.integers(0, pool, rows)
    li = rng.integers(0, pool, rows)
    names = [f"{firsts[a]} {lasts[b]}" for a, b in zip(fi, li, strict=True)]
    domains = ("example.com", "mail.example.org", "shop.example.net")
    emails = [
        f"{firsts[a].lower()}.{lasts[b].lower()}{i}@{domains[i % 3]}"
        for i, (a, b) in enumerate(zip(fi, li, strict=True))
    ]
    area = rng.choice([212, 415, 617, 312, 206], rows)
    mid = rng.integers(200, 989, rows)
    last4 = rng.integers(1000, 9999, rows)
    phones = [f"({a}) {m}-{n}" for a, m, n in zip(area, mid, last4, strict=True)]
    banks = rng.integers(10_000_000, 99_999_999, rows)
    ibans = [_iban(int(b), i) for i, b in enumerate(banks)]
    s1 = rng.integers(0, len(SENTENCES), rows)
    s2 = rng.integers(0, len(SENTENCES), rows)
    quote = rng.integers(0, 15, rows)  # 0, 1, 2: quotes the e-mail, phone or name
    reviews = []
    for i in range(rows):
        text = f"{SENTENCES[s1[i]]} {SENTENCES[s2[i]]}"
        q = quote[i]
        if q == 0:
            text += f" Write to me at {emails[i]} if you need photos."
        elif q == 1:
            text += f" Call me on {phones[i]} about the refund."
        elif q == 2:
            text += f" Signed, {names[i]}."
        reviews.append(text)
    pl.DataFrame(
        {
            "customer_id": np.arange(rows),
            "full_name": names,
            "email": emails,
            "phone": phones,
            "iban": ibans,
            "rating": rng.integers(1, 6, rows),
            "review": reviews,
        }
    ).write_parquet(path)


def workers_cpu() -> float:
    """CPU seconds of this process's live children (the detection workers, which stay up
    between batches and are not reaped by the time the run ends)."""
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


class PeakRss:
    """The process's peak resident set, sampled every ``every`` seconds in a thread."""

    def __init__(self, every: float = 0.05) -> None:
        self.proc = psutil.Process()
        self.peak = self.proc.memory_info().rss
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=None, help="detection workers")
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile stats here")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-redact-") as tmp:
        root = Path(tmp)
        table = root / "customers.parquet"
        t0 = time.perf_counter()
        make_table(table, args.rows)
        gen_s = time.perf_counter() - t0
        detection = (
            DetectionSettings.of(workers=args.workers) if args.workers else DetectionSettings()
        )
        settings = RedactSettings(
            text_fields=("review",), batch_rows=args.batch, detection=detection
        )
        base_rss = psutil.Process().memory_info().rss
        profiler = cProfile.Profile() if args.profile else None
        cpu0 = time.process_time()
        kids0 = psutil.Process().cpu_times()
        live0 = workers_cpu()
        with PeakRss() as rss:
            t0 = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            manifest = redact_paths([table], root / "out", settings, key=b"bench-key")
            if profiler is not None:
                profiler.disable()
            wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        kids = psutil.Process().cpu_times()
        live = workers_cpu() - live0
        child_cpu = (
            live
            + (kids.children_user + kids.children_system)
            - (kids0.children_user + kids0.children_system)
        )
        if profiler is not None:
            profiler.dump_stats(args.profile)
        result = {
            "rows": args.rows,
            "batch_rows": args.batch,
            "generate_s": round(gen_s, 1),
            "wall_s": round(wall, 1),
            "process_cpu_s": round(cpu, 1),
            "worker_cpu_s": round(child_cpu, 1),
            "rows_per_s": round(args.rows / wall),
            "peak_rss_mb": round(rss.peak / 2**20),
            "rss_before_mb": round(base_rss / 2**20),
            "published": manifest.published,
            "remaining": manifest.rescan.remaining,
            "operators": manifest.operators,
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "polars": pl.__version__,
        }
    print(json.dumps(result, indent=2))
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
