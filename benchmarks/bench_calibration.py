"""Score calibration: fit the bundled map, and measure it on documents it was not fitted on.

Fitting documents: the ``tune`` split of ``eval_corpus`` seed 7 and whole corpora of seeds 101
and 102. Evaluation documents: the ``holdout`` split of seed 7 (the Presidio comparison's) and
the whole corpus of seed 103, never used for fitting or tuning. Each reported match is judged
with the rule of ``bench_presidio.py`` (same type, overlap of at least half the gold span);
only matches of types the corpus labels are counted (a US_ITIN match cannot be judged here).

Writes ``benchmarks/results/calibration.json``: reliability bins (score in [0.1k, 0.1k+0.1)),
expected calibration error (ECE, bin-weighted |precision - mean score|) and Brier score of the
hand-set and of the calibrated scores on the evaluation documents, and the precision per
(detector, score level) on the fitting documents. ``--write-map`` also writes the fitted map
(``src/clearance/detection/calibration.json`` is the bundled one).

Run: ``python benchmarks/bench_calibration.py [--write-map src/clearance/detection/calibration.json]``.
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
from bench_presidio import gold_spans  # noqa: E402
from clearance.detection.engine import Engine  # noqa: E402
from clearance.detection.fitting import fit, observations  # noqa: E402

RESULTS = HERE / "results" / "calibration.json"
BUNDLED = HERE.parent / "src" / "clearance" / "detection" / "calibration.json"


def _gold(docs: list[dict[str, Any]]) -> list[list[tuple[str, int, int]]]:
    return [gold_spans(d) for d in docs]


def reliability(records: list[tuple[str, float, bool]]) -> dict[str, Any]:
    bins: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0.0])  # right, n, score sum
    for _, score, ok in records:
        b = bins[min(9, int(score * 10))]
        b[0] += ok
        b[1] += 1
        b[2] += score
    total = sum(b[1] for b in bins.values()) or 1
    ece = sum(b[1] / total * abs(b[0] / b[1] - b[2] / b[1]) for b in bins.values())
    brier = sum((score - ok) ** 2 for _, score, ok in records) / total
    return {
        "matches": len(records),
        "ece": round(ece, 4),
        "brier": round(brier, 4),
        "bins": [
            {
                "score_from": k / 10,
                "matches": int(b[1]),
                "mean_score": round(b[2] / b[1], 3),
                "precision": round(b[0] / b[1], 3),
            }
            for k, b in sorted(bins.items())
        ],
    }


def _table(name: str, rel: dict[str, Any]) -> None:
    print(
        f"{name}: {rel['matches']} judged matches, ECE {rel['ece']:.3f}, Brier {rel['brier']:.4f}"
    )
    print("| score | matches | mean score | precision |")
    print("|---|---:|---:|---:|")
    for row in rel["bins"]:
        print(
            f"| {row['score_from']:.1f}-{row['score_from'] + 0.1:.1f} | {row['matches']} | "
            f"{row['mean_score']:.3f} | {row['precision']:.3f} |"
        )


# The columns of bench_scan_table's table and the type every match in them should have (None:
# no match is right there).
COLUMN_TRUTH = {
    "user_id": None,
    "full_name": "PERSON",
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "street_address": "LOCATION",
    "city": "LOCATION",
    "birth_date": "DATE_TIME",
    "card_number": "CREDIT_CARD",
    "signup_ip": "IP_ADDRESS",
    "sku": None,
    "price": None,
}


def column_records(engine: Engine, rows: int = 20_000) -> list[tuple[str, float, bool]]:
    """(detector, score, right) for the matches in the distinct values of each column of
    bench_scan_table's table, the column name as context (as ``clearance scan`` passes it)."""
    import tempfile

    import polars as pl

    from bench_scan_table import make_table

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.csv"
        make_table(path, rows)
        frame = pl.read_csv(path, infer_schema_length=0)
    out: list[tuple[str, float, bool]] = []
    for column, truth in COLUMN_TRUTH.items():
        values = sorted(set(frame[column].drop_nulls().to_list()))
        for matches in engine.detect_batch(values, context=column):
            out += [(m.detector, m.score, m.entity == truth) for m in matches]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--seeds", default="101,102", help="extra fitting corpora (never 7, 103)")
    parser.add_argument("--eval-seed", type=int, default=103)
    parser.add_argument("--prior-strength", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--write-map", type=Path, default=None, metavar="FILE")
    args = parser.parse_args()

    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    if 7 in seeds or args.eval_seed in seeds:
        raise SystemExit("seed 7 (holdout) and the evaluation seed cannot be fitting seeds")
    corpus7 = eval_corpus.generate(args.docs, seed=7)
    fit_docs = [d for d in corpus7 if d["split"] == "tune"]
    for seed in seeds:
        fit_docs += eval_corpus.generate(args.docs, seed=seed)
    eval_docs = [d for d in corpus7 if d["split"] == "holdout"]
    eval_docs += eval_corpus.generate(args.docs, seed=args.eval_seed)

    raw_engine = Engine(calibration=None)
    fit_records = observations(raw_engine, [str(d["text"]) for d in fit_docs], _gold(fit_docs))
    calibration = fit(
        fit_records,
        source=(
            f"clearance eval_corpus (synthetic): tune split of seed 7 and seeds {args.seeds}, "
            f"{args.docs} documents each"
        ),
        documents=len(fit_docs),
        prior_strength=args.prior_strength,
    )
    eval_texts, eval_gold = [str(d["text"]) for d in eval_docs], _gold(eval_docs)
    raw_eval = observations(raw_engine, eval_texts, eval_gold)
    cal_eval = observations(Engine(calibration=calibration), eval_texts, eval_gold)

    raw_columns = column_records(raw_engine)
    cal_columns = column_records(Engine(calibration=calibration))

    levels: dict[tuple[str, float], list[int]] = defaultdict(lambda: [0, 0])
    for det, score, ok in fit_records:
        level = levels[(det, round(score, 3))]
        level[0] += ok
        level[1] += 1
    out: dict[str, Any] = {
        "fit_documents": len(fit_docs),
        "eval_documents": len(eval_docs),
        "prior_strength": args.prior_strength,
        "fit_hand_set": reliability(fit_records),
        "eval_hand_set": reliability(raw_eval),
        "eval_calibrated": reliability(cal_eval),
        "columns_hand_set": reliability(raw_columns),
        "columns_calibrated": reliability(cal_columns),
        "levels": [
            {
                "detector": d,
                "score": s,
                "matches": n,
                "precision": round(tp / n, 3),
                "calibrated": calibration.score(d, s),
            }
            for (d, s), (tp, n) in sorted(levels.items(), key=lambda kv: (-kv[1][1], kv[0]))
        ],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    print(f"fit on {len(fit_docs)} documents, evaluated on {len(eval_docs)} others")
    _table("hand-set scores, fitting documents", out["fit_hand_set"])
    _table("hand-set scores, evaluation documents", out["eval_hand_set"])
    _table("calibrated scores, evaluation documents", out["eval_calibrated"])
    _table("hand-set scores, table columns", out["columns_hand_set"])
    _table("calibrated scores, table columns", out["columns_calibrated"])
    if args.write_map is not None:
        args.write_map.write_text(calibration.to_json(), "utf-8")
        print(f"wrote {args.write_map}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
