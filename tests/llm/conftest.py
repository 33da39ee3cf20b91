"""The tiny-LM fixture for ``clearance llm`` tests: a synthetic corpus and a model trained on it.

``tiny_lm`` (session scope) generates the corpus with :func:`generate_corpus` and trains the
model with :func:`train_tiny_lm` once, a few minutes on two CPU cores, printing its progress to
the terminal (``training the tiny LM fixture: step k/N``) even while pytest captures output.

Cache (:mod:`tests.llm.fixture_cache`): the result is kept by content key in a per-user
cache that survives fresh clones, ``$XDG_CACHE_HOME/clearance/tiny-lm/<key>`` (default
``~/.cache/clearance/tiny-lm/<key>``), where ``<key>`` hashes the source of
``tests/llm/fixtures.py``, the training config, the seed and the torch/transformers versions;
changing any of them trains a new one. Two pytest processes never both train it (a lock file),
and an interrupted build is never used. ``CLEARANCE_TINY_LM_CACHE`` moves the cache to another
folder, or, set to ``off``, builds into pytest's temporary folder every session.
``python scripts/train_tiny_lm.py --cache`` warms the cache by hand.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.llm.fixture_cache import cache_dir, cached_build, tiny_lm_key
from tests.llm.fixtures import (
    CorpusManifest,
    TrainingReport,
    generate_corpus,
    load_manifest,
    train_tiny_lm,
)

SEED = 0


@dataclass(frozen=True)
class TinyLM:
    root: Path
    corpus_dir: Path
    model_dir: Path
    manifest: CorpusManifest
    report: TrainingReport


def _terminal(config: pytest.Config) -> Callable[[str], None]:
    """Writes a line to the user's terminal, past pytest's output capture."""
    capman = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")

    def say(message: str) -> None:
        line = f"training the tiny LM fixture: {message}"
        if capman is None:
            print(line, file=sys.stderr, flush=True)
            return
        with capman.global_and_fixture_disabled():
            if reporter is not None:
                reporter.write_line(line)
            else:
                print(line, file=sys.stderr, flush=True)

    return say


def _builder(say: Callable[[str], None]) -> Callable[[Path], None]:
    def build(root: Path) -> None:
        say(f"generating the corpus and training once, into {root.parent} (a few minutes)")
        generate_corpus(root / "corpus", seed=SEED)
        report = train_tiny_lm(root / "corpus", root / "model", seed=SEED, log=say)
        say(f"done in {report.seconds:.0f}s")

    return build


@pytest.fixture(scope="session")
def tiny_lm(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> TinyLM:
    say = _terminal(request.config)
    cache = cache_dir()
    if cache is None:
        root = tmp_path_factory.mktemp("tiny-lm")
        _builder(say)(root)
    else:
        root = cached_build(cache, tiny_lm_key(SEED), _builder(say), log=say)
    return TinyLM(
        root=root,
        corpus_dir=root / "corpus",
        model_dir=root / "model",
        manifest=load_manifest(root / "corpus"),
        report=TrainingReport.model_validate_json(
            (root / "model" / "training.json").read_text("utf-8")
        ),
    )
