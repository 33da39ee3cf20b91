"""``clearance gate training|deployment``: pass only when the latest audit of exactly these
files (by SHA-256) passed and carries the approvals the policy requires; a changed file, a
failed audit, a missing approval or a tampered store blocks (exit 1) and says what is missing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.evidence import new_record, open_store
from tests.cli._evidence import FOLDER, recorded

runner = CliRunner()
POLICY = (
    "approvals:\n  roles:\n    privacy-officer: [dpo]\n    model-risk: [mrm]\n"
    "  required:\n    training: [privacy-officer]\n    deployment: [model-risk]\n"
)


@pytest.fixture
def dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLEARANCE_USER", "dpo")
    (tmp_path / "clearance.yaml").write_text(POLICY)
    data = tmp_path / "data"
    data.mkdir()
    (data / "t.csv").write_text("id,colour\n1,red\n2,blue\n")
    return data


def _audit(data: Path) -> str:
    result = runner.invoke(app, ["audit", str(data), "-o", "a.json", "-q"])
    assert result.exit_code == 0, result.output
    return str(recorded()[-1]["run_id"])


def _gate(*argv: str) -> tuple[int, str]:
    result = runner.invoke(app, ["gate", *argv])
    return result.exit_code, result.stderr


def test_training_passes_once_the_audit_passed_and_is_approved(dataset: Path) -> None:
    run = _audit(dataset)
    code, err = _gate("training", "--dataset", str(dataset))
    assert code == 1 and f"no approval of run {run} by the role privacy-officer" in err
    approve = ["approve", run, "--role", "privacy-officer", "--comment", "ok"]
    assert runner.invoke(app, approve).exit_code == 0
    code, err = _gate("training", "--dataset", str(dataset))
    assert code == 0 and "PASS" in err and run in err
    # one file of the folder, gated alone, is one of the audit's files too
    assert _gate("training", "--dataset", str(dataset / "t.csv"))[0] == 0


def test_a_changed_file_matches_no_audit(dataset: Path) -> None:
    run = _audit(dataset)
    runner.invoke(app, ["approve", run, "--role", "privacy-officer", "--comment", "ok"])
    (dataset / "t.csv").write_text("id,colour\n1,red\n2,green\n")
    code, err = _gate("training", "--dataset", str(dataset))
    assert code == 1 and "no audit run of exactly these files" in err


def test_a_failed_latest_audit_blocks(dataset: Path) -> None:
    (dataset / "u.csv").write_text("id,email,card\n1,jane.doe@example.com,4111 1111 1111 1111\n")
    result = runner.invoke(app, ["audit", str(dataset), "-o", "a.json", "-q"])
    assert result.exit_code == 1
    run = str(recorded()[-1]["run_id"])
    runner.invoke(app, ["approve", run, "--role", "privacy-officer", "--comment", "ok"])
    code, err = _gate("training", "--dataset", str(dataset))
    assert code == 1 and f"the latest audit run {run} is fail" in err


def test_deployment_needs_a_passing_fairness_run_of_the_model(dataset: Path) -> None:
    model = dataset.parent / "model.skops"
    model.write_bytes(b"model bytes")
    code, err = _gate("deployment", "--model", str(model))
    assert code == 3 and "no evidence store" in err  # nothing recorded yet
    store = open_store(str(FOLDER / "evidence.db"))
    run = store.append(new_record("fairness", verdict="pass", inputs=[model]))
    code, err = _gate("deployment", "--model", str(model))
    assert code == 1 and "role model-risk" in err
    store.append(
        new_record("approve", verdict="approved", summary={"approves": run, "role": "model-risk"})
    )
    store.close()
    assert _gate("deployment", "--model", str(model))[0] == 0


def test_a_tampered_store_blocks_and_bad_input_is_an_error(dataset: Path) -> None:
    run = _audit(dataset)
    runner.invoke(app, ["approve", run, "--role", "privacy-officer", "--comment", "ok"])
    assert _gate("training", "--dataset", str(dataset))[0] == 0
    code, err = _gate("training", "--dataset", "nowhere.csv")
    assert code == 3 and "nowhere.csv" in err
    code, err = _gate("training", "--dataset", str(dataset), "--policy", "none.yaml")
    assert code == 3 and "none.yaml" in err
    with sqlite3.connect(FOLDER / "evidence.db") as db:
        db.execute("UPDATE clearance_evidence_runs SET payload = replace(payload, 'ok', 'no')")
    code, err = _gate("training", "--dataset", str(dataset))
    assert code == 1 and "does not verify" in err


def test_a_required_role_the_policy_does_not_define_is_a_policy_error(dataset: Path) -> None:
    (dataset.parent / "clearance.yaml").write_text(
        "approvals:\n  roles: {dpo: [dpo]}\n  required: {training: [privacy-officer]}\n"
    )
    code, err = _gate("training", "--dataset", str(dataset))
    assert code == 4 and "privacy-officer is not one of roles" in err


def test_a_fifo_or_an_unreadable_store_is_an_input_error(dataset: Path) -> None:
    import os

    fifo = dataset.parent / "pipe.csv"
    os.mkfifo(fifo)
    code, err = _gate("training", "--dataset", str(fifo))
    assert code == 3 and "FIFO" in err
    FOLDER.mkdir()
    (FOLDER / "evidence.db").write_bytes(b"not a database <script>\x1b[2J" * 100)
    code, err = _gate("training", "--dataset", str(dataset))
    assert code == 3 and "\x1b" not in err
    for argv in (["report"], ["approve", "x", "--role", "privacy-officer", "--comment", "c"]):
        result = runner.invoke(app, argv)
        assert result.exit_code == 3 and "\x1b" not in result.stderr, argv
    assert (FOLDER / "evidence.db").read_bytes().startswith(b"not a database")
