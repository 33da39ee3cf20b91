"""``clearance risk set``: entries of the risk register recorded in the evidence store, the
latest per risk id in ``clearance report``; bad values exit 4 with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from tests.cli._evidence import FOLDER, RUN_ID, recorded
from tests.reports.html_check import parse

runner = CliRunner()
BASE = ["--finding", "email in reviews.text", "--likelihood", "high", "--impact", "medium",
        "--owner", "dpo"]  # fmt: skip


def test_the_latest_entry_of_each_risk_is_the_register(tmp_path: Path) -> None:
    first = runner.invoke(
        app, ["risk", "set", "R-1", *BASE, "--due", "2026-03-01", "--control", "GDPR-9"]
    )
    assert first.exit_code == 0, first.output
    [entry] = recorded()
    assert RUN_ID.findall(first.stderr) == [entry["run_id"]]
    assert entry["command"] == "risk set" and entry["verdict"] == "recorded"
    assert entry["summary"]["likelihood"] == "high" and entry["summary"]["controls"] == ["GDPR-9"]
    hostile = "<script>x</script> \x1b[2J"
    assert runner.invoke(app, ["risk", "set", "R-2", *BASE[:-1], hostile]).exit_code == 0
    assert runner.invoke(app, ["risk", "set", "R-1", *BASE, "--status", "closed"]).exit_code == 0
    out, page = tmp_path / "r.json", tmp_path / "r.html"
    result = runner.invoke(app, ["report", "--framework", "gdpr", "-o", str(out), "-o", str(page)])
    assert result.exit_code == 0, result.output
    risks = json.loads(out.read_text())["risks"]
    assert [(r["id"], r["status"]) for r in risks] == [("R-1", "closed"), ("R-2", "open")]
    assert risks[0]["due"] is None and risks[0]["set_by"]
    assert risks[1]["owner"] == hostile
    html = page.read_text()
    checker = parse(html)
    assert not checker.errors and "script" not in checker.tags and "\x1b" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("more", "says"),
    [
        (["--likelihood", "certain"], "--likelihood certain"),
        (["--status", "wontfix"], "--status wontfix"),
        (["--due", "next week"], "--due next week"),
        (["--control", "GDPR-999"], "--control GDPR-999"),
        (["--no-evidence"], "--no-evidence"),
    ],
)
def test_bad_values_exit_4_and_write_nothing(more: list[str], says: str) -> None:
    result = runner.invoke(app, ["risk", "set", "R-1", *BASE, *more])
    assert result.exit_code == 4, result.output
    assert says in result.stderr and not FOLDER.exists()
