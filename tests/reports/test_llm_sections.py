"""The LLM report sections are built once and printed by each format: the incident Markdown and
HTML carry the same sections, headings and facts; the format-only parts are the ones listed in
``llm_sections`` (chart, text bars, a few columns the Markdown leaves out, the sign-off)."""

from __future__ import annotations

import re

from clearance.reports.document import markdown_section
from clearance.reports.llm_html import render_llm_html
from clearance.reports.llm_incident_html import render_incident_html
from clearance.reports.llm_incident_markdown import render_incident_markdown
from clearance.reports.llm_sections import (
    HALLUCINATED,
    audit_sections,
    incident_sections,
    rotation,
)
from clearance.reports.table import Table
from tests.reports.test_llm_html import HOSTILE, _report

KW = {"generated_at": "2026-01-02 03:04 UTC", "corpus": ["data/"]}


def _md_table(md: str, first_head: str) -> list[str]:
    """The lines of the Markdown table whose header starts with ``first_head``."""
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_head} |"))
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return lines[start:end]


def test_incident_formats_share_sections_and_headings() -> None:
    report = _report()
    md, html = render_incident_markdown(report, **KW), render_incident_html(report, **KW)
    sections = incident_sections(report, KW["generated_at"])
    assert [s.anchor for s in sections] == ["timeline", "evidence", "remediation", "warnings"]
    for section in sections:
        assert f"\n## {section.title}\n" in md
        assert f'<section id="{section.anchor}">\n<h2>{section.title}</h2>' in html
    headings = re.findall(r"^### (.+)$", md, re.M)
    assert headings == re.findall(r"<h3>(.+?)</h3>", html)
    assert HALLUCINATED in headings and "2. Contain" in headings
    # the sign-off is paper to sign: the HTML alone has it
    assert "Sign-off" in html and "Sign-off" not in md


def test_incident_header_says_the_same_in_both_formats() -> None:
    report = _report()
    md, html = render_incident_markdown(report, **KW), render_incident_html(report, **KW)
    assert "**Severity:** HIGH: 1 of 4 inventory secrets extracted verbatim, 2 partially." in md
    assert '<span class="badge sev-high">HIGH</span>: 1 of 4 inventory secrets' in html
    assert "**Training corpus audited:** `data/`  \n" in md


def test_markdown_leaves_out_the_listed_columns() -> None:
    report = _report()
    md, html = render_incident_markdown(report, **KW), render_incident_html(report, **KW)
    rotate = _md_table(md, "#")
    assert (
        rotate[0]
        == "| # | Fingerprint | Type | Preview | Copies | Match | Score | In vault | Done |"
    )
    assert rotate[1] == "| ---: | --- | --- | --- | ---: | --- | ---: | --- | --- |"
    assert all(row.endswith("| [ ] |") for row in rotate[2:]) and len(rotate) == 5
    assert "<th>Extractability</th>" in html and "<td>&#9744;</td></tr>" in html
    assert _md_table(md, "Fingerprint | Type | Preview | Count")[1] == "| --- | --- | --- | ---: |"
    assert "<th>Rule</th>" in html and "<th>Probe kinds</th>" in html
    dup = _md_table(md, "Copies in corpus")
    assert dup[1] == "| --- | ---: | ---: | ---: | ---: | --- |"
    assert dup[-1] == "| 20+ | 1 | 1 | 0 | 100% | `####################` |"
    assert "####" not in html and '<svg class="chart"' in html


def test_hostile_values_stay_in_their_cell() -> None:
    md = render_incident_markdown(_report(), **KW)
    row = next(line for line in _md_table(md, "Fingerprint") if "AKIA****0004" in line)
    assert HOSTILE not in md and "&lt;script>alert(1)&lt;/script>" in row
    assert row.count(" | ") == 10  # eleven cells: no pipe from data opened a new one


def test_no_leak_no_rotation_no_hallucination() -> None:
    report = _report()
    quiet = report.model_copy(update={"secrets": [], "rotation": [], "hallucinated": []})
    md, html = render_incident_markdown(quiet), render_incident_html(quiet)
    assert "### Extracted and partially extracted secrets\n\nNone.\n" in md
    assert "Probabilities:" not in md and "Probabilities:" in html  # as the HTML always did
    assert HALLUCINATED not in md and HALLUCINATED not in html
    assert "\nNothing to rotate on this evidence" in md and "Nothing to rotate" in html
    assert "| Detected at |  |" in md


def test_audit_page_prints_its_sections_once() -> None:
    report = _report()
    html = render_llm_html(report)
    anchors = [s.anchor for s in audit_sections(report)]
    assert anchors == [
        "duplication", "secrets", "rotation", "hallucinated", "probes", "settings", "warnings"
    ]  # fmt: skip
    for anchor in ["summary", *anchors]:
        assert html.count(f'<section id="{anchor}">') == 1
    assert "<th>Done</th>" not in html  # the audit's rotation has no box to tick
    no_warnings = report.model_copy(update={"warnings": []})
    assert "warnings" not in [s.anchor for s in audit_sections(no_warnings)]


def test_rotation_is_one_table_each_format_shows_its_columns() -> None:
    blocks = rotation(_report(), checkbox=True)
    tables = [b.block for b in blocks if isinstance(getattr(b, "block", None), Table)]
    md_table, html_table = tables
    assert len(md_table.head) == len(html_table.head) - 1
    assert [r[0] for r in md_table.rows] == [r[0] for r in html_table.rows]
    assert list(md_table.num) == [0, 4, 6] and list(html_table.num) == [0, 4, 6, 7]
    assert markdown_section(incident_sections(_report(), None)[0])[5] == "| Detected at |  |"
