"""A local causal LM as a :class:`~clearance.llm.backend_protocol.ModelBackend`, run with
``transformers``.

The model is read from a local folder (safetensors/bin weights, or a ``.gguf`` file through
``gguf_file=``). Nothing is downloaded: every ``from_pretrained`` call passes
``local_files_only=True``. ``torch`` and ``transformers`` are optional
(``pip install 'clearance[llm]'``) and imported only when the model is loaded.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from clearance.errors import BackendUnavailableError, InputError
from clearance.llm.backend_protocol import (
    LLM_EXTRA_HINT,
    Generation,
    check_generate_args,
    check_score_args,
    one_line,
)

__all__ = ["HuggingFaceBackend"]

# A streamed generation that produces no piece for this long has failed (the model thread died).
_STREAM_TIMEOUT_S = 600.0


def _load_error(exc: BaseException) -> str:
    """A loader's exception in one line: its type and the first line of its message."""
    first = next((ln for ln in str(exc).splitlines() if ln.strip()), "")
    return one_line(f"{type(exc).__name__}: {first}" if first else type(exc).__name__, 120)


class HuggingFaceBackend:
    """A local causal LM run with ``transformers`` (``AutoModelForCausalLM``).

    ``path`` is a model folder (``config.json`` + weights + tokenizer files), or a folder holding
    a GGUF file named by ``gguf_file`` (``path`` may also be the ``.gguf`` file itself); GGUF
    weights are dequantised by ``transformers`` and need the ``gguf`` package. ``dtype`` is a
    torch dtype name (``"float32"``, ``"bfloat16"``, ...) or ``None`` for the checkpoint's.
    The model is loaded on first use.

    Generation pads batches on the left (the tokenizer's pad token is set to its end-of-sequence
    token when it has none) and uses a fresh ``GenerationConfig``, not the checkpoint's, so that
    ``temperature == 0`` is plain greedy decoding (no repetition penalty or top-k from the
    checkpoint) and ``temperature > 0`` is plain sampling from the softmax at that temperature
    (``top_k=0``, ``top_p=1``). Sampling is seeded with ``torch.manual_seed(seed)`` inside
    ``torch.random.fork_rng`` (the caller's global RNG state is left untouched): the same
    prompts, ``batch_size`` and seed give the same generations.

    Scoring tokenizes ``prompt + continuation`` as one text (as the model would see it) and sums
    the log-softmax of the tokens that cover at least one character of the continuation, found
    with the fast tokenizer's offset mapping. A token that straddles the boundary (BPE may merge
    the prompt's last characters with the continuation's first) is counted with the
    continuation. Without a fast tokenizer the continuation's tokens are the last
    ``len(tokens(prompt + continuation)) - len(tokens(prompt))``. The first token of a text has
    no context; when it belongs to the continuation (empty prompt), the tokenizer's BOS token is
    put in front when it has one, and the token is left out of the sum otherwise.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        gguf_file: str | None = None,
        device: str = "cpu",
        batch_size: int = 8,
        dtype: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.gguf_file = gguf_file
        self.device = device
        self.batch_size = batch_size
        self.dtype = dtype
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self.on_progress: Callable[[int], None] | None = None
        """Called with the number of prompts (or scored pairs) of each batch just done."""

    @property
    def name(self) -> str:
        return f"hf:{self.path}" + (f"#{self.gguf_file}" if self.gguf_file else "")

    @property
    def supports_logprobs(self) -> bool:
        return True

    # -- loading

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._model is None:
                self._model, self._tokenizer = self._load_model()
        return self._model, self._tokenizer

    def _load_model(self) -> tuple[Any, Any]:
        try:
            import torch
            import transformers
        except ImportError:
            raise BackendUnavailableError("transformers", LLM_EXTRA_HINT) from None
        if self.batch_size < 1:
            raise InputError(self.name, f"batch_size must be at least 1, got {self.batch_size}")
        folder, gguf = self.path, self.gguf_file
        if gguf is None and folder.suffix.lower() == ".gguf":
            folder, gguf = folder.parent, folder.name
        source = str(self.path)
        if not folder.exists():
            # the documented "model not found" (exit 5), as for a missing optional backend
            raise BackendUnavailableError(
                source, "model not found (no such folder; give a local transformers model folder)"
            )
        if not folder.is_dir():
            raise InputError(source, "not a model folder (give the folder, or PATH#file.gguf)")
        kwargs: dict[str, Any] = {"local_files_only": True}
        if gguf is not None:
            if not (folder / gguf).is_file():
                raise InputError(source, f"no GGUF file named {gguf!r} in the folder")
            kwargs["gguf_file"] = gguf
        elif not (folder / "config.json").is_file():
            raise InputError(source, "not a transformers model folder (no config.json)")
        torch_dtype: Any = None
        if self.dtype is not None:
            torch_dtype = getattr(torch, self.dtype, None)
            if not isinstance(torch_dtype, torch.dtype):
                raise InputError(source, f"unknown dtype {self.dtype!r}")
        try:
            config = transformers.AutoConfig.from_pretrained(folder, **kwargs)
        except ImportError as exc:  # GGUF without the gguf package, and the like
            raise BackendUnavailableError(
                "transformers", f"{LLM_EXTRA_HINT} ({one_line(str(exc), 80)})"
            ) from None
        except Exception as exc:  # a config.json that is not JSON, not an object, ...
            raise InputError(source, f"cannot read the model config: {_load_error(exc)}") from None
        model_kwargs = dict(kwargs)
        if torch_dtype is not None:
            # ``torch_dtype`` was renamed ``dtype`` in transformers 4.56
            model_kwargs[_dtype_kwarg(transformers.__version__)] = torch_dtype
        try:
            model: Any = transformers.AutoModelForCausalLM.from_pretrained(
                folder, config=config, **model_kwargs
            )
        except ValueError as exc:
            if "Unrecognized configuration class" in str(exc):
                kind = getattr(config, "model_type", None) or type(config).__name__
                raise InputError(source, f"not a causal language model ({kind})") from None
            raise InputError(source, f"cannot load the model: {one_line(str(exc))}") from None
        except ImportError as exc:
            raise BackendUnavailableError(
                "transformers", f"{LLM_EXTRA_HINT} ({one_line(str(exc), 80)})"
            ) from None
        except Exception as exc:  # corrupt weights: a pickle torch refuses, a bad safetensors
            # header... whatever the loader raises, the folder is unusable input, not a crash
            raise InputError(source, f"cannot load the model weights: {_load_error(exc)}") from None
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(folder, **kwargs)
        except Exception as exc:
            raise InputError(source, f"cannot load the tokenizer: {_load_error(exc)}") from None
        tokenizer.padding_side = "left"
        tokenizer.truncation_side = "left"  # a prompt too long for the window keeps its end
        if tokenizer.pad_token_id is None:
            if tokenizer.eos_token_id is not None:
                tokenizer.pad_token = tokenizer.eos_token
            else:  # any id does: padded positions are masked out
                tokenizer.pad_token = tokenizer.convert_ids_to_tokens(0)
        try:
            model.to(self.device)
        except (RuntimeError, AssertionError) as exc:
            raise BackendUnavailableError(f"device {self.device}", one_line(str(exc))) from None
        model.eval()
        return model, tokenizer

    @property
    def context_window(self) -> int | None:
        """The model's context length in tokens (``n_positions`` or
        ``max_position_embeddings``), or ``None`` when its config does not say."""
        model, _ = self._load()
        config = model.config
        limit = getattr(config, "n_positions", None) or getattr(
            config, "max_position_embeddings", None
        )
        return limit if isinstance(limit, int) and limit > 0 else None

    # -- generation

    def generate(
        self,
        prompts: Sequence[str],
        *,
        max_new_tokens: int,
        temperature: float = 0.0,
        n: int = 1,
        seed: int = 0,
    ) -> list[list[Generation]]:
        """See :meth:`ModelBackend.generate`. A prompt longer than the context window minus
        ``max_new_tokens`` is cut on the left (its end, what the model continues, is kept)."""
        check_generate_args(max_new_tokens, temperature, n)
        if not prompts:
            return []
        model, tokenizer = self._load()  # first: raises BackendUnavailableError without torch
        import torch

        budget = self._prompt_budget(max_new_tokens)

        config, eos = self._generation_config(model, tokenizer, max_new_tokens, temperature, n)
        stops = {eos} if isinstance(eos, int) else set(eos or ())
        results: list[list[Generation]] = []
        devices = [torch.device(self.device)] if torch.device(self.device).type == "cuda" else []
        with torch.random.fork_rng(devices=devices), torch.inference_mode():
            torch.manual_seed(seed)
            for start in range(0, len(prompts), self.batch_size):
                batch = list(prompts[start : start + self.batch_size])
                results.extend(
                    self._generate_batch(model, tokenizer, batch, config, n, stops, budget)
                )
                if self.on_progress is not None:
                    self.on_progress(len(batch))
        return results

    def _prompt_budget(self, max_new_tokens: int) -> int | None:
        """The most prompt tokens the context window leaves room for (``None``: no limit
        known); a prompt is cut on the left to it."""
        window = self.context_window
        budget = None if window is None else window - max_new_tokens
        if budget is not None and budget < 1:
            raise InputError(
                self.name,
                f"max_new_tokens {max_new_tokens} leaves no room for a prompt in the model's "
                f"{window}-token context window",
            )
        return budget

    @staticmethod
    def _generation_config(
        model: Any, tokenizer: Any, max_new_tokens: int, temperature: float, n: int
    ) -> tuple[Any, Any]:
        """The decoding settings of :meth:`generate` and :meth:`stream` (greedy at temperature
        0, else plain sampling), and the end-of-sequence token id(s)."""
        import transformers

        sample = temperature > 0
        eos = model.generation_config.eos_token_id
        if eos is None:
            eos = tokenizer.eos_token_id
        options: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            "do_sample": sample,
            "num_return_sequences": n,
            "pad_token_id": tokenizer.pad_token_id,
            "eos_token_id": eos,
            "bos_token_id": tokenizer.bos_token_id,
            "return_dict_in_generate": True,
            "output_logits": True,
        }
        if sample:
            options.update(temperature=temperature, top_k=0, top_p=1.0)
        generation_config: Any = transformers.GenerationConfig
        return generation_config(**options), eos

    def stream(
        self, prompt: str, *, max_new_tokens: int, temperature: float = 0.0, seed: int = 0
    ) -> Iterator[str]:
        """The generation of :meth:`generate` for one prompt and one sample, piece by piece as
        the model writes it (transformers' ``TextIteratorStreamer``: whole words where the
        tokenizer can tell). The pieces join into the text :meth:`generate` returns. The
        model runs in a thread of its own; its error, if any, is raised here at the end."""
        check_generate_args(max_new_tokens, temperature, 1)
        model, tokenizer = self._load()
        import torch
        import transformers

        budget = self._prompt_budget(max_new_tokens)
        config, _ = self._generation_config(model, tokenizer, max_new_tokens, temperature, 1)
        if budget is None:
            enc = tokenizer([prompt], return_tensors="pt")
        else:
            enc = tokenizer([prompt], return_tensors="pt", truncation=True, max_length=budget)
        enc = {k: v.to(model.device) for k, v in enc.items()}
        streamer: Any = transformers.TextIteratorStreamer(
            tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=_STREAM_TIMEOUT_S
        )
        failed: list[BaseException] = []
        devices = [torch.device(self.device)] if torch.device(self.device).type == "cuda" else []

        def run() -> None:
            try:
                with torch.random.fork_rng(devices=devices), torch.inference_mode():
                    torch.manual_seed(seed)
                    model.generate(**enc, generation_config=config, streamer=streamer)
            except BaseException as exc:  # reported to the reader below
                failed.append(exc)
                streamer.end()

        worker = threading.Thread(target=run, name="clearance-stream", daemon=True)
        worker.start()
        yield from streamer
        worker.join()
        if failed:
            raise InputError(self.name, f"generation failed: {_load_error(failed[0])}")

    def _generate_batch(
        self,
        model: Any,
        tokenizer: Any,
        batch: list[str],
        config: Any,
        n: int,
        stops: set[int],
        budget: int | None = None,
    ) -> list[list[Generation]]:
        import torch

        if budget is None:
            enc = tokenizer(batch, return_tensors="pt", padding=True)
        else:  # truncation_side is "left": the end of the prompt stays
            enc = tokenizer(
                batch, return_tensors="pt", padding=True, truncation=True, max_length=budget
            )
        enc = {k: v.to(model.device) for k, v in enc.items()}
        out = model.generate(**enc, generation_config=config)
        width = enc["input_ids"].shape[1]
        new = out.sequences[:, width:]
        # raw logits (temperature 1): log-probabilities under the model, as the HTTP APIs give
        logits = torch.stack(out.logits, dim=1).float()[:, : new.shape[1]]
        token_lp = torch.log_softmax(logits, dim=-1).gather(-1, new.unsqueeze(-1)).squeeze(-1)
        generations: list[Generation] = []
        for row in range(new.shape[0]):
            ids = new[row].tolist()
            length = len(ids)
            for i, tok in enumerate(ids):
                if tok in stops:  # the end-of-sequence token counts; the padding after it not
                    length = i + 1
                    break
            text = tokenizer.decode(ids[:length], skip_special_tokens=True)
            generations.append(Generation(text, float(token_lp[row, :length].sum())))
        return [generations[i * n : (i + 1) * n] for i in range(len(batch))]

    # -- scoring

    def score(
        self,
        prompts: Sequence[str],
        continuations: Sequence[str],
        *,
        temperature: float = 1.0,
        top_p: float = 1.0,
        top_k: int = 0,
    ) -> list[float]:
        check_score_args(prompts, continuations, temperature, top_p, top_k)
        if not prompts:
            return []
        model, tokenizer = self._load()
        import torch

        warp = _decoding_warpers(temperature, top_p, top_k)

        encoded = [
            self._encode_pair(tokenizer, p, c) for p, c in zip(prompts, continuations, strict=True)
        ]
        window = self.context_window
        if window is not None:  # too long for the window: cut the prompt on the left
            for i, (ids, first) in enumerate(encoded):
                cut = len(ids) - window
                if cut <= 0:
                    continue
                if first - cut < 1 and first < len(ids):
                    raise InputError(
                        self.name,
                        f"a continuation of {len(ids) - first} tokens does not fit the model's "
                        f"{window}-token context window",
                    )
                encoded[i] = (ids[cut:], first - cut)
        scores: list[float] = []
        pad = tokenizer.pad_token_id
        with torch.inference_mode():
            for start in range(0, len(encoded), self.batch_size):
                batch = encoded[start : start + self.batch_size]
                width = max(len(ids) for ids, _ in batch)
                # right padding: positions stay 0..len-1 and no real token attends to a pad
                input_ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, (ids, _) in enumerate(batch):
                    input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
                    mask[row, : len(ids)] = 1
                logits = model(
                    input_ids=input_ids.to(model.device), attention_mask=mask.to(model.device)
                ).logits.float()[:, :-1]
                if warp is not None:
                    shape = logits.shape
                    logits = warp(logits.reshape(-1, shape[-1])).reshape(shape)
                logp = torch.log_softmax(logits, dim=-1)
                targets = input_ids[:, 1:].to(model.device).unsqueeze(-1)
                token_lp = logp.gather(-1, targets).squeeze(-1).cpu()
                for row, (_, first) in enumerate(batch):
                    length = len(batch[row][0])
                    # token t is predicted at position t-1; the first token is never scored
                    lo = max(first, 1)
                    scores.append(
                        float(token_lp[row, lo - 1 : length - 1].sum()) if lo < length else 0.0
                    )
                if self.on_progress is not None:
                    self.on_progress(len(batch))
        return scores

    @staticmethod
    def _encode_pair(tokenizer: Any, prompt: str, continuation: str) -> tuple[list[int], int]:
        """The token ids of ``prompt + continuation`` and the index of the continuation's first
        token (``len(ids)`` when the continuation is empty)."""
        text = prompt + continuation
        if not continuation:
            return tokenizer(text)["input_ids"] or [0], 1 << 30
        if getattr(tokenizer, "is_fast", False):
            enc = tokenizer(text, return_offsets_mapping=True)
            ids: list[int] = list(enc["input_ids"])
            offsets = enc["offset_mapping"]
            boundary = len(prompt)
            first = next(
                (i for i, (s, e) in enumerate(offsets) if e > boundary and e > s), len(ids)
            )
        else:
            ids = list(tokenizer(text)["input_ids"])
            n_prompt = len(tokenizer(prompt)["input_ids"]) if prompt else 0
            first = min(n_prompt, len(ids))
        if first == 0 and tokenizer.bos_token_id is not None:
            ids, first = [tokenizer.bos_token_id, *ids], 1
        return ids, first


def _decoding_warpers(temperature: float, top_p: float, top_k: int) -> Callable[[Any], Any] | None:
    """The logits transform of sampling at ``temperature`` with ``top_k``/``top_p``, built from
    transformers' own warpers in the order ``generate`` applies them (temperature, top-k, top-p),
    so the scored distribution is the one the deployed model samples from; ``None`` when it is
    the identity. Truncated tokens get ``-inf``."""
    import transformers

    steps: list[Any] = []
    if temperature != 1.0:
        steps.append(transformers.TemperatureLogitsWarper(temperature))
    if top_k > 0:
        steps.append(transformers.TopKLogitsWarper(top_k))
    if top_p < 1.0:
        steps.append(transformers.TopPLogitsWarper(top_p))
    if not steps:
        return None

    def warp(scores: Any) -> Any:
        # the warpers read only the scores; the (rows, vocab) shape is what they expect
        for step in steps:
            scores = step(None, scores)
        return scores

    return warp


def _dtype_kwarg(version: str) -> str:
    parts = re.findall(r"\d+", version)[:2]
    major, minor = (int(parts[0]), int(parts[1])) if len(parts) == 2 else (0, 0)
    return "dtype" if (major, minor) >= (4, 56) else "torch_dtype"
