"""The guard (``clearance guard``) under load, its CPU per chunk, and LLM Guard's Secrets scanner.

Three measurements, all on text nobody wrote for the guard: this repository's README (prose,
tables and code, cut into answers), with a few secrets planted per 1,000 chunks (the detection
rules' own positive examples and one known secret of an inventory, matched by fingerprint).

- ``scanner`` (always): CPU time of :meth:`StreamScanner.feed` per chunk, on SmolLM-like token
  chunks of 1-6 characters (``time.thread_time``), p50/p90/p99/max.
- ``load`` (always; ``--no-load`` skips it): a scripted OpenAI-compatible upstream (uvicorn,
  streaming SSE, as fast as it can) and the guard in front of it, each in its own process on
  loopback; ``--clients`` concurrent streaming clients (``httpx.AsyncClient``) call the upstream
  directly, then through the guard, in the same run. Reported both ways: requests/s, chunks/s,
  time to first token and time between chunks at the client (p50/p99), and the guard's own CPU
  per upstream chunk (SSE parsing, rewriting and scanning, measured in the guard process).
- ``--llm-guard``: the same answers, whole (not streamed), through LLM Guard's
  ``input_scanners.Secrets`` (detect-secrets; run with ``--llm-guard-python``, the interpreter
  of an environment where ``llm-guard`` is installed) and through the guard's redactor, with the
  secret rules only (LLM Guard's job) and with the rules and a known-secret inventory (which
  hashes every window of the text); CPU time per text and how many planted secrets each removed.

    python benchmarks/bench_guard.py --out /tmp/bench_guard.json
    python benchmarks/bench_guard.py --llm-guard --llm-guard-python /tmp/venv/bin/python --no-load

Results go to ``--out`` only; ``benchmarks/results/`` is for runs on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import json
import multiprocessing
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from clearance.detection.registry import default_registry  # noqa: E402
from clearance.guard.scanner import Redactor  # noqa: E402
from clearance.privacy import Fingerprinter  # noqa: E402

KEY = b"bench-guard-key"
KNOWN = "plum7-Orbit-velvet-93"  # a password no rule knows: only the inventory has it
RULES = ("github-pat", "slack-bot-token", "aws-secret-access-key", "stripe-secret-key",
         "openai-api-key", "postgres-uri-password", "private-key-rsa")  # fmt: skip


def plants() -> list[tuple[str, str]]:
    """(text to plant, the secret value in it): the rules' own positives, and the known one."""
    registry = default_registry()
    out = []
    for rule in RULES:
        positive = registry[rule].positives[0]
        m = next(iter(registry[rule].compiled[0].finditer(positive)))
        value = m.group("value") if "value" in m.re.groupindex else m.group(0)
        out.append((f" {positive} ", value))
    out.append((f" the password is {KNOWN}. ", KNOWN))
    return out


def corpus() -> str:
    return (HERE.parent / "README.md").read_text(encoding="utf-8")


def token_chunks(rng: random.Random, count: int, per_1000: float) -> tuple[list[str], list[int]]:
    """``count`` chunks of 1-6 characters (words cut as a small model's tokens are), with
    ``per_1000`` planted secrets per 1,000 chunks; and the chunks where an answer may start (a
    word of the corpus: an answer starting inside a plant would hold a key without the words
    that make it one, which no rule finds, streamed or not)."""
    text = corpus()
    words = re.findall(r" ?\w+|\s+|[^\w\s]+", text)
    secrets = plants()
    out: list[str] = []
    starts: list[int] = []
    i = rng.randrange(len(words))
    while len(out) < count:
        word = words[i % len(words)]
        i += 1
        if rng.random() < per_1000 / 1000 * 3.5:  # about 3.5 chunks per word
            word = rng.choice(secrets)[0] + word
        else:
            starts.append(len(out))
        while word and len(out) < count:
            n = rng.randint(1, 6)
            out.append(word[:n])
            word = word[n:]
    return out, starts


def make_redactor(tmp: Path) -> tuple[Redactor, Path]:
    from clearance.detection.settings import DetectionSettings
    from clearance.guard.holdback import derive
    from clearance.guard.known import known_from_inventory, read_inventory
    from clearance.llm.inventory import inventory_paths

    vault = tmp / "vault.txt"
    vault.write_text(KNOWN + "\n")
    (tmp / "empty").mkdir(exist_ok=True)
    inventory = inventory_paths([tmp / "empty"], fingerprinter=Fingerprinter(KEY), vault=vault)
    path = tmp / "inventory.json"
    path.write_text(inventory.to_json())
    fp = Fingerprinter(KEY)
    known = known_from_inventory(read_inventory(path), fp, max_length=16384)
    engine = DetectionSettings.of(categories=("secret",), workers=1).engine()
    hold = derive(engine.registry, extra_width=known.longest)
    redactor = Redactor(engine, hold, fp, known)
    redactor.redact("warm up")
    return redactor, path


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def summary_ms(values_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values_s]
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 0.5), 4),
        "p90_ms": round(pct(ms, 0.9), 4),
        "p99_ms": round(pct(ms, 0.99), 4),
        "max_ms": round(max(ms), 4) if ms else float("nan"),
        "mean_ms": round(statistics.fmean(ms), 4) if ms else float("nan"),
    }


def bench_scanner(
    redactor: Redactor, chunks: list[str], starts: list[int], per_stream: int
) -> dict[str, Any]:
    """Streams of about ``per_stream`` chunks, each starting at a word (see ``token_chunks``)."""
    times: list[float] = []
    leaked = 0
    edges = [0]
    for start in starts:
        if start - edges[-1] >= per_stream:
            edges.append(start)
    edges.append(len(chunks))
    for lo, hi in itertools.pairwise(edges):
        scanner = redactor.stream()
        out = []
        for chunk in chunks[lo:hi]:
            t0 = time.thread_time()
            out.append(scanner.feed(chunk))
            times.append(time.thread_time() - t0)
        out.append(scanner.finish())
        text = "".join(out)
        leaked += sum(value in text for _, value in plants())
    return {
        "chunks": len(times),
        "streams": len(edges) - 1,
        "cpu_per_chunk": summary_ms(times),
        "secrets_leaked": leaked,
    }


# --- load: upstream and guard in their own processes ------------------------------------------


_UVICORN: dict[str, Any] = {
    "log_level": "critical",
    "access_log": False,
    "backlog": 4096,
    "timeout_keep_alive": 120,
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _event(content: str | None, finish: str | None = None) -> bytes:
    delta = {} if content is None else {"content": content}
    chunk = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "bench",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(chunk)}\n\n".encode()


def _run_upstream(port: int, chunks: list[str], starts: list[int], per_request: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    counter = [0]

    async def complete(request: Request) -> Any:
        await request.body()
        start = starts[counter[0] * 97 % len(starts)]
        counter[0] += 1

        async def gen() -> Any:
            for piece in chunks[start : start + per_request]:
                yield _event(piece)
                await asyncio.sleep(0)
            yield _event(None, "stop")
            yield b"data: [DONE]\n\n"

        return StreamingResponse(gen(), media_type="text/event-stream")

    async def models(request: Request) -> Any:
        return JSONResponse({"object": "list", "data": [{"id": "bench", "object": "model"}]})

    app = Starlette(
        routes=[
            Route("/v1/chat/completions", complete, methods=["POST"]),
            Route("/v1/models", models),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=port, **_UVICORN)


def _run_guard(port: int, upstream: str, inventory: str) -> None:
    import uvicorn

    from clearance.guard import sse
    from clearance.guard.app import create_guard_app
    from clearance.guard.proxy import build_guard
    from clearance.guard.settings import GuardSettings

    samples: list[float] = []
    rewrite = sse.ChunkRewriter.rewrite

    def timed(self: Any, data: str) -> str:
        t0 = time.thread_time()
        try:
            return rewrite(self, data)
        finally:
            samples.append(time.thread_time() - t0)

    sse.ChunkRewriter.rewrite = timed  # type: ignore[method-assign]
    guard = build_guard(
        upstream, GuardSettings(), fingerprinter=Fingerprinter(KEY), inventory=Path(inventory)
    )
    app = create_guard_app(guard)

    async def with_stats(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/__bench_stats":
            body = json.dumps(samples).encode()
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            samples.clear()
            return
        await app(scope, receive, send)

    uvicorn.run(with_stats, host="127.0.0.1", port=port, **_UVICORN)


async def _wait_up(url: str, deadline: float = 60) -> None:
    import httpx

    end = time.monotonic() + deadline
    async with httpx.AsyncClient() as client:
        while True:
            try:
                if (await client.get(f"{url}/v1/models", timeout=2)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > end:
                raise RuntimeError(f"{url} did not start")
            await asyncio.sleep(0.2)


async def _drive(url: str, clients: int, requests: int) -> dict[str, Any]:
    import httpx

    body = {"model": "bench", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    ttft: list[float] = []
    gaps: list[float] = []
    chunks = 0
    errors = 0
    texts: list[str] = []
    kinds: dict[str, int] = {}
    queue = list(range(requests))

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal chunks, errors
        while queue:
            queue.pop()
            t0 = time.perf_counter()
            first = None
            last = t0
            parts = []
            try:
                async with client.stream("POST", f"{url}/v1/chat/completions", json=body) as resp:
                    if resp.status_code != 200:
                        errors += 1
                        await resp.aread()
                        continue
                    async for line in resp.aiter_lines():
                        if not line.startswith("data: ") or line == "data: [DONE]":
                            continue
                        now = time.perf_counter()
                        gaps.append(now - last)
                        last = now
                        event = json.loads(line[6:])
                        if "error" in event:
                            errors += 1
                            break
                        chunks += 1
                        for choice in event.get("choices", ()):
                            content = choice.get("delta", {}).get("content")
                            if content:
                                parts.append(content)
                                if first is None:
                                    first = now - t0
            except httpx.HTTPError as exc:
                errors += 1
                kinds[type(exc).__name__] = kinds.get(type(exc).__name__, 0) + 1
                continue
            if first is not None:
                ttft.append(first)
            texts.append("".join(parts))

    limits = httpx.Limits(max_connections=clients + 8, max_keepalive_connections=clients + 8)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(300.0)) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(one(client) for _ in range(clients)))
        wall = time.perf_counter() - t0
    leaked = sum(value in text for text in texts for _, value in plants())
    return {
        "requests": requests,
        "errors": errors,
        "error_kinds": kinds,
        "wall_s": round(wall, 3),
        "requests_per_s": round(requests / wall, 2),
        "chunks_per_s": round(chunks / wall, 1),
        "time_to_first_token": summary_ms(ttft),
        "time_between_chunks": summary_ms(gaps),
        "secrets_leaked": leaked,
    }


def bench_load(
    inventory: Path,
    chunks: list[str],
    starts: list[int],
    clients: int,
    requests: int,
    per_request: int,
) -> dict[str, Any]:
    import httpx

    ctx = multiprocessing.get_context("spawn")
    up_port, guard_port = _free_port(), _free_port()
    upstream = f"http://127.0.0.1:{up_port}"
    guard_url = f"http://127.0.0.1:{guard_port}"
    procs = [
        ctx.Process(target=_run_upstream, args=(up_port, chunks, starts, per_request), daemon=True),
        ctx.Process(target=_run_guard, args=(guard_port, upstream, str(inventory)), daemon=True),
    ]
    for proc in procs:
        proc.start()
    try:
        asyncio.run(_wait_up(upstream))
        asyncio.run(_wait_up(guard_url))
        asyncio.run(_drive(upstream, 4, 8))  # warm up both
        asyncio.run(_drive(guard_url, 4, 8))
        httpx.get(f"{guard_url}/__bench_stats", timeout=30)
        direct = asyncio.run(_drive(upstream, clients, requests))
        guarded = asyncio.run(_drive(guard_url, clients, requests))
        cpu = httpx.get(f"{guard_url}/__bench_stats", timeout=30).json()
    finally:
        for proc in procs:
            proc.terminate()
            proc.join(10)
    added = {
        key: round(guarded["time_between_chunks"][key] - direct["time_between_chunks"][key], 4)
        for key in ("p50_ms", "p99_ms")
    }
    return {
        "clients": clients,
        "chunks_per_request": per_request,
        "direct": direct,
        "guard": guarded,
        "added_time_between_chunks": added,
        "guard_cpu_per_upstream_chunk": summary_ms(cpu),
    }


# --- LLM Guard ---------------------------------------------------------------------------------

_LLM_GUARD = r"""
import json, sys, time, logging
import structlog
structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
from llm_guard.input_scanners import Secrets
texts = json.load(open(sys.argv[1]))
scanner = Secrets(redact_mode="all")
scanner.scan(texts[0])  # loads its plugins
out = []
for text in texts:
    t0, c0 = time.perf_counter(), time.process_time()
    sanitized, valid, score = scanner.scan(text)
    out.append([time.perf_counter() - t0, time.process_time() - c0, sanitized])
json.dump(out, open(sys.argv[2], "w"))
"""


def bench_llm_guard(redactor: Redactor, python: str, texts: list[str]) -> dict[str, Any]:
    secrets = plants()
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "texts.json", Path(tmp) / "out.json"
        src.write_text(json.dumps(texts))
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        subprocess.run([python, "-c", _LLM_GUARD, str(src), str(dst)], check=True, env=env)
        theirs = json.loads(dst.read_text())

    def timed(r: Redactor) -> list[list[Any]]:
        rows = []
        for text in texts:
            t0, c0 = time.perf_counter(), time.process_time()
            redacted, _ = r.redact(text)
            rows.append([time.perf_counter() - t0, time.process_time() - c0, redacted])
        return rows

    rules_only = dataclasses.replace(redactor, known=None)
    ours, ours_rules = timed(redactor), timed(rules_only)
    planted = sum(value in text for text in texts for _, value in secrets)

    def side(rows: list[list[Any]]) -> dict[str, Any]:
        left = sum(value in row[2] for row in rows for _, value in secrets)
        return {
            "wall_per_text": summary_ms([r[0] for r in rows]),
            "cpu_per_text": summary_ms([r[1] for r in rows]),
            "planted_secrets_removed": planted - left,
        }

    a, b, c = side(theirs), side(ours_rules), side(ours)

    def ratio(x: dict[str, Any], y: dict[str, Any], key: str) -> float:
        return round(x["cpu_per_text"][key] / y["cpu_per_text"][key], 1)

    return {
        "texts": len(texts),
        "mean_chars": round(statistics.fmean(map(len, texts))),
        "planted_secrets": planted,
        "llm_guard_secrets": a,
        "clearance_guard_rules": b,
        "clearance_guard_rules_and_inventory": c,
        "cpu_ratio_rules": {"mean": ratio(a, b, "mean_ms"), "median": ratio(a, b, "p50_ms")},
        "cpu_ratio_rules_and_inventory": {
            "mean": ratio(a, c, "mean_ms"),
            "median": ratio(a, c, "p50_ms"),
        },
    }


def answers(rng: random.Random, count: int, chars: int) -> list[str]:
    """``count`` answers of about ``chars`` characters cut from the corpus, each with one or two
    planted secrets."""
    text = corpus()
    secrets = plants()
    out = []
    for _ in range(count):
        lo = rng.randrange(len(text) - chars)
        body = text[lo : lo + chars]
        for _ in range(rng.randint(1, 2)):
            cut = rng.randrange(len(body))
            body = body[:cut] + rng.choice(secrets)[0] + body[cut:]
        out.append(body)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, help="write the JSON results here")
    ap.add_argument("--chunks", type=int, default=20_000, help="chunks for the CPU measurement")
    ap.add_argument("--per-1000", type=float, default=3.0, help="secrets per 1,000 chunks")
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--chunks-per-request", type=int, default=150)
    ap.add_argument("--no-load", action="store_true")
    ap.add_argument("--llm-guard", action="store_true")
    ap.add_argument("--llm-guard-python", default=sys.executable)
    ap.add_argument("--texts", type=int, default=200)
    ap.add_argument("--text-chars", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    result: dict[str, Any] = {
        "machine": f"{platform.machine()} {os.cpu_count()} cpus, Python {platform.python_version()}",
        "load_average": os.getloadavg(),
        "corpus": "README.md of this repository (prose, tables, code)",
    }
    with tempfile.TemporaryDirectory() as tmp:
        redactor, inventory = make_redactor(Path(tmp))
        chunks, starts = token_chunks(rng, args.chunks, args.per_1000)
        result["scanner"] = bench_scanner(redactor, chunks, starts, per_stream=500)
        print(json.dumps({"scanner": result["scanner"]}, indent=1), flush=True)
        if not args.no_load:
            fits = [s for s in starts if s + args.chunks_per_request <= len(chunks)]
            result["load"] = bench_load(
                inventory, chunks, fits, args.clients, args.requests, args.chunks_per_request
            )
            print(json.dumps({"load": result["load"]}, indent=1), flush=True)
        if args.llm_guard:
            texts = answers(rng, args.texts, args.text_chars)
            result["llm_guard"] = bench_llm_guard(redactor, args.llm_guard_python, texts)
            print(json.dumps({"llm_guard": result["llm_guard"]}, indent=1), flush=True)
    result["load_average_after"] = os.getloadavg()
    if args.out is not None:
        from clearance.io.outputs import write_atomic

        write_atomic(args.out, json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
