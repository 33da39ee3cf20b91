"""The LLM memorisation audit (:class:`LLMAuditReport`) as one self-contained HTML page
(:func:`render_llm_html`), and the page shell the incident report
(:mod:`clearance.reports.llm_incident_html`) shares with it. The sections are built in
:mod:`clearance.reports.llm_sections`; this module only prints them.

Inline CSS and SVG, no script, no external resource. Every value taken from the report is
escaped; output is deterministic (same report, same bytes). Like the report itself, nothing here
holds a secret value: fingerprints and masked previews only.
"""

from __future__ import annotations

from collections.abc import Sequence

from clearance.llm.report import LLMAuditReport
from clearance.reports.css import LLM_CSS
from clearance.reports.document import Pairs, Section, html_blocks, html_section
from clearance.reports.html import Html, lines, page, tag
from clearance.reports.llm_sections import (
    AUDIT_TITLE,
    FOOTER,
    audit_facts,
    audit_sections,
    summary_section,
)
from clearance.reports.table import Cell


def llm_header(title: str, facts: Sequence[tuple[str, Cell]]) -> Html:
    return lines(
        [
            Html("<header>"),
            tag("<h1>{}</h1>", title),
            html_blocks([Pairs(facts)]),
            Html("</header>"),
        ]
    )


def llm_page(title: str, header: Html, sections: Sequence[Section], *extra: Html) -> str:
    """The page: ``header``, then ``sections`` and ``extra`` (HTML-only sections) in ``<main>``."""
    body = [html_section(s) for s in sections]
    main = [Html("<main>"), *body, *extra, Html("</main>")]
    return page(title, LLM_CSS, [header, *main, tag('<p class="note">{}</p>', FOOTER)])


def render_llm_html(report: LLMAuditReport) -> str:
    """The LLM audit report as one self-contained HTML page."""
    header = lines(
        [llm_header(AUDIT_TITLE, audit_facts(report)), html_section(summary_section(report))]
    )
    title = f"clearance LLM audit: {report.settings.model}"
    return llm_page(title, header, audit_sections(report))
