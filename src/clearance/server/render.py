"""Pages from the templates: Jinja2 with autoescaping on for every template, every value from
data passed through the reports' escaping (control characters shown, quotes escaped), the
reports' stylesheet inline (no file, no CDN)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from clearance.reports.css import FAIRNESS_CSS
from clearance.reports.fairness_facts import GROUP_HEAD, disparity_rows, group_cells
from clearance.reports.html import e

TEMPLATES = Path(__file__).resolve().parent / "templates"
DASHBOARD_CSS = (
    FAIRNESS_CSS
    + """
nav.top { display: flex; gap: 16px; align-items: center; flex-wrap: wrap;
  border-bottom: 2px solid var(--line); padding-bottom: 8px; }
nav.top .who { margin-left: auto; color: var(--muted); }
form.inline { display: inline; } form.signin label, form.filters label { display: block; margin: 8px 0; }
nav.pages a { margin-right: 16px; } pre.summary { background: var(--bg-alt); padding: 8px;
  overflow-x: auto; font-size: 13px; } .badge.covered { background: #1b7f3b; }
.badge.clean, .badge.approved, .badge.built, .badge.recorded { background: #1b7f3b; }
.badge.findings { background: #b42318; }
svg.chart .c0 { fill: #2563eb; } svg.chart .c1 { fill: #c2410c; } svg.chart .c2 { fill: #2f855a; }
svg.chart .c3 { fill: #7c3aed; } svg.chart .c4 { fill: #b42318; } svg.chart .c5 { fill: #0e7490; }
svg.chart .c6 { fill: #a16207; } svg.chart .c7 { fill: #9aa5b1; }
"""
)


def _finalize(value: object) -> object:
    # strings from data: the reports' escaping (it shows control characters); Markup is kept
    return e(value) if isinstance(value, str) and not isinstance(value, Markup) else value


def _where(finding: dict[str, Any]) -> str:
    loc = finding.get("location")
    if not isinstance(loc, dict):
        return ""
    parts = [
        str(loc[k]) for k in ("file", "table", "column", "row", "line") if loc.get(k) is not None
    ]
    return " · ".join(parts)


def _badge(verdict: str) -> str:
    return {"pass": "pass", "fail": "fail"}.get(verdict, verdict if verdict.isalnum() else "")


ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    finalize=_finalize,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.globals.update(
    where=_where,
    badge=_badge,
    css=Markup(DASHBOARD_CSS),
    group_head=GROUP_HEAD,
    group_cells=group_cells,
    disparity_rows=disparity_rows,
)


def render(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    board = request.app.state.dashboard
    verification = board.cached_verification()
    chain_break = None if verification is None or verification.intact else str(verification.broken)
    values = {"user": None, "csrf": "", "chain_break": chain_break, **context}
    html = ENV.get_template(template).render(**values)
    return HTMLResponse(html, status_code=status)
