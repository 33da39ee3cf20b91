"""The scan report as Markdown (and the terminal summary, through the CLI tests)."""

from __future__ import annotations

from clearance.reports import render


def test_markdown_lists_findings_and_columns(report) -> None:  # type: ignore[no-untyped-def]
    md = render(report, "markdown")
    findings, columns = md.split("## Columns")
    assert "| critical | github-" in findings
    assert "| email | entity | EMAIL_ADDRESS |" in columns
    assert "jane.doe@example.com" not in md
