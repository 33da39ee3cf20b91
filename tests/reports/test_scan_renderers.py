from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance.errors import PolicyError
from clearance.privacy import Fingerprinter
from clearance.reports import format_for_path, formats, render
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


def test_markdown_lists_findings_and_columns(report) -> None:  # type: ignore[no-untyped-def]
    md = render(report, "markdown")
    findings, columns = md.split("## Columns")
    assert "| critical | github-" in findings
    assert "| email | entity | EMAIL_ADDRESS |" in columns
    assert "jane.doe@example.com" not in md


def test_unknown_format(report) -> None:  # type: ignore[no-untyped-def]
    assert formats("scan") == ["json", "sarif", "markdown", "terminal"]
    with pytest.raises(ValueError, match="allowed: json, sarif, markdown, terminal"):
        render(report, "pdf")
    with pytest.raises(TypeError, match="no renderer for a NoneType"):
        render(None, "json")


@pytest.mark.parametrize(
    ("name", "kind", "fmt"),
    [
        ("r.JSON", "audit", "json"),
        ("r.md", "fairness", "markdown"),
        ("r.markdown", "audit", "markdown"),
        ("r.html", "llm", "html"),
        ("r.md", "llm", "markdown"),
        ("r.sarif", "scan", "sarif"),
    ],
)
def test_format_for_path(name: str, kind: str, fmt: str) -> None:
    assert format_for_path(Path(name), kind) == fmt


def test_format_for_path_names_the_file_and_the_kinds_suffixes() -> None:
    with pytest.raises(
        PolicyError,
        match=r"r\.pdf: unknown report type; use a file ending in \.json, \.md, \.markdown, \.html$",
    ):
        format_for_path(Path("r.pdf"), "fairness")
    with pytest.raises(
        PolicyError, match=r"r\.sarif: .* ending in \.json, \.md, \.markdown, \.html$"
    ):
        format_for_path(Path("r.sarif"), "audit")


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
