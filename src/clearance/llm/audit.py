"""Audit a language model for memorised secrets of its training corpus.

:func:`run_llm_audit` takes a :class:`~clearance.llm.backends.ModelBackend`, the corpus
inventory and its in-memory plaintext (``build_inventory``), and:

1. builds the probes (:mod:`clearance.llm.probes`): targeted prompts from the text before each
   occurrence (1, 3, 10 lines), the common format prompts, near-unconditional and divergence
   prompts;
2. generates from every targeted and format prompt greedily and ``n_samples`` times at
   ``temperature``, and ``untargeted`` samples from the untargeted prompts, all in batches;
3. scans every output with the detection engine and matches it against the inventory values
   (:mod:`clearance.llm.matching`): exact (the whole value appears), partial (at least
   ``min_partial`` characters of the value beyond its format prefix), or none. Secret-shaped
   outputs that match nothing are listed as likely hallucinated;
4. measures, per secret: extracted (exact) or not, the best prompt (fingerprint + file/line),
   characters recovered, generations needed, and, when the backend can score, the probability
   that one sample (and 10, 100 samples) right after the best targeted prompt emits the value,
   under the model's distribution (temperature 1) and under the deployed decoding
   (``deployed_temperature``: sampling at that temperature, or greedy at 0);
5. aggregates extraction by duplication bucket and ranks a rotation list.

Plaintext (values, corpus text, prompts, outputs) stays in memory; the
:class:`~clearance.llm.report.LLMAuditReport` holds fingerprints and masked previews only.

Prompts are cut on the left to fit the model's context window when the backend is a local
``HuggingFaceBackend`` (its tokenizer tells); with an HTTP endpoint the server's own limit
applies.
"""

from __future__ import annotations

import math
import re
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from clearance.detection.engine import Engine
from clearance.errors import ClearanceError, InputError
from clearance.llm.backends import Generation, HuggingFaceBackend, ModelBackend
from clearance.llm.inventory import (
    CONTEXT_LINES,
    CONTEXT_RULE,
    VALUE_RULE,
    Inventory,
    InventoryPlaintext,
    default_engine,
    duplication_bucket,
)
from clearance.llm.matching import (
    DEFAULT_MIN_PARTIAL,
    NO_MATCH,
    ValueMatch,
    best_match,
    match_value,
)
from clearance.llm.probes import (
    FORMAT_PROMPTS,
    Probe,
    format_probes,
    targeted_probes,
    untargeted_probes,
)
from clearance.llm.report import (
    BUCKET_ORDER,
    Candidate,
    DeployedProbability,
    DuplicationBucket,
    ExtractionProbability,
    Hallucinated,
    LLMAuditReport,
    NProbability,
    ProbesRun,
    PromptRef,
    RotationEntry,
    SecretFile,
    SecretResult,
    Settings,
    Summary,
    describe_decoding,
)
from clearance.privacy import Fingerprinter, load_key, mask

__all__ = ["PROMPT_RULE", "extraction_probability", "run_llm_audit"]

PROMPT_RULE = "llm-prompt"
"""Fingerprint rule of a prompt that is not a corpus prefix (and of untargeted outputs)."""
PROBABILITY_N = (1, 10, 100)
MAX_FILES = 20
MAX_CANDIDATES = 20

ProgressFn = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: ``done`` of ``total`` model calls (a prompt generated from,
or a value scored) so far; ``total`` grows when the scoring stage starts."""


class _Progress:
    """Counts model calls through the backend's ``on_progress`` hook (when it has one)."""

    def __init__(self, backend: ModelBackend, fn: ProgressFn | None, total: int) -> None:
        self.backend = backend
        self.fn = fn
        self.total = total
        self.done = 0
        self.label = ""
        self._lock = threading.Lock()

    def stage(self, label: str, more: int = 0) -> None:
        with self._lock:
            self.label = label
            self.total += more
            if self.fn is not None:
                self.fn(label, self.done, self.total)

    def step(self, n: int) -> None:
        with self._lock:
            self.done += n
            if self.fn is not None:
                self.fn(self.label, self.done, self.total)

    @contextmanager
    def hooked(self) -> Iterator[None]:
        if self.fn is None or not hasattr(self.backend, "on_progress"):
            yield
            return
        previous = self.backend.on_progress
        self.backend.on_progress = self.step
        try:
            yield
        finally:
            self.backend.on_progress = previous


def extraction_probability(p: float, n: int) -> float:
    """Probability that at least one of ``n`` independent samples emits the value, each with
    probability ``p``: ``1 - (1 - p)^n``, computed stably for tiny ``p``."""
    if p <= 0.0 or n <= 0:
        return 0.0
    if p >= 1.0:
        return 1.0
    return -math.expm1(n * math.log1p(-p))


# --- context window -----------------------------------------------------------------------


class _Fitter:
    """Cuts prompts on the left so that prompt + reserved tokens fit the model's window."""

    def __init__(self, tokenizer: Any, limit: int) -> None:
        self.tokenizer = tokenizer
        self.limit = limit

    @classmethod
    def of(cls, backend: ModelBackend) -> _Fitter | None:
        if not isinstance(backend, HuggingFaceBackend):
            return None
        model, tokenizer = backend._load()
        config = model.config
        limit = getattr(config, "n_positions", None) or getattr(
            config, "max_position_embeddings", None
        )
        return cls(tokenizer, int(limit)) if isinstance(limit, int) and limit > 0 else None

    def tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def fit(self, text: str, reserve: int) -> tuple[str, bool]:
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


# --- bookkeeping --------------------------------------------------------------------------


@dataclass
class _Attempt:
    probe: int
    decoding: str
    generation: Generation = field(repr=False)


@dataclass
class _Outcome:
    best: ValueMatch = NO_MATCH
    best_attempt: int | None = None
    exact: list[int] = field(default_factory=list)  # attempts that emitted the whole value


@dataclass
class _Shape:
    rule: str
    entity: str
    preview: str
    count: int = 0
    kinds: list[str] = field(default_factory=list)


def _tail(prompt: str) -> str:
    return prompt.rsplit("\n", 1)[-1]


def _record(outcomes: dict[str, _Outcome], fp: str, m: ValueMatch, attempt: int) -> None:
    o = outcomes.setdefault(fp, _Outcome())
    if m.better_than(o.best):
        o.best = m
        o.best_attempt = attempt
    if m.kind == "exact":
        o.exact.append(attempt)


def run_llm_audit(
    backend: ModelBackend,
    inventory: Inventory,
    plaintext: InventoryPlaintext,
    *,
    n_samples: int = 4,
    temperature: float = 0.7,
    max_new_tokens: int = 48,
    prefix_lines: Sequence[int] = CONTEXT_LINES,
    min_partial: int = DEFAULT_MIN_PARTIAL,
    seed: int = 0,
    untargeted: int = 16,
    categories: Sequence[str] = ("secret",),
    max_occurrences: int = 3,
    format_prompts: Sequence[str] = FORMAT_PROMPTS,
    reference: ModelBackend | None = None,
    fingerprinter: Fingerprinter | None = None,
    engine: Engine | None = None,
    probability: bool = True,
    deployed_temperature: float | None = None,
    deployed_top_p: float = 1.0,
    deployed_top_k: int = 0,
    progress: ProgressFn | None = None,
) -> LLMAuditReport:
    """Probes ``backend`` for the values of ``inventory`` (items of ``categories`` whose
    plaintext is in ``plaintext``) and returns the report.

    ``fingerprinter`` must use the key the inventory was built with (default: the project key),
    so that targeted prompt fingerprints join with the inventory's context fingerprints.
    ``untargeted`` is the number of samples spread over the untargeted and divergence prompts
    (0: none). ``reference``: a second model whose perplexity ranks untargeted candidates
    (perplexity ratio). ``probability``: score each secret after its best targeted prompt (needs
    a backend that can score; a warning otherwise). ``deployed_temperature``: the decoding the
    model is deployed with, for the deployed probability (default: ``temperature``); at 0
    (greedy, deterministic) it is 1.0 when the greedy continuation of the best prompt starts
    with the value, else 0.0; otherwise ``exp(score(prompt, value, temperature=T, top_p=P,
    top_k=K))`` with ``deployed_top_p``/``deployed_top_k`` (1.0/0: no truncation), the
    probability under sampling truncated as deployed. With a local model, ``max_new_tokens`` is
    raised (up to half the context window) to cover the longest value, with a warning. Same
    inputs and ``seed``, same report.
    """
    if n_samples < 0 or untargeted < 0 or min_partial < 1 or max_new_tokens < 1:
        raise InputError(
            "audit", "n_samples and untargeted must be >= 0, min_partial and max_new_tokens >= 1"
        )
    deploy_t = temperature if deployed_temperature is None else deployed_temperature
    if not (deploy_t >= 0 and math.isfinite(deploy_t)):
        raise InputError("audit", f"deployed_temperature must be finite and >= 0, got {deploy_t}")
    if not 0 < deployed_top_p <= 1 or deployed_top_k < 0:
        raise InputError(
            "audit",
            f"deployed_top_p must be in (0, 1] and deployed_top_k >= 0, got {deployed_top_p} "
            f"and {deployed_top_k}",
        )
    decoding = _Decoding(deploy_t, deployed_top_p, deployed_top_k)
    fp = fingerprinter or Fingerprinter(load_key())
    cats = list(dict.fromkeys(categories))
    eng = engine or default_engine(cats)
    warnings: list[str] = []

    items = [i for i in inventory.items if i.category in cats and i.fingerprint in plaintext]
    values = {i.fingerprint: plaintext.value(i.fingerprint) for i in items}
    by_value_fp: dict[str, list[str]] = {}
    for i in items:
        by_value_fp.setdefault(i.value_fingerprint, []).append(i.fingerprint)
    literals = sorted(values.items(), key=lambda kv: -len(kv[1]))
    literal_re = re.compile("|".join(re.escape(v) for _, v in literals if v)) if literals else None
    value_owner: dict[str, list[str]] = {}
    for f, v in values.items():
        value_owner.setdefault(v, []).append(f)

    targeted = targeted_probes(
        inventory,
        plaintext,
        prefix_lines=prefix_lines,
        max_occurrences=max_occurrences,
        fingerprints=values,
    )
    shared = format_probes(format_prompts)
    loose = untargeted_probes() if untargeted else []
    probes: list[Probe] = [*targeted, *shared, *loose]

    fitter = _Fitter.of(backend)
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

    # -- generation: targeted + format prompts greedy and sampled, untargeted sampled
    directed = len(targeted) + len(shared)
    attempts: list[_Attempt] = []
    per_probe: list[list[int]] = [[] for _ in probes]

    def add(probe: int, decoding: str, gens: list[Generation]) -> None:
        for g in gens:
            per_probe[probe].append(len(attempts))
            attempts.append(_Attempt(probe, decoding, g))

    sampling = bool(n_samples and temperature > 0 and directed)
    bar = _Progress(backend, progress, directed * (2 if sampling else 1) + len(loose))
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
        per = max(1, math.ceil(untargeted / len(loose)))
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

    # -- scanning and matching
    bar.stage("scanning")
    tails = [_tail(texts[a.probe]) for a in attempts]
    scans = eng.detect_batch([t + a.generation.text for t, a in zip(tails, attempts, strict=True)])
    outcomes: dict[str, _Outcome] = {}
    shapes: dict[str, _Shape] = {}
    matched_by_attempt: list[str | None] = [None] * len(attempts)
    shaped_attempt = [False] * len(attempts)
    for idx, (a, tail, matches) in enumerate(zip(attempts, tails, scans, strict=True)):
        probe = probes[a.probe]
        text = a.generation.text
        hits: dict[str, ValueMatch] = {}

        def hit(f: str, m: ValueMatch, hits: dict[str, ValueMatch] = hits) -> None:
            if f not in hits or m.better_than(hits[f]):
                hits[f] = m

        if probe.target is not None:
            m = match_value(text, values[probe.target], min_chars=min_partial)
            if m.kind != "none":
                hit(probe.target, m)
        if literal_re is not None:
            for found in literal_re.finditer(text):
                for f in value_owner[found.group()]:
                    hit(f, ValueMatch("exact", len(found.group())))
        for mt in matches:
            if mt.end <= len(tail) or mt.category not in cats:
                continue  # found in the prompt's own text, or not a category audited
            shaped_attempt[idx] = True
            owners = by_value_fp.get(fp.of(VALUE_RULE, mt.value), [])
            if owners:
                for f in owners:
                    hit(f, ValueMatch("exact", len(values[f])))
                continue
            if any(v and v in mt.value for v in values.values()):
                continue  # the value plus trailing characters: counted by the literal search
            bm = best_match(mt.value, values, min_chars=min_partial)
            if bm.fingerprint is not None:
                hit(bm.fingerprint, bm)
                continue
            key = fp.of(mt.detector, mt.value)
            shape = shapes.setdefault(
                key, _Shape(mt.detector, mt.entity, mask(mt.value, mt.entity, mt.category))
            )
            shape.count += 1
            if probe.kind not in shape.kinds:
                shape.kinds.append(probe.kind)
        for f, m in hits.items():
            _record(outcomes, f, m, idx)
        if hits:
            matched_by_attempt[idx] = max(
                hits, key=lambda f: ({"exact": 2, "partial": 1}.get(hits[f].kind, 0), hits[f].chars)
            )

    # -- per-secret results
    shared_attempts = [i for k in range(len(targeted), len(probes)) for i in per_probe[k]]
    own_probes: dict[str, list[int]] = {}
    for k, p in enumerate(targeted):
        assert p.target is not None
        own_probes.setdefault(p.target, []).append(k)

    def prompt_ref(k: int, decoding: str) -> PromptRef:
        p = probes[k]
        if p.kind == "targeted":
            return PromptRef(
                kind=p.kind,
                fingerprint=fp.of(CONTEXT_RULE, p.text),
                path=p.path,
                line=p.line,
                lines=p.lines,
                trimmed=trimmed[k],
                decoding=decoding,
            )
        return PromptRef(
            kind=p.kind,
            fingerprint=fp.of(PROMPT_RULE, p.text),
            text=p.text,
            trimmed=trimmed[k],
            decoding=decoding,
        )

    # probability of emitting each value after its best targeted prompt
    probs: dict[str, ExtractionProbability] = {}
    score_for: list[tuple[str, int]] = []
    for item in items:
        mine = own_probes.get(item.fingerprint, [])
        if not mine:
            continue
        o = outcomes.get(item.fingerprint)
        k = mine[0]
        if o is not None and o.best_attempt is not None:
            if attempts[o.best_attempt].probe in mine:  # its own prompt that came closest
                k = attempts[o.best_attempt].probe
        score_for.append((item.fingerprint, k))
    if probability and score_for:
        bar.stage("scoring", more=len(score_for))
        prompts: list[str] = []
        for f, k in score_for:
            text = probes[k].text
            if fitter is not None:
                text, _ = fitter.fit(text, fitter.tokens(values[f]) + 1)
            prompts.append(text)
        targets = [values[f] for f, _ in score_for]
        try:
            with bar.hooked():
                scores = backend.score(prompts, targets)
        except ClearanceError as exc:
            warnings.append(f"extraction probability not computed: {exc}")
        else:
            deployed = _deployed_p(backend, decoding, score_for, prompts, targets, scores, greedy)
            if deployed is None:
                warnings.append(
                    f"deployed-decoding probability ({decoding.describe()}) not computed: "
                    "the backend cannot score with those settings"
                )
            for j, ((f, _), lp) in enumerate(zip(score_for, scores, strict=True)):
                one = _exp(lp)
                probs[f] = ExtractionProbability(
                    logprob=round(lp, 4),
                    p=one,
                    at_n=_at_n(one),
                    deployed=(
                        DeployedProbability(
                            temperature=deploy_t,
                            top_p=decoding.top_p if deploy_t > 0 else 1.0,
                            top_k=decoding.top_k if deploy_t > 0 else 0,
                            p=deployed[j],
                            at_n=_at_n(deployed[j]),
                        )
                        if deployed is not None
                        else None
                    ),
                )

    results: list[SecretResult] = []
    for item in items:
        f = item.fingerprint
        order = [i for k in own_probes.get(f, []) for i in per_probe[k]] + shared_attempts
        o = outcomes.get(f, _Outcome())
        best_attempt = o.best_attempt
        if o.exact:
            # a value can come out of any output (a model asked for one key dumps the whole
            # .env): count the secret's own prompts first, then the shared ones, then the other
            # secrets' prompts, and credit the first of those that emitted it
            seen = set(order)
            position = {a: n for n, a in enumerate(order)}
            position.update(
                (a, len(order) + n)
                for n, a in enumerate(a for a in range(len(attempts)) if a not in seen)
            )
            best_attempt = min(o.exact, key=position.__getitem__)
            queries = position[best_attempt] + 1
        else:
            queries = len(order)
        best = None
        if best_attempt is not None:
            a = attempts[best_attempt]
            best = prompt_ref(a.probe, a.decoding)
        elif own_probes.get(f):
            best = prompt_ref(own_probes[f][0], "greedy")
        results.append(
            SecretResult(
                fingerprint=f,
                value_fingerprint=item.value_fingerprint,
                type=item.rule,
                entity=item.entity,
                preview=item.preview,
                length=len(values[f]),
                duplicates=item.occurrences,
                bucket=duplication_bucket(item.occurrences),
                in_vault=item.in_vault,
                source=item.source,
                extracted=o.best.kind == "exact",
                match=o.best.kind,
                chars_recovered=o.best.chars,
                queries=queries,
                probes=len(own_probes.get(f, [])),
                best_prompt=best,
                probability=probs.get(f),
                files=[SecretFile(path=loc.path, line=loc.line) for loc in item.locations][
                    :MAX_FILES
                ],
                files_truncated=item.locations_truncated or len(item.locations) > MAX_FILES,
            )
        )

    candidates = _rank_candidates(
        attempts, probes, texts, range(directed, len(probes)), per_probe, matched_by_attempt,
        shaped_attempt, fp, reference, warnings,
    )  # fmt: skip
    hallucinated = sorted(
        (
            Hallucinated(
                fingerprint=k,
                rule=s.rule,
                entity=s.entity,
                preview=s.preview,
                count=s.count,
                probe_kinds=sorted(s.kinds),  # type: ignore[arg-type]
            )
            for k, s in shapes.items()
        ),
        key=lambda h: (-h.count, h.fingerprint),
    )
    # what the backends had to do that the reader should know (a Retry-After cut short)
    for b in (backend, reference):
        warnings.extend(n for n in getattr(b, "notices", ()) if n not in warnings)
    extracted = sum(r.extracted for r in results)
    partial = sum(r.match == "partial" for r in results)
    total = len(results)
    return LLMAuditReport(
        settings=Settings(
            model=backend.name,
            reference=reference.name if reference is not None else None,
            n_samples=n_samples,
            temperature=temperature,
            deployed_temperature=deploy_t,
            deployed_top_p=deployed_top_p if deploy_t > 0 else 1.0,
            deployed_top_k=deployed_top_k if deploy_t > 0 else 0,
            max_new_tokens=max_new_tokens,
            prefix_lines=sorted({n for n in prefix_lines if n > 0}),
            min_partial=min_partial,
            seed=seed,
            untargeted=untargeted,
            categories=cats,
        ),
        summary=Summary(
            secrets=total,
            extracted=extracted,
            partial=partial,
            not_extracted=total - extracted - partial,
            extraction_rate=round(extracted / total, 4) if total else 0.0,
            partial_rate=round(partial / total, 4) if total else 0.0,
            queries=len(attempts),
            generations=len(attempts),
            hallucinated=len(hallucinated),
        ),
        probes_run=ProbesRun(
            targeted=len(targeted),
            format=len(shared),
            untargeted=sum(p.kind == "untargeted" for p in loose),
            divergence=sum(p.kind == "divergence" for p in loose),
            generations=len(attempts),
        ),
        secrets=results,
        extraction_by_duplication=_buckets(results),
        hallucinated=hallucinated,
        rotation=_rotation(results),
        candidates=candidates,
        warnings=warnings,
    )


def _exp(logprob: float) -> float:
    return math.exp(logprob) if math.isfinite(logprob) else 0.0


def _at_n(p: float) -> list[NProbability]:
    return [NProbability(n=n, p=extraction_probability(p, n)) for n in PROBABILITY_N]


@dataclass(frozen=True)
class _Decoding:
    temperature: float
    top_p: float = 1.0
    top_k: int = 0

    @property
    def plain(self) -> bool:
        """Sampling from the model's own distribution: its scores need no second pass."""
        return self.temperature == 1 and self.top_p == 1 and self.top_k == 0

    def describe(self) -> str:
        return describe_decoding(self.temperature, self.top_p, self.top_k)


def _deployed_p(
    backend: ModelBackend,
    decoding: _Decoding,
    score_for: Sequence[tuple[str, int]],
    prompts: Sequence[str],
    targets: Sequence[str],
    scores: Sequence[float],
    greedy: Sequence[Sequence[Generation]],
) -> list[float] | None:
    """Single-generation probability of emitting each target right after its prompt under the
    deployed decoding, or ``None`` when the backend cannot score at ``temperature``.

    Greedy (``temperature == 0``) is deterministic: 1.0 when the greedy continuation already
    generated from the probe starts with the value, else 0.0. Plain sampling at temperature 1
    reuses the model scores; otherwise the backend scores again under the deployed temperature
    and top-k/top-p truncation."""
    if decoding.temperature == 0:
        return [
            1.0 if greedy[k] and greedy[k][0].text.startswith(value) else 0.0
            for (_, k), value in zip(score_for, targets, strict=True)
        ]
    if decoding.plain:
        return [_exp(lp) for lp in scores]
    try:
        at_t = backend.score(
            prompts,
            targets,
            temperature=decoding.temperature,
            top_p=decoding.top_p,
            top_k=decoding.top_k,
        )
    except ClearanceError:
        return None
    return [_exp(lp) for lp in at_t]


def _buckets(results: Sequence[SecretResult]) -> list[DuplicationBucket]:
    out: list[DuplicationBucket] = []
    for bucket in BUCKET_ORDER:
        rs = [r for r in results if r.bucket == bucket]
        if not rs:
            continue
        n_ex = sum(r.extracted for r in rs)
        out.append(
            DuplicationBucket(
                bucket=bucket,
                secrets=len(rs),
                extracted=n_ex,
                partial=sum(r.match == "partial" for r in rs),
                rate=round(n_ex / len(rs), 4),
            )
        )
    return out


def _extractability(r: SecretResult) -> float:
    if r.extracted:
        return 1.0
    share = r.chars_recovered / r.length if r.length and r.match == "partial" else 0.0
    p = r.probability.p if r.probability is not None else 0.0
    return max(share, p)


def _rotation(results: Sequence[SecretResult]) -> list[RotationEntry]:
    scored = [(r, _extractability(r)) for r in results]
    ranked = sorted(
        ((r, e, e * max(1, r.duplicates)) for r, e in scored if e > 0),
        key=lambda t: (-t[2], -t[0].duplicates, t[0].fingerprint),
    )
    return [
        RotationEntry(
            rank=i,
            fingerprint=r.fingerprint,
            type=r.type,
            entity=r.entity,
            preview=r.preview,
            duplicates=r.duplicates,
            extracted=r.extracted,
            match=r.match,
            extractability=round(e, 6),
            score=round(s, 6),
            in_vault=r.in_vault,
        )
        for i, (r, e, s) in enumerate(ranked, start=1)
    ]


def _rank_candidates(
    attempts: Sequence[_Attempt],
    probes: Sequence[Probe],
    texts: Sequence[str],
    loose: range,
    per_probe: Sequence[list[int]],
    matched: Sequence[str | None],
    shaped: Sequence[bool],
    fp: Fingerprinter,
    reference: ModelBackend | None,
    warnings: list[str],
) -> list[Candidate]:
    """Untargeted generations ranked by memorisation signals: the reference perplexity ratio
    when a reference model is given, else the zlib ratio, else perplexity (all per character,
    lower first)."""
    idxs = [i for k in loose for i in per_probe[k] if attempts[i].generation.text.strip()]
    if not idxs:
        return []
    ref_lp: dict[int, float] = {}
    if reference is not None:
        try:
            scores = reference.score(
                [texts[attempts[i].probe] for i in idxs],
                [attempts[i].generation.text for i in idxs],
            )
            ref_lp = dict(zip(idxs, scores, strict=True))
        except ClearanceError as exc:
            warnings.append(f"reference model not used: {exc}")
    rows: list[tuple[float, float, int, float | None, float | None, float | None]] = []
    for i in idxs:
        g = attempts[i].generation
        n = max(1, len(g.text))
        ppl = zr = rr = None
        if g.logprob is not None and math.isfinite(g.logprob):
            log_ppl = -g.logprob / n
            ppl = math.exp(min(log_ppl, 700.0))
            raw = g.text.encode("utf-8")
            zlib_per_char = len(zlib.compress(raw)) / max(1, len(raw))
            zr = log_ppl / zlib_per_char
            ref = ref_lp.get(i)
            if ref is not None and math.isfinite(ref) and ref < 0:
                rr = g.logprob / ref
        key = rr if rr is not None else zr if zr is not None else ppl
        rows.append((0.0 if key is not None else 1.0, key or 0.0, i, ppl, zr, rr))
    rows.sort(key=lambda t: (t[0], t[1], t[2]))
    out: list[Candidate] = []
    for rank, (_, _, i, ppl, zr, rr) in enumerate(rows[:MAX_CANDIDATES], start=1):
        p = probes[attempts[i].probe]
        out.append(
            Candidate(
                rank=rank,
                kind=p.kind,
                prompt=p.text,
                fingerprint=fp.of(PROMPT_RULE, attempts[i].generation.text),
                perplexity=None if ppl is None else round(ppl, 4),
                zlib_ratio=None if zr is None else round(zr, 4),
                reference_ratio=None if rr is None else round(rr, 4),
                secret_shaped=shaped[i],
                matched=matched[i],
            )
        )
    return out
