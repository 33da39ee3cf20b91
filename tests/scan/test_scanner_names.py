"""Column names and object keys are data: scanned, reported at the column header, and never
printed raw by any output of ``scan`` or ``audit``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.detection.engine import Engine
from clearance.detection.registry import default_registry
from clearance.privacy import Fingerprinter
from clearance.scan import scan_paths
from clearance.scan.scanner import safe_column_names

runner = CliRunner()
EMAIL, CARD = "jane.doe@example.com", "4111 1111 1111 1111"
TOKEN = default_registry()["github-pat"].positives[0]
KEYED = "mary.major@example.net"
PLANTED = (EMAIL, CARD, TOKEN, KEYED, "bob@example.org")
FP = Fingerprinter(b"names-test-key")


def _data(folder: Path) -> Path:
    folder.mkdir()
    # headerless: the first data row becomes the header
    (folder / "people.csv").write_text(
        f"{EMAIL},{CARD},{TOKEN}\nbob@example.org,5500 0000 0000 0004,x\n"
    )
    keyed = {KEYED: {"age": 31}, "\x1b[31mred": 1, "<script>alert(1)</script>": 2}
    (folder / "keyed.json").write_text(json.dumps(keyed))
    return folder


def _assert_clean(text: str, where: str) -> None:
    for raw in PLANTED:
        assert raw not in text, f"{where} prints a planted value"
    assert "\x1b" not in text, f"{where} prints a raw escape character"


def test_names_are_findings_at_the_column_header(tmp_path: Path) -> None:
    report = scan_paths([_data(tmp_path / "d")], fingerprinter=FP, engine=Engine())
    header = {f.rule: f for f in report.findings if f.scope == "value" and f.location.row is None}
    assert {"email", "credit-card", "github-pat"} <= set(header)
    assert header["email"].location.column == "j***@e***.com"
    assert (header["email"].location.start, header["email"].location.end) == (0, len(EMAIL))
    columns = {c.column for c in report.columns}
    assert {"j***@e***.com", "**** **** **** 1111", "m***@e***.net", "\\x1b[31mred"} <= columns
    _assert_clean(report.model_dump_json(), "the report model")


def test_no_output_of_scan_or_audit_prints_a_name_raw(tmp_path: Path) -> None:
    data = _data(tmp_path / "d")
    out = tmp_path / "out"
    out.mkdir()
    for fmt in ("json", "sarif", "markdown", "terminal"):
        result = runner.invoke(app, ["scan", str(data), "--format", fmt])
        assert result.exit_code == 0, result.output
        _assert_clean(result.stdout + result.stderr, f"scan --format {fmt}")
        if fmt in ("terminal", "markdown"):
            assert "header of column j***@e***.com" in " ".join(result.stdout.split())
    report = out / "scan.json"
    result = runner.invoke(app, ["scan", str(data), "-f", "json", "-o", str(report)])
    _assert_clean(result.stderr + report.read_text(), "scan -o (terminal summary on stderr)")
    names = [out / n for n in ("audit.json", "audit.html", "audit.md")]
    result = runner.invoke(app, ["audit", str(data), *[a for n in names for a in ("-o", str(n))]])
    assert result.exit_code in (0, 1), result.output
    _assert_clean(result.stdout + result.stderr, "audit terminal")
    for name in names:
        _assert_clean(name.read_text(), name.name)
    audit = json.loads(names[0].read_text())
    assert any(f["rule"] == "email" and f["location"].get("row") is None for f in audit["findings"])


def test_entities_and_threshold_filter_name_findings(tmp_path: Path) -> None:
    data = _data(tmp_path / "d")
    result = runner.invoke(app, ["scan", str(data), "-f", "json", "--entities", "CREDIT_CARD"])
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert rules == {"credit-card"}, rules
    result = runner.invoke(app, ["scan", str(data), "-f", "json", "--threshold", "0.999"])
    assert not json.loads(result.stdout)["findings"]


@pytest.mark.parametrize(
    ("names", "shown"),
    [
        (["a", "b"], ["a", "b"]),
        ([EMAIL, "j***@e***.com"], ["j***@e***.com#2", "j***@e***.com"]),
        (["jane@example.com", "joe@example.com"], ["j***@e***.com", "j***@e***.com#2"]),
        (["x\x1b[2Jy", "a\u202eb"], ["x\\x1b[2Jy", "a\\u202eb"]),
    ],
)
def test_safe_column_names(names: list[str], shown: list[str]) -> None:
    assert safe_column_names(Engine(), names)[0] == shown


def test_entities_and_threshold_filter_column_name_findings(tmp_path: Path) -> None:
    """A ``city`` column whose values no detector confirms gets a ``column-name`` finding
    (score 0.5); ``--entities`` without LOCATION and ``--threshold`` above 0.5 drop it."""
    (tmp_path / "t.csv").write_text("city,api_key\nqwxz,zz\nvvkk,yy\n")

    def rules(*args: str) -> set[tuple[str, str]]:
        result = runner.invoke(app, ["scan", str(tmp_path), "-f", "json", *args])
        return {(f["rule"], f["entity"]) for f in json.loads(result.stdout)["findings"]}

    assert rules() == {("column-name", "LOCATION"), ("column-name", "SECRET")}
    assert rules("--entities", "EMAIL_ADDRESS") == set()
    assert rules("--entities", "LOCATION") == {("column-name", "LOCATION")}
    assert rules("--threshold", "0.6") == set()
    assert rules("--threshold", "0.5") == {("column-name", "LOCATION"), ("column-name", "SECRET")}
