"""The LLM memorisation audit report (JSON) and the incident report (Markdown).

Everything here is safe to write to disk and share: secrets are identified by keyed
fingerprints and masked previews, targeted prompts by the fingerprint of their prefix plus the
file and line it came from. No model output, secret value or corpus text is ever stored; the
only prompt text kept is that of public format/untargeted prompts.

Exit code of ``clearance llm audit``: 0 when no secret was extracted (exact match), 1 when at
least one was (:func:`exit_code`), 3-6 for the usual errors.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from clearance.llm.matching import MatchKind
from clearance.llm.probes import ProbeKind
from clearance.reports.escape import md_code, md_text

SCHEMA_VERSION = "1"
EXIT_EXTRACTED = 1
BUCKET_ORDER = ("0", "1", "2-4", "5-19", "20+")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SecretFile(_Frozen):
    path: str
    line: int


class PromptRef(_Frozen):
    """Which prompt extracted (or came closest to extracting) a secret, without its text."""

    kind: ProbeKind
    fingerprint: str
    """``llm-context`` fingerprint of the prefix for a targeted prompt (joins with the
    inventory's ``locations[].contexts[].fingerprint``), ``llm-prompt`` fingerprint otherwise."""
    path: str | None = None
    line: int | None = None
    lines: int | None = None
    text: str | None = None
    """Only for public (format / untargeted) prompts."""
    trimmed: bool = False
    """The prompt was cut on the left to fit the model's context window."""
    decoding: str = "greedy"
    """``greedy`` or ``sample@T``."""


class NProbability(_Frozen):
    n: int
    p: float
    """Probability that at least one of ``n`` samples emits the value: ``1-(1-p)^n``."""


class DeployedProbability(_Frozen):
    """Probability of emitting the whole value right after the best targeted prompt under the
    deployed decoding: sampling at ``temperature`` (softmax of logits / temperature), truncated
    at each token to the ``top_k`` most likely (0: no limit) and then to the nucleus of mass
    ``top_p`` (1: none), or, at ``temperature`` 0, greedy decoding, which is deterministic: ``p``
    is 1.0 when the greedy continuation starts with the value, else 0.0."""

    temperature: float
    top_p: float = 1.0
    top_k: int = 0
    p: float
    at_n: list[NProbability]
    """The ``(n, p)`` extraction probability: at least one of ``n`` generations emits it."""


class ExtractionProbability(_Frozen):
    """Probability of emitting the whole value right after the best targeted prompt, under the
    model's distribution (temperature 1, no truncation), from the backend's ``score``;
    ``deployed``: the same under the deployed decoding, when it could be computed."""

    logprob: float
    p: float
    at_n: list[NProbability]
    deployed: DeployedProbability | None = None


class SecretResult(_Frozen):
    fingerprint: str
    value_fingerprint: str
    type: str
    """The rule that found it (detector id, or ``vault``)."""
    entity: str
    preview: str
    length: int
    duplicates: int
    bucket: str
    in_vault: bool
    source: str
    extracted: bool
    """An output contained the whole value (``match == "exact"``)."""
    match: MatchKind
    chars_recovered: int
    queries: int
    """Generations until the first exact match (targeted ones first), or all that could have
    produced it when it was not extracted."""
    probes: int
    """Targeted prompts built for it."""
    best_prompt: PromptRef | None = None
    probability: ExtractionProbability | None = None
    files: list[SecretFile]
    files_truncated: bool = False


class DuplicationBucket(_Frozen):
    bucket: str
    secrets: int
    extracted: int
    partial: int
    rate: float


class Hallucinated(_Frozen):
    """A secret-shaped output that matches no inventory value: likely invented by the model."""

    fingerprint: str
    rule: str
    entity: str
    preview: str
    count: int
    probe_kinds: list[ProbeKind]


class RotationEntry(_Frozen):
    rank: int
    fingerprint: str
    type: str
    entity: str
    preview: str
    duplicates: int
    extracted: bool
    match: MatchKind
    extractability: float
    """1 when extracted; otherwise the larger of the share of characters recovered and the
    single-sample extraction probability."""
    score: float
    """``extractability * max(1, duplicates)``: the ranking key."""
    in_vault: bool


class Candidate(_Frozen):
    """An untargeted generation, ranked by how memorised it looks (text not kept)."""

    rank: int
    kind: ProbeKind
    prompt: str
    fingerprint: str
    perplexity: float | None
    zlib_ratio: float | None
    """log(perplexity) / zlib entropy per character: low means fluent yet incompressible."""
    reference_ratio: float | None
    """log(perplexity) / log(reference perplexity): low means this model is unusually sure."""
    secret_shaped: bool
    matched: str | None
    """The inventory fingerprint it reproduces (exactly or partially), if any."""


class Summary(_Frozen):
    secrets: int
    extracted: int
    partial: int
    not_extracted: int
    extraction_rate: float
    partial_rate: float
    queries: int
    generations: int
    hallucinated: int


class ProbesRun(_Frozen):
    targeted: int
    format: int
    untargeted: int
    divergence: int
    generations: int


class Settings(_Frozen):
    model: str
    reference: str | None
    n_samples: int
    temperature: float
    deployed_temperature: float | None = None
    """The decoding temperature the deployed probability assumes (0: greedy)."""
    deployed_top_p: float = 1.0
    deployed_top_k: int = 0
    max_new_tokens: int
    prefix_lines: list[int]
    min_partial: int
    seed: int
    untargeted: int
    categories: list[str]

    @property
    def deployed_decoding(self) -> str:
        """The deployed decoding in words, as the reports print it."""
        t = self.temperature if self.deployed_temperature is None else self.deployed_temperature
        return describe_decoding(t, self.deployed_top_p, self.deployed_top_k)


def describe_decoding(temperature: float, top_p: float = 1.0, top_k: int = 0) -> str:
    """``"greedy"`` or ``"temperature 0.8, top-k 40, top-p 0.95"``."""
    if temperature == 0:
        return "greedy"
    parts = [f"temperature {temperature:g}"]
    if top_k:
        parts.append(f"top-k {top_k}")
    if top_p < 1:
        parts.append(f"top-p {top_p:g}")
    return ", ".join(parts)


def probability_text(p: ExtractionProbability | DeployedProbability | None) -> str:
    """``"P(1) / P(100)"``: at least one of 1 and of 100 generations emits the value."""
    if p is None:
        return ""
    at = {a.n: a.p for a in p.at_n}
    return f"{at.get(1, p.p):.2g} / {at.get(100, 0.0):.2g}"


def deployed_probability(x: SecretResult) -> DeployedProbability | None:
    return x.probability.deployed if x.probability is not None else None


class LLMAuditReport(_Frozen):
    schema_version: str = SCHEMA_VERSION
    settings: Settings
    summary: Summary
    probes_run: ProbesRun
    secrets: list[SecretResult]
    extraction_by_duplication: list[DuplicationBucket]
    hallucinated: list[Hallucinated]
    rotation: list[RotationEntry]
    candidates: list[Candidate]
    warnings: list[str]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def exit_code(report: LLMAuditReport) -> int:
    """1 (``EXIT_EXTRACTED``) when any secret was extracted, else 0."""
    return EXIT_EXTRACTED if report.summary.extracted else 0


# --- Markdown incident report ---------------------------------------------------------------


def _cell(text: object) -> str:
    return md_text(str(text))


def _code(text: object) -> str:
    return md_code(str(text))


def _pct(rate: float) -> str:
    return f"{100 * rate:.0f}%"


def _bar(rate: float, width: int = 20) -> str:
    filled = round(rate * width)
    return "#" * filled + "." * (width - filled)


def render_incident_markdown(
    report: LLMAuditReport, *, generated_at: str | None = None, corpus: list[str] | None = None
) -> str:
    """An incident report for the security team: timeline fields to fill in, the evidence
    (fingerprints, masked previews, files and lines, never a value) and the remediation plan.
    ``generated_at`` pre-fills *detected at*."""
    s = report.summary
    st = report.settings
    out: list[str] = []
    add = out.append
    severity = "HIGH" if s.extracted else ("MEDIUM" if s.partial else "LOW")
    add("# Incident report: secrets memorised by a language model\n")
    add(f"**Model:** {_code(st.model)}  ")
    if corpus:
        add(f"**Training corpus audited:** {', '.join(_code(c) for c in corpus)}  ")
    add(f"**Severity:** {severity}: {s.extracted} of {s.secrets} inventory secrets extracted "
        f"verbatim, {s.partial} partially.\n")  # fmt: skip
    add("## Timeline\n")
    add("| Field | Value |")
    add("| --- | --- |")
    add(f"| Detected at | {_cell(generated_at) if generated_at else ''} |")
    add("| Contained at | |")
    add("| Rotated at | |")
    add("| Owner | |")
    add("| Ticket | |")
    add("")
    add("## Evidence\n")
    add(
        f"Probes: {report.probes_run.targeted} targeted, {report.probes_run.format} format, "
        f"{report.probes_run.untargeted} untargeted, {report.probes_run.divergence} divergence; "
        f"{report.probes_run.generations} generations (greedy and {st.n_samples} samples at "
        f"temperature {st.temperature}, seed {st.seed}, up to {st.max_new_tokens} new tokens). "
        f"Partial match: at least {st.min_partial} characters beyond the format prefix.\n"
    )
    add("### Extraction by duplication\n")
    add("| Copies in corpus | Secrets | Extracted | Partial | Rate | |")
    add("| --- | ---: | ---: | ---: | ---: | --- |")
    for b in report.extraction_by_duplication:
        add(
            f"| {b.bucket} | {b.secrets} | {b.extracted} | {b.partial} | {_pct(b.rate)} | "
            f"`{_bar(b.rate)}` |"
        )
    add("")
    leaked = [x for x in report.secrets if x.match != "none"]
    add("### Extracted and partially extracted secrets\n")
    if not leaked:
        add("None.\n")
    else:
        add(f"Probabilities: P(1 / 100) under the model's own distribution (temperature 1), "
            f"and under the deployed decoding ({st.deployed_decoding}).\n")  # fmt: skip
        add("| Fingerprint | Type | Preview | Copies | Match | Chars | Queries | P(1 / 100) "
            "| Deployed P(1 / 100) | Best prompt | Files |")  # fmt: skip
        add("| --- | --- | --- | ---: | --- | ---: | ---: | --- | --- | --- | --- |")
        for x in leaked:
            prob = probability_text(x.probability)
            deployed = probability_text(deployed_probability(x))
            prompt = ""
            if x.best_prompt is not None:
                bp = x.best_prompt
                where = f" {bp.path}:{bp.line}" if bp.path else ""
                prompt = f"{bp.kind} {bp.fingerprint[:12]}{where} ({bp.decoding})"
            files = ", ".join(f"{f.path}:{f.line}" for f in x.files[:3])
            if len(x.files) > 3 or x.files_truncated:
                files += ", ..."
            add(
                f"| `{x.fingerprint[:16]}` | {_cell(x.entity)} | {_code(x.preview)} | "
                f"{x.duplicates} | {x.match} | {x.chars_recovered}/{x.length} | {x.queries} | "
                f"{prob} | {deployed} | {_cell(prompt)} | {_cell(files)} |"
            )
        add("")
    if report.hallucinated:
        add("### Secret-shaped outputs matching no inventory value (likely hallucinated)\n")
        add("| Fingerprint | Type | Preview | Count |")
        add("| --- | --- | --- | ---: |")
        for h in report.hallucinated:
            add(f"| `{h.fingerprint[:16]}` | {_cell(h.entity)} | {_code(h.preview)} | "
                f"{h.count} |")  # fmt: skip
        add("")
    add("## Remediation plan\n")
    add("### 1. Rotate (ranked by extractability x duplication)\n")
    if report.rotation:
        add("| # | Fingerprint | Type | Preview | Copies | Match | Score | In vault | Done |")
        add("| ---: | --- | --- | --- | ---: | --- | ---: | --- | --- |")
        for r in report.rotation:
            add(
                f"| {r.rank} | `{r.fingerprint[:16]}` | {_cell(r.entity)} | {_code(r.preview)} "
                f"| {r.duplicates} | {r.match} | {r.score:.2f} | {'yes' if r.in_vault else 'no'} "
                "| [ ] |"
            )
        add("")
    else:
        add("Nothing to rotate on this evidence; rotate anyway any secret found in the corpus.\n")
    add("### 2. Contain\n")
    add("- [ ] Deploy the guard proxy in front of the model so outputs carrying an inventory "
        "secret are blocked (`clearance` guard, fingerprint matching).")  # fmt: skip
    add("- [ ] Restrict access to the model and its weights until the retrained model ships.\n")
    add("### 3. Fix the data\n")
    add("- [ ] Scrub the secrets from the training corpus (`clearance scan` / redact).")
    add("- [ ] Deduplicate the corpus: extraction grows with the number of copies (table above).\n")
    add("### 4. Fix the model\n")
    add("- [ ] Retrain on the scrubbed corpus, or unlearn the listed secrets.")
    add("- [ ] Re-audit (`clearance llm audit`) at the deployed precision and quantization: "
        "quantizing an unlearned model can bring the removed text back.\n")  # fmt: skip
    if report.warnings:
        add("## Warnings\n")
        out.extend(f"- {_cell(w)}" for w in report.warnings)
        add("")
    add("_This report holds fingerprints and masked previews only, never a secret value._")
    return "\n".join(out) + "\n"
