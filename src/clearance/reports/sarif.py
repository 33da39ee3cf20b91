"""The scan report as SARIF 2.1.0 (GitHub code scanning and other SARIF viewers)."""

from __future__ import annotations

import json
import os
from urllib.parse import quote

from clearance.reports.scan_renderers import where
from clearance.scan.report import ScanReport

_SARIF_LEVEL = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
    "info": "note",
}
_SARIF_SCORE = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


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
        scope = f"column {f.location.column}" if f.scope == "column" else where(f)
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
