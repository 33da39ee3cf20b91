"""The stylesheets of the HTML reports: the base every report shares plus each report's own
classes (severity badges, chart fills, the fairness curves' series colours)."""

from __future__ import annotations

from clearance.reports.html import BASE_CSS

AUDIT_CSS = (
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

FAIRNESS_CSS = (
    AUDIT_CSS
    + """
.verdict { font-size: 18px; } .verdict ul { font-size: 15px; margin: 8px 0 0; }
svg.chart .rate { fill: #3b82f6; } svg.chart .rate-ref { fill: #1e3a8a; }
svg.chart .insufficient { fill: #cbd2d9; } svg.chart .track { fill: #eef2f6; }
svg.chart .err { stroke: #111827; stroke-width: 1.5; }
svg.chart .grid { stroke: #e4e7eb; stroke-width: 1; }
svg.chart .diagonal { stroke: #7b8794; stroke-width: 1.5; stroke-dasharray: 6 4; }
svg.chart .curve { fill: none; stroke-width: 2; }
.s0 .curve { stroke: #2563eb; } .s0 .dot { fill: #2563eb; }
.s1 .curve { stroke: #c2410c; } .s1 .dot { fill: #c2410c; }
.s2 .curve { stroke: #2f855a; } .s2 .dot { fill: #2f855a; }
.s3 .curve { stroke: #7c3aed; } .s3 .dot { fill: #7c3aed; }
.s4 .curve { stroke: #b42318; } .s4 .dot { fill: #b42318; }
.s5 .curve { stroke: #0e7490; } .s5 .dot { fill: #0e7490; }
.s6 .curve { stroke: #a16207; } .s6 .dot { fill: #a16207; }
.s7 .curve { stroke: #be185d; } .s7 .dot { fill: #be185d; }
.sx .curve { stroke: #9aa5b1; stroke-dasharray: 4 3; } .sx .dot { fill: #9aa5b1; }
.charts { display: grid; grid-template-columns: 1fr; }
tr.insufficient td { color: #7b8794; background: #f5f7fa; }
tr.flagged td { background: #fdecea; } tr.significant td { background: #fff4e5; }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px;
  border: 1px solid var(--line); color: var(--muted); white-space: nowrap; }
.tag.ref { border-color: #1e3a8a; color: #1e3a8a; } .tag.flag { border-color: #b42318;
  color: #b42318; font-weight: 700; }
.table-wrap { overflow-x: auto; max-width: 100%; } .ci { white-space: nowrap; }
h2 code { font-size: inherit; }
td ol, td ul { margin: 0; padding-left: 20px; } h4 { margin: 16px 0 4px; }
"""
)

LLM_CSS = (
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
