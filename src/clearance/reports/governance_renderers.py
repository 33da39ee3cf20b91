"""The governance report (``clearance report``): JSON, and Markdown and one self-contained HTML
page built from the same blocks. Run ids, commands and file names come from the store: every
one is escaped (file names are data)."""

from __future__ import annotations

import json

from clearance.governance.report import ControlStatus, GovernanceReport
from clearance.reports.css import AUDIT_CSS
from clearance.reports.document import (
    Block,
    Box,
    Empty,
    Heading,
    Pairs,
    Para,
    html_blocks,
    markdown_blocks,
)
from clearance.reports.html import page
from clearance.reports.table import Badge, Cell, Code, Table, Text, joined

_BADGE = {"covered": "pass", "open_findings": "fail", "no_evidence": "skipped"}
_LABEL = {"covered": "covered", "open_findings": "open findings", "no_evidence": "no evidence"}


def render_governance_json(report: GovernanceReport) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def _runs(ids: list[str]) -> Cell:
    return joined([Code(i) for i in ids]) if ids else "-"


def _row(c: ControlStatus) -> list[Cell]:
    return [
        Code(c.id),
        Text(c.reference),
        Text(c.title),
        Badge(_LABEL[c.status], _BADGE[c.status]),
        _runs(c.evidence),
        _runs(c.open_runs),
    ]


def governance_blocks(report: GovernanceReport) -> list[Block]:
    n = report.counts
    chain = (
        "intact"
        if report.chain_intact
        else f"BROKEN at {report.chain_break}: the runs below may not be what was recorded"
    )
    blocks: list[Block] = [
        Heading(f"Governance report: {report.framework_name}", 1),
        Pairs(
            [
                ("framework", Text(f"{report.framework_name} ({report.source})")),
                ("control catalogue", f"version {report.catalogue_version}"),
                ("evidence store", Text(report.store)),
                ("records", str(report.records)),
                ("hash chain", Text(chain)),
            ]
        ),
        Box(
            "gate " + ("pass" if report.chain_intact and not n["open_findings"] else "fail"),
            [
                Para(
                    f"{n['covered']} covered, {n['open_findings']} with open findings, "
                    f"{n['no_evidence']} with no evidence, of {len(report.controls)} controls"
                )
            ],
        ),
        Heading("Controls", 2),
        Para(
            "Evidence: the latest passing run of each command and set of input files that "
            "maps to the control; open: the latest runs whose findings (or failed verdict) "
            "concern it."
        ),
        Table(
            ("control", "reference", "title", "status", "evidence (runs)", "open (runs)"),
            [_row(c) for c in report.controls],
        ),
        Heading("Runs cited", 2),
    ]
    if report.runs:
        blocks.append(
            Table(
                ("run", "#", "command", "verdict", "when", "who", "inputs"),
                [
                    [
                        Code(r.run_id),
                        str(r.seq),
                        Text(r.command),
                        Text(r.verdict),
                        Text(r.created_at),
                        Text(r.user),
                        joined([Code(p) for p in r.inputs]) if r.inputs else "-",
                    ]
                    for r in report.runs
                ],
                num=(1,),
            )
        )
    else:
        blocks.append(Empty("No run in the store maps to a control of this framework."))
    blocks.append(Heading("Risk register", 2))
    if report.risks:
        blocks.append(
            Table(
                (
                    "risk",
                    "finding",
                    "likelihood",
                    "impact",
                    "owner",
                    "status",
                    "due",
                    "controls",
                    "set by",
                    "run",
                ),
                [
                    [
                        Code(r.id),
                        Text(r.finding),
                        r.likelihood,
                        r.impact,
                        Text(r.owner),
                        r.status,
                        Text(r.due or "-"),
                        joined([Code(c) for c in r.controls]) if r.controls else "-",
                        Text(f"{r.set_by}, {r.set_at}"),
                        Code(r.set_in),
                    ]
                    for r in report.risks
                ],
            )
        )
    else:
        blocks.append(Empty("No risk recorded (`clearance risk set`)."))
    return blocks


def render_governance_markdown(report: GovernanceReport) -> str:
    return "\n".join(markdown_blocks(governance_blocks(report))) + "\n"


def render_governance_html(report: GovernanceReport) -> str:
    return page(
        f"clearance governance report: {report.framework_name}",
        AUDIT_CSS,
        [html_blocks(governance_blocks(report))],
    )
