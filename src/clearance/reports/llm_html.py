"""The LLM memorisation audit (:class:`LLMAuditReport`) as HTML: the audit report
(:func:`render_llm_html`) and the sections the incident report
(:mod:`clearance.reports.llm_incident_html`) shares with it.

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
from clearance.reports.css import LLM_CSS
from clearance.reports.html import BOX, Html, lines, page, tag
from clearance.reports.html import code as _code
from clearance.reports.html import e as _e
from clearance.reports.html import empty as _empty
from clearance.reports.html import items as _items
from clearance.reports.html import kv as _kv
from clearance.reports.html import section as _section
from clearance.reports.html import table as _table
from clearance.reports.svg.charts import Bar, Segment, svg_bar_chart

# --- helpers ---------------------------------------------------------------------------------


def pct(rate: float) -> str:
    return f"{100 * rate:.0f}%"


def llm_page(title: str, body: Sequence[object]) -> str:
    foot = Html(
        '<p class="note">This report holds fingerprints and masked previews only, never a '
        "secret value.</p>"
    )
    return page(title, LLM_CSS, [*body, foot])


def severity(report: LLMAuditReport) -> str:
    s = report.summary
    return "HIGH" if s.extracted else ("MEDIUM" if s.partial else "LOW")


def match(kind: str) -> Html:
    return tag('<span class="match-{}">{}</span>', kind, kind)


def files(x: SecretResult, limit: int | None = None) -> Html:
    shown = x.files if limit is None else x.files[:limit]
    text = ", ".join(f"{f.path}:{f.line}" for f in shown)
    if len(shown) < len(x.files) or x.files_truncated:
        text += ", ..."
    return _e(text)


def probability(x: SecretResult) -> Html:
    return _e(probability_text(x.probability))


def deployed(x: SecretResult) -> Html:
    return _e(probability_text(deployed_probability(x)))


def best_prompt(x: SecretResult) -> Html:
    if x.best_prompt is None:
        return Html()
    bp = x.best_prompt
    where = f" {bp.path}:{bp.line}" if bp.path else ""
    return _e(f"{bp.kind} {bp.fingerprint[:12]}{where} ({bp.decoding})")


def probes_text(report: LLMAuditReport) -> Html:
    p, st = report.probes_run, report.settings
    return _e(
        f"Probes: {p.targeted} targeted, {p.format} format, {p.untargeted} untargeted, "
        f"{p.divergence} divergence; {p.generations} generations (greedy and {st.n_samples} "
        f"samples at temperature {st.temperature}, seed {st.seed}, up to {st.max_new_tokens} new "
        f"tokens). Partial match: at least {st.min_partial} characters beyond the format prefix."
    )


# --- shared sections -------------------------------------------------------------------------


def duplication_chart(report: LLMAuditReport) -> Html:
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
            note=f"{b.extracted}/{b.secrets} extracted ({pct(b.rate)})",
            detail=f"{b.secrets} secrets, {b.extracted} extracted, {b.partial} partial, "
            f"rate {pct(b.rate)}",
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
            [_e(b.bucket), str(b.secrets), str(b.extracted), str(b.partial), pct(b.rate)]
            for b in buckets
        ],
        num=(1, 2, 3, 4),
    )
    return lines([chart, table])


def hallucinated(report: LLMAuditReport) -> Html:
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


def rotation(report: LLMAuditReport, *, checkbox: bool) -> Html:
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
            match(r.match),
            f"{r.extractability:.2f}",
            f"{r.score:.2f}",
            "yes" if r.in_vault else "no",
            *([BOX] if checkbox else []),
        ]
        for r in report.rotation
    ]
    return _table(head, rows, num=(0, 4, 6, 7))


def warnings(report: LLMAuditReport) -> Html:
    if not report.warnings:
        return Html()  # no section at all
    return _section("warnings", "Warnings", _items(report.warnings))


# --- audit report ----------------------------------------------------------------------------


def _llm_header(report: LLMAuditReport) -> Html:
    s, sev = report.summary, severity(report)
    facts = _kv(
        [
            ("Model", _code(report.settings.model)),
            ("Schema version", _e(report.schema_version)),
            ("Severity", tag('<span class="badge sev-{}">{}</span>', sev.lower(), sev)),
        ]
    )
    summary = _kv(
        [
            ("Inventory secrets", str(s.secrets)),
            ("Extracted (exact)", f"{s.extracted} ({pct(s.extraction_rate)})"),
            ("Partially extracted", f"{s.partial} ({pct(s.partial_rate)})"),
            ("Not extracted", str(s.not_extracted)),
            ("Queries", str(s.queries)),
            ("Generations", str(s.generations)),
            ("Hallucinated candidates", str(s.hallucinated)),
        ]
    )
    return lines(
        [
            Html("<header>"),
            Html("<h1>LLM memorisation audit</h1>"),
            facts,
            Html("</header>"),
            _section("summary", "Summary", summary),
        ]
    )


def _secrets_table(report: LLMAuditReport) -> Html:
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
            match(x.match),
            f"{x.chars_recovered}/{x.length}",
            str(x.queries),
            files(x),
            probability(x),
            deployed(x),
        ]
        for x in report.secrets
    ]
    return _table(head, rows, num=(4, 7, 8))


def _probes_section(report: LLMAuditReport) -> Html:
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


def _settings_section(report: LLMAuditReport) -> Html:
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
        Html("<main>"),
        _section("duplication", "Extraction by duplication", duplication_chart(report)),
        _section("secrets", "Secrets", _secrets_table(report)),
        _section(
            "rotation",
            "Rotation (ranked by extractability x duplication)",
            rotation(report, checkbox=False),
        ),
        _section(
            "hallucinated",
            "Secret-shaped outputs matching no inventory value (likely hallucinated)",
            hallucinated(report),
        ),
        _probes_section(report),
        _settings_section(report),
        warnings(report),
        Html("</main>"),
    ]
    return llm_page(f"clearance LLM audit: {report.settings.model}", [b for b in body if b])
