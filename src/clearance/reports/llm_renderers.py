"""HTML renderers for the LLM memorisation audit (:class:`LLMAuditReport`): the audit report
(:func:`render_llm_html`) and the incident report (:func:`render_incident_html`, the HTML twin of
:func:`clearance.llm.report.render_incident_markdown`).

Each is one self-contained file: inline CSS and SVG, no script, no external resource. Every
value taken from the report is escaped; output is deterministic (same report, same bytes). Like
the report itself, nothing here holds a secret value: fingerprints and masked previews only.
"""

from __future__ import annotations

from collections.abc import Sequence

from clearance.llm.report import (
    LLMAuditReport,
    SecretResult,
    deployed_probability,
    probability_text,
)
from clearance.reports.audit_renderers import Bar, Segment, svg_bar_chart
from clearance.reports.html import BASE_CSS, page
from clearance.reports.html import code as _code
from clearance.reports.html import e as _e
from clearance.reports.html import empty as _empty
from clearance.reports.html import kv as _kv
from clearance.reports.html import section as _section
from clearance.reports.html import table as _table

_CSS = (
    BASE_CSS
    + """.badge.sev-high { background: #b42318; } .badge.sev-medium { background: #a16207; }
.badge.sev-low { background: #1b7f3b; }
.match-exact { color: #b42318; font-weight: 700; } .match-partial { color: #a16207; }
.empty, .caption, .note { color: var(--muted); }
ul.checklist { list-style: none; padding-left: 0; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0; font-size: 12px; }
svg.chart text { fill: var(--fg); } svg.chart text.caption { fill: var(--muted); }
svg.chart .axis { stroke: var(--muted); stroke-width: 1; }
.m-exact { fill: #b42318; } .m-partial { fill: #ca8a04; } .m-none { fill: #9aa5b1; }
.signoff td { height: 34px; } .signoff th { width: 220px; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; }
  svg.chart, table { break-inside: avoid; } }
"""
)

_BOX = "&#9744;"


# --- helpers ---------------------------------------------------------------------------------


def _pct(rate: float) -> str:
    return f"{100 * rate:.0f}%"


def _page(title: str, body: Sequence[str]) -> str:
    foot = '<p class="note">This report holds fingerprints and masked previews only, never a secret value.</p>'
    return page(title, _CSS, [*body, foot])


def _severity(report: LLMAuditReport) -> str:
    s = report.summary
    return "HIGH" if s.extracted else ("MEDIUM" if s.partial else "LOW")


def _match(kind: str) -> str:
    return f'<span class="match-{_e(kind)}">{_e(kind)}</span>'


def _files(x: SecretResult, limit: int | None = None) -> str:
    shown = x.files if limit is None else x.files[:limit]
    text = ", ".join(f"{f.path}:{f.line}" for f in shown)
    if len(shown) < len(x.files) or x.files_truncated:
        text += ", ..."
    return _e(text)


def _probability(x: SecretResult) -> str:
    return _e(probability_text(x.probability))


def _deployed(x: SecretResult) -> str:
    return _e(probability_text(deployed_probability(x)))


def _best_prompt(x: SecretResult) -> str:
    if x.best_prompt is None:
        return ""
    bp = x.best_prompt
    where = f" {bp.path}:{bp.line}" if bp.path else ""
    return _e(f"{bp.kind} {bp.fingerprint[:12]}{where} ({bp.decoding})")


def _probes_text(report: LLMAuditReport) -> str:
    p, st = report.probes_run, report.settings
    return _e(
        f"Probes: {p.targeted} targeted, {p.format} format, {p.untargeted} untargeted, "
        f"{p.divergence} divergence; {p.generations} generations (greedy and {st.n_samples} "
        f"samples at temperature {st.temperature}, seed {st.seed}, up to {st.max_new_tokens} new "
        f"tokens). Partial match: at least {st.min_partial} characters beyond the format prefix."
    )


# --- shared sections -------------------------------------------------------------------------


def _duplication_chart(report: LLMAuditReport) -> str:
    buckets = report.extraction_by_duplication
    if not buckets:
        return _empty("No inventory secrets: nothing to chart.")
    bars = [
        Bar(
            label=f"{b.bucket} copies",
            segments=(
                Segment(b.extracted, "m-exact"),
                Segment(b.partial, "m-partial"),
                Segment(max(0, b.secrets - b.extracted - b.partial), "m-none"),
            ),
            note=f"{b.extracted}/{b.secrets} extracted ({_pct(b.rate)})",
            detail=f"{b.secrets} secrets, {b.extracted} extracted, {b.partial} partial, "
            f"rate {_pct(b.rate)}",
        )
        for b in buckets
    ]
    chart = (
        svg_bar_chart(
            "Extraction by duplication",
            bars,
            legend=(
                ("m-exact", "extracted"),
                ("m-partial", "partial"),
                ("m-none", "not extracted"),
            ),
            axis="secrets per number of copies in the corpus",
        )
        if any(b.total > 0 for b in bars)
        else _empty("No inventory secrets: nothing to chart.")
    )
    table = _table(
        ["Copies in corpus", "Secrets", "Extracted", "Partial", "Rate"],
        [
            [_e(b.bucket), str(b.secrets), str(b.extracted), str(b.partial), _pct(b.rate)]
            for b in buckets
        ],
        num=(1, 2, 3, 4),
    )
    return "\n".join([chart, table])


def _hallucinated(report: LLMAuditReport) -> str:
    if not report.hallucinated:
        return _empty("None.")
    return _table(
        ["Fingerprint", "Type", "Rule", "Preview", "Count", "Probe kinds"],
        [
            [
                _code(h.fingerprint[:16]),
                _e(h.entity),
                _e(h.rule),
                _code(h.preview),
                str(h.count),
                _e(", ".join(h.probe_kinds)),
            ]
            for h in report.hallucinated
        ],
        num=(4,),
    )


def _rotation(report: LLMAuditReport, *, checkbox: bool) -> str:
    if not report.rotation:
        return _empty(
            "Nothing to rotate on this evidence; rotate anyway any secret found in the corpus."
        )
    head = ["#", "Fingerprint", "Type", "Preview", "Copies", "Match", "Extractability", "Score"]
    head += ["In vault", *(["Done"] if checkbox else [])]
    rows = [
        [
            str(r.rank),
            _code(r.fingerprint[:16]),
            _e(r.entity),
            _code(r.preview),
            str(r.duplicates),
            _match(r.match),
            f"{r.extractability:.2f}",
            f"{r.score:.2f}",
            "yes" if r.in_vault else "no",
            *([_BOX] if checkbox else []),
        ]
        for r in report.rotation
    ]
    return _table(head, rows, num=(0, 4, 6, 7))


def _warnings(report: LLMAuditReport) -> str:
    if not report.warnings:
        return ""
    items = "".join(f"<li>{_e(w)}</li>" for w in report.warnings)
    return _section("warnings", "Warnings", f"<ul>{items}</ul>")


# --- audit report ----------------------------------------------------------------------------


def _llm_header(report: LLMAuditReport) -> str:
    s, sev = report.summary, _severity(report)
    facts = _kv(
        [
            ("Model", _code(report.settings.model)),
            ("Schema version", _e(report.schema_version)),
            ("Severity", f'<span class="badge sev-{sev.lower()}">{sev}</span>'),
        ]
    )
    summary = _kv(
        [
            ("Inventory secrets", str(s.secrets)),
            ("Extracted (exact)", f"{s.extracted} ({_pct(s.extraction_rate)})"),
            ("Partially extracted", f"{s.partial} ({_pct(s.partial_rate)})"),
            ("Not extracted", str(s.not_extracted)),
            ("Queries", str(s.queries)),
            ("Generations", str(s.generations)),
            ("Hallucinated candidates", str(s.hallucinated)),
        ]
    )
    return "\n".join(
        [
            "<header>",
            "<h1>LLM memorisation audit</h1>",
            facts,
            "</header>",
            _section("summary", "Summary", summary),
        ]
    )


def _secrets_table(report: LLMAuditReport) -> str:
    if not report.secrets:
        return _empty("No inventory secrets.")
    head = ["Fingerprint", "Type", "Entity", "Preview", "Duplicates", "Extracted", "Match"]
    head += ["Chars recovered", "Queries", "Files", "P(1 / 100)", "Deployed P(1 / 100)"]
    rows = [
        [
            _code(x.fingerprint[:16]),
            _e(x.type),
            _e(x.entity),
            _code(x.preview),
            str(x.duplicates),
            "yes" if x.extracted else "no",
            _match(x.match),
            f"{x.chars_recovered}/{x.length}",
            str(x.queries),
            _files(x),
            _probability(x),
            _deployed(x),
        ]
        for x in report.secrets
    ]
    return _table(head, rows, num=(4, 7, 8))


def _probes_section(report: LLMAuditReport) -> str:
    p = report.probes_run
    return _section(
        "probes",
        "Probes run",
        _kv(
            [
                ("Targeted", str(p.targeted)),
                ("Format", str(p.format)),
                ("Untargeted", str(p.untargeted)),
                ("Divergence", str(p.divergence)),
                ("Generations", str(p.generations)),
            ]
        ),
    )


def _settings_section(report: LLMAuditReport) -> str:
    st = report.settings
    return _section(
        "settings",
        "Settings",
        _kv(
            [
                ("Model", _code(st.model)),
                ("Reference model", _code(st.reference) if st.reference else "none"),
                ("Samples", str(st.n_samples)),
                ("Temperature", _e(st.temperature)),
                ("Deployed decoding", _e(st.deployed_decoding)),
                ("Max new tokens", str(st.max_new_tokens)),
                ("Prefix lines", _e(", ".join(str(n) for n in st.prefix_lines))),
                ("Min partial", str(st.min_partial)),
                ("Seed", str(st.seed)),
                ("Untargeted prompts", str(st.untargeted)),
                ("Categories", _e(", ".join(st.categories)) or "all"),
            ]
        ),
    )


def render_llm_html(report: LLMAuditReport) -> str:
    """The LLM audit report as one self-contained HTML page."""
    body = [
        _llm_header(report),
        "<main>",
        _section("duplication", "Extraction by duplication", _duplication_chart(report)),
        _section("secrets", "Secrets", _secrets_table(report)),
        _section(
            "rotation",
            "Rotation (ranked by extractability x duplication)",
            _rotation(report, checkbox=False),
        ),
        _section(
            "hallucinated",
            "Secret-shaped outputs matching no inventory value (likely hallucinated)",
            _hallucinated(report),
        ),
        _probes_section(report),
        _settings_section(report),
        _warnings(report),
        "</main>",
    ]
    return _page(f"clearance LLM audit: {report.settings.model}", [b for b in body if b])


# --- incident report -------------------------------------------------------------------------


def _leaked_table(report: LLMAuditReport) -> str:
    leaked = [x for x in report.secrets if x.match != "none"]
    if not leaked:
        return _empty("None.")
    head = ["Fingerprint", "Type", "Preview", "Copies", "Match", "Chars", "Queries"]
    head += ["P(1 / 100)", "Deployed P(1 / 100)", "Best prompt", "Files"]
    rows = [
        [
            _code(x.fingerprint[:16]),
            _e(x.entity),
            _code(x.preview),
            str(x.duplicates),
            _match(x.match),
            f"{x.chars_recovered}/{x.length}",
            str(x.queries),
            _probability(x),
            _deployed(x),
            _best_prompt(x),
            _files(x, limit=3),
        ]
        for x in leaked
    ]
    return _table(head, rows, num=(3, 5, 6))


def _checklist(items: Sequence[str]) -> str:
    """``items`` hold HTML already escaped."""
    lis = "".join(f"<li>{_BOX} {i}</li>" for i in items)
    return f'<ul class="checklist">{lis}</ul>'


def render_incident_html(
    report: LLMAuditReport, *, generated_at: str | None = None, corpus: list[str] | None = None
) -> str:
    """The incident report (same content as ``render_incident_markdown``) as one self-contained
    HTML page: timeline fields to fill in, evidence, remediation plan and sign-off.
    ``generated_at`` pre-fills *detected at*."""
    s, st, sev = report.summary, report.settings, _severity(report)
    facts = [("Model", _code(st.model))]
    if corpus:
        facts.append(("Training corpus audited", ", ".join(_code(c) for c in corpus)))
    facts.append(
        (
            "Severity",
            f'<span class="badge sev-{sev.lower()}">{sev}</span> '
            + _e(
                f"{s.extracted} of {s.secrets} inventory secrets extracted verbatim, "
                f"{s.partial} partially."
            ),
        )
    )
    header = "\n".join(
        [
            "<header>",
            "<h1>Incident report: secrets memorised by a language model</h1>",
            _kv(facts),
            "</header>",
        ]
    )
    timeline_rows = [
        ("Detected at", _e(generated_at) if generated_at else ""),
        ("Contained at", ""),
        ("Rotated at", ""),
        ("Owner", ""),
        ("Ticket", ""),
    ]
    timeline = _section(
        "timeline",
        "Timeline",
        _table(["Field", "Value"], [[_e(k), v] for k, v in timeline_rows]),
    )
    evidence = _section(
        "evidence",
        "Evidence",
        f"<p>{_probes_text(report)}</p>",
        "<h3>Extraction by duplication</h3>",
        _duplication_chart(report),
        "<h3>Extracted and partially extracted secrets</h3>",
        "<p>"
        + _e(
            "Probabilities: P(1 / 100) under the model's own distribution (temperature 1), and "
            f"under the deployed decoding ({report.settings.deployed_decoding})."
        )
        + "</p>",
        _leaked_table(report),
        *(
            [
                "<h3>Secret-shaped outputs matching no inventory value (likely hallucinated)</h3>",
                _hallucinated(report),
            ]
            if report.hallucinated
            else []
        ),
    )
    remediation = _section(
        "remediation",
        "Remediation plan",
        "<h3>1. Rotate (ranked by extractability x duplication)</h3>",
        _rotation(report, checkbox=True),
        "<h3>2. Contain</h3>",
        _checklist(
            [
                "Deploy the guard proxy in front of the model so outputs carrying an inventory "
                "secret are blocked (<code>clearance</code> guard, fingerprint matching).",
                "Restrict access to the model and its weights until the retrained model ships.",
            ]
        ),
        "<h3>3. Fix the data</h3>",
        _checklist(
            [
                "Scrub the secrets from the training corpus (<code>clearance scan</code> / "
                "redact).",
                "Deduplicate the corpus: extraction grows with the number of copies (table above).",
            ]
        ),
        "<h3>4. Fix the model</h3>",
        _checklist(
            [
                "Retrain on the scrubbed corpus, or unlearn the listed secrets.",
                "Re-audit (<code>clearance llm audit</code>) at the deployed precision and "
                "quantization: quantizing an unlearned model can bring the removed text back.",
            ]
        ),
    )
    signoff_rows = [
        ("Incident owner", ""),
        ("Security reviewer", ""),
        ("Date", ""),
        ("Closed", f"{_BOX} yes"),
        ("Notes", ""),
        ("Signature", ""),
    ]
    signoff = _section(
        "signoff",
        "Sign-off",
        '<table class="signoff"><tbody>'
        + "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in signoff_rows)
        + "</tbody></table>",
    )
    body = [
        header,
        "<main>",
        timeline,
        evidence,
        remediation,
        _warnings(report),
        signoff,
        "</main>",
    ]
    return _page(f"Incident report: {st.model}", [b for b in body if b])
