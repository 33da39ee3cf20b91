"""Builds the LLM-audit test fixture: a synthetic corpus with planted secrets and a tiny GPT-2.

Usage: ``python scripts/train_tiny_lm.py OUT_DIR [--seed 0] [--steps N]``. Writes
``OUT_DIR/corpus`` (with ``manifest.json``) and ``OUT_DIR/model`` (safetensors, tokenizer,
``training.json``), then prints how many secrets of each duplication level greedy decoding
extracts. ``python scripts/train_tiny_lm.py --cache`` instead builds the fixture the tests use
into the per-user cache (``tests.llm.fixture_cache``; nothing when it is already there) and
prints its folder. The logic lives in :mod:`tests.llm.fixtures` (test code, not shipped in the
wheel: run this from a checkout); this is a thin wrapper.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# the fixture code lives in the checkout's tests/ package, not in the installed clearance
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.llm.fixture_cache import cache_dir, cached_build, tiny_lm_key
from tests.llm.fixtures import (
    dump_summary,
    evaluate_memorisation,
    generate_corpus,
    train_tiny_lm,
)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--cache", action="store_true", help="Build the tests' cached fixture.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=None)
    args = parser.parse_args(argv)
    if args.cache:
        cache = cache_dir()
        if cache is None or args.out is not None or args.steps is not None:
            parser.error("--cache takes no OUT_DIR nor --steps, and needs the cache on")

        def build(root: Path) -> None:
            generate_corpus(root / "corpus", seed=args.seed)
            train_tiny_lm(root / "corpus", root / "model", seed=args.seed, log=_say)

        print(cached_build(cache, tiny_lm_key(args.seed), build, log=_say))
        return 0
    if args.out is None:
        parser.error("give OUT_DIR or --cache")
    corpus, model = args.out / "corpus", args.out / "model"
    manifest = generate_corpus(corpus, seed=args.seed)
    _say(f"corpus: {manifest.files} files, {manifest.total_bytes} bytes")
    report = train_tiny_lm(corpus, model, seed=args.seed, steps=args.steps, log=_say)
    print(report.model_dump_json(indent=2))
    print(dump_summary(evaluate_memorisation(model, manifest)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
