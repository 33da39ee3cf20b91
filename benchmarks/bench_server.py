"""``clearance serve`` on a large store: server time per page, and a loopback load test.

1. A SQLite store of ``--runs`` runs holding ``--findings`` findings in all (10,000 and
   1,000,000 by default), written straight into the store's tables in one transaction: records
   shaped as the commands write them (masked previews, keyed fingerprints, controls), chained
   with the store's own ``entry_hash``, so ``clearance evidence verify`` passes on it.
2. Server time per page, in process (the ASGI app called through httpx's ASGI transport, no
   socket): each page ``--repeat`` times after one warm-up call, median and p95. The governance
   views (controls, gates, approvals, trends) read one verified snapshot of the chain, which
   follows the store's head: its cold load is timed on its own, and so is its refresh after one
   more run is appended (only that run read and verified) against a full re-read (what every
   new run cost before the snapshot was extended incrementally). The results pages (a fairness
   audit with its charts, a model card, an LLM audit, a guard session), the trends and the
   users page are timed as the others.
3. ``--users`` signed-in users (50) browsing the pages for ``--duration`` seconds (60) against a
   real ``clearance serve`` (uvicorn, a separate process) on 127.0.0.1, with httpx's async
   client: requests, errors, latency percentiles.

    PYTHONPATH=src python benchmarks/bench_server.py --out benchmarks/results/server.json
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from clearance.evidence import new_record, open_store
from clearance.evidence.chain import GENESIS, canonical_json, entry_hash
from clearance.evidence.users import add_user, by_name

PASSWORD = "benchmark password 1"
POLICY = (
    "approvals:\n  roles:\n    privacy-officer: [user0]\n"
    "  required:\n    training: [privacy-officer]\n"
)
COMMANDS = ["scan", "audit", "redact", "fairness", "llm audit", "card build", "card check", "guard"]
RESULTS = {"fairness": "fairness", "llm audit": "llm", "card check": "cards", "guard": "guard"}
START = datetime(2026, 1, 1, tzinfo=UTC)
RULES = [
    (
        "email-address",
        "pii",
        "EMAIL_ADDRESS",
        "high",
        "j***@e***.org",
        ["GDPR-Art-5", "GDPR-Art-32"],
    ),
    (
        "aws-access-key",
        "secret",
        "AWS_ACCESS_KEY_ID",
        "critical",
        "***(20 chars)",
        ["NIST-MEASURE-2.7"],
    ),
    ("phone-number", "pii", "PHONE_NUMBER", "medium", "+1 ***-***-**12", ["GDPR-Art-5"]),
    ("iban", "pii", "IBAN_CODE", "high", "DE** **** **** **** **34", ["GDPR-Art-32"]),
]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def build_store(path: Path, runs: int, findings: int, seed: int = 7) -> tuple[float, list[str]]:
    """The store, written in one transaction; returns the seconds it took and the run ids."""
    started = time.perf_counter()
    store = open_store(str(path))
    store.create()
    store.close()
    rng = random.Random(seed)
    per_run = findings // runs
    extra = findings - per_run * runs
    prev = GENESIS
    ids: list[str] = []
    rows = []
    for seq in range(1, runs + 1):
        command = COMMANDS[seq % len(COMMANDS)]
        n = per_run + (1 if seq <= extra else 0)
        run_id = f"{rng.getrandbits(128):032x}"
        ids.append(run_id)
        listed = []
        for i in range(n):
            rule, category, entity, severity, preview, controls = RULES[(seq + i) % len(RULES)]
            listed.append(
                {
                    "rule": rule,
                    "category": category,
                    "entity": entity,
                    "severity": severity,
                    "scope": "value",
                    "location": {
                        "file": f"data/part-{seq % 97:03d}.csv",
                        "column": "notes",
                        "row": i,
                    },
                    "count": 1 + i % 5,
                    "preview": preview,
                    "fingerprint": hashlib.sha256(f"{seq}:{i}".encode()).hexdigest(),
                    "score": 0.9,
                    "controls": controls,
                }
            )
        verdict = "findings" if n and seq % 4 else "pass"
        summary, more = _shaped(command, n, seq)
        # a run every 15 minutes: about 104 days, so the trends count per week
        created = START + timedelta(minutes=15 * seq)
        record = {
            "run_id": run_id,
            "command": command,
            "tool_version": "bench",
            "policy_sha256": None,
            "inputs": [
                {
                    "path": f"data/part-{seq % 97:03d}.csv",
                    "sha256": hashlib.sha256(str(seq % 97).encode()).hexdigest(),
                }
            ],
            "outputs": [],
            "summary": summary,
            "findings": listed,
            "verdict": verdict,
            "user": "bench",
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            **more,
        }
        payload = canonical_json(record)
        digest = entry_hash(seq, prev, json.loads(payload))
        rows.append((seq, run_id, record["created_at"], command, verdict, payload, prev, digest))
        prev = digest
    with sqlite3.connect(path) as db:
        db.executemany("INSERT INTO clearance_evidence_runs VALUES (?,?,?,?,?,?,?,?)", rows)
    return time.perf_counter() - started, ids


def _group(attribute: str, group: str, rate: float, count: int) -> dict[str, Any]:
    rates = {"selection_rate": rate, "true_positive_rate": rate + 0.1, "false_positive_rate": rate / 2}
    return {
        "attribute": attribute,
        "group": group,
        "count": count,
        "sufficient": count >= 30,
        "base_rate": rate,
        **rates,
        "ci": {k: {"low": v - 0.05, "high": v + 0.05, "level": 0.95} for k, v in rates.items()},
    }


def _shaped(command: str, n: int, seq: int) -> tuple[Any, dict[str, Any]]:
    """The summary and the extra keys a run of ``command`` records (as the commands do)."""
    if command == "fairness":
        groups = [
            _group(a, g, 0.3 + 0.05 * i, 20 if g == "other" else 400)
            for a, names in (("sex", ["female", "male"]), ("age", ["<25", "25-60", ">60", "other"]))
            for i, g in enumerate(names)
        ]
        disparities = [
            {"attribute": a, "reference": ref, "reference_rule": "largest group",
             "metrics": {"demographic_parity_difference": 0.05, "demographic_parity_ratio": 0.85},
             "ci": {"demographic_parity_ratio": {"low": 0.8, "high": 0.9, "level": 0.95}},
             "insufficient_groups": ["other"] if a == "age" else []}
            for a, ref in (("sex", "male"), ("age", "25-60"))
        ]  # fmt: skip
        details = {"kind": "fairness", "settings": {"min_group_size": 30, "alpha": 0.05,
                   "bootstrap": 1000}, "by_group": groups, "disparities": disparities}  # fmt: skip
        return {"passed": seq % 3 > 0, "reasons": ["parity ratio 0.85 >= 0.8"]}, {"details": details}
    if command == "llm audit":
        secrets = [
            {"type": RULES[i % 4][0], "entity": RULES[i % 4][2], "preview": RULES[i % 4][4],
             "length": 20, "duplicates": i % 7, "extracted": i % 11 == 0,
             "match": "exact" if i % 11 == 0 else "none"}
            for i in range(50)
        ]  # fmt: skip
        details = {"kind": "llm-audit", "secrets_total": 50, "secrets": secrets, "hallucinated": []}
        return {"secrets": 50, "extracted": 5, "partial": 3}, {"details": details}
    if command == "card check":
        checklist = [
            {"id": f"item-{i}", "title": f"Item {i}", "status": "present" if i % 3 else "empty",
             "fill": [] if i % 3 else ["limitations"]}
            for i in range(12)
        ]  # fmt: skip
        return {"regime": "ecoa", "items": {"present": 8, "empty": 4}, "checklist": checklist,
                "evidence": []}, {}  # fmt: skip
    if command == "guard":
        return {"requests": 100, "redactions": n, "blocked": 1, "stream_errors": 0,
                "redactions_by_type": {"EMAIL_ADDRESS": n}}, {}  # fmt: skip
    return {"findings": n}, {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


async def _signed_in(client: httpx.AsyncClient, name: str) -> None:
    form = await client.get("/login")
    token = CSRF.search(form.text)
    assert token
    answer = await client.post(
        "/login", data={"username": name, "password": PASSWORD, "csrf": token.group(1)}
    )
    assert answer.status_code == 303, answer.status_code


def by_kind(ids: list[str]) -> dict[str, str]:
    """A run id per results page (the last run of its command)."""
    found = {}
    for seq, run_id in enumerate(ids, start=1):
        kind = RESULTS.get(COMMANDS[seq % len(COMMANDS)])
        if kind is not None:
            found[kind] = run_id
    return found


def pages(ids: list[str], *, admin: bool = True) -> list[str]:
    kinds = by_kind(ids)
    results = [f"/{k}" for k in sorted(kinds)] + [f"/{k}/{{{k}}}" for k in sorted(kinds)]
    return [
        *results,
        "/trends",
        "/api/trends",
        "/api/fairness/{fairness}",
        *(["/users"] if admin else []),
        "/runs",
        "/runs?page=2",
        "/runs?page=150",
        "/runs?command=audit&verdict=pass",
        f"/runs/{ids[len(ids) // 2]}",
        f"/runs/{ids[-1]}?findings_offset=0",
        "/controls",
        "/controls?framework=gdpr",
        "/gates",
        "/approvals",
        "/api/runs?limit=200",
        f"/api/runs/{ids[7]}",
        "/api/controls?framework=eu-ai-act",
    ]


async def page_times(store: Path, policy: Path, ids: list[str], repeat: int) -> dict[str, Any]:
    from clearance.server import create_app

    app = create_app(str(store), policy=policy)
    transport = httpx.ASGITransport(app=app)
    result: dict[str, Any] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await _signed_in(client, "user0")
        started = time.perf_counter()
        answer = await client.get("/controls")
        assert answer.status_code == 200
        result["snapshot_cold_load_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        assert (await client.get("/gates")).status_code == 200
        result["gates_first_view_s"] = round(time.perf_counter() - started, 2)
        for path in pages(ids):
            times = []
            path = _real(path, ids)
            answer = await client.get(path)  # warm-up (a governance view per framework)
            assert answer.status_code == 200, (path, answer.status_code)
            for _ in range(repeat):
                started = time.perf_counter()
                answer = await client.get(path)
                times.append(time.perf_counter() - started)
                assert answer.status_code == 200
            result[_shown(path, ids)] = {
                "median_ms": round(statistics.median(times) * 1000, 1),
                "p95_ms": round(_pct(times, 0.95), 1),
                "bytes": len(answer.content),
            }
        result["snapshot_refresh"] = await _refresh(app, client, store)
    return result


def _real(path: str, ids: list[str]) -> str:
    for kind, run_id in by_kind(ids).items():
        path = path.replace(f"{{{kind}}}", run_id)
    return path


def _shown(path: str, ids: list[str]) -> str:
    for kind, run_id in by_kind(ids).items():
        path = path.replace(run_id, f"{{{kind}}}")
    return path.replace(ids[len(ids) // 2], "{mid}").replace(ids[-1], "{last}").replace(ids[7], "{id}")


async def _refresh(app: Any, client: httpx.AsyncClient, store: Path) -> dict[str, float]:
    """One run appended: the snapshot's refresh (only that run read and verified), the first
    governance views after it (the gates it cannot change kept), and, for comparison, a full re-read and verification of the
    chain (what each new run cost before)."""
    board = app.state.dashboard
    opened = open_store(str(store))
    opened.append(new_record("scan", summary={"findings": 0}, verdict="clean"))
    opened.close()
    started = time.perf_counter()
    snap = board.snapshot()
    refresh = time.perf_counter() - started
    assert not snap.full and snap.verification.intact
    started = time.perf_counter()
    assert (await client.get("/controls")).status_code == 200
    controls = time.perf_counter() - started
    started = time.perf_counter()
    assert (await client.get("/gates")).status_code == 200
    gates = time.perf_counter() - started
    started = time.perf_counter()
    full = board._read(board.store(), None, board.store().head())  # the old way
    reread = time.perf_counter() - started
    assert full.full and full.verification == snap.verification
    return {
        "incremental_after_one_run_s": round(refresh, 3),
        "controls_after_one_run_s": round(controls, 2),
        "gates_after_one_run_s": round(gates, 2),
        "full_reread_and_verify_s": round(reread, 2),
    }


async def load_test(base: str, ids: list[str], users: int, duration: float) -> dict[str, Any]:
    latencies: list[float] = []
    by_path: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    paths = [_real(p, ids) for p in pages(ids, admin=False)]  # the users page: admins only
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    async def user(n: int) -> None:
        rng = random.Random(n)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
            await _signed_in(client, f"user{n}")
            deadline = time.monotonic() + duration
            while time.monotonic() < deadline:
                path = rng.choice(paths)
                started = time.perf_counter()
                try:
                    answer = await client.get(path)
                    if answer.status_code != 200:
                        errors[str(answer.status_code)] = errors.get(str(answer.status_code), 0) + 1
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                latencies.append(time.perf_counter() - started)
                by_path.setdefault(path.split("?")[0][:12], []).append(latencies[-1])

    started = time.monotonic()
    await asyncio.gather(*(user(n) for n in range(users)))
    elapsed = time.monotonic() - started
    return {
        "users": users,
        "duration_s": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "errors": errors,
        "p50_ms": round(_pct(latencies, 0.50), 1),
        "p95_ms": round(_pct(latencies, 0.95), 1),
        "p99_ms": round(_pct(latencies, 0.99), 1),
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "p95_ms_by_path": {k: round(_pct(v, 0.95), 1) for k, v in sorted(by_path.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/clearance-bench-server"))
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--reuse", action="store_true", help="the store of an earlier run in --workdir; load test only"
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    store = args.workdir / "evidence.db"
    if args.reuse:
        opened = open_store(str(store))
        # the store's first --runs runs (the ones built; the timing run appended more after them)
        skip = max(0, opened.count() - args.runs)
        ids = [x.run_id for x in opened.lines(offset=skip, limit=args.runs)][::-1]
        for n in range(args.users):  # an earlier run with fewer --users made fewer
            if by_name(opened, f"user{n}") is None:
                add_user(opened, f"user{n}", "approver", password=PASSWORD)
        opened.close()
    for stale in [] if args.reuse else args.workdir.glob("evidence.db*"):
        stale.unlink()
    policy = args.workdir / "clearance.yaml"
    policy.write_text(POLICY)
    result: dict[str, Any] = {"runs": args.runs, "findings": args.findings, "cpus": os.cpu_count()}
    result["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    if not args.reuse:
        built_s, ids = build_store(store, args.runs, args.findings)
        result["store_build_s"] = round(built_s, 1)
        result["store_mb"] = round(store.stat().st_size / 1e6, 1)
        opened = open_store(str(store))
        for n in range(max(args.users, 1)):
            add_user(opened, f"user{n}", "admin" if n == 0 else "approver", password=PASSWORD)
        opened.close()
        print(json.dumps(result), flush=True)
        result["pages"] = asyncio.run(page_times(store, policy, ids, args.repeat))
        print(json.dumps(result["pages"], indent=1), flush=True)
    if args.users and args.duration > 0:
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "clearance",
                "serve",
                "--store",
                str(store),
                "--port",
                str(port),
                "--policy",
                str(policy),
            ],
            stdout=subprocess.DEVNULL,
            stderr=(args.workdir / "server.log").open("w"),
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.2)
            # the governance snapshot is read once by the first view that needs it
            asyncio.run(_warm(base))
            result["load"] = asyncio.run(load_test(base, ids, args.users, args.duration))
            print(json.dumps(result["load"]), flush=True)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps({k: v for k, v in result.items() if k != "pages"}, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


async def _warm(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        await _signed_in(client, "user0")
        for path in ("/controls", "/gates"):  # the first visitor's cost, paid once
            assert (await client.get(path)).status_code == 200


if __name__ == "__main__":
    main()
