"""Renderers behind one interface: ``render(report, fmt) -> str``. Output is deterministic: the same
report renders to the same bytes."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from io import StringIO
from urllib.parse import quote

from rich.table import Table

from clearance.core.findings import Finding
from clearance.reports.escape import md_code, md_text, plain_console, terminal_line
from clearance.scan.report import ScanReport

Renderer = Callable[[ScanReport], str]

_SARIF_LEVEL = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
    "info": "note",
}
_SARIF_SCORE = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render_json(report: ScanReport) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, sort_keys=False) + "\n"


def _where(f: Finding) -> str:
    loc = f.location
    parts = [loc.file]
    if loc.column is not None and f.scope == "value" and loc.row is None and loc.line is None:
        parts.append(f"header of column {loc.column}")  # the name itself matched
    elif loc.column is not None:
        parts.append(f"column {loc.column}")
    if loc.line is not None:
        parts.append(f"line {loc.line}")
    if loc.row is not None:
        parts.append(f"row {loc.row}")
    return ", ".join(parts)


def sarif_uri(path: str) -> str:
    """A file path as a SARIF ``artifactLocation.uri``: a URI reference (RFC 3986), so spaces,
    ``#``, ``%``, ``?`` and bytes outside ASCII are percent-encoded (a ``#`` would otherwise
    start a fragment and cut the path); ``/`` separators, relative paths kept relative."""
    if os.sep != "/":
        path = path.replace(os.sep, "/")  # a Windows path; on POSIX a backslash is a character
    return quote(os.fsencode(path), safe="/")


def render_sarif(report: ScanReport) -> str:
    rules: dict[str, dict[str, object]] = {}
    results = []
    for f in report.findings:
        if f.rule not in rules:
            rules[f.rule] = {
                "id": f.rule,
                "name": f.entity.title().replace("_", ""),
                "shortDescription": {"text": f"{f.entity} ({f.category})"},
                "fullDescription": {"text": f"clearance detector {f.rule} reports {f.entity}."},
                "help": {"text": f.remediation},
                "defaultConfiguration": {"level": _SARIF_LEVEL[f.severity.value]},
                "properties": {
                    "tags": [f.category, f.entity],
                    "security-severity": _SARIF_SCORE[f.severity.value],
                },
            }
        region: dict[str, int] = {"startLine": f.location.line or 1}
        if f.location.line is not None and f.location.start is not None:
            region["startColumn"] = f.location.start + 1
            region["endColumn"] = (f.location.end or f.location.start) + 1
        scope = f"column {f.location.column}" if f.scope == "column" else _where(f)
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": list(rules).index(f.rule),
                "level": _SARIF_LEVEL[f.severity.value],
                "message": {"text": f"{f.entity} found ({f.preview}) in {scope}; count {f.count}."},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": sarif_uri(f.location.file)},
                            "region": region,
                        }
                    }
                ],
                "partialFingerprints": {"clearance/v1": f.fingerprint},
                "properties": {"score": f.score, "count": f.count, "scope": f.scope},
            }
        )
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "clearance",
                        "version": report.version,
                        "informationUri": "https://github.com/clearance-dev/clearance",
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
                # regions count Python characters (code points), not SARIF's default UTF-16
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {
                                "level": "warning",
                                "message": {"text": f"skipped {s.path}: {s.reason}"},
                            }
                            for s in report.skipped
                        ],
                    }
                ],
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def render_markdown(report: ScanReport) -> str:
    s = report.summary
    out = [
        "# clearance scan report",
        "",
        f"- files scanned: {s.files_scanned}, skipped: {s.files_skipped}, rows/lines: {s.rows_scanned}",
        f"- findings: {s.findings} "
        + (
            "(" + ", ".join(f"{k}: {v}" for k, v in sorted(s.by_severity.items())) + ")"
            if s.by_severity
            else ""
        ),
        f"- score threshold: {report.threshold}",
        "",
        "## Findings",
        "",
        "| severity | rule | entity | where | count | share | preview | score |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in report.findings:
        share = "" if f.share is None else f"{f.share:.1%}"
        out.append(
            f"| {f.severity.value} | {f.rule} | {f.entity} | {md_text(_where(f))} | {f.count} "
            f"| {share} | {md_code(f.preview)} | {f.score:.2f} |"
        )
    if report.columns:
        out += ["", "## Columns", "", "| file | column | kind | entity | share | confidence |"]
        out.append("|---|---|---|---|---|---|")
        for c in report.columns:
            out.append(
                f"| {md_text(c.file)} | {md_text(c.column)} | {c.kind} | {c.entity or ''} "
                f"| {c.share:.1%} | {c.confidence:.2f} |"
            )
    if report.skipped:
        out += ["", "## Skipped inputs", ""]
        out += [f"- {md_code(s.path)}: {md_text(s.reason)}" for s in report.skipped]
    if report.warnings:
        out += ["", "## Warnings", ""]
        out += [f"- {md_text(w)}" for w in report.warnings]
    return "\n".join(out) + "\n"


def render_terminal(report: ScanReport, width: int = 120, limit: int = 25) -> str:
    buf = StringIO()
    console = plain_console(buf, width)
    s = report.summary
    console.print(
        f"clearance scan: {s.files_scanned} file(s), {s.rows_scanned} rows/lines, "
        f"{s.findings} finding(s), {s.files_skipped} skipped"
    )
    table = Table(show_lines=False)
    for col in ("severity", "entity", "where", "count", "preview"):
        table.add_column(col)
    for f in report.findings[:limit]:
        table.add_row(
            f.severity.value,
            f.entity,
            terminal_line(_where(f)),
            str(f.count),
            terminal_line(f.preview),
        )
    console.print(table)
    if len(report.findings) > limit:
        console.print(f"... and {len(report.findings) - limit} more (use --format json -o FILE)")
    for skipped in report.skipped:
        console.print(terminal_line(f"skipped {skipped.path}: {skipped.reason}"))
    for warning in report.warnings:
        console.print(terminal_line(f"warning: {warning}"))
    return buf.getvalue()


RENDERERS: dict[str, Renderer] = {
    "json": render_json,
    "markdown": render_markdown,
    "sarif": render_sarif,
    "terminal": render_terminal,
}


def render(report: ScanReport, fmt: str) -> str:
    try:
        return RENDERERS[fmt](report)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; allowed: {', '.join(RENDERERS)}") from None
