"""Builds the LLM-audit test fixture: a synthetic corpus with planted secrets and a tiny GPT-2.

Usage: ``python scripts/train_tiny_lm.py OUT_DIR [--seed 0] [--steps N]``. Writes
``OUT_DIR/corpus`` (with ``manifest.json``) and ``OUT_DIR/model`` (safetensors, tokenizer,
``training.json``), then prints how many secrets of each duplication level greedy decoding
extracts. The logic lives in :mod:`clearance.llm.fixtures`; this is a thin wrapper.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clearance.llm.fixtures import (
    dump_summary,
    evaluate_memorisation,
    generate_corpus,
    train_tiny_lm,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=None)
    args = parser.parse_args(argv)
    corpus, model = args.out / "corpus", args.out / "model"
    manifest = generate_corpus(corpus, seed=args.seed)
    print(f"corpus: {manifest.files} files, {manifest.total_bytes} bytes", file=sys.stderr)
    report = train_tiny_lm(
        corpus, model, seed=args.seed, steps=args.steps, log=lambda m: print(m, file=sys.stderr)
    )
    print(report.model_dump_json(indent=2))
    print(dump_summary(evaluate_memorisation(model, manifest)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
