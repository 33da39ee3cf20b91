"""Report models and renderers: one registry (``render(report, fmt)``, ``format_for_path``)
for the scan, audit, fairness, mitigation and LLM reports in JSON, SARIF, Markdown, HTML and
terminal text."""

from clearance.reports.models import (
    ColumnProfile,
    Finding,
    Location,
    ScanReport,
    ScanSummary,
    SkippedInput,
)
from clearance.reports.registry import RENDERERS, format_for_path, formats, render

__all__ = [
    "RENDERERS",
    "ColumnProfile",
    "Finding",
    "Location",
    "ScanReport",
    "ScanSummary",
    "SkippedInput",
    "format_for_path",
    "formats",
    "render",
]
