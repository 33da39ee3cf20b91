"""How well clearance's match scores are calibrated: observed precision per score bin.

Runs the default engine on labelled documents that were never the benchmark holdout (the
``tune`` split of ``eval_corpus`` seed 7 and whole corpora of seeds 101 and 102), marks each
reported match true or false with the same rule as ``bench_presidio.py`` (same type, overlap of
at least half the gold span), and writes, to ``benchmarks/results/calibration.json``:

* reliability bins (score in [0.1k, 0.1k+0.1)): matches, mean score, observed precision;
* the expected calibration error (ECE, bin-weighted |precision - mean score|);
* precision per (detector, score level), the data a per-detector calibration map would be fit on.

Only matches of types the corpus labels are counted (a US_ITIN match cannot be judged here).

Run: ``python benchmarks/bench_calibration.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import eval_corpus  # noqa: E402
from bench_presidio import clearance_spans, gold_spans, match_doc  # noqa: E402
from clearance.detection.engine import Engine  # noqa: E402

RESULTS = HERE / "results" / "calibration.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--seeds", default="101,102", help="extra corpora (never seed 7)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    docs = [d for d in eval_corpus.generate(args.docs, seed=7) if d["split"] == "tune"]
    for seed in (int(s) for s in args.seeds.split(",") if s.strip()):
        if seed == 7:
            raise SystemExit("seed 7 holds the benchmark holdout: use other seeds")
        docs += eval_corpus.generate(args.docs, seed=seed)
    engine = Engine()
    results = engine.detect_batch([str(d["text"]) for d in docs])
    labelled = {t for d in docs for t, _, _ in gold_spans(d)}

    bins: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0.0])  # tp, n, score sum
    levels: dict[tuple[str, float], list[int]] = defaultdict(lambda: [0, 0])
    for doc, matches in zip(docs, results, strict=True):
        pred = clearance_spans(matches)
        tp, _ = match_doc(gold_spans(doc), pred)
        for m, ok, span in zip(matches, tp, pred, strict=True):
            if span[0] not in labelled:
                continue
            b = bins[min(9, int(m.score * 10))]
            b[0] += ok
            b[1] += 1
            b[2] += m.score
            level = levels[(m.detector, round(m.score, 3))]
            level[0] += ok
            level[1] += 1
    total = sum(b[1] for b in bins.values())
    ece = sum(b[1] / total * abs(b[0] / b[1] - b[2] / b[1]) for b in bins.values())
    out: dict[str, Any] = {
        "documents": len(docs),
        "matches": int(total),
        "ece": round(ece, 4),
        "bins": [
            {
                "score_from": k / 10,
                "matches": int(b[1]),
                "mean_score": round(b[2] / b[1], 3),
                "precision": round(b[0] / b[1], 3),
            }
            for k, b in sorted(bins.items())
        ],
        "levels": [
            {"detector": d, "score": s, "matches": n, "precision": round(tp / n, 3)}
            for (d, s), (tp, n) in sorted(levels.items(), key=lambda kv: -kv[1][1])
        ],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    print(f"{len(docs)} documents, {total} judged matches, ECE {ece:.3f}")
    print("| score | matches | mean score | precision |")
    print("|---|---:|---:|---:|")
    for row in out["bins"]:
        print(
            f"| {row['score_from']:.1f}-{row['score_from'] + 0.1:.1f} | {row['matches']} | "
            f"{row['mean_score']:.3f} | {row['precision']:.3f} |"
        )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
