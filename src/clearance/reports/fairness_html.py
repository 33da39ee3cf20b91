"""The fairness report as one self-contained HTML file: inline CSS and SVG, no scripts, nothing
fetched, every value from the report escaped (:mod:`clearance.reports.html`). The sections are
those of :mod:`clearance.reports.fairness_sections`, printed as HTML with their charts."""

from __future__ import annotations

from clearance.fairness.report import FairnessReport
from clearance.reports.css import FAIRNESS_CSS
from clearance.reports.document import html_blocks, html_section
from clearance.reports.fairness_facts import DECISIONS, verdict_word
from clearance.reports.fairness_sections import body_sections, header_blocks
from clearance.reports.html import Html, page, review_signoff, section


def render_fairness_html(report: FairnessReport) -> str:
    header = [Html("<header>"), html_blocks(header_blocks(report)), Html("</header>")]
    sections = [html_section(s) for s in body_sections(report)]
    signoff = section("signoff", "Sign-off", review_signoff(DECISIONS))
    title = f"clearance fairness report: {report.data.target} ({verdict_word(report)})"
    return page(title, FAIRNESS_CSS, [*header, Html("<main>"), *sections, signoff, Html("</main>")])
