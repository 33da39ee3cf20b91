"""Tests of clearance.llm.hf_backend on a tiny random GPT-2 built in a temporary folder (the
``tiny_gpt2`` fixture of conftest.py); skipped when torch/transformers are not installed."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import pytest

from clearance.errors import BackendUnavailableError, InputError
from clearance.llm.backend_protocol import ModelBackend
from clearance.llm.hf_backend import HuggingFaceBackend
from tests.llm._backends import PROMPTS, long_prompt


def test_hf_greedy_batched_equals_one_by_one(tiny_gpt2: Path) -> None:
    model = HuggingFaceBackend(tiny_gpt2, batch_size=4)
    assert isinstance(model, ModelBackend) and model.supports_logprobs
    batched = model.generate(PROMPTS, max_new_tokens=10)
    single = [model.generate([p], max_new_tokens=10)[0] for p in PROMPTS]
    assert [[g.text for g in gens] for gens in batched] == [[g.text for g in s] for s in single]
    for gens, alone in zip(batched, single, strict=True):
        assert len(gens) == 1 and gens[0].text
        assert gens[0].logprob == pytest.approx(alone[0].logprob, abs=1e-4)
        assert gens[0].logprob is not None and gens[0].logprob < 0
    # greedy ignores the seed
    assert model.generate(PROMPTS[:2], max_new_tokens=10, seed=99) == batched[:2]


def test_hf_greedy_logprob_is_the_model_likelihood(tiny_gpt2: Path) -> None:
    model = HuggingFaceBackend(tiny_gpt2)
    [[generation]] = model.generate(["hello world"], max_new_tokens=6)
    [score] = model.score(["hello world"], [generation.text])
    assert generation.logprob == pytest.approx(score, abs=1e-3)


def test_hf_sampling_is_seeded(tiny_gpt2: Path) -> None:
    import torch

    model = HuggingFaceBackend(tiny_gpt2, batch_size=2)
    state = torch.random.get_rng_state()
    first = model.generate(PROMPTS, max_new_tokens=8, temperature=1.0, n=3, seed=3)
    assert torch.equal(torch.random.get_rng_state(), state)  # the global RNG is untouched
    again = model.generate(PROMPTS, max_new_tokens=8, temperature=1.0, n=3, seed=3)
    other = model.generate(PROMPTS, max_new_tokens=8, temperature=1.0, n=3, seed=4)
    assert [len(g) for g in first] == [3, 3, 3, 3]
    assert first == again
    assert first != other
    assert len({g.text for g in first[0]}) > 1


def _manual_scores(
    model_dir: Path, pairs: list[tuple[str, str]], temperature: float = 1.0
) -> list[float]:
    """Each continuation's log-likelihood from one plain forward pass of the reference model."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    reference = AutoModelForCausalLM.from_pretrained(model_dir, local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    out = []
    for prompt, continuation in pairs:
        n_prompt = len(tokenizer(prompt)["input_ids"])
        ids = tokenizer(prompt + continuation)["input_ids"]
        # these pairs split cleanly at a space: the prompt's tokens are a prefix
        assert ids[:n_prompt] == tokenizer(prompt)["input_ids"]
        with torch.no_grad():
            logits = reference(torch.tensor([ids])).logits[0]
        logp = torch.log_softmax(logits / temperature, dim=-1)
        out.append(sum(float(logp[t - 1, ids[t]]) for t in range(n_prompt, len(ids))))
    return out


def test_hf_score_matches_a_manual_forward_pass(tiny_gpt2: Path) -> None:
    pairs = [("hello", " world"), ("the quick brown", " fox jumps"), ("api_key =", " sk-test-01")]
    model = HuggingFaceBackend(tiny_gpt2, batch_size=3)
    scores = model.score([p for p, _ in pairs], [c for _, c in pairs])
    assert model.score([pairs[1][0]], [pairs[1][1]]) == pytest.approx([scores[1]], abs=1e-5)
    assert scores == pytest.approx(_manual_scores(tiny_gpt2, pairs), abs=1e-4)
    assert all(math.isfinite(score) and score < 0 for score in scores)


def test_hf_score_at_a_temperature_matches_a_manual_forward_pass(tiny_gpt2: Path) -> None:
    pairs = [("hello", " world"), ("the quick brown", " fox jumps")]
    prompts, continuations = [p for p, _ in pairs], [c for _, c in pairs]
    model = HuggingFaceBackend(tiny_gpt2, batch_size=2)
    default = model.score(prompts, continuations)
    assert model.score(prompts, continuations, temperature=1.0) == default
    scores = model.score(prompts, continuations, temperature=0.5)
    assert scores == pytest.approx(_manual_scores(tiny_gpt2, pairs, 0.5), abs=1e-4)
    assert scores != pytest.approx(default, abs=1e-6)
    for bad in (0.0, -1.0, math.inf):
        with pytest.raises(InputError):
            model.score(prompts, continuations, temperature=bad)


def _truncated_logp(logits: Any, temperature: float, top_p: float, top_k: int) -> Any:
    """Log-probabilities of sampling with top-k then top-p truncation, written from the
    definition: a token is kept when it is among the ``top_k`` most likely and the tokens more
    likely than it hold less than ``top_p`` of the (top-k renormalised) mass."""
    import torch

    logits = logits / temperature
    if top_k:
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, -math.inf)
    probs = torch.softmax(logits, dim=-1)
    # mass of the tokens strictly more likely than each token
    above = (probs.unsqueeze(-2) * (probs.unsqueeze(-2) > probs.unsqueeze(-1))).sum(-1)
    logits = logits.masked_fill(above >= top_p, -math.inf)
    return torch.log_softmax(logits, dim=-1)


def test_hf_score_under_top_k_and_top_p_matches_the_definition(tiny_gpt2: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    pairs = [("hello", " world"), ("the quick brown", " fox jumps"), ("api_key =", " sk-test")]
    prompts, continuations = [p for p, _ in pairs], [c for _, c in pairs]
    model = HuggingFaceBackend(tiny_gpt2, batch_size=2)
    reference = AutoModelForCausalLM.from_pretrained(tiny_gpt2, local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(tiny_gpt2, local_files_only=True)
    plain = model.score(prompts, continuations)
    assert model.score(prompts, continuations, top_p=1.0, top_k=0) == plain
    finite = truncated = 0
    settings = [(1.0, 1.0, 40), (0.8, 0.9, 0), (1.0, 0.999, 0), (0.9, 1.0, 290), (1, 1, 1)]
    for temperature, top_p, top_k in settings:
        scores = model.score(
            prompts, continuations, temperature=temperature, top_p=top_p, top_k=top_k
        )
        for (prompt, continuation), score, base in zip(pairs, scores, plain, strict=True):
            n_prompt = len(tokenizer(prompt)["input_ids"])
            ids = tokenizer(prompt + continuation)["input_ids"]
            with torch.no_grad():
                logits = reference(torch.tensor([ids])).logits[0]
            logp = _truncated_logp(logits, temperature, top_p, top_k)
            expected = sum(float(logp[t - 1, ids[t]]) for t in range(n_prompt, len(ids)))
            if math.isinf(expected):
                assert score == -math.inf  # a token outside the truncated set: never sampled
                truncated += 1
            else:
                assert score == pytest.approx(expected, abs=1e-4)
                finite += 1
                if temperature == 1.0:  # renormalising over fewer tokens can only raise it
                    assert score >= base - 1e-6
    assert finite and truncated  # both branches were exercised
    for bad in ({"top_p": 0.0}, {"top_p": 1.5}, {"top_k": -1}):
        with pytest.raises(InputError):
            model.score(prompts, continuations, **bad)  # type: ignore[arg-type]


def test_hf_score_empty_prompt_and_continuation(tiny_gpt2: Path) -> None:
    model = HuggingFaceBackend(tiny_gpt2)
    empty_prompt, empty_continuation = model.score(["", "hello"], ["hello", ""])
    assert empty_prompt < 0  # scored after the BOS token
    assert empty_continuation == 0.0
    with pytest.raises(InputError):
        model.score(["a", "b"], ["c"])


def test_hf_not_a_causal_lm(tmp_path: Path) -> None:
    transformers = pytest.importorskip("transformers", reason="transformers is not installed")
    transformers.ViTConfig(
        hidden_size=32, num_hidden_layers=1, num_attention_heads=2
    ).save_pretrained(tmp_path)
    with pytest.raises(InputError) as info:
        HuggingFaceBackend(tmp_path).generate(["x"], max_new_tokens=1)
    assert str(info.value) == f"{tmp_path}: not a causal language model (vit)"


def test_hf_missing_or_empty_path(tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="transformers is not installed")
    with pytest.raises(BackendUnavailableError) as missing:  # "model not found": exit 5
        HuggingFaceBackend(tmp_path / "nope").score(["a"], ["b"])
    assert str(missing.value) == (
        f"{tmp_path / 'nope'} is not available: model not found (no such folder; give a local "
        "transformers model folder)"
    )
    assert missing.value.exit_code == 5
    with pytest.raises(InputError, match=r"no config\.json"):
        HuggingFaceBackend(tmp_path).generate(["a"], max_new_tokens=1)
    with pytest.raises(InputError, match="no GGUF file"):
        HuggingFaceBackend(tmp_path, gguf_file="m.gguf").generate(["a"], max_new_tokens=1)


class _Evil:
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (print, ("unpickled",))


@pytest.mark.parametrize(
    ("weights", "content"),
    [
        ("pytorch_model.bin", b"not a pickle at all"),
        ("pytorch_model.bin", None),  # a pickle torch refuses to load (weights_only)
        ("model.safetensors", b"xx"),
    ],
    ids=["garbage-bin", "unpicklable-bin", "bad-safetensors"],
)
def test_hf_unloadable_weights_are_an_input_error(
    tiny_gpt2: Path, tmp_path: Path, weights: str, content: bytes | None
) -> None:
    import pickle
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(tiny_gpt2, folder)
    for old in (*folder.glob("*.safetensors"), *folder.glob("*.bin")):
        old.unlink()
    (folder / weights).write_bytes(content if content is not None else pickle.dumps(_Evil()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's note on the pickle protocol
        with pytest.raises(InputError) as info:
            HuggingFaceBackend(folder).generate(["a"], max_new_tokens=1)
    message = str(info.value)
    assert message.startswith(f"{folder}: cannot load the model weights: ")
    assert "\n" not in message and info.value.exit_code == 3


def test_hf_without_torch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import builtins

    real_import = builtins.__import__

    def no_torch(name: str, *args: Any, **kwargs: Any) -> Any:
        if name in ("torch", "transformers"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(BackendUnavailableError) as info:
        HuggingFaceBackend(tmp_path).generate(["a"], max_new_tokens=1)
    assert "pip install 'clearance[llm]'" in str(info.value)
    assert info.value.exit_code == 5


def test_hf_cuts_an_over_long_prompt_on_the_left(tiny_gpt2: Path) -> None:
    model = HuggingFaceBackend(tiny_gpt2)
    _, tokenizer = model._load()
    long = long_prompt()
    ids = tokenizer(long)["input_ids"]
    assert model.context_window == 128 and len(ids) > 128
    [[out]] = model.generate([long], max_new_tokens=8)
    # the same as generating from the last 120 tokens: the end of the prompt is what counts
    [[tail]] = model.generate([tokenizer.decode(ids[-120:])], max_new_tokens=8)
    assert out.text == tail.text
    [batched, _] = model.generate([long, "hello"], max_new_tokens=8)
    assert batched[0].text == out.text
    score = model.score([long], [" sk-test"])[0]
    assert math.isfinite(score) and score < 0
    with pytest.raises(InputError, match="leaves no room for a prompt"):
        model.generate(["hello"], max_new_tokens=128)
