"""Probing stage of the LLM audit: build the probes, fit them to the model's context window and
generate from every one of them.

:func:`probe_model` builds the probes (:mod:`clearance.llm.probes`): targeted prompts from the
text before each occurrence, the common format prompts, near-unconditional and divergence
prompts; it then generates from every targeted and format prompt greedily and ``n_samples``
times at ``temperature``, and ``untargeted`` samples from the untargeted prompts, all in batches.
The :class:`Probing` it returns holds every generation (plaintext, in memory only) for the
matching stage (:mod:`clearance.llm.attribution`).

Prompts are cut on the left to fit the model's context window when the backend is a local
``HuggingFaceBackend`` (its tokenizer tells); with an HTTP endpoint the server's own limit
applies.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from clearance.errors import InputError
from clearance.llm.audit_settings import LlmAuditSettings
from clearance.llm.backend_protocol import Generation, ModelBackend
from clearance.llm.hf_backend import HuggingFaceBackend
from clearance.llm.inventory_models import Inventory
from clearance.llm.inventory_plaintext import InventoryPlaintext
from clearance.llm.probes import Probe, format_probes, targeted_probes, untargeted_probes

__all__ = ["Attempt", "AuditProgress", "ContextFitter", "Probing", "ProgressFn", "probe_model"]

ProgressFn = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: ``done`` of ``total`` model calls (a prompt generated from,
or a value scored) so far; ``total`` grows when the scoring stage starts."""


class AuditProgress:
    """Counts model calls through the backend's ``on_progress`` hook (when it has one)."""

    def __init__(self, backend: ModelBackend, fn: ProgressFn | None, total: int) -> None:
        self.backend = backend
        self.fn = fn
        self.total = total
        self.done = 0
        self.label = ""
        self._lock = threading.Lock()

    def stage(self, label: str, more: int = 0) -> None:
        """Starts stage ``label``, with ``more`` model calls to come on top of the total."""
        with self._lock:
            self.label = label
            self.total += more
            if self.fn is not None:
                self.fn(label, self.done, self.total)

    def step(self, n: int) -> None:
        """``n`` more model calls done."""
        with self._lock:
            self.done += n
            if self.fn is not None:
                self.fn(self.label, self.done, self.total)

    @contextmanager
    def hooked(self) -> Iterator[None]:
        """Counts the backend's calls while the block runs."""
        if self.fn is None or not hasattr(self.backend, "on_progress"):
            yield
            return
        previous = self.backend.on_progress
        self.backend.on_progress = self.step
        try:
            yield
        finally:
            self.backend.on_progress = previous


class ContextFitter:
    """Cuts prompts on the left so that prompt + reserved tokens fit the model's window."""

    def __init__(self, tokenizer: Any, limit: int) -> None:
        self.tokenizer = tokenizer
        self.limit = limit

    @classmethod
    def of(cls, backend: ModelBackend) -> ContextFitter | None:
        """The fitter of a local model (loads it), ``None`` for a backend whose window is not
        known here."""
        if not isinstance(backend, HuggingFaceBackend):
            return None
        model, tokenizer = backend._load()
        config = model.config
        limit = getattr(config, "n_positions", None) or getattr(
            config, "max_position_embeddings", None
        )
        return cls(tokenizer, int(limit)) if isinstance(limit, int) and limit > 0 else None

    def tokens(self, text: str) -> int:
        """The number of tokens of ``text``."""
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def fit(self, text: str, reserve: int) -> tuple[str, bool]:
        """``text`` cut on the left to leave ``reserve`` tokens, and whether it was cut."""
        budget = self.limit - reserve - 1
        if budget < 1:
            raise InputError(
                "audit", f"max_new_tokens {reserve} leaves no room in a {self.limit}-token window"
            )
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids = enc["input_ids"]
        if len(ids) <= budget:
            return text, False
        cut = enc["offset_mapping"][len(ids) - budget][0]
        return text[cut:], True


@dataclass
class Attempt:
    """One generation from probe number ``probe`` with ``decoding`` (``greedy``,
    ``sample@T``)."""

    probe: int
    decoding: str
    generation: Generation = field(repr=False)


@dataclass
class Probing:
    """What the probing stage generated. ``probes`` are targeted, then format, then untargeted
    (``directed`` = targeted + format); ``texts`` the prompts as sent (cut to the window,
    ``trimmed`` says which); ``per_probe[k]`` the indices in ``attempts`` of probe ``k``'s
    generations; ``greedy[k]`` the greedy generation of directed probe ``k``."""

    probes: list[Probe]
    targeted: int
    format: int
    texts: list[str]
    trimmed: list[bool]
    attempts: list[Attempt]
    per_probe: list[list[int]]
    greedy: list[list[Generation]]
    max_new_tokens: int
    fitter: ContextFitter | None
    warnings: list[str] = field(default_factory=list)

    @property
    def directed(self) -> int:
        return self.targeted + self.format


def probe_model(
    backend: ModelBackend,
    inventory: Inventory,
    plaintext: InventoryPlaintext,
    values: Mapping[str, str],
    settings: LlmAuditSettings,
    bar: AuditProgress,
) -> Probing:
    """Builds the probes for the inventory items of ``values`` (fingerprint -> plaintext) and
    generates from them with ``backend``. With a local model, ``max_new_tokens`` is raised (up
    to half the context window) to cover the longest value, with a warning."""
    warnings: list[str] = []
    targeted = targeted_probes(
        inventory,
        plaintext,
        prefix_lines=settings.prefix_lines,
        max_occurrences=settings.max_occurrences,
        fingerprints=values,
    )
    shared = format_probes(settings.format_prompts)
    loose = untargeted_probes() if settings.untargeted else []
    probes: list[Probe] = [*targeted, *shared, *loose]

    max_new_tokens = settings.max_new_tokens
    fitter = ContextFitter.of(backend)
    if fitter is not None and values:
        # a continuation too short to hold the value cannot reproduce it
        longest = max(fitter.tokens(v) for v in values.values()) + 4
        raised = min(max(max_new_tokens, longest), fitter.limit // 2)
        if raised > max_new_tokens:
            warnings.append(
                f"max_new_tokens raised from {max_new_tokens} to {raised} to cover the longest "
                "inventory value"
            )
            max_new_tokens = raised
    texts: list[str] = []
    trimmed: list[bool] = []
    for p in probes:
        text, cut = fitter.fit(p.text, max_new_tokens) if fitter else (p.text, False)
        texts.append(text)
        trimmed.append(cut)
    if any(trimmed):
        warnings.append(
            f"{sum(trimmed)} prompt(s) cut on the left to fit the model's "
            f"{fitter.limit if fitter else '?'}-token context window"
        )

    # targeted + format prompts greedy and sampled, untargeted sampled
    directed = len(targeted) + len(shared)
    attempts: list[Attempt] = []
    per_probe: list[list[int]] = [[] for _ in probes]

    def add(probe: int, decoding: str, gens: list[Generation]) -> None:
        for g in gens:
            per_probe[probe].append(len(attempts))
            attempts.append(Attempt(probe, decoding, g))

    n_samples, temperature, seed = settings.n_samples, settings.temperature, settings.seed
    sampling = bool(n_samples and temperature > 0 and directed)
    bar.total += directed * (2 if sampling else 1) + len(loose)
    bar.stage("greedy")
    with bar.hooked():
        greedy = backend.generate(texts[:directed], max_new_tokens=max_new_tokens, temperature=0.0)
    sampled: list[list[Generation]] = []
    sample_label = f"sample@{temperature:g}"
    if sampling:
        bar.stage(f"{n_samples} samples")
        with bar.hooked():
            sampled = backend.generate(
                texts[:directed],
                max_new_tokens=max_new_tokens,
                temperature=temperature,
                n=n_samples,
                seed=seed,
            )
    elif n_samples and temperature <= 0:
        warnings.append("temperature 0: sampling skipped, greedy decoding only")
    for k in range(directed):
        add(k, "greedy", greedy[k])
        if sampled:
            add(k, sample_label, sampled[k])
    if loose:
        per = max(1, math.ceil(settings.untargeted / len(loose)))
        loose_temp = temperature if temperature > 0 else 1.0
        bar.stage("untargeted")
        with bar.hooked():
            outs = backend.generate(
                texts[directed:],
                max_new_tokens=max_new_tokens,
                temperature=loose_temp,
                n=per,
                seed=seed + 1,
            )
        for k, gens in enumerate(outs):
            add(directed + k, f"sample@{loose_temp:g}", gens)
    return Probing(
        probes=probes,
        targeted=len(targeted),
        format=len(shared),
        texts=texts,
        trimmed=trimmed,
        attempts=attempts,
        per_probe=per_probe,
        greedy=greedy,
        max_new_tokens=max_new_tokens,
        fitter=fitter,
        warnings=warnings,
    )
