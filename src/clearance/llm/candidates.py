"""Untargeted outputs of the LLM audit ranked as memorisation candidates (Carlini et al. 2021):
the generations of the untargeted and divergence prompts, lowest perplexity ratio first.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

from clearance.errors import ClearanceError
from clearance.llm.backend_protocol import ModelBackend
from clearance.llm.probes import Probe
from clearance.llm.probing import Attempt
from clearance.llm.report import Candidate
from clearance.privacy import Fingerprinter

__all__ = ["MAX_CANDIDATES", "PROMPT_RULE", "rank_candidates"]

PROMPT_RULE = "llm-prompt"
"""Fingerprint rule of a prompt that is not a corpus prefix (and of untargeted outputs)."""
MAX_CANDIDATES = 20


def rank_candidates(
    attempts: Sequence[Attempt],
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
