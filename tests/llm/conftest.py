"""The tiny-LM fixture for ``clearance llm`` tests: a synthetic corpus and a model trained on it.

``tiny_lm`` (session scope) generates the corpus with :func:`generate_corpus` and trains the
model with :func:`train_tiny_lm` once per test session, a few minutes on two CPU cores.

Cache: the result is kept under ``<repo>/.clearance/cache/tiny-lm/<key>`` (``.clearance/`` is
git-ignored), where ``<key>`` hashes the source of ``clearance/llm/fixtures.py``, the training
config, the seed and the torch/transformers versions; changing any of them rebuilds it. It is
built in a temporary sibling folder and renamed into place only when complete. Set
``CLEARANCE_TINY_LM_CACHE`` to another folder to move the cache, or to ``off`` to build into
pytest's temporary folder every session (what CI effectively does: it starts without a cache and
trains the model fresh; nothing trained is committed).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from clearance.llm.fixtures import (
    CorpusManifest,
    TinyLMConfig,
    TrainingReport,
    config_key,
    generate_corpus,
    load_manifest,
    train_tiny_lm,
)

SEED = 0
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class TinyLM:
    root: Path
    corpus_dir: Path
    model_dir: Path
    manifest: CorpusManifest
    report: TrainingReport


def _build(root: Path) -> None:
    generate_corpus(root / "corpus", seed=SEED)
    train_tiny_lm(root / "corpus", root / "model", seed=SEED)


def _key() -> str:
    import torch
    import transformers

    versions = f"{torch.__version__}|{transformers.__version__}|{SEED}"
    base = config_key(TinyLMConfig(seed=SEED))
    return hashlib.sha256(f"{base}|{versions}".encode()).hexdigest()[:16]


@pytest.fixture(scope="session")
def tiny_lm(tmp_path_factory: pytest.TempPathFactory) -> TinyLM:
    setting = os.environ.get("CLEARANCE_TINY_LM_CACHE", "")
    if setting.lower() == "off":
        root = tmp_path_factory.mktemp("tiny-lm")
        _build(root)
    else:
        cache = Path(setting) if setting else REPO / ".clearance" / "cache" / "tiny-lm"
        root = cache / _key()
        if not (root / "model" / "training.json").is_file():
            partial = cache / f"{root.name}.partial-{os.getpid()}"
            shutil.rmtree(partial, ignore_errors=True)
            _build(partial)
            shutil.rmtree(root, ignore_errors=True)
            partial.rename(root)
    return TinyLM(
        root=root,
        corpus_dir=root / "corpus",
        model_dir=root / "model",
        manifest=load_manifest(root / "corpus"),
        report=TrainingReport.model_validate_json(
            (root / "model" / "training.json").read_text("utf-8")
        ),
    )
