"""Targeted probing throughput: batched ``HuggingFaceBackend.generate`` against a one-prompt-at-a-
time ``model.generate`` loop, on the tiny-LM fixture (``tests.llm.fixtures``).

N targeted prompts (default 64) are built from the fixture manifest: each planted or control
secret's fixed prefix, and shorter cuts of it (its last line, its last 40 and 20 characters),
cycled to N. Both paths decode greedily ``--max-new-tokens`` tokens; the batched path left-pads
``--batch-size`` prompts at a time (16 by default), the loop feeds one unpadded prompt per call.
The outputs must be identical (asserted). Prints probes/s for both and the speedup and writes
``benchmarks/results/llm_probing.json``.

The model: the newest complete ``<cache>/*/model`` of the per-user fixture cache
(:func:`tests.llm.fixture_cache.cache_dir`, what the test fixture caches), or one trained into
a temporary folder (a few minutes on two CPU cores); ``--model``
(with ``--gguf FILE`` for a GGUF checkpoint in that folder) points at another, ``--corpus`` at the
fixture corpus the prompts come from. ``--random-init`` builds the model from the folder's
``config.json`` with random weights (same architecture and cost; for a machine the weights
cannot reach).
``--device cuda`` runs both paths on the GPU. On CPU the outputs must be identical (asserted);
on a GPU batched and unbatched kernels may round differently, so the mismatches are counted.

Run: ``python benchmarks/bench_llm_probing.py`` (CPU), or
``python benchmarks/bench_llm_probing.py --device cuda --model DIR --gguf F.gguf --corpus C``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# the tiny-LM fixture code lives in the checkout's tests/ package, not in the installed clearance
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.llm.fixture_cache import cache_dir, is_complete
from tests.llm.fixtures import (
    CorpusManifest,
    generate_corpus,
    load_manifest,
    train_tiny_lm,
)

from clearance.llm.hf_backend import HuggingFaceBackend

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "llm_probing.json"


def find_fixture(tmp: Path) -> tuple[Path, Path, str]:
    """``(corpus_dir, model_dir, origin)``: a cached fixture, or a freshly trained one."""
    cache = cache_dir()
    done = sorted(
        (
            p
            for p in (cache.glob("*/model/training.json") if cache is not None else ())
            if is_complete(p.parents[1])
        ),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    if done:
        root = done[0].parents[1]
        return root / "corpus", root / "model", f"cache {root.name}"
    print("no cached tiny LM: training one (a few minutes)")
    generate_corpus(tmp / "corpus", seed=0)
    train_tiny_lm(tmp / "corpus", tmp / "model", seed=0, log=print)
    return tmp / "corpus", tmp / "model", "trained"


def targeted_prompts(manifest: CorpusManifest, n: int) -> list[str]:
    cuts: list[str] = []
    for s in manifest.secrets:
        prefix = s.prefix
        last_line = prefix.rsplit("\n", 2)[-1] if "\n" in prefix.rstrip("\n") else prefix
        cuts += [prefix, last_line, prefix[-40:], prefix[-20:]]
    variants = list(dict.fromkeys(cuts))
    return [variants[i % len(variants)] for i in range(n)]


def loop_generate(model: Any, tokenizer: Any, prompts: list[str], max_new_tokens: int) -> list[str]:
    """One prompt per ``model.generate`` call, greedy, the backend's stop rule."""
    import torch
    import transformers

    eos = model.generation_config.eos_token_id
    if eos is None:
        eos = tokenizer.eos_token_id
    config: Any = transformers.GenerationConfig(
        max_new_tokens=max_new_tokens,
        do_sample=False,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=eos,
        bos_token_id=tokenizer.bos_token_id,
    )
    stops = {eos} if isinstance(eos, int) else set(eos or ())
    out: list[str] = []
    with torch.inference_mode():
        for prompt in prompts:
            enc = tokenizer(prompt, return_tensors="pt").to(model.device)
            seq = model.generate(**enc, generation_config=config)
            ids = seq[0, enc["input_ids"].shape[1] :].tolist()
            for i, tok in enumerate(ids):
                if tok in stops:
                    ids = ids[: i + 1]
                    break
            out.append(tokenizer.decode(ids, skip_special_tokens=True))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the best is kept")
    parser.add_argument("--model", type=Path, help="model folder (default: the fixture)")
    parser.add_argument("--corpus", type=Path, help="fixture corpus folder with manifest.json")
    parser.add_argument("--gguf", help="GGUF file name inside --model")
    parser.add_argument("--random-init", action="store_true", help="random weights, same config")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--dtype", help="torch dtype of the weights (default: the checkpoint's)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    import torch
    import transformers

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        corpus_dir, model_dir = args.corpus, args.model
        origin = f"given {args.model.name}" if args.model else ""
        if corpus_dir is None or model_dir is None:
            fixture_corpus, fixture_model, fixture_origin = find_fixture(Path(tmp))
            corpus_dir = corpus_dir or fixture_corpus
            model_dir = model_dir or fixture_model
            origin = origin or f"tiny-lm fixture ({fixture_origin})"
        manifest = load_manifest(corpus_dir)
        prompts = targeted_prompts(manifest, args.prompts)

        backend = HuggingFaceBackend(
            model_dir,
            gguf_file=args.gguf,
            batch_size=args.batch_size,
            device=args.device,
            dtype=args.dtype,
        )
        if args.random_init:  # the folder may hold only config.json and the tokenizer
            torch.manual_seed(0)
            config = transformers.AutoConfig.from_pretrained(model_dir, local_files_only=True)
            fresh = transformers.AutoModelForCausalLM.from_config(config)
            tok = transformers.AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
            tok.padding_side = "left"  # as HuggingFaceBackend sets it
            if tok.pad_token_id is None:
                tok.pad_token = tok.eos_token
            backend._model, backend._tokenizer = fresh.to(args.device).eval(), tok
            origin += ", random weights"
        model, tokenizer = backend._load()  # the same weights and tokenizer settings for both
        if args.gguf:
            origin += f" ({args.gguf})"
        # warm-up (first-call allocations), untimed
        backend.generate(prompts[: args.batch_size], max_new_tokens=4)
        loop_generate(model, tokenizer, prompts[:2], 4)

        batched_s, loop_s = float("inf"), float("inf")
        batched: list[str] = []
        looped: list[str] = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            gens = backend.generate(prompts, max_new_tokens=args.max_new_tokens)
            batched_s = min(batched_s, time.perf_counter() - t)
            batched = [g[0].text for g in gens]
            t = time.perf_counter()
            looped = loop_generate(model, tokenizer, prompts, args.max_new_tokens)
            loop_s = min(loop_s, time.perf_counter() - t)

    mismatches = [i for i, (a, b) in enumerate(zip(batched, looped, strict=True)) if a != b]
    on_gpu = torch.device(args.device).type == "cuda"
    if not on_gpu:
        assert not mismatches, f"batched and one-at-a-time greedy outputs differ at {mismatches}"
    n = len(prompts)
    result = {
        "benchmark": "llm targeted probing: batched generate vs one prompt at a time",
        "model": origin,
        "parameters": sum(p.numel() for p in model.parameters()),
        "prompts": n,
        "distinct_prompts": len(set(prompts)),
        "batch_size": args.batch_size,
        "max_new_tokens": args.max_new_tokens,
        "repeats": args.repeats,
        "batched_seconds": round(batched_s, 3),
        "loop_seconds": round(loop_s, 3),
        "batched_probes_per_s": round(n / batched_s, 1),
        "loop_probes_per_s": round(n / loop_s, 1),
        "speedup": round(loop_s / batched_s, 2),
        "outputs_identical": not mismatches,
        "outputs_differing": len(mismatches),
        "device": args.device,
        "dtype": str(next(model.parameters()).dtype).removeprefix("torch."),
        "threads": args.threads,
        "cpu": platform.processor() or platform.machine(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "gpu": torch.cuda.get_device_name() if on_gpu else None,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(
        f"{n} probes, batch {args.batch_size}, {args.max_new_tokens} new tokens: "
        f"batched {result['batched_probes_per_s']} probes/s, "
        f"loop {result['loop_probes_per_s']} probes/s, speedup x{result['speedup']} "
        f"({len(mismatches)} outputs differ; {result['gpu'] or f'CPU, {args.threads} threads'})"
    )
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
