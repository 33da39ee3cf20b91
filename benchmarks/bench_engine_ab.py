"""Single-process detection time of two source trees, alternated in one run (A/B).

The machine this runs on is often shared, so one tree timed after the other measures the load as
much as the code. Here each tree gets a process of its own (``PYTHONPATH=<tree>/src``) that
loads the texts and an ``Engine(workers=1)``, warms it up, and then times one
``detect_batch`` call each time it is asked; the two processes are asked in turn, ``--runs``
times each, and the median of each is printed. The texts are the Presidio comparison's
(``eval_corpus`` ``--docs`` documents of ``--seed``, ``--split``)::

    git worktree add /tmp/base 8176b70     # or: git archive 8176b70 src | tar -x -C /tmp/base
    python benchmarks/bench_engine_ab.py /tmp/base [/tmp/other ...] [--runs 15]

The trees are timed in turn, this one (``--new``, default: the tree holding this script) last;
ratios are to the first tree.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _child(docs: int, seed: int, split: str) -> None:
    """The timed side: one line in (any), one line out (seconds of one detect_batch)."""
    sys.path.insert(0, str(HERE))
    import eval_corpus
    from clearance.detection.engine import Engine

    corpus = eval_corpus.generate(docs, seed=seed)
    texts = [d["text"] for d in corpus if split == "all" or d["split"] == split]
    engine = Engine(workers=1)
    engine.detect_batch(texts)  # lexicons, regex caches
    engine.detect_batch(texts)
    print(len(texts), flush=True)
    for _ in sys.stdin:
        t0 = time.perf_counter()
        engine.detect_batch(texts)
        print(f"{time.perf_counter() - t0:.6f}", flush=True)


def _spawn(tree: Path, args: argparse.Namespace) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(tree.resolve() / "src"), "CLEARANCE_WORKERS": "1"}
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--docs",
        str(args.docs),
        "--seed",
        str(args.seed),
        "--split",
        args.split,
    ]
    return subprocess.Popen(
        command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trees", type=Path, nargs="*", help="source trees to compare (hold src/)")
    ap.add_argument("--new", type=Path, default=HERE.parent, help="tree timed last (this one)")
    ap.add_argument("--runs", type=int, default=15, help="timed calls per tree (default 15)")
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--split", choices=("holdout", "tune", "all"), default="holdout")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.docs, args.seed, args.split)
        return
    if not args.trees:
        ap.error("name at least one tree to compare with")
    trees = {f"tree{i}": tree for i, tree in enumerate(args.trees)} | {"new": args.new}
    procs = {name: _spawn(tree, args) for name, tree in trees.items()}
    counts = {}
    for name, proc in procs.items():
        assert proc.stdout is not None
        counts[name] = proc.stdout.readline().strip()
    times: dict[str, list[float]] = {name: [] for name in procs}
    try:
        for _ in range(args.runs):
            for name, proc in procs.items():
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write("go\n")
                proc.stdin.flush()
                times[name].append(float(proc.stdout.readline()))
    finally:
        for proc in procs.values():
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait()
    first = statistics.median(times["tree0"])
    for name, tree in trees.items():
        runs = times[name]
        print(
            f"{name:5} {tree}: {counts[name]} texts, median {statistics.median(runs):.3f}s "
            f"(min {min(runs):.3f}, max {max(runs):.3f}, {len(runs)} runs, alternated), "
            f"{statistics.median(runs) / first:.2f}x tree0"
        )


if __name__ == "__main__":
    main()
