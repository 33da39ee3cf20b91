"""Renderers for the dataset audit report: JSON, Markdown (for sign-off) and one self-contained
HTML file with inline SVG charts. Output is deterministic: the same report renders to the same
bytes. Nothing is printed that is not in the report; previews are printed as they are (masked).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from clearance.audit.report import (
    AnonymityResult,
    AuditReport,
    CheckRun,
    ConsentResult,
    RetentionResult,
)
from clearance.core.controls import CONTROLS, describe
from clearance.core.findings import Finding
from clearance.reports.escape import md_code, md_text
from clearance.reports.html import BASE_CSS, page
from clearance.reports.html import code as _code
from clearance.reports.html import e as _e
from clearance.reports.html import e as escape
from clearance.reports.html import empty as _empty
from clearance.reports.html import kv as _kv
from clearance.reports.html import section as _section
from clearance.reports.html import table as _html_table

AuditRenderer = Callable[[AuditReport], str]

SEVERITIES = ("critical", "high", "medium", "low", "info")
CATEGORIES = (
    "pii",
    "secret",
    "special_category",
    "quasi_identifier",
    "retention",
    "consent",
    "minimization",
    "linkage",
)
DECISIONS = ("approved for training", "approved with conditions", "rejected")


# --- shared helpers --------------------------------------------------------------------------


def _where(f: Finding) -> str:
    loc = f.location
    base = loc.table if loc.table is not None else loc.file
    return f"{base}.{loc.column}" if loc.column else base


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.1%}"


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "n/a"


def _ordered(counts: dict[str, int], order: Sequence[str]) -> list[tuple[str, int]]:
    """Known keys in ``order`` (zeros included), then unknown keys sorted."""
    known = [(k, counts.get(k, 0)) for k in order]
    return known + sorted((k, v) for k, v in counts.items() if k not in order)


def _control_title(control_id: str) -> str:
    return describe(control_id) if control_id in CONTROLS else "(not in the control catalogue)"


def _controls_of(findings: Iterable[Finding]) -> list[tuple[str, int]]:
    """(control id, number of findings), catalogue order first, then unknown ids sorted."""
    counts: dict[str, int] = {}
    for f in findings:
        for c in dict.fromkeys(f.controls):
            counts[c] = counts.get(c, 0) + 1
    return _ordered(counts, [c for c in CONTROLS if c in counts])


def _by_category(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.category, []).append(f)
    order = [c for c in CATEGORIES if c in groups] + sorted(set(groups) - set(CATEGORIES))
    return [(c, groups[c]) for c in order]


def _rules_of(findings: list[Finding]) -> list[Finding]:
    """The first finding of each (rule, why, remediation): the guidance to print once."""
    seen: dict[tuple[str, str, str], Finding] = {}
    for f in findings:
        seen.setdefault((f.rule, f.why, f.remediation), f)
    return list(seen.values())


def _not_ran(report: AuditReport) -> list[CheckRun]:
    return [c for c in report.checks if c.status != "ran"]


def _gate_line(report: AuditReport) -> str:
    s = report.summary
    n = len(report.at_or_above(s.fail_on))
    return (
        f"{n} finding(s) at or above severity {s.fail_on.value} "
        f"(the gate fails on {s.fail_on.value} or worse)"
    )


def _checks_line(report: AuditReport) -> str:
    counts = {st: sum(c.status == st for c in report.checks) for st in ("ran", "skipped", "failed")}
    return f"{counts['ran']} ran, {counts['skipped']} skipped, {counts['failed']} failed"


def _bins_text(r: RetentionResult) -> str:
    return ", ".join(f"{lo}–{hi} d: {n}" for lo, hi, n in _bins(r)) or "no parseable timestamps"


def _bins(r: RetentionResult) -> list[tuple[int, int, int]]:
    return [(b.lo_days, b.hi_days, b.count) for b in sorted(r.histogram, key=lambda b: b.lo_days)]


# --- JSON ------------------------------------------------------------------------------------


def render_audit_json(report: AuditReport) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, sort_keys=False) + "\n"


# --- Markdown --------------------------------------------------------------------------------


# Text from data goes through md_text (HTML escaped, table cells kept whole) or md_code.
_md = md_text
_md_cell = md_text
_md_code = md_code


def _md_table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return out + ["| " + " | ".join(r) + " |" for r in rows]


def _md_header(report: AuditReport) -> list[str]:
    p = report.policy
    return [
        "# clearance dataset audit",
        "",
        f"- Purpose: {_md(p.purpose)}",
        f"- Policy profile: {_md(p.profile)}",
        f"- k-anonymity threshold (k): {p.k}",
        f"- l-diversity threshold (l): {p.l}",
        f"- Reference date: {p.reference_date}",
        f"- Policy source: {_md_code(p.source)}",
        f"- Subject key: {_md_code(p.subject_key) if p.subject_key else 'none found'}",
        f"- Tool: {report.tool} {report.version} (report schema {report.schema_version})",
        "",
        "## Gate verdict",
        "",
        f"**{report.summary.gate.upper()}**: {_md(_gate_line(report))}",
    ]


def _md_summary(report: AuditReport) -> list[str]:
    s = report.summary
    out = [
        "",
        "## Summary",
        "",
        f"{s.tables} table(s), {s.rows} row(s), {s.findings} finding(s).",
        "",
    ]
    out += _md_table(
        ["severity", "findings"], ([k, str(v)] for k, v in _ordered(s.by_severity, SEVERITIES))
    )
    out.append("")
    out += _md_table(
        ["category", "findings"], ([k, str(v)] for k, v in _ordered(s.by_category, CATEGORIES))
    )
    return out


def _md_tables(report: AuditReport) -> list[str]:
    out = ["", "## Tables", ""]
    if not report.tables:
        return [*out, "No tables were audited."]
    rows = (
        [
            _md_code(t.name) + (" (subject table)" if t.subject_table else ""),
            _md_cell(t.origin),
            str(t.rows),
            str(len(t.columns)),
            _md_code(t.subject_key) if t.subject_key else "",
            _pct(t.key_overlap),
            ", ".join(_md_code(q) for q in t.quasi_identifiers),
        ]
        for t in report.tables
    )
    head = ["table", "origin", "rows", "columns", "subject key", "key overlap", "quasi-identifiers"]
    return out + _md_table(head, rows)


def _md_findings(report: AuditReport) -> list[str]:
    out = ["", "## Findings", ""]
    if not report.findings:
        return [*out, "No findings."]
    rows = (
        [
            f.severity.value,
            _md_code(f.rule),
            f.category,
            _md_code(_where(f)),
            str(f.count),
            _pct(f.share),
            _md_code(f.preview),
            f.fix or "",
        ]
        for f in report.findings
    )
    head = ["severity", "rule", "category", "table.column", "count", "share", "preview", "fix"]
    return out + _md_table(head, rows)


def _md_guidance(report: AuditReport) -> list[str]:
    out: list[str] = []
    for category, found in _by_category(report.findings):
        out += ["", f"### {category} ({len(found)} finding(s))", ""]
        for f in _rules_of(found):
            out.append(f"- **{_md(f.rule)}** ({_md(f.entity)})")
            if f.why:
                out.append(f"  - Why it matters: {_md(f.why)}")
            out.append(f"  - Remediation: {_md(f.remediation)}")
        controls = _controls_of(found)
        if controls:
            out += ["", "Controls:", ""]
            out += [f"- {_md_code(c)}: {_md(_control_title(c))}" for c, _ in controls]
    return ["", "## Guidance by category", *out] if out else []


def _md_anonymity_one(a: AnonymityResult, l_threshold: int) -> list[str]:
    verdict = "meets" if a.k >= a.k_threshold else "below"
    out = [
        "",
        f"### {_md_code(a.table)}",
        "",
        f"- Quasi-identifiers: {', '.join(_md_code(q) for q in a.quasi_identifiers)}",
        f"- k = {a.k} ({verdict} the threshold k = {a.k_threshold}); {a.classes} class(es), "
        f"{a.rows} row(s)",
        f"- Records below k: {a.records_below_k} ({_pct(a.share_below_k)})",
        f"- Unique records: {a.unique_records}; sample uniqueness {_pct(a.sample_uniqueness)}",
        f"- Prosecutor risk: max {_pct(a.prosecutor_risk_max)}, "
        f"average {_pct(a.prosecutor_risk_avg)}",
    ]
    for attr, lv in sorted(a.l_diversity.items()):
        out.append(f"- l-diversity of {_md_code(attr)}: l = {lv} (threshold l = {l_threshold})")
    sizes = ", ".join(f"{size}: {n}" for size, n in sorted(a.class_size_histogram))
    out.append(f"- Classes by size (size: classes): {sizes or 'none'}")
    return out


def _md_anonymity(report: AuditReport) -> list[str]:
    out = ["", "## Anonymity (k-anonymity, l-diversity)"]
    if not report.anonymity:
        return [*out, "", "No anonymity measurement in this audit."]
    for a in report.anonymity:
        out += _md_anonymity_one(a, report.policy.l)
    return out


def _md_retention(report: AuditReport) -> list[str]:
    out = ["", "## Retention", ""]
    if not report.retention:
        return [*out, "No retention measurement in this audit."]
    head = [
        "table.column",
        "limit (days)",
        "rows",
        "expired",
        "unparseable",
        "missing",
        "oldest (days)",
    ]
    rows = (
        [
            _md_code(f"{r.table}.{r.column}"),
            str(r.limit_days),
            str(r.rows),
            f"{r.expired} ({_ratio(r.expired, r.rows)})",
            str(r.unparseable),
            str(r.missing),
            "" if r.oldest_age_days is None else str(r.oldest_age_days),
        ]
        for r in report.retention
    )
    out += _md_table(head, rows)
    out.append("")
    out += [
        f"- Record ages of {_md_code(f'{r.table}.{r.column}')}: {_bins_text(r)}"
        for r in report.retention
    ]
    return out


def _md_consent(report: AuditReport) -> list[str]:
    out = ["", "## Consent coverage", ""]
    if not report.consent:
        return [*out, "No consent measurement in this audit."]
    head = ["table", "rows", "consented", "not consented", "no record", "coverage"]
    rows = (
        [
            _md_code(c.table),
            str(c.rows),
            str(c.consented),
            str(c.not_consented),
            str(c.no_record),
            _ratio(c.consented, c.rows),
        ]
        for c in report.consent
    )
    return out + _md_table(head, rows)


def _md_checks(report: AuditReport) -> list[str]:
    out = ["", "## Checks", "", f"{_checks_line(report)}.", "", "### Skipped or failed", ""]
    not_ran = _not_ran(report)
    if not_ran:
        head = ["rule", "category", "table", "status", "reason"]
        out += _md_table(
            head,
            (
                [
                    _md_code(c.rule),
                    c.category,
                    _md(c.table) if c.table else "(dataset)",
                    c.status,
                    _md_cell(c.reason),
                ]
                for c in not_ran
            ),
        )
    else:
        out.append("None: every check ran.")
    ran = [c for c in report.checks if c.status == "ran"]
    if ran:
        out += ["", "### Ran", ""]
        out += _md_table(
            ["rule", "category", "table", "findings"],
            (
                [
                    _md_code(c.rule),
                    c.category,
                    _md(c.table) if c.table else "(dataset)",
                    str(c.findings),
                ]
                for c in ran
            ),
        )
    return out


def _md_inputs(report: AuditReport) -> list[str]:
    out = ["", "## Skipped inputs", ""]
    out += [f"- {_md_code(s.path)}: {_md(s.reason)}" for s in report.skipped] or ["None."]
    out += ["", "## Warnings", ""]
    out += [f"- {_md(w)}" for w in report.warnings] or ["None."]
    return out


def _md_signoff() -> list[str]:
    return [
        "",
        "## Sign-off",
        "",
        "- Reviewed by: ______________________________",
        "- Role: ______________________________",
        "- Date: ______________________________",
        "- Decision: " + " / ".join(f"[ ] {d}" for d in DECISIONS),
        "- Conditions and notes: ______________________________",
        "- Signature: ______________________________",
    ]


def render_audit_markdown(report: AuditReport) -> str:
    parts = (
        _md_header(report),
        _md_summary(report),
        _md_tables(report),
        _md_findings(report),
        _md_guidance(report),
        _md_anonymity(report),
        _md_retention(report),
        _md_consent(report),
        _md_checks(report),
        _md_inputs(report),
        _md_signoff(),
    )
    return "\n".join(line for part in parts for line in part) + "\n"


# --- SVG bar charts --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    value: float
    css: str


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    note: str = ""
    detail: str = ""

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


@dataclass(frozen=True, slots=True)
class Marker:
    """A line across a column chart; ``at`` counts bars from the left (2.5: mid third bar)."""

    at: float
    label: str


_W = 800


def _n(x: float) -> str:
    return f"{x:.1f}"


def _scale(value: float, top: float, log: bool) -> float:
    if top <= 0 or value <= 0:
        return 0.0
    return math.log10(1 + value) / math.log10(1 + top) if log else value / top


def _needs_log(values: Iterable[float]) -> bool:
    positive = [v for v in values if v > 0]
    return bool(positive) and max(positive) >= 50 * min(positive)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, css: str) -> str:
    return f'<rect class="{escape(css)}" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}"/>'


def _segments(bar: Bar, length: float) -> list[tuple[float, float, str]]:
    """(offset, length, css) of each stacked segment of a bar drawn ``length`` long."""
    out, offset, total = [], 0.0, bar.total
    for s in bar.segments:
        size = length * s.value / total if total else 0.0
        out.append((offset, size, s.css))
        offset += size
    return out


def _legend(entries: Sequence[tuple[str, str]], y: float) -> list[str]:
    out, x = [], 8.0
    for css, label in entries:
        out += [_rect(x, y, 10, 10, css), _text(x + 14, y + 9, label)]
        x += 28 + 7 * len(label)
    return out


def _tip(bar: Bar) -> str:
    """Opens the bar's group with its full label and value as an accessible title."""
    value = bar.detail or bar.note or f"{bar.total:g}"
    return f"<g><title>{escape(f'{bar.label}: {value}')}</title>"


def _hbars(bars: Sequence[Bar], log: bool) -> tuple[list[str], float]:
    label_w, plot_w, row_h, top = 240.0, 300.0, 22.0, 6.0
    peak = max(b.total for b in bars)
    out = []
    for i, bar in enumerate(bars):
        y = top + i * row_h
        length = plot_w * _scale(bar.total, peak, log)
        out += [_tip(bar), _text(label_w - 8, y + 12, _clip(bar.label, 36), "end")]
        out += [
            _rect(label_w + off, y + 2, size, 14, css) for off, size, css in _segments(bar, length)
        ]
        out += [_text(label_w + length + 6, y + 12, bar.note or f"{bar.total:g}"), "</g>"]
    return out, top + len(bars) * row_h


def _columns(bars: Sequence[Bar], log: bool, marker: Marker | None) -> tuple[list[str], float]:
    left, top, plot_h = 48.0, 30.0, 160.0
    slot = min(96.0, (_W - left - 16) / len(bars))
    peak = max(b.total for b in bars)
    rotate = len(bars) > 8
    out = [
        f'<line class="axis" x1="{_n(left)}" y1="{_n(top + plot_h)}" x2="{_n(left + slot * len(bars))}" y2="{_n(top + plot_h)}"/>'
    ]
    for i, bar in enumerate(bars):
        h = plot_h * _scale(bar.total, peak, log)
        x, xc = left + i * slot + slot * 0.1, left + (i + 0.5) * slot
        out.append(_tip(bar))
        out += [
            _rect(x, top + plot_h - off - size, slot * 0.8, size, css)
            for off, size, css in _segments(bar, h)
        ]
        if slot >= 26:
            out.append(_text(xc, top + plot_h - h - 3, f"{bar.total:g}", "middle"))
        spin = f' transform="rotate(-40 {_n(xc)} {_n(top + plot_h + 14)})"' if rotate else ""
        out += [
            _text(xc, top + plot_h + 14, bar.label, "end" if rotate else "middle", spin),
            "</g>",
        ]
    if marker is not None:
        mx = left + marker.at * slot
        anchor = "end" if mx > _W - 160 else "start"
        out += [
            f'<line class="marker" x1="{_n(mx)}" y1="{_n(top - 12)}" x2="{_n(mx)}" y2="{_n(top + plot_h)}"/>',
            _text(
                mx + (-4 if anchor == "end" else 4),
                top - 16,
                marker.label,
                anchor,
                ' class="marker-label"',
            ),
        ]
    return out, top + plot_h + (64 if rotate else 24)


def svg_bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    columns: bool = False,
    log: bool = False,
    marker: Marker | None = None,
    legend: Sequence[tuple[str, str]] = (),
    axis: str = "",
) -> str:
    """One inline SVG bar chart: horizontal bars (labels left, values right), or ``columns``
    (labels below, optional vertical ``marker`` line). Bars may stack several segments. ``log``
    scales lengths by log10(1 + value)."""
    if columns:
        body, height = _columns(bars, log, marker)
    else:
        body, height = _hbars(bars, log)
    caption = axis + (" (log scale)" if log else "")
    if caption:
        body.append(_text(8, height + 12, caption, extra=' class="caption"'))
        height += 18
    if legend:
        body += _legend(legend, height + 4)
        height += 20
    head = (
        f'<svg class="chart" role="img" '
        f'aria-label="{escape(title)}" width="{_W}" height="{_n(height + 6)}" '
        f'viewBox="0 0 {_W} {_n(height + 6)}">'
    )
    return "\n".join([head, f"<title>{escape(title)}</title>", *body, "</svg>"])


# --- HTML sections ---------------------------------------------------------------------------

_CSS = (
    BASE_CSS
    + """.badge.pass { background: #1b7f3b; } .badge.fail { background: #b42318; }
.badge.sev-critical { background: #7a0916; } .badge.sev-high { background: #c2410c; }
.badge.sev-medium { background: #a16207; } .badge.sev-low { background: #2563eb; }
.badge.sev-info { background: #52606d; } .badge.skipped { background: #a16207; }
.badge.failed { background: #b42318; } .badge.ran { background: #1b7f3b; }
.gate { font-size: 18px; margin: 12px 0; padding: 12px; border: 2px solid var(--line); }
.gate.fail { border-color: #b42318; } .gate.pass { border-color: #1b7f3b; }
.empty, .caption { color: var(--muted); }
svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0; font-size: 12px; }
svg.chart text { fill: var(--fg); } svg.chart text.caption { fill: var(--muted); }
svg.chart .axis { stroke: var(--muted); stroke-width: 1; }
svg.chart .marker { stroke: #b42318; stroke-width: 2; stroke-dasharray: 5 3; }
svg.chart text.marker-label { fill: #b42318; font-weight: 700; }
.sev-critical { fill: #7a0916; } .sev-high { fill: #c2410c; } .sev-medium { fill: #ca8a04; }
.sev-low { fill: #2563eb; } .sev-info { fill: #7b8794; }
.kind-entity { fill: #c2410c; } .kind-free_text { fill: #7c3aed; } .kind-other { fill: #7b8794; }
.below { fill: #c2410c; } .above { fill: #2f855a; } .expired { fill: #b42318; } .kept { fill: #3b82f6; }
.consented { fill: #2f855a; } .not-consented { fill: #ca8a04; } .no-record { fill: #b42318; }
.signoff td { height: 34px; } .signoff th { width: 220px; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; }
  svg.chart, table, .gate { break-inside: avoid; } }
"""
)


def _html_header(report: AuditReport) -> str:
    p, s = report.policy, report.summary
    policy = _kv(
        [
            ("Purpose", _e(p.purpose)),
            ("Policy profile", _e(p.profile)),
            ("k-anonymity threshold (k)", _e(p.k)),
            ("l-diversity threshold (l)", _e(p.l)),
            ("Reference date", _e(p.reference_date)),
            ("Policy source", _code(p.source)),
            ("Subject key", _code(p.subject_key) if p.subject_key else "none found"),
            ("Tool", _e(f"{report.tool} {report.version} (report schema {report.schema_version})")),
        ]
    )
    gate = (
        f'<p class="gate {_e(s.gate)}"><span class="badge {_e(s.gate)}">{_e(s.gate.upper())}</span> '
        f"{_e(_gate_line(report))}</p>"
    )
    overview = f"<p>{s.tables} table(s), {s.rows} row(s), {s.findings} finding(s).</p>"
    return "\n".join(
        ["<header>", "<h1>clearance dataset audit</h1>", policy, gate, overview, "</header>"]
    )


def _html_severity(report: AuditReport) -> str:
    s = report.summary
    bars = [Bar(sev, (Segment(n, f"sev-{sev}"),)) for sev, n in _ordered(s.by_severity, SEVERITIES)]
    chart = svg_bar_chart("Findings by severity", bars, axis="findings")
    cats = _html_table(
        ["category", "findings"],
        ([_e(c), str(n)] for c, n in _ordered(s.by_category, CATEGORIES)),
        num=(1,),
    )
    return _section("severity", "Findings by severity and category", chart, cats)


def _html_tables(report: AuditReport) -> str:
    if not report.tables:
        return _section("tables", "Tables", _empty("No tables were audited."))
    rows = (
        [
            _code(t.name) + (" (subject table)" if t.subject_table else ""),
            _e(t.origin),
            str(t.rows),
            str(len(t.columns)),
            _code(t.subject_key) if t.subject_key else "",
            _pct(t.key_overlap),
            ", ".join(_code(q) for q in t.quasi_identifiers),
        ]
        for t in report.tables
    )
    head = ["table", "origin", "rows", "columns", "subject key", "key overlap", "quasi-identifiers"]
    return _section("tables", "Tables", _html_table(head, rows, num=(2, 3, 5)))


def _html_findings(report: AuditReport) -> str:
    if not report.findings:
        return _section("findings", "Findings", _empty("No findings."))
    rows = (
        [
            f'<span class="badge sev-{_e(f.severity.value)}">{_e(f.severity.value)}</span>',
            _code(f.rule),
            _e(f.category),
            _code(_where(f)),
            str(f.count),
            _pct(f.share),
            _code(f.preview),
            _e(f.fix or ""),
        ]
        for f in report.findings
    )
    head = ["severity", "rule", "category", "table.column", "count", "share", "preview", "fix"]
    return _section("findings", "Findings", _html_table(head, rows, num=(4, 5)))


def _html_guidance_one(category: str, found: list[Finding]) -> str:
    items = []
    for f in _rules_of(found):
        why = f"<br>Why it matters: {_e(f.why)}" if f.why else ""
        items.append(
            f"<li><strong>{_e(f.rule)}</strong> ({_e(f.entity)}){why}<br>Remediation: {_e(f.remediation)}</li>"
        )
    controls = "".join(
        f"<li>{_code(c)}: {_e(_control_title(c))}</li>" for c, _ in _controls_of(found)
    )
    out = [f"<h3>{_e(category)} ({len(found)} finding(s))</h3>", "<ul>", *items, "</ul>"]
    return "\n".join(out + ([f"<p>Controls:</p><ul>{controls}</ul>"] if controls else []))


def _html_guidance(report: AuditReport) -> str:
    groups = _by_category(report.findings)
    if not groups:
        return _section("guidance", "Guidance by category", _empty("No findings, no guidance."))
    return _section(
        "guidance", "Guidance by category", *(_html_guidance_one(c, fs) for c, fs in groups)
    )


def _entity_bars(report: AuditReport) -> list[Bar]:
    bars = []
    for c in report.columns:
        for entity, n in sorted(c.matches.items(), key=lambda kv: (-kv[1], kv[0])):
            where = f"{c.table}.{c.column}" if c.table is not None else f"{c.file}:{c.column}"
            kind = c.kind.replace("_", " ")
            note = f"{n} rows ({_ratio(n, c.rows)}), {kind}"
            detail = f"{n} of {c.rows} rows ({_ratio(n, c.rows)}), {kind} column"
            bars.append(Bar(f"{where} · {entity}", (Segment(n, f"kind-{c.kind}"),), note, detail))
    return bars


def _html_entities(report: AuditReport) -> str:
    bars = _entity_bars(report)
    if not bars:
        return _section(
            "entities", "Entities per column", _empty("No entity matched in any column.")
        )
    legend = [
        ("kind-entity", "entity column"),
        ("kind-free_text", "free text"),
        ("kind-other", "other"),
    ]
    chart = svg_bar_chart(
        "Rows with a match, per entity and column", bars, legend=legend, axis="rows with a match"
    )
    return _section("entities", "Entities per column", chart)


def _class_buckets(a: AnonymityResult) -> list[tuple[int, int, int]]:
    """(lowest size, highest size, classes): one bucket per size when few, else 1-2-5 ranges
    split at k so the k line falls on a bucket edge."""
    hist = sorted(a.class_size_histogram)
    if len(hist) <= 20:
        return [(size, size, n) for size, n in hist]
    biggest, edges, step = hist[-1][0], {a.k_threshold}, 1
    while step <= biggest:
        edges.update(e for e in (step, 2 * step, 5 * step) if e <= biggest)
        step *= 10
    bounds = sorted(edges)
    ranges = [(lo, nxt - 1) for lo, nxt in pairwise(bounds)] + [(bounds[-1], biggest)]
    return [
        (lo, hi, sum(n for size, n in hist if lo <= size <= hi)) for lo, hi in ranges if lo <= hi
    ]


def _anonymity_chart(a: AnonymityResult) -> str:
    buckets = _class_buckets(a)
    if not buckets:
        return _empty("No equivalence classes.")
    bars = [
        Bar(
            str(lo) if lo == hi else f"{lo}–{hi}",
            (Segment(n, "below" if hi < a.k_threshold else "above"),),
            f"{n} classes",
        )
        for lo, hi, n in buckets
    ]
    at = next((i for i, (lo, _, _) in enumerate(buckets) if lo >= a.k_threshold), len(buckets))
    return svg_bar_chart(
        f"Equivalence class sizes of {a.table}",
        bars,
        columns=True,
        log=_needs_log(n for _, _, n in buckets),
        marker=Marker(at, f"k = {a.k_threshold}"),
        legend=[("below", "classes below k"), ("above", "classes at or above k")],
        axis="x: class size; y: number of classes",
    )


def _html_anonymity_one(a: AnonymityResult, l_threshold: int) -> str:
    verdict = "meets" if a.k >= a.k_threshold else "below"
    pairs = [
        ("Quasi-identifiers", ", ".join(_code(q) for q in a.quasi_identifiers)),
        ("k", _e(f"{a.k} ({verdict} the threshold k = {a.k_threshold})")),
        ("Rows / classes", _e(f"{a.rows} / {a.classes}")),
        ("Records below k", _e(f"{a.records_below_k} ({_pct(a.share_below_k)})")),
        ("Unique records", _e(a.unique_records)),
        ("Sample uniqueness", _e(_pct(a.sample_uniqueness))),
        (
            "Prosecutor risk (max / average)",
            _e(f"{_pct(a.prosecutor_risk_max)} / {_pct(a.prosecutor_risk_avg)}"),
        ),
    ]
    pairs += [
        (f"l-diversity of {attr}", _e(f"l = {lv} (threshold l = {l_threshold})"))
        for attr, lv in sorted(a.l_diversity.items())
    ]
    return "\n".join([f"<h3>{_code(a.table)}</h3>", _anonymity_chart(a), _kv(pairs)])


def _html_anonymity(report: AuditReport) -> str:
    title = "Anonymity: k-anonymity and l-diversity"
    if not report.anonymity:
        return _section("anonymity", title, _empty("No anonymity measurement in this audit."))
    return _section(
        "anonymity", title, *(_html_anonymity_one(a, report.policy.l) for a in report.anonymity)
    )


def _retention_chart(r: RetentionResult) -> str:
    bins = _bins(r)
    if not bins:
        return _empty("No parseable timestamps.")
    bars = [
        Bar(
            f"{lo}–{hi} d",
            (Segment(n, "expired" if lo >= r.limit_days else "kept"),),
            f"{n} records",
        )
        for lo, hi, n in bins
    ]
    at = float(len(bins))
    for i, (lo, hi, _) in enumerate(bins):
        if r.limit_days < hi:
            at = i + max(0.0, (r.limit_days - lo) / (hi - lo)) if hi > lo else float(i)
            break
    return svg_bar_chart(
        f"Record age of {r.table}.{r.column}",
        bars,
        columns=True,
        log=_needs_log(n for _, _, n in bins),
        marker=Marker(at, f"retention limit {r.limit_days} d"),
        legend=[("kept", "within the limit"), ("expired", "past the limit")],
        axis="x: record age in days; y: records",
    )


def _html_retention_one(r: RetentionResult) -> str:
    pairs = [
        ("Retention limit", _e(f"{r.limit_days} days")),
        ("Rows", _e(r.rows)),
        ("Expired", _e(f"{r.expired} ({_ratio(r.expired, r.rows)})")),
        ("Unparseable timestamps", _e(r.unparseable)),
        ("Missing timestamps", _e(r.missing)),
        ("Oldest record (days)", _e("" if r.oldest_age_days is None else r.oldest_age_days)),
    ]
    return "\n".join(
        [f"<h3>{_code(f'{r.table}.{r.column}')}</h3>", _retention_chart(r), _kv(pairs)]
    )


def _html_retention(report: AuditReport) -> str:
    if not report.retention:
        return _section("retention", "Retention", _empty("No retention measurement in this audit."))
    return _section("retention", "Retention", *(_html_retention_one(r) for r in report.retention))


def _consent_bar(c: ConsentResult) -> Bar:
    """Shares of the table's rows, so every table's bar is 100% long."""
    parts = (
        (c.consented, "consented"),
        (c.not_consented, "not-consented"),
        (c.no_record, "no-record"),
    )
    segments = tuple(Segment(n / c.rows if c.rows else 0.0, css) for n, css in parts)
    detail = (
        f"{c.consented} consented, {c.not_consented} not consented, {c.no_record} no record "
        f"of {c.rows} rows"
    )
    return Bar(c.table, segments, f"{_ratio(c.consented, c.rows)} consented", detail)


def _html_consent(report: AuditReport) -> str:
    if not report.consent:
        return _section(
            "consent", "Consent coverage", _empty("No consent measurement in this audit.")
        )
    legend = [
        ("consented", "consented"),
        ("not-consented", "not consented for the purpose"),
        ("no-record", "no consent record"),
    ]
    chart = svg_bar_chart(
        "Consent coverage per table",
        [_consent_bar(c) for c in report.consent],
        legend=legend,
        axis="share of rows",
    )
    rows = (
        [
            _code(c.table),
            str(c.rows),
            str(c.consented),
            str(c.not_consented),
            str(c.no_record),
            _ratio(c.consented, c.rows),
        ]
        for c in report.consent
    )
    table = _html_table(
        ["table", "rows", "consented", "not consented", "no record", "coverage"],
        rows,
        num=(1, 2, 3, 4, 5),
    )
    return _section("consent", "Consent coverage", chart, table)


def _html_controls(report: AuditReport) -> str:
    controls = _controls_of(report.findings)
    if not controls:
        return _section("controls", "Controls", _empty("No finding concerns a control."))
    rows = ([_code(c), _e(_control_title(c)), str(n)] for c, n in controls)
    return _section(
        "controls", "Controls", _html_table(["control", "description", "findings"], rows, num=(2,))
    )


def _check_row(c: CheckRun) -> list[str]:
    status = f'<span class="badge {_e(c.status)}">{_e(c.status)}</span>'
    return [
        _code(c.rule),
        _e(c.category),
        _e(c.table or "(dataset)"),
        status,
        str(c.findings),
        _e(c.reason),
    ]


def _html_checks(report: AuditReport) -> str:
    if not report.checks:
        return _section("checks", "Checks", _empty("No checks were run."))
    ordered = _not_ran(report) + [c for c in report.checks if c.status == "ran"]
    table = _html_table(
        ["rule", "category", "table", "status", "findings", "reason"],
        (_check_row(c) for c in ordered),
        num=(4,),
    )
    return _section("checks", "Checks", f"<p>{_e(_checks_line(report))}.</p>", table)


def _html_inputs(report: AuditReport) -> str:
    skipped = (
        _html_table(["input", "reason"], ([_code(s.path), _e(s.reason)] for s in report.skipped))
        if report.skipped
        else _empty("None.")
    )
    warnings = (
        "<ul>" + "".join(f"<li>{_e(w)}</li>" for w in report.warnings) + "</ul>"
        if report.warnings
        else _empty("None.")
    )
    return "\n".join(
        [_section("skipped", "Skipped inputs", skipped), _section("warnings", "Warnings", warnings)]
    )


def _html_signoff() -> str:
    decision = " ".join(f"&#9744; {_e(d)}" for d in DECISIONS)
    rows = [
        ("Reviewed by", ""),
        ("Role", ""),
        ("Date", ""),
        ("Decision", decision),
        ("Conditions and notes", ""),
        ("Signature", ""),
    ]
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return _section("signoff", "Sign-off", f'<table class="signoff"><tbody>{body}</tbody></table>')


def render_audit_html(report: AuditReport) -> str:
    sections = [
        _html_header(report),
        "<main>",
        _html_severity(report),
        _html_tables(report),
        _html_findings(report),
        _html_guidance(report),
        _html_entities(report),
        _html_anonymity(report),
        _html_retention(report),
        _html_consent(report),
        _html_controls(report),
        _html_checks(report),
        _html_inputs(report),
        _html_signoff(),
        "</main>",
    ]
    return page(f"clearance dataset audit: {report.policy.purpose}", _CSS, sections)


# --- registry --------------------------------------------------------------------------------

AUDIT_RENDERERS: dict[str, AuditRenderer] = {
    "json": render_audit_json,
    "markdown": render_audit_markdown,
    "html": render_audit_html,
}


def render_audit(report: AuditReport, fmt: str) -> str:
    try:
        renderer = AUDIT_RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; allowed: {', '.join(AUDIT_RENDERERS)}") from None
    return renderer(report)
