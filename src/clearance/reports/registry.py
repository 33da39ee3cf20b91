"""The one renderer registry: every report kind and format, and the file suffixes of ``-o``.

``render(report, fmt)`` finds the renderer by the report's kind (its model class) and the
format; ``format_for_path(path, kind)`` maps an output file to a format the kind has. Renderers
are named by module and function and imported on first use, so the CLI's start does not pay for
the fairness or LLM stacks. Output is deterministic: the same report renders to the same bytes.

Where a new renderer goes: a module in ``clearance.reports`` with ``render_<kind>_<format>``
(one concern per module), then one line in ``RENDERERS``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from clearance.errors import PolicyError

Renderer = Callable[..., str]

# report kind -> the model class it renders (by qualified name: importing it is the renderer's
# business, not the registry's)
KINDS: dict[str, str] = {
    "scan": "clearance.scan.report:ScanReport",
    "audit": "clearance.audit.report:AuditReport",
    "fairness": "clearance.fairness.report:FairnessReport",
    "mitigation": "clearance.fairness.tradeoff:MitigationResult",
    "llm": "clearance.llm.report:LLMAuditReport",
    "governance": "clearance.governance.report:GovernanceReport",
}

# (kind, format) -> "module:function"; the incident report is a second view of the LLM audit
RENDERERS: dict[tuple[str, str], str] = {
    ("scan", "json"): "clearance.reports.json_report:render_json",
    ("scan", "sarif"): "clearance.reports.sarif:render_sarif",
    ("scan", "markdown"): "clearance.reports.scan_renderers:render_markdown",
    ("scan", "terminal"): "clearance.reports.scan_renderers:render_terminal",
    ("audit", "json"): "clearance.reports.json_report:render_json",
    ("audit", "markdown"): "clearance.reports.audit_markdown:render_audit_markdown",
    ("audit", "html"): "clearance.reports.audit_html:render_audit_html",
    ("audit", "terminal"): "clearance.reports.audit_terminal:render_audit_terminal",
    ("fairness", "json"): "clearance.reports.json_report:render_json",
    ("fairness", "markdown"): "clearance.reports.fairness_markdown:render_fairness_markdown",
    ("fairness", "html"): "clearance.reports.fairness_html:render_fairness_html",
    ("mitigation", "json"): "clearance.reports.mitigation_renderers:render_mitigation_json",
    ("mitigation", "markdown"): "clearance.reports.mitigation_renderers:render_mitigation_markdown",
    ("mitigation", "html"): "clearance.reports.mitigation_renderers:render_mitigation_html",
    ("llm", "json"): "clearance.reports.json_report:render_compact_json",
    ("llm", "html"): "clearance.reports.llm_html:render_llm_html",
    # the LLM audit's Markdown is its incident report (a pull request or ticket, not a dashboard)
    ("llm", "markdown"): "clearance.reports.llm_incident_markdown:render_incident_markdown",
    (
        "llm-incident",
        "markdown",
    ): "clearance.reports.llm_incident_markdown:render_incident_markdown",
    ("llm-incident", "html"): "clearance.reports.llm_incident_html:render_incident_html",
    ("governance", "json"): "clearance.reports.governance_renderers:render_governance_json",
    ("governance", "markdown"): "clearance.reports.governance_renderers:render_governance_markdown",
    ("governance", "html"): "clearance.reports.governance_renderers:render_governance_html",
}

# The one suffix map of every command's -o; a kind takes the suffixes of the formats it has.
SUFFIXES: dict[str, str] = {
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".sarif": "sarif",
}


def _resolve(name: str) -> Any:
    module, _, attr = name.partition(":")
    return getattr(importlib.import_module(module), attr)


def formats(kind: str) -> list[str]:
    """The formats of ``kind``, in registry order."""
    return [fmt for k, fmt in RENDERERS if k == kind]


def kind_of(report: object) -> str:
    """The report kind of ``report``, by its model class (subclasses included)."""
    names = {f"{c.__module__}:{c.__qualname__}" for c in type(report).__mro__}
    for kind, model in KINDS.items():
        if model in names:
            return kind
    raise TypeError(f"no renderer for a {type(report).__name__}")


def renderer(kind: str, fmt: str) -> Renderer:
    try:
        name = RENDERERS[(kind, fmt)]
    except KeyError:
        allowed = ", ".join(formats(kind)) or "none"
        raise ValueError(
            f"unknown format {fmt!r} for a {kind} report; allowed: {allowed}"
        ) from None
    return cast(Renderer, _resolve(name))


def render(report: object, fmt: str, *, kind: str | None = None, **options: Any) -> str:
    """``report`` in ``fmt``. ``kind`` picks another view of the same model (``llm-incident``);
    ``options`` go to the renderer (the incident report's ``generated_at`` and ``corpus``)."""
    return renderer(kind or kind_of(report), fmt)(report, **options)


def format_for_path(path: Path, kind: str) -> str:
    """The format an output file asks for by its suffix; a :class:`PolicyError` naming the file
    and the suffixes ``kind`` takes when it asks for none of them."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None or (kind, fmt) not in RENDERERS:
        allowed = ", ".join(s for s, f in SUFFIXES.items() if (kind, f) in RENDERERS)
        raise PolicyError(f"{path}: unknown report type; use a file ending in {allowed}")
    return fmt
