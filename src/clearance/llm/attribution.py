"""Matching stage of the LLM audit: which inventory value each generation reproduces.

:func:`attribute_outputs` scans every output (after the last line of its prompt) with the
detection engine and matches it against the inventory values (:mod:`clearance.llm.matching`):
exact (the whole value appears), partial (at least ``min_partial`` characters of the value beyond
its format prefix), or none. Secret-shaped outputs that match nothing are kept, fingerprinted and
masked, as likely hallucinated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clearance.detection.engine import Engine
from clearance.llm.inventory_models import VALUE_RULE, InventoryItem
from clearance.llm.matching import NO_MATCH, ValueMatch, best_match, match_value
from clearance.llm.probes import Probe
from clearance.llm.probing import Attempt
from clearance.privacy import Fingerprinter, mask

__all__ = ["Attribution", "Outcome", "Shape", "attribute_outputs"]


@dataclass
class Outcome:
    """What the model emitted of one secret: its best match, the attempt that gave it, and the
    attempts that emitted the whole value."""

    best: ValueMatch = NO_MATCH
    best_attempt: int | None = None
    exact: list[int] = field(default_factory=list)


@dataclass
class Shape:
    """A secret-shaped output that matches no inventory value (likely hallucinated)."""

    rule: str
    entity: str
    preview: str
    count: int = 0
    kinds: list[str] = field(default_factory=list)


@dataclass
class Attribution:
    """Per secret fingerprint its :class:`Outcome`; per hallucinated fingerprint its
    :class:`Shape`; per attempt the secret it matched best (or ``None``) and whether it was
    secret-shaped."""

    outcomes: dict[str, Outcome]
    shapes: dict[str, Shape]
    matched: list[str | None]
    shaped: list[bool]


def _tail(prompt: str) -> str:
    return prompt.rsplit("\n", 1)[-1]


def _record(outcomes: dict[str, Outcome], fp: str, m: ValueMatch, attempt: int) -> None:
    o = outcomes.setdefault(fp, Outcome())
    if m.better_than(o.best):
        o.best = m
        o.best_attempt = attempt
    if m.kind == "exact":
        o.exact.append(attempt)


def attribute_outputs(
    attempts: Sequence[Attempt],
    probes: Sequence[Probe],
    texts: Sequence[str],
    items: Sequence[InventoryItem],
    values: Mapping[str, str],
    *,
    engine: Engine,
    categories: Sequence[str],
    min_partial: int,
    fingerprinter: Fingerprinter,
) -> Attribution:
    """Matches every attempt's output against ``values`` (fingerprint -> plaintext of
    ``items``). The detector runs on the prompt's last line + the output, so that a value the
    prompt started is recognised; matches inside the prompt's own text are ignored."""
    fp = fingerprinter
    cats = list(categories)
    by_value_fp: dict[str, list[str]] = {}
    for i in items:
        by_value_fp.setdefault(i.value_fingerprint, []).append(i.fingerprint)
    literals = sorted(values.items(), key=lambda kv: -len(kv[1]))
    literal_re = re.compile("|".join(re.escape(v) for _, v in literals if v)) if literals else None
    value_owner: dict[str, list[str]] = {}
    for f, v in values.items():
        value_owner.setdefault(v, []).append(f)

    tails = [_tail(texts[a.probe]) for a in attempts]
    scans = engine.detect_batch(
        [t + a.generation.text for t, a in zip(tails, attempts, strict=True)]
    )
    outcomes: dict[str, Outcome] = {}
    shapes: dict[str, Shape] = {}
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
                key, Shape(mt.detector, mt.entity, mask(mt.value, mt.entity, mt.category))
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
    return Attribution(outcomes, shapes, matched_by_attempt, shaped_attempt)
