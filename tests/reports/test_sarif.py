"""The scan report as SARIF 2.1.0 (schema validation: ``test_conformance.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance.privacy import Fingerprinter
from clearance.reports import render
from clearance.scan import scan_paths

FP = Fingerprinter(b"test-key-0123456789")  # the key tests/conftest.py sets

LEVELS = {"error", "warning", "note", "none"}


@pytest.fixture
def report(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "t.csv").write_text("id,email,note\n1,jane.doe@example.com,call (212) 555-0187\n")
    (tmp_path / "app.py").write_text('TOKEN = "ghp_8sXq2ZrT6vN1mKpL0aYwC3dE5fG7hJ9kQbRt"\n')
    return scan_paths([tmp_path], fingerprinter=FP)


def test_sarif_is_structurally_valid_2_1_0(report) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(render(report, "sarif"))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "clearance"
    assert len({r["id"] for r in rules}) == len(rules)
    assert run["results"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in LEVELS and res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] and loc["region"]["startLine"] >= 1
        assert len(res["partialFingerprints"]["clearance/v1"]) == 64
    for rule in rules:
        float(rule["properties"]["security-severity"])


def test_sarif_uris_are_uri_references_and_columns_code_points(tmp_path: Path) -> None:
    """A file name with a space, ``#``, ``%`` or non-ASCII letters is percent-encoded in
    ``artifactLocation.uri`` (a raw ``#`` starts a fragment: the viewer would open ``my``);
    region columns count code points, which the run declares (SARIF's default is UTF-16)."""
    from urllib.parse import unquote

    name = "my data #1 100% é.txt"
    (tmp_path / name).write_text("\U0001f600 mail jane.doe@example.com\n")
    doc = json.loads(render(scan_paths([tmp_path], fingerprinter=FP), "sarif"))
    run = doc["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    (result,) = run["results"]
    loc = result["locations"][0]["physicalLocation"]
    uri = loc["artifactLocation"]["uri"]
    assert uri.endswith("my%20data%20%231%20100%25%20%C3%A9.txt")
    assert unquote(uri) == str(tmp_path / name)
    assert loc["region"]["startColumn"] == 8  # after the emoji (1 code point, 2 UTF-16 units)
