"""The sections of the audit report are one model: both formats print the same sections and
facts, and what one format alone shows (the charts) is built only when that format prints."""

from __future__ import annotations

import re

import pytest

from clearance.audit.report import AuditReport
from clearance.reports import audit_charts
from clearance.reports.audit_html import render_audit_html
from clearance.reports.audit_markdown import render_audit_markdown
from clearance.reports.audit_sections import checks, header
from clearance.reports.document import html_blocks, markdown_blocks
from tests.reports.test_audit_html import _report, _sections


@pytest.fixture
def report() -> AuditReport:
    return _report()


def test_markdown_and_html_print_the_same_sections(report: AuditReport) -> None:
    """Both formats print one model: the same section titles in the same order (the HTML adds
    its chart-only and controls sections) and the same words of each shared fact."""
    md, html = render_audit_markdown(report), render_audit_html(report)
    md_titles = re.findall(r"^## (.+)$", md, flags=re.M)
    html_titles = re.findall(r"<h2>(.+?)</h2>", html)
    only_html = {"Entities per column", "Controls"}
    assert md_titles == ["Gate verdict", *(t for t in html_titles if t not in only_html)]
    for line in (
        "k = 1 (below the threshold k = 5); 294 class(es), 1200 row(s)",
        "Record ages of ",
        "None.",
    ):
        assert line in md and line in html, line


def test_an_audit_without_findings_or_checks_says_so_in_both_formats(
    report: AuditReport,
) -> None:
    empty = report.model_copy(update={"findings": [], "checks": []})
    md, html = render_audit_markdown(empty), render_audit_html(empty)
    assert "## Guidance by category\n\nNo findings, no guidance.\n" in md
    assert "## Checks\n\nNo checks were run.\n" in md
    assert "every check ran" not in md and "every check ran" not in html
    sections = _sections(html)
    assert "No findings, no guidance." in sections["guidance"]
    assert "No checks were run." in sections["checks"]


def test_markdown_builds_no_chart(report: AuditReport, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_chart(*args: object, **kwargs: object) -> object:
        raise AssertionError("a chart was built for the Markdown")

    monkeypatch.setattr(audit_charts, "svg_bar_chart", no_chart)
    assert "## Retention" in render_audit_markdown(report)
    with pytest.raises(AssertionError, match="a chart was built"):
        render_audit_html(report)


def test_the_gate_is_one_fact_in_two_looks(report: AuditReport) -> None:
    md = markdown_blocks(header(report))
    html = str(html_blocks(header(report)))
    line = "5 finding(s) at or above severity high (the gate fails on high or worse)"
    assert md[-3:] == ["## Gate verdict", "", f"**FAIL**: {line}"]
    assert f'<p class="gate fail"><span class="badge fail">FAIL</span> {line}</p>' in html
    assert "Gate verdict" not in html


def test_checks_that_did_not_run_come_first_with_their_reason(report: AuditReport) -> None:
    md = markdown_blocks(checks(report).blocks)
    skipped = md[md.index("### Skipped or failed") : md.index("### Ran")]
    assert sum(line.startswith("| `") for line in skipped) == 2
    assert all("| ran |" not in line for line in md)
