"""``clearance report``: the contract's JSON shape, statuses from runs the commands recorded,
hostile file names escaped in HTML and Markdown, and the documented exit codes."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from tests.cli._evidence import FOLDER, recorded
from tests.reports.html_check import Checker

runner = CliRunner()
HOSTILE = [
    "<script>alert(1)<\\script>.csv",
    "\x1b[2J\x1b]8;;http:x\x07ansi.csv",
    '<b onmouseover="x">b.csv',
]
EMAIL = "planted.person@example.org"


def _scan(path: Path) -> None:
    result = runner.invoke(app, ["scan", str(path), "-q"])
    assert result.exit_code == 0, result.output


def test_contract_json_shape_and_statuses(tmp_path: Path) -> None:
    clean = tmp_path / "clean.csv"
    clean.write_text("id,colour\n1,red\n2,blue\n")
    _scan(clean)
    [run] = recorded()
    out = tmp_path / "report.json"
    result = runner.invoke(
        app, ["report", "--framework", "gdpr", "-o", str(out), "-o", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["framework"] == "gdpr" and doc["chain_intact"] is True
    assert doc["controls"], "every GDPR control is listed"
    for control in doc["controls"]:
        assert {"id", "title", "status", "evidence"} <= set(control)
        assert control["status"] in ("covered", "open_findings", "no_evidence")
        assert all(isinstance(i, str) for i in control["evidence"])
    by_id = {c["id"]: c for c in doc["controls"]}
    assert by_id["GDPR-32"] == {
        **by_id["GDPR-32"],
        "status": "covered",
        "evidence": [run["run_id"]],
    }
    assert by_id["GDPR-17"]["status"] == "no_evidence"
    assert "covered" in result.stderr
    assert len(recorded()) == 1  # the report reads the store; it records nothing


def test_open_findings_exit_1_and_hostile_names_are_escaped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in HOSTILE:
        (data / name).write_text(f"id,email\n1,{EMAIL}\n")
    _scan(data)
    html, md, js = (tmp_path / f"report.{s}" for s in ("html", "md", "json"))
    result = runner.invoke(
        app, ["report", "--framework", "eu-ai-act", "-o", str(html), "-o", str(md), "-o", str(js)]
    )
    assert result.exit_code == 1, result.output  # scan findings concern Art. 10
    page = html.read_text()
    checker = Checker()
    checker.feed(page)
    assert not checker.errors
    assert "<script>" not in page and "script" not in checker.tags
    assert "onmouseover" not in {name for name, _ in checker.attrs}
    assert "&lt;script&gt;" in page and "\x1b" not in page and "\\x1b" in page
    assert set(checker.tags) <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "dl", "dt", "dd", "div", "p", "table", "thead", "tbody", "tr", "th", "td", "span", "code", "section", "ul", "li", "strong"}  # fmt: skip
    text = md.read_text()
    # names are code spans in Markdown (shown verbatim, never read as HTML); nothing outside
    outside = re.sub(r"(`+)[^`]*?\1", "", text)
    assert "<script>" in text and "<script>" not in outside and "\x1b" not in text
    assert EMAIL not in page + text + js.read_text()
    doc = json.loads(js.read_text())
    art10 = next(c for c in doc["controls"] if c["id"] == "EUAIA-10")
    assert art10["status"] == "open_findings" and art10["open_runs"]


def test_a_broken_chain_is_reported_and_exits_1(tmp_path: Path) -> None:
    clean = tmp_path / "clean.csv"
    clean.write_text("id,colour\n1,red\n")
    _scan(clean)
    _scan(clean)
    with sqlite3.connect(FOLDER / "evidence.db") as db:
        db.execute(
            "UPDATE clearance_evidence_runs SET payload = replace(payload, 'clean.csv', 'other.csv') WHERE seq = 1"
        )
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["report", "-o", str(out)])
    assert result.exit_code == 1
    assert "does not verify" in result.stderr and "record 1" in result.stderr
    doc = json.loads(out.read_text())
    assert doc["chain_intact"] is False and "record 1" in doc["chain_break"]


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["report", "--framework", "sox"], 4, "--framework sox"),
        (["report", "-o", "r.pdf"], 4, "r.pdf"),
        (["report", "--store", "nowhere.db"], 3, "no evidence store"),
        (["report", "--store", "postgresql://u:pw@127.0.0.1:1/x"], 6, "127.0.0.1"),
    ],
)
def test_bad_input_exit_codes(argv: list[str], code: int, says: str) -> None:
    result = runner.invoke(app, argv)
    assert result.exit_code == code, result.output
    assert says in result.stderr and "pw" not in result.stderr
    assert not Path("r.pdf").exists()


def test_the_store_is_never_an_output(tmp_path: Path) -> None:
    clean = tmp_path / "clean.csv"
    clean.write_text("id\n1\n")
    _scan(clean)
    store = FOLDER / "evidence.db"
    before = store.read_bytes()
    result = runner.invoke(
        app, ["report", "-o", str(store.with_suffix(".json")), "--store", str(store)]
    )
    assert result.exit_code == 0
    result = runner.invoke(app, ["report", "-o", str(store)])
    assert result.exit_code == 4 and store.read_bytes() == before  # .db is no report suffix
    md = tmp_path / "same.md"
    md.write_bytes(before)
    result = runner.invoke(app, ["report", "--store", str(md), "-o", str(md)])
    assert result.exit_code == 3 and "is the evidence store" in result.stderr
    assert md.read_bytes() == before


def test_markdown_to_stdout_by_default(tmp_path: Path) -> None:
    clean = tmp_path / "clean.csv"
    clean.write_text("id\n1\n")
    _scan(clean)
    result = runner.invoke(app, ["report", "--framework", "iso-42001"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Governance report: ISO/IEC 42001")
