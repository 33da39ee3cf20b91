"""Fixtures of the ``clearance llm`` tests. The tiny-LM fixture: a synthetic corpus and a model
trained on it.

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.llm.fixture_cache import cache_dir, cached_build, tiny_lm_key
from tests.llm.fixtures import (
    CorpusManifest,
    TrainingReport,
    generate_corpus,
    load_manifest,
    train_tiny_lm,
)

if TYPE_CHECKING:
    from tests.llm._fake_openai import LocalServer, ServerState

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


# ------------------------------------------------ the backend tests (hf, openai, transport, serve)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[LocalServer, ServerState]]:
    """The fake OpenAI-compatible server (:mod:`tests.llm._fake_openai`), one per test module."""
    from tests.llm._fake_openai import LocalServer, ServerState, build_app

    state = ServerState()
    with LocalServer(build_app(state)) as running:
        yield running, state


@pytest.fixture
def fake(server: tuple[LocalServer, ServerState]) -> tuple[str, ServerState]:
    running, state = server
    state.reset()
    return running.url, state


@pytest.fixture(scope="session")
def tiny_gpt2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-layer random GPT-2 with a 300-token byte-level BPE tokenizer."""
    torch = pytest.importorskip("torch", reason="torch is not installed (clearance[llm])")
    transformers = pytest.importorskip(
        "transformers", reason="transformers is not installed (clearance[llm])"
    )
    tokenizers = pytest.importorskip("tokenizers", reason="tokenizers is not installed")
    from tokenizers import decoders, models, pre_tokenizers, trainers

    out = tmp_path_factory.mktemp("tiny-gpt2")
    lines = [
        "the quick brown fox jumps over the lazy dog",
        "api_key = sk-test-0123456789abcdef",
        "password: hunter2",
        "hello world, hello model",
    ] * 5
    tok = tokenizers.Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(lines, trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|endoftext|>", bos_token="<|endoftext|>"
    )
    fast.save_pretrained(out)
    torch.manual_seed(0)
    config = transformers.GPT2Config(
        vocab_size=len(fast),
        n_positions=128,
        n_embd=32,
        n_layer=1,
        n_head=2,
        bos_token_id=fast.eos_token_id,
        eos_token_id=fast.eos_token_id,
    )
    transformers.GPT2LMHeadModel(config).save_pretrained(out)
    return out
