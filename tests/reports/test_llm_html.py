"""HTML renderers of the LLM memorisation audit: self-contained, well-formed, escaped
(determinism across processes: ``test_conformance.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from clearance.llm.report import LLMAuditReport
from clearance.reports.llm_html import render_llm_html
from clearance.reports.llm_incident_html import render_incident_html
from tests.reports.html_check import Checker, parse

HOSTILE = "<script>alert(1)</script>"


def _secret(
    n: int, *, match: str, duplicates: int, bucket: str, type_: str = "aws-key", path: str = "a.py"
) -> dict[str, Any]:
    extracted = match == "exact"
    return {
        "fingerprint": f"{n:02d}" + "ab" * 15,
        "value_fingerprint": f"{n:02d}" + "cd" * 15,
        "type": type_,
        "entity": type_,
        "preview": f"AKIA****{n:04d}",
        "length": 20,
        "duplicates": duplicates,
        "bucket": bucket,
        "in_vault": n == 1,
        "source": "detector",
        "extracted": extracted,
        "match": match,
        "chars_recovered": {"exact": 20, "partial": 11, "none": 0}[match],
        "queries": 3 * n,
        "probes": 2,
        "best_prompt": (
            {"kind": "targeted", "fingerprint": "ef" * 16, "path": path, "line": 7, "lines": 2}
            if match != "none"
            else None
        ),
        "probability": (
            {"logprob": -2.3, "p": 0.1, "at_n": [{"n": 1, "p": 0.1}, {"n": 100, "p": 0.99}]}
            if extracted
            else None
        ),
        "files": [{"path": path, "line": 7}, {"path": "b.env", "line": 2}],
    }


def _report() -> LLMAuditReport:
    secrets = [
        _secret(1, match="exact", duplicates=25, bucket="20+"),
        _secret(2, match="partial", duplicates=3, bucket="2-4"),
        _secret(3, match="none", duplicates=1, bucket="1"),
        _secret(4, match="partial", duplicates=1, bucket="1", type_=HOSTILE, path=HOSTILE),
    ]
    data = {
        "settings": {
            "model": "tiny-gpt & <co>",
            "reference": None,
            "n_samples": 4,
            "temperature": 0.7,
            "max_new_tokens": 32,
            "prefix_lines": [1, 3],
            "min_partial": 8,
            "seed": 0,
            "untargeted": 10,
            "categories": ["secret"],
        },
        "summary": {
            "secrets": 4,
            "extracted": 1,
            "partial": 2,
            "not_extracted": 1,
            "extraction_rate": 0.25,
            "partial_rate": 0.5,
            "queries": 30,
            "generations": 120,
            "hallucinated": 1,
        },
        "probes_run": {
            "targeted": 8,
            "format": 5,
            "untargeted": 10,
            "divergence": 2,
            "generations": 120,
        },
        "secrets": secrets,
        "extraction_by_duplication": [
            {"bucket": "0", "secrets": 0, "extracted": 0, "partial": 0, "rate": 0.0},
            {"bucket": "1", "secrets": 2, "extracted": 0, "partial": 1, "rate": 0.0},
            {"bucket": "2-4", "secrets": 1, "extracted": 0, "partial": 1, "rate": 0.0},
            {"bucket": "5-19", "secrets": 0, "extracted": 0, "partial": 0, "rate": 0.0},
            {"bucket": "20+", "secrets": 1, "extracted": 1, "partial": 0, "rate": 1.0},
        ],
        "hallucinated": [
            {
                "fingerprint": "99" * 16,
                "rule": HOSTILE,
                "entity": "api-key",
                "preview": "sk-****zzzz",
                "count": 2,
                "probe_kinds": ["format", "untargeted"],
            }
        ],
        "rotation": [
            {
                "rank": i + 1,
                "fingerprint": s["fingerprint"],
                "type": s["type"],
                "entity": s["entity"],
                "preview": s["preview"],
                "duplicates": s["duplicates"],
                "extracted": s["extracted"],
                "match": s["match"],
                "extractability": 1.0 if s["extracted"] else 0.55,
                "score": 25.0 - i,
                "in_vault": s["in_vault"],
            }
            for i, s in enumerate(secrets)
            if s["match"] != "none"
        ],
        "candidates": [],
        "warnings": [f"skipped {HOSTILE}: unreadable"],
    }
    return LLMAuditReport.model_validate(data)


def _check_well_formed(html: str) -> Checker:
    checker = parse(html)
    assert checker.errors == []
    assert checker.stack == [], f"unclosed: {checker.stack}"
    return checker


RENDERERS = [
    pytest.param(render_llm_html, id="audit"),
    pytest.param(
        lambda r: render_incident_html(r, generated_at="2026-01-02 03:04 UTC", corpus=["data/"]),
        id="incident",
    ),
]


@pytest.mark.parametrize("render", RENDERERS)
def test_self_contained_and_well_formed(render: Any) -> None:
    html = render(_report())
    assert html.startswith("<!DOCTYPE html>")
    checker = _check_well_formed(html)
    assert "svg" in checker.tags and "style" in checker.tags
    lower = html.lower()
    for banned in ("<script", "<link", "url(", "@import", "src=", "<iframe", "<img", "http://"):
        assert banned not in lower, banned


@pytest.mark.parametrize("render", RENDERERS)
def test_hostile_strings_are_escaped(render: Any) -> None:
    html = render(_report())
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "tiny-gpt &amp; &lt;co&gt;" in html
    assert "<co>" not in html


def test_audit_html_content() -> None:
    html = render_llm_html(_report())
    assert '<svg class="chart"' in html and "Extraction by duplication" in html
    for head in ("Fingerprint", "Duplicates", "Extracted", "Match", "Chars recovered", "Queries",
                 "Files", "P(1 / 100)"):  # fmt: skip
        assert f"<th>{head}</th>" in html
    for n in (1, 2, 3, 4):
        assert f"AKIA****{n:04d}" in html  # every secret, extracted or not
        assert f"{n:02d}" + "ab" * 7 in html
    assert "20/20" in html and "11/20" in html and "0/20" in html
    assert "sk-****zzzz" in html and "Rotation" in html
    assert "Probes run" in html and "Settings" in html and "Warnings" in html
    assert "0.1 / 0.99" in html
    # no value fingerprint nor any unmasked value is printed
    assert "cd" * 15 not in html


def test_incident_html_content() -> None:
    html = render_incident_html(_report(), generated_at="2026-01-02 03:04 UTC", corpus=["data/"])
    for field in ("Detected at", "Contained at", "Rotated at", "Owner", "Ticket"):
        assert f"<td>{field}</td>" in html
    assert "<td>2026-01-02 03:04 UTC</td>" in html
    assert "<code>data/</code>" in html and "HIGH" in html
    for step in ("1. Rotate", "2. Contain", "3. Fix the data", "4. Fix the model",
                 "Deploy the guard proxy", "Scrub the secrets", "Deduplicate the corpus",
                 "Retrain on the scrubbed corpus", "Re-audit"):  # fmt: skip
        assert step in html
    assert "Sign-off" in html and '<svg class="chart"' in html
    # evidence lists extracted and partial secrets, not the non-extracted one
    assert "AKIA****0001" in html and "AKIA****0002" in html
    assert "AKIA****0003" not in html
    assert "sk-****zzzz" in html


def test_incident_html_without_leaks() -> None:
    report = _report()
    quiet = report.model_copy(
        update={
            "secrets": [x for x in report.secrets if x.match == "none"],
            "rotation": [],
            "hallucinated": [],
            "warnings": [],
            "summary": report.summary.model_copy(update={"extracted": 0, "partial": 0}),
        }
    )
    html = render_incident_html(quiet)
    _check_well_formed(html)
    assert "LOW" in html and "Nothing to rotate" in html
    assert "<td>Detected at</td><td></td>" in html
