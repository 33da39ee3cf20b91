"""``clearance approve``: a sign-off recorded in the evidence store by a role the policy grants
the user; a run that does not exist, a role the policy does not give, a tampered chain: one
line, the documented exit code, nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from tests.cli._evidence import FOLDER, RUN_ID, recorded

runner = CliRunner()
POLICY = "approvals:\n  roles:\n    privacy-officer: [dpo]\n    security: [ciso]\n"


@pytest.fixture
def run_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CLEARANCE_USER", "dpo")
    (tmp_path / "clearance.yaml").write_text(POLICY)
    data = tmp_path / "clean.csv"
    data.write_text("id,colour\n1,red\n")
    assert runner.invoke(app, ["scan", str(data), "-q"]).exit_code == 0
    [entry] = recorded()
    return str(entry["run_id"])


def _approve(run: str, *more: str, role: str = "privacy-officer") -> tuple[int, str]:
    result = runner.invoke(app, ["approve", run, "--role", role, "--comment", "reviewed", *more])
    return result.exit_code, result.stderr


def test_an_approval_is_recorded_with_its_role_and_run(run_id: str) -> None:
    code, err = _approve(run_id)
    assert code == 0, err
    approval = recorded()[-1]
    assert RUN_ID.findall(err) == [approval["run_id"]]
    assert approval["command"] == "approve" and approval["verdict"] == "approved"
    assert approval["user"] == "dpo" and approval["policy_sha256"]
    assert approval["summary"] == {
        "approves": run_id,
        "command": "scan",
        "verdict": "clean",
        "role": "privacy-officer",
        "comment": "reviewed",
    }
    report = runner.invoke(app, ["report", "--framework", "eu-ai-act", "-o", "r.json"])
    assert report.exit_code == 0
    assert approval["run_id"] in Path("r.json").read_text()  # evidence of Art. 14


@pytest.mark.parametrize(
    ("argv", "role", "code", "says"),
    [
        (["no-such-run"], "privacy-officer", 3, "no run no-such-run"),
        ([], "auditor", 4, "--role auditor: not a role"),
        ([], "security", 4, "dpo does not hold the role security"),
        (["--policy", "missing.yaml"], "privacy-officer", 3, "missing.yaml"),
    ],
)
def test_refused_approvals_write_nothing(
    run_id: str, argv: list[str], role: str, code: int, says: str
) -> None:
    target = argv[0] if argv and not argv[0].startswith("-") else run_id
    more = argv[1:] if target != run_id else argv
    before = (FOLDER / "evidence.db").read_bytes()
    got, err = _approve(target, *more, role=role)
    assert got == code, err
    assert says in err and len(err.strip().splitlines()) == 1
    assert len(recorded()) == 1 and (FOLDER / "evidence.db").read_bytes() == before


def test_an_empty_comment_and_an_approval_of_an_approval_are_refused(run_id: str) -> None:
    result = runner.invoke(app, ["approve", run_id, "--role", "privacy-officer", "--comment", " "])
    assert result.exit_code == 4 and "--comment" in result.stderr
    assert _approve(run_id)[0] == 0
    approval = recorded()[-1]["run_id"]
    code, err = _approve(str(approval))
    assert code == 3 and "is an approval" in err
    assert len(recorded()) == 2


def test_no_approval_in_a_tampered_store(run_id: str) -> None:
    with sqlite3.connect(FOLDER / "evidence.db") as db:
        db.execute("UPDATE clearance_evidence_runs SET payload = replace(payload, 'clean', 'x')")
    code, err = _approve(run_id)
    assert code == 3 and "does not verify" in err and "nothing approved" in err


def test_a_hostile_comment_is_stored_as_given_and_shown_escaped(run_id: str) -> None:
    comment = "ok \x1b[2J<script>x</script>"
    result = runner.invoke(
        app, ["approve", run_id, "--role", "privacy-officer", "--comment", comment]
    )
    assert result.exit_code == 0
    assert recorded()[-1]["summary"]["comment"] == comment
    listed = runner.invoke(app, ["evidence", "list"])
    assert "\x1b" not in listed.stdout
