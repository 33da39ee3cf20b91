"""``clearance retention apply`` through the CLI: dry run, --apply, the AI Act conflict (exit 4),
a missing key (4), a database that is down (6), malformed input (3)."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from clearance.cli import _common
from clearance.cli.app import app
from clearance.io.tags import sidecar_path, verify_tags
from tests.cli._evidence import RUN_ID, assert_nothing_planted, hashes, only_run, recorded, sha256

runner = CliRunner()
CSV = "id,created_at,text\n9001,2024-01-05,old\n9002,2026-01-30,new\n"
POLICY = "reference_date: 2026-01-31\ntables:\n  events:\n    retention_days: 90\n"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLEARANCE_KEY", "cli-test-key")
    events = tmp_path / "events.csv"
    events.write_text(CSV)
    pol = tmp_path / "p.yaml"
    pol.write_text(POLICY)
    return events, pol


def test_dry_run_is_the_default(data: tuple[Path, Path]) -> None:
    events, pol = data
    result = runner.invoke(app, ["retention", "apply", str(events), "--policy", str(pol)])
    assert result.exit_code == 0, result.output
    assert (
        "1 of 2 record(s) past retention" in result.output
        and "dated before 2025-11-02" in result.output
    )
    assert "dry run" in result.output
    assert events.read_text() == CSV
    assert not Path("clearance-records").exists()


def test_apply_writes_the_record_in_the_default_folder(data: tuple[Path, Path]) -> None:
    events, pol = data
    result = runner.invoke(
        app, ["retention", "apply", str(events), "--policy", str(pol), "--apply"]
    )
    assert result.exit_code == 0, result.output
    assert "9001" not in events.read_text()
    (record,) = list(Path("clearance-records").iterdir())
    saved = json.loads(record.read_text())
    assert saved["applied"] and saved["tables"][0]["expired"] == 1
    assert "9001" not in record.read_text() and "9001" not in result.output


def test_apply_without_a_key_is_refused(
    data: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    events, pol = data
    monkeypatch.delenv("CLEARANCE_KEY")
    result = runner.invoke(
        app, ["retention", "apply", str(events), "--policy", str(pol), "--apply"]
    )
    assert result.exit_code == 4 and "CLEARANCE_KEY" in result.output
    assert events.read_text() == CSV


def test_high_risk_logs_under_six_months_exit_4_naming_table_and_duty(
    data: tuple[Path, Path],
) -> None:
    events, pol = data
    pol.write_text(
        "reference_date: 2026-01-31\nai_act_risk: high\n"
        "tables:\n  events:\n    retention_days: 90\n    kind: system_logs\n"
    )
    dry = runner.invoke(app, ["retention", "apply", str(events), "--policy", str(pol)])
    assert dry.exit_code == 0 and "warning: tables.events: retention_days 90" in dry.output
    result = runner.invoke(
        app, ["retention", "apply", str(events), "--policy", str(pol), "--apply"]
    )
    assert result.exit_code == 4, result.output
    assert "tables.events" in result.output and "90" in result.output
    assert "six months" in result.output and "nothing was deleted" in result.output
    assert events.read_text() == CSV


def test_database_down_exits_6(data: tuple[Path, Path]) -> None:
    _, pol = data
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uri = f"postgresql://u:hunter2@127.0.0.1:{port}/shop"
    result = runner.invoke(app, ["retention", "apply", "--db", uri, "--policy", str(pol)])
    assert result.exit_code == 6, result.output
    assert "hunter2" not in result.output and "***" in result.output


def test_malformed_and_missing_inputs_exit_3(data: tuple[Path, Path], tmp_path: Path) -> None:
    events, pol = data
    events.write_text('id,created_at\n1,"2020-01-01\n2,2,2\n')
    result = runner.invoke(app, ["retention", "apply", str(events), "--policy", str(pol)])
    assert result.exit_code == 3 and "events.csv" in result.output
    result = runner.invoke(
        app, ["retention", "apply", str(tmp_path / "nope.csv"), "--policy", str(pol)]
    )
    assert result.exit_code == 3


def test_hostile_file_names_are_escaped(data: tuple[Path, Path], tmp_path: Path) -> None:
    _, pol = data
    hostile = tmp_path / "\x1b[2Jevents<script>.csv"
    hostile.write_text(CSV)
    pol.write_text("reference_date: 2026-01-31\ndefault_retention_days: 90\n")
    result = runner.invoke(app, ["retention", "apply", str(hostile), "--policy", str(pol)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\\x1b" in result.output


def test_no_input_is_a_usage_error(data: tuple[Path, Path]) -> None:
    _, pol = data
    result = runner.invoke(app, ["retention", "apply", "--policy", str(pol)])
    assert result.exit_code == 2


def _terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """stderr as a terminal: the progress bar is drawn (it is hidden otherwise)."""
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, markup=False, emoji=False, width=120)
    monkeypatch.setattr(_common, "err", console)
    return buf


def test_a_real_run_shows_progress_and_tags_the_rewritten_file(
    data: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    events, pol = data
    bar = _terminal(monkeypatch)
    record = Path("r.json")
    argv = ["retention", "apply", str(events), "--policy", str(pol), "--apply", "--record"]
    result = runner.invoke(app, [*argv, str(record)])
    assert result.exit_code == 0, result.output
    assert "ageing records events.csv" in bar.getvalue()
    tags = verify_tags(events)
    assert tags.command == "retention" and tags.manifest == "r.json"
    assert json.loads(record.read_text())["run_id"] == tags.run_id


def test_an_unreadable_sidecar_path_fails_with_exit_3_and_changes_nothing(
    data: tuple[Path, Path],
) -> None:
    events, pol = data
    sidecar_path(events).mkdir()  # the tags cannot be written where a folder stands
    result = runner.invoke(
        app, ["retention", "apply", str(events), "--policy", str(pol), "--apply"]
    )
    assert result.exit_code == 3, result.output
    assert events.read_text() == CSV
    assert not list(Path(".").glob(".clearance-*"))


def test_runs_are_recorded_with_the_files_before_and_after(data: tuple[Path, Path]) -> None:
    events, pol = data
    before = sha256(events)
    dry = runner.invoke(app, ["retention", "apply", str(events), "--policy", str(pol)])
    assert dry.exit_code == 0, dry.output
    entry = only_run("retention apply", dry.stderr)
    assert entry["verdict"] == "findings" and entry["summary"]["expired"] == 1
    assert hashes(entry["inputs"]) == {str(events): before} and entry["outputs"] == []
    applied = runner.invoke(
        app, ["retention", "apply", str(events), "--policy", str(pol), "--apply", "--record",
              "r.json"],
    )  # fmt: skip
    assert applied.exit_code == 0, applied.output
    entry = recorded()[-1]
    assert entry["command"] == "retention apply" and entry["verdict"] == "pass"
    assert RUN_ID.findall(applied.stderr) == [entry["run_id"]]
    assert hashes(entry["inputs"]) == {str(events): before}
    assert hashes(entry["outputs"]) == {
        str(events): sha256(events),
        "r.json": sha256(Path("r.json")),
    }
    assert sha256(events) != before
    # the id the record and the rewritten file's tags carry
    assert json.loads(Path("r.json").read_text())["run_id"] == entry["summary"]["tags_run_id"]
    assert_nothing_planted("9001")


def test_no_evidence_records_nothing(data: tuple[Path, Path]) -> None:
    events, pol = data
    result = runner.invoke(
        app, ["retention", "apply", str(events), "--policy", str(pol), "--no-evidence"]
    )
    assert result.exit_code == 0, result.output
    assert recorded() == [] and not RUN_ID.search(result.stderr)
