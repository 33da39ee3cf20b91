"""Renderers (JSON, SARIF 2.1.0, Markdown, HTML, terminal) behind one registry:
``render(report, fmt)`` and ``format_for_path(path, kind)`` (:mod:`clearance.reports.registry`).
The report models live with their job (:mod:`clearance.scan.report`,
:mod:`clearance.audit.report`, ...) over :mod:`clearance.core`."""

from clearance.reports.registry import RENDERERS, format_for_path, formats, render

__all__ = ["RENDERERS", "format_for_path", "formats", "render"]
