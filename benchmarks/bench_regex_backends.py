"""The engine's candidate-row gate: Polars (Rust ``regex``) against Hyperscan, same texts.

Only the detectors the engine gates by regex (not by keyword) are compared. Hyperscan cannot
compile a Unicode ``\\b`` (``HS_FLAG_UCP``), so it gets two databases: ASCII rows with the
patterns as written (ASCII and Unicode word boundaries agree there) and non-ASCII rows with the
boundaries removed and ``HS_FLAG_UCP`` (a superset; two patterns only compile in prefilter mode).
Flagged row counts are printed next to the timings: Hyperscan's gate is wider on non-ASCII rows,
and it does not apply the engine's extra context-word gate for ``requires_context`` detectors.

    python benchmarks/bench_regex_backends.py            # holdout split of the 3000-doc corpus
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import eval_corpus  # noqa: E402

_WORD_BOUNDARY = re.compile(r"(?<!\\)((?:\\\\)*)\\b")


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def hyperscan_gate(detectors: Sequence[Any], texts: Sequence[str]) -> tuple[float, Any]:
    import hyperscan

    def build(loose: bool) -> Any:
        db = hyperscan.Database()
        flags = []
        for det in detectors:
            f = (
                hyperscan.HS_FLAG_UTF8
                | hyperscan.HS_FLAG_SINGLEMATCH
                | hyperscan.HS_FLAG_ALLOWEMPTY
            )
            f |= hyperscan.HS_FLAG_CASELESS if det.ignore_case else 0
            f |= hyperscan.HS_FLAG_UCP if loose else 0
            flags.append(f)
        exprs = [d.rust_pattern.removeprefix("(?i)") for d in detectors]
        if loose:
            exprs = [_WORD_BOUNDARY.sub(r"\1", p) for p in exprs]
        try:
            db.compile(
                expressions=[p.encode() for p in exprs], ids=list(range(len(exprs))), flags=flags
            )
        except hyperscan.error:
            # Too large in UCP mode for some patterns: prefilter mode (a superset) compiles them.
            flags = [f | hyperscan.HS_FLAG_PREFILTER for f in flags]
            db.compile(
                expressions=[p.encode() for p in exprs], ids=list(range(len(exprs))), flags=flags
            )
        return db

    t0 = time.perf_counter()
    strict, loose = build(False), build(True)
    compile_s = time.perf_counter() - t0
    parts = [
        (strict, [(i, t.encode()) for i, t in enumerate(texts) if t.isascii()]),
        (loose, [(i, t.encode()) for i, t in enumerate(texts) if not t.isascii()]),
    ]

    def scan() -> dict[int, list[int]]:
        rows: dict[int, list[int]] = {}
        for db, items in parts:
            for row, data in items:
                hits: set[int] = set()
                db.scan(data, match_event_handler=lambda i, *_, h=hits: h.add(i))
                for i in hits:
                    rows.setdefault(i, []).append(row)
        return rows

    return compile_s, scan


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)

    import polars as pl

    from clearance.detection.engine import Engine

    docs = [d for d in eval_corpus.generate(args.docs, seed=args.seed) if d["split"] == "holdout"]
    texts = list(dict.fromkeys(str(d["text"]) for d in docs))
    engine = Engine()
    plain = [d for d in engine.registry if not d.keyword_gated]
    frame = pl.DataFrame({"t": pl.Series("t", texts, dtype=pl.String)})
    non_ascii = sum(not t.isascii() for t in texts)
    print(
        f"{len(texts)} distinct texts ({non_ascii} non-ASCII), {len(plain)} regex-gated detectors"
    )

    def polars_gate() -> Any:
        return frame.select([Engine._rust_gate(d, "").alias(d.id) for d in plain])

    pl_s = best_of(polars_gate, args.repeat)
    pl_rows = int(polars_gate().select(pl.sum_horizontal(pl.all().sum())).item())
    print(f"polars (Rust regex): {pl_s * 1e3:.1f} ms, {pl_rows} flagged (row, detector) pairs")
    print(
        f"  engine.candidate_rows (with the keyword gate): "
        f"{best_of(lambda: engine.candidate_rows(frame['t']), args.repeat) * 1e3:.1f} ms"
    )

    try:
        compile_s, scan = hyperscan_gate(plain, texts)
    except ImportError:
        print("hyperscan: not installed")
        return 0
    hs_s = best_of(scan, args.repeat)
    hs_rows = sum(len(v) for v in scan().values())
    print(
        f"hyperscan: {hs_s * 1e3:.1f} ms, {hs_rows} flagged pairs; "
        f"database compile {compile_s:.1f} s (once per process)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
