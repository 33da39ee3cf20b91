"""Repeated identifiers across many tables: the one-pass self-join
(``clearance.audit.checks.linkage.shared_values``) against the pairwise approach it replaced (one
Polars ``is_in`` per pair of identifier columns, kept below as ``pairwise``), on the same
columns; then the whole audit of N one-row tables, timed per phase.

Each table has one e-mail column; a quarter of the e-mails are shared with another table, so
both approaches have findings to agree on. The results must be identical (the script checks).
Run: ``python benchmarks/bench_linkage.py`` (``--sizes 100,400,1600``, ``--audit-tables 20000``,
``--audit-tables 0`` to skip the audit).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

from clearance import Fingerprinter
from clearance.audit.auditor import audit_dataset
from clearance.audit.checks.linkage import shared_values
from clearance.audit.keys import join_key
from clearance.audit.policy import policy_from_mapping
from clearance.audit.sources import load_files

Column = tuple[str, str, str, pl.Series]


def columns_for(n: int) -> list[Column]:
    """``n`` one-row tables with one e-mail each; every fourth repeats the previous table's."""
    out: list[Column] = []
    for i in range(n):
        owner = i - 1 if i % 4 == 3 else i
        email = f"person{owner}@example.org"
        out.append((f"t{i:05d}", "email", "EMAIL_ADDRESS", pl.Series("email", [email])))
    return out


def pairwise(columns: list[Column]) -> list[tuple[int, int, int]]:
    """The approach before: every pair of columns of one entity in different tables, compared
    with one Polars call (with the same key normalisation, so that only the algorithm differs)."""
    found = []
    keys = [join_key(c[3]) for c in columns]
    for i, a in enumerate(columns):
        for j in range(i + 1, len(columns)):
            b = columns[j]
            if a[2] != b[2] or a[0] == b[0]:
                continue
            left = keys[i].drop_nulls().unique()
            shared = int(keys[j].drop_nulls().unique().is_in(left.implode()).sum())
            if shared:
                found.append((i, j, shared))
    return found


def _timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def compare(sizes: list[int]) -> list[dict[str, float]]:
    rows = []
    for n in sizes:
        columns = columns_for(n)
        old, old_s = _timed(pairwise, columns)
        (new, bad), new_s = _timed(shared_values, columns)
        assert not bad and new == old, f"results differ at {n} tables"
        rows.append(
            {"tables": n, "pairs_found": len(new), "pairwise_s": old_s, "one_pass_s": new_s}
        )
        print(f"{n:>8,} {len(new):>8,} {old_s:>12.2f} {new_s:>12.4f} {old_s / new_s:>9.0f}x")
    return rows


def whole_audit(n: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(n):
            owner = i - 1 if i % 4 == 3 else i
            (folder / f"t{i:05d}.csv").write_text(
                f"user_id,email,city\n{i},person{owner}@example.org,Leeds\n"
            )
        phases: dict[str, float] = {}
        start = time.perf_counter()
        tables, skipped = load_files([folder])
        phases["load"] = time.perf_counter() - start
        last = [time.perf_counter(), ""]

        def on_check(rule: str) -> None:
            now = time.perf_counter()
            if last[1]:
                phases[str(last[1])] = now - float(last[0])
            last[0], last[1] = now, rule

        report = audit_dataset(
            tables,
            policy_from_mapping({}),
            fingerprinter=Fingerprinter(b"bench-key-0123456789"),
            today=date(2026, 1, 31),
            skipped=skipped,
            progress=on_check,
        )
        end = time.perf_counter()
        phases[str(last[1])] = end - float(last[0])
        from clearance.reports.registry import render

        render_start = time.perf_counter()
        render(report, "json")
        phases["render_json"] = time.perf_counter() - render_start
        total = time.perf_counter() - start
    repeated = sum(f.rule == "linkage-repeated-identifier" for f in report.findings)
    print(
        f"whole audit of {n:,} one-row tables: {total:.1f} s; {repeated:,} repeated-identifier findings"
    )
    for phase, seconds in phases.items():
        print(f"  {phase:<32} {seconds:>8.1f} s")
    return {
        "tables": n,
        "total_s": round(total, 2),
        "phases_s": {k: round(v, 2) for k, v in phases.items()},
        "repeated_identifier_findings": repeated,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,400,1600")
    parser.add_argument("--audit-tables", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/linkage.json"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"{'tables':>8} {'findings':>8} {'pairwise s':>12} {'one pass s':>12} {'speed-up':>9}")
    result: dict[str, object] = {
        "machine": "2 cores shared with other jobs (this benchmark's host)",
        "repeated_identifiers": compare(sizes),
    }
    if args.audit_tables:
        result["whole_audit"] = whole_audit(args.audit_tables)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
