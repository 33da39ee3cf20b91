"""Free-text redaction end to end (detect + replace): clearance vs Presidio's AnalyzerEngine +
AnonymizerEngine on the same texts.

clearance: ``Engine.detect_batch`` then the replacement ``clearance redact`` applies
(:class:`clearance.redact.replace.Replacer`, type placeholders). Presidio: ``analyze`` per text
then ``AnonymizerEngine.anonymize`` (its default operator, ``<ENTITY_TYPE>``). Presidio runs in
this process; clearance in one process too by default (``--workers 0``: every core, as a user
gets it), on a labelled corpus of ``bench_presidio`` (``--corpus``: ``ours`` by default, or
``independent`` / ``presidio-templates``, text written elsewhere; the *tune* split by default).

Recall of the spans that must go is type-agnostic: a gold span counts as removed when the spans
the tool replaced cover every one of its characters (a phone number replaced all but its last
digits is not removed).

    python benchmarks/bench_redact.py --docs 3000 --out benchmarks/results/redact.json
    python benchmarks/bench_redact.py --corpus independent --workers 0

Without ``presidio-anonymizer`` installed, clearance alone is measured and the output says so.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import bench_presidio  # noqa: E402
from clearance.audit.policy import RedactPolicy  # noqa: E402
from clearance.detection.match import Match  # noqa: E402
from clearance.detection.settings import DetectionSettings  # noqa: E402
from clearance.redact.operators import Keys  # noqa: E402
from clearance.redact.replace import Replacer  # noqa: E402

Span = tuple[int, int]
REPEAT = 3


def removed(gold: Sequence[tuple[str, int, int]], replaced: Sequence[Span]) -> tuple[int, int]:
    """(gold spans fully covered by replaced spans, gold spans)."""
    covered = 0
    for _, start, end in gold:
        chars = set(range(start, end))
        for lo, hi in replaced:
            chars -= set(range(lo, hi))
        covered += not chars
    return covered, len(gold)


def run_clearance(
    texts: Sequence[str], workers: int | None = 1, repeat: int = REPEAT
) -> tuple[list[str], list[list[Span]], float, float]:
    engine = DetectionSettings.of(workers=workers).engine()
    engine.start_workers()  # a long-running caller's workers (no-op with one)
    replacer = Replacer(RedactPolicy(), Keys(None), date(2026, 1, 31))

    def once() -> tuple[list[str], list[list[Match]], float, float]:
        c0 = bench_presidio.cpu_seconds()
        t0 = time.perf_counter()
        found = engine.detect_batch(texts)
        out = [replacer.spans(t, ms, "bench") for t, ms in zip(texts, found, strict=True)]
        return out, found, time.perf_counter() - t0, bench_presidio.cpu_seconds() - c0

    # A warm-up pass (lexicons, regex caches: what Presidio's loaded model is to it), then the
    # median of ``repeat`` passes.
    once()
    runs = [once() for _ in range(max(1, repeat))]
    out, found, _, _ = runs[0]
    elapsed = statistics.median(r[2] for r in runs)
    cpu = statistics.median(r[3] for r in runs)
    return out, [[(m.start, m.end) for m in ms] for ms in found], elapsed, cpu


def run_presidio(
    texts: Sequence[str], repeat: int = 1
) -> tuple[list[str], list[list[Span]], float, float]:
    from presidio_anonymizer import AnonymizerEngine

    analyzer = bench_presidio.build_presidio()
    anonymizer = AnonymizerEngine()
    analyzer.analyze(text=texts[0], language="en")  # load the model before timing

    def once() -> tuple[list[str], list[list[Span]], float, float]:
        c0 = bench_presidio.cpu_seconds()
        t0 = time.perf_counter()
        out, spans = [], []
        for text in texts:
            results = analyzer.analyze(text=text, language="en")
            out.append(anonymizer.anonymize(text=text, analyzer_results=results).text)
            spans.append([(r.start, r.end) for r in results])
        return out, spans, time.perf_counter() - t0, bench_presidio.cpu_seconds() - c0

    runs = [once() for _ in range(max(1, repeat))]
    out, spans, _, _ = runs[0]
    return (
        out,
        spans,
        statistics.median(r[2] for r in runs),
        statistics.median(r[3] for r in runs),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000, help="documents generated (both splits)")
    parser.add_argument(
        "--corpus", choices=bench_presidio.CORPORA, default="ours", help="texts (default ours)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="clearance detection processes (default 1, as Presidio's one; 0: every core)",
    )
    parser.add_argument("--split", choices=("tune", "holdout"), default="tune")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed clearance runs (median)")
    parser.add_argument(
        "--presidio-repeat", type=int, default=1, help="timed Presidio runs (median)"
    )
    args = parser.parse_args()

    docs = [
        d
        for d in bench_presidio.load_corpus(args.corpus, args.docs, args.seed)
        if d["split"] == args.split
    ]
    texts = [d["text"] for d in docs]
    golds = [bench_presidio.gold_spans(d) for d in docs]
    result: dict[str, Any] = {
        "texts": len(texts),
        "corpus": args.corpus,
        "split": args.split,
        "chars": sum(map(len, texts)),
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "clearance_workers": args.workers or "every core",
        "presidio_processes": 1,
        "clearance_repeat": max(1, args.repeat),
        "presidio_repeat": max(1, args.presidio_repeat),
    }
    workers = args.workers or None
    runs = {"clearance": lambda texts: run_clearance(texts, workers, args.repeat)}
    if importlib.util.find_spec("presidio_anonymizer") is not None:
        runs["presidio"] = lambda texts: run_presidio(texts, args.presidio_repeat)
    else:
        result["note"] = "presidio-anonymizer is not installed: clearance alone"
    for name, run in runs.items():
        _, spans, elapsed, cpu = run(texts)
        hit = total = 0
        for gold, replaced in zip(golds, spans, strict=True):
            h, t = removed(gold, replaced)
            hit, total = hit + h, total + t
        result[name] = {
            "seconds": round(elapsed, 3),
            "texts_per_s": round(len(texts) / elapsed, 1),
            "cpu_seconds": round(cpu, 3),
            "recall_removed": round(hit / total, 4) if total else 0.0,
            "gold_spans": total,
        }
    if "presidio" in result:
        result["speedup"] = round(
            result["clearance"]["texts_per_s"] / result["presidio"]["texts_per_s"], 1
        )
        # CPU in all of clearance's processes against Presidio's: steadier than wall-clock on a
        # machine shared with other jobs
        result["speedup_by_cpu"] = round(
            result["presidio"]["cpu_seconds"] / result["clearance"]["cpu_seconds"], 1
        )
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
