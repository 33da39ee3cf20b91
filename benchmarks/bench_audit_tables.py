"""``clearance audit`` of a folder of many one-row tables, end to end and phase by phase.

The folder holds N CSV files with one row each (``user_id,email,city``; every fourth e-mail is
the previous table's, as in ``bench_linkage.py``). Two measurements:

- phases, in process, as the CLI runs them: reading the folder, the audit (column-name masking,
  then each check; the engine's scan of every column is timed with ``identifiers``, the first
  check that needs it), rendering the JSON, HTML and Markdown reports, writing them, and the
  terminal summary;
- end to end: ``clearance audit DIR -o a.json -o a.html -o a.md`` in a fresh process.

``--per-table`` scans each table with its own engine calls (``ScanOptions(group_tables=1)``, the
behaviour before small tables were scanned together) for the phase measurement. The result goes
under ``--key`` (default ``after``) in ``--out``, next to what is already there.
Run: ``python benchmarks/bench_audit_tables.py`` (``--tables 20000``, ``--no-cli``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from clearance import Fingerprinter
from clearance.audit.auditor import audit_dataset
from clearance.audit.policy import policy_from_mapping
from clearance.audit.run import load_sources
from clearance.cli._common import write_outputs
from clearance.reports.audit_terminal import render_audit_terminal
from clearance.reports.registry import render
from clearance.scan.options import ScanOptions

KEY = "bench-key-0123456789"


def write_tables(folder: Path, n: int) -> None:
    for i in range(n):
        owner = i - 1 if i % 4 == 3 else i
        (folder / f"t{i:05d}.csv").write_text(
            f"user_id,email,city\n{i},person{owner}@example.org,Leeds\n"
        )


def phases(folder: Path, out: Path, per_table: bool) -> dict[str, object]:
    times: dict[str, float] = {}
    start = time.perf_counter()
    tables, skipped = load_sources([folder])
    times["load"] = time.perf_counter() - start
    last = [time.perf_counter(), "mask column names"]

    def on_check(rule: str) -> None:
        now = time.perf_counter()
        times[str(last[1])] = now - float(last[0])
        last[0], last[1] = now, rule

    options = ScanOptions(group_tables=1) if per_table else ScanOptions()
    report = audit_dataset(
        tables,
        policy_from_mapping({}),
        fingerprinter=Fingerprinter(KEY.encode()),
        today=date(2026, 1, 31),
        skipped=skipped,
        scan_options=options,
        progress=on_check,
    )
    mark = time.perf_counter()
    times[str(last[1])] = mark - float(last[0])
    texts = []
    for fmt, name in (("json", "a.json"), ("html", "a.html"), ("markdown", "a.md")):
        t0 = time.perf_counter()
        texts.append((out / name, render(report, fmt)))
        times[f"render {fmt}"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_outputs(texts)
    times["write reports"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    render_audit_terminal(report)
    times["terminal summary"] = time.perf_counter() - t0
    total = time.perf_counter() - start
    print(f"phases{' (tables scanned one by one)' if per_table else ''}: {total:.1f} s")
    for phase, seconds in times.items():
        print(f"  {phase:<32} {seconds:>8.2f} s")
    return {
        "total_s": round(total, 2),
        "phases_s": {k: round(v, 2) for k, v in times.items()},
        "findings": report.summary.findings,
        "columns": len(report.columns),
        "report_sizes_mb": {p.name: round(len(t.encode()) / 1e6, 1) for p, t in texts},
    }


def cli(folder: Path, out: Path) -> dict[str, object]:
    cmd = [
        sys.executable, "-m", "clearance", "audit", str(folder),
        "-o", str(out / "a.json"), "-o", str(out / "a.html"), "-o", str(out / "a.md"),
    ]  # fmt: skip
    env = {**os.environ, "CLEARANCE_KEY": KEY}
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: the gate fails (e-mails in every table)
        raise SystemExit(f"clearance audit exited {done.returncode}: {done.stderr[-2000:]}")
    print(f"end to end (clearance audit DIR -o a.json -o a.html -o a.md): {seconds:.1f} s")
    return {
        "command": "clearance audit DIR -o a.json -o a.html -o a.md",
        "wall_s": round(seconds, 2),
        "exit": done.returncode,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=20_000)
    parser.add_argument("--per-table", action="store_true")
    parser.add_argument("--no-cli", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/audit_tables.json"))
    parser.add_argument("--key", default="after")
    args = parser.parse_args()
    result: dict[str, object] = {"tables": args.tables}
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "tables", Path(tmp) / "out"
        folder.mkdir()
        out.mkdir()
        write_tables(folder, args.tables)
        result["phases"] = phases(folder, out, args.per_table)
        if not args.no_cli and not args.per_table:
            result["end_to_end"] = cli(folder, out)
    saved = json.loads(args.out.read_text()) if args.out.exists() else {}
    saved["machine"] = "2 cores shared with other jobs (this benchmark's host)"
    saved[args.key] = result
    args.out.write_text(json.dumps(saved, indent=2) + "\n")


if __name__ == "__main__":
    main()
