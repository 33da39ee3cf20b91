"""The fairness report as Markdown (for a pull request or the model-risk file): the sections of
:mod:`clearance.reports.fairness_sections` printed as Markdown, then the sign-off block."""

from __future__ import annotations

from clearance.fairness.report import FairnessReport
from clearance.reports.document import markdown_blocks, markdown_section
from clearance.reports.fairness_facts import DECISIONS
from clearance.reports.fairness_sections import body_sections, header_blocks
from clearance.reports.markdown import signoff_lines


def render_fairness_markdown(report: FairnessReport) -> str:
    out = markdown_blocks(header_blocks(report))
    for section in body_sections(report):
        out += markdown_section(section)
    out += signoff_lines(DECISIONS)
    return "\n".join(out) + "\n"
