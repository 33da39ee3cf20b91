"""Audit a language model for memorised secrets of its training corpus.

:func:`run_llm_audit_paths` is the library entry point: corpus paths, the model
(:class:`~clearance.llm.model_target.LocalModel` or
:class:`~clearance.llm.model_target.EndpointModel`), the
:class:`~clearance.llm.audit_settings.LlmAuditSettings` and a fingerprinter in, the report out.
It builds the inventory in memory (:func:`~clearance.llm.inventory.build_inventory`) and runs
:func:`run_llm_audit`, which takes a :class:`~clearance.llm.backend_protocol.ModelBackend`, the
inventory and its in-memory plaintext, and runs the stages:

1. probing (:mod:`clearance.llm.probing`): targeted, format, untargeted and divergence prompts,
   generated from greedily and sampled;
2. matching (:mod:`clearance.llm.attribution`): every output scanned and matched against the
   inventory values, exact or partial; secret-shaped outputs that match nothing are listed as
   likely hallucinated;
3. probability (:mod:`clearance.llm.probability`): per secret, the probability that one sample
   (and 10, 100 samples) right after its best targeted prompt emits it, under the model's
   distribution and under the deployed decoding;
4. rotation (:mod:`clearance.llm.rotation`): extraction by duplication bucket and the ranked
   rotation list; untargeted outputs ranked as candidates (:mod:`clearance.llm.candidates`).

Per secret, the report says: extracted (exact) or not, the best prompt (fingerprint +
file/line), characters recovered, generations needed and the probability. Plaintext (values,
corpus text, prompts, outputs) stays in memory; the
:class:`~clearance.llm.report.LLMAuditReport` holds fingerprints and masked previews only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearance.detection.engine import Engine
from clearance.detection.settings import DetectionSettings
from clearance.llm import backends
from clearance.llm.attribution import Attribution, Outcome, attribute_outputs
from clearance.llm.audit_settings import LlmAuditSettings
from clearance.llm.backend_protocol import ModelBackend
from clearance.llm.candidates import PROMPT_RULE, rank_candidates
from clearance.llm.inventory import build_inventory
from clearance.llm.inventory_models import (
    CONTEXT_RULE,
    Inventory,
    InventoryItem,
    duplication_bucket,
)
from clearance.llm.inventory_plaintext import InventoryPlaintext
from clearance.llm.model_target import LocalModel, ModelTarget
from clearance.llm.probability import Decoding, extraction_probabilities, extraction_probability
from clearance.llm.probing import AuditProgress, Probing, ProgressFn, probe_model
from clearance.llm.report import (
    ExtractionProbability,
    Hallucinated,
    LLMAuditReport,
    ProbesRun,
    PromptRef,
    SecretFile,
    SecretResult,
    Settings,
    Summary,
)
from clearance.llm.rotation import duplication_buckets, rotation_list
from clearance.llm.vault import read_vault
from clearance.privacy import Fingerprinter

__all__ = [
    "LlmAuditRun",
    "ProgressFn",
    "extraction_probability",
    "run_llm_audit",
    "run_llm_audit_paths",
]

MAX_FILES = 20


@dataclass(frozen=True)
class LlmAuditRun:
    """What :func:`run_llm_audit_paths` returns: the report and the corpus inventory it probed
    (fingerprints and masked previews only; ``inventory.skipped``: corpus inputs left out)."""

    report: LLMAuditReport
    inventory: Inventory


def run_llm_audit_paths(
    corpus: Sequence[Path],
    target: ModelTarget,
    settings: LlmAuditSettings | None = None,
    *,
    fingerprinter: Fingerprinter,
    vault: Path | None = None,
    reference: Path | None = None,
    on_inventory: Callable[[Inventory], None] | None = None,
    progress: ProgressFn | None = None,
) -> LlmAuditRun:
    """Inventories the secrets of ``corpus`` (files and folders; ``vault``: known secrets, one
    per line) with ``fingerprinter``, probes ``target`` for them and returns the report.

    ``reference``: a local model whose perplexity ranks untargeted outputs. ``on_inventory`` is
    called with the inventory once it is built, before probing. A corpus input that could not be
    read is listed in the report's warnings (``skipped PATH: reason``) and in
    ``inventory.skipped``; the run goes on. An endpoint's connections are closed on return."""
    chosen = settings or LlmAuditSettings()
    with backends.opened(target) as backend:
        ref = backends.open_local(LocalModel(path=reference)) if reference is not None else None
        vault_lines = read_vault(vault) if vault is not None else None
        inventory, plaintext = build_inventory(
            corpus,
            fingerprinter=fingerprinter,
            categories=chosen.categories,
            vault_lines=vault_lines,
        )
        del vault_lines
        if on_inventory is not None:
            on_inventory(inventory)
        report = run_llm_audit(
            backend,
            inventory,
            plaintext,
            chosen,
            fingerprinter=fingerprinter,
            reference=ref,
            progress=progress,
        )
        del plaintext  # plaintext never outlives the run
    if inventory.skipped:
        skipped = [f"skipped {s.path}: {s.reason}" for s in inventory.skipped]
        report = report.model_copy(update={"warnings": [*report.warnings, *skipped]})
    return LlmAuditRun(report=report, inventory=inventory)


def run_llm_audit(
    backend: ModelBackend,
    inventory: Inventory,
    plaintext: InventoryPlaintext,
    settings: LlmAuditSettings | None = None,
    *,
    fingerprinter: Fingerprinter,
    reference: ModelBackend | None = None,
    engine: Engine | None = None,
    progress: ProgressFn | None = None,
) -> LLMAuditReport:
    """Probes ``backend`` for the values of ``inventory`` (items of the settings' categories
    whose plaintext is in ``plaintext``) and returns the report.

    ``fingerprinter`` must use the key the inventory was built with, so that targeted prompt
    fingerprints join with the inventory's context fingerprints. ``reference``: a second model
    whose perplexity ranks untargeted candidates (perplexity ratio). ``engine``: the detectors
    the outputs are scanned with (default: the built-in ones of the categories). ``progress``
    is called as model calls are done (:data:`~clearance.llm.probing.ProgressFn`)."""
    s = settings or LlmAuditSettings()
    fp = fingerprinter
    decoding = Decoding(s.deployed_t, s.deployed_top_p, s.deployed_top_k)
    cats = list(dict.fromkeys(s.categories))
    eng = engine or DetectionSettings.of(categories=tuple(cats)).engine()

    items = [i for i in inventory.items if i.category in cats and i.fingerprint in plaintext]
    values = {i.fingerprint: plaintext.value(i.fingerprint) for i in items}

    bar = AuditProgress(backend, progress, 0)
    run = probe_model(backend, inventory, plaintext, values, s, bar)
    warnings = run.warnings
    bar.stage("scanning")
    found = attribute_outputs(
        run.attempts,
        run.probes,
        run.texts,
        items,
        values,
        engine=eng,
        categories=cats,
        min_partial=s.min_partial,
        fingerprinter=fp,
    )
    own_probes: dict[str, list[int]] = {}
    for k, p in enumerate(run.probes[: run.targeted]):
        assert p.target is not None
        own_probes.setdefault(p.target, []).append(k)

    probs: dict[str, ExtractionProbability] = {}
    if s.probability:
        probs = extraction_probabilities(
            backend,
            _score_targets(items, own_probes, found, run),
            [p.text for p in run.probes],
            values,
            run.greedy,
            decoding,
            fitter=run.fitter,
            bar=bar,
            warnings=warnings,
        )
    results = _secret_results(items, values, run, found, own_probes, probs, fp)
    candidates = rank_candidates(
        run.attempts, run.probes, run.texts, range(run.directed, len(run.probes)), run.per_probe,
        found.matched, found.shaped, fp, reference, warnings,
    )  # fmt: skip
    hallucinated = sorted(
        (
            Hallucinated(
                fingerprint=k,
                rule=h.rule,
                entity=h.entity,
                preview=h.preview,
                count=h.count,
                probe_kinds=sorted(h.kinds),  # type: ignore[arg-type]
            )
            for k, h in found.shapes.items()
        ),
        key=lambda h: (-h.count, h.fingerprint),
    )
    # what the backends had to do that the reader should know (a Retry-After cut short)
    for b in (backend, reference):
        warnings.extend(n for n in getattr(b, "notices", ()) if n not in warnings)
    extracted = sum(r.extracted for r in results)
    partial = sum(r.match == "partial" for r in results)
    total = len(results)
    deploy_t = s.deployed_t
    loose = run.probes[run.directed :]
    return LLMAuditReport(
        settings=Settings(
            model=backend.name,
            reference=reference.name if reference is not None else None,
            n_samples=s.n_samples,
            temperature=s.temperature,
            deployed_temperature=deploy_t,
            deployed_top_p=s.deployed_top_p if deploy_t > 0 else 1.0,
            deployed_top_k=s.deployed_top_k if deploy_t > 0 else 0,
            max_new_tokens=run.max_new_tokens,
            prefix_lines=sorted({n for n in s.prefix_lines if n > 0}),
            min_partial=s.min_partial,
            seed=s.seed,
            untargeted=s.untargeted,
            categories=cats,
        ),
        summary=Summary(
            secrets=total,
            extracted=extracted,
            partial=partial,
            not_extracted=total - extracted - partial,
            extraction_rate=round(extracted / total, 4) if total else 0.0,
            partial_rate=round(partial / total, 4) if total else 0.0,
            queries=len(run.attempts),
            generations=len(run.attempts),
            hallucinated=len(hallucinated),
        ),
        probes_run=ProbesRun(
            targeted=run.targeted,
            format=run.format,
            untargeted=sum(p.kind == "untargeted" for p in loose),
            divergence=sum(p.kind == "divergence" for p in loose),
            generations=len(run.attempts),
        ),
        secrets=results,
        extraction_by_duplication=duplication_buckets(results),
        hallucinated=hallucinated,
        rotation=rotation_list(results),
        candidates=candidates,
        warnings=warnings,
    )


def _score_targets(
    items: Sequence[InventoryItem],
    own_probes: dict[str, list[int]],
    found: Attribution,
    run: Probing,
) -> list[tuple[str, int]]:
    """Per secret with a targeted prompt, the prompt to score it after: its own prompt that came
    closest to it, else its first one."""
    score_for: list[tuple[str, int]] = []
    for item in items:
        mine = own_probes.get(item.fingerprint, [])
        if not mine:
            continue
        o = found.outcomes.get(item.fingerprint)
        k = mine[0]
        if o is not None and o.best_attempt is not None:
            if run.attempts[o.best_attempt].probe in mine:  # its own prompt that came closest
                k = run.attempts[o.best_attempt].probe
        score_for.append((item.fingerprint, k))
    return score_for


def _prompt_ref(run: Probing, k: int, decoding: str, fp: Fingerprinter) -> PromptRef:
    p = run.probes[k]
    if p.kind == "targeted":
        return PromptRef(
            kind=p.kind,
            fingerprint=fp.of(CONTEXT_RULE, p.text),
            path=p.path,
            line=p.line,
            lines=p.lines,
            trimmed=run.trimmed[k],
            decoding=decoding,
        )
    return PromptRef(
        kind=p.kind,
        fingerprint=fp.of(PROMPT_RULE, p.text),
        text=p.text,
        trimmed=run.trimmed[k],
        decoding=decoding,
    )


def _secret_results(
    items: Sequence[InventoryItem],
    values: dict[str, str],
    run: Probing,
    found: Attribution,
    own_probes: dict[str, list[int]],
    probs: dict[str, ExtractionProbability],
    fp: Fingerprinter,
) -> list[SecretResult]:
    attempts, per_probe = run.attempts, run.per_probe
    shared_attempts = [i for k in range(run.targeted, len(run.probes)) for i in per_probe[k]]
    results: list[SecretResult] = []
    for item in items:
        f = item.fingerprint
        order = [i for k in own_probes.get(f, []) for i in per_probe[k]] + shared_attempts
        o = found.outcomes.get(f, Outcome())
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
            best = _prompt_ref(run, a.probe, a.decoding, fp)
        elif own_probes.get(f):
            best = _prompt_ref(run, own_probes[f][0], "greedy", fp)
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
    return results
