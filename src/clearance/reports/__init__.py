"""Renderers (JSON, SARIF 2.1.0, Markdown, HTML, terminal). The report models live with their
job (:mod:`clearance.scan.report`, :mod:`clearance.audit.report`) over :mod:`clearance.core`."""

from clearance.reports.renderers import RENDERERS, render

__all__ = ["RENDERERS", "render"]
