"""The LLM audit's incident report in Markdown (a pull request or a ticket, not a dashboard):
what leaked, how likely it is to leak again, and what to rotate first."""

from __future__ import annotations

from clearance.llm.report import (
    LLMAuditReport,
    deployed_probability,
    probability_text,
)
from clearance.reports.escape import md_code, md_text


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
