"""Report models and renderers (JSON, SARIF 2.1.0, Markdown, terminal)."""

from clearance.reports.models import (
    ColumnProfile,
    Finding,
    Location,
    ScanReport,
    ScanSummary,
    SkippedInput,
)
from clearance.reports.renderers import RENDERERS, render

__all__ = [
    "RENDERERS",
    "ColumnProfile",
    "Finding",
    "Location",
    "ScanReport",
    "ScanSummary",
    "SkippedInput",
    "render",
]
