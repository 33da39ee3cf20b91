"""``clearance erase`` through the CLI: dry run, --apply, nothing found, a remaining identifier
(exit 1), a missing key (4); stdout, stderr and the record never hold the subject's id or
e-mail."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from clearance.cli import _common
from clearance.cli.app import app
from clearance.io.tags import sidecar_path, verify_tags
from tests.cli._evidence import assert_nothing_planted, hashes, only_run, recorded, sha256

runner = CliRunner()
SUBJECT = "u-7731"
EMAIL = "mara.kowalski@example.net"
USERS = f"customer_id,email\n{SUBJECT},{EMAIL}\nu-1,other@example.org\n"
TICKETS = f'ticket_id,customer_id,body\n1,u-1,"forwarded from {EMAIL} yesterday"\n2,{SUBJECT},hi\n'


@pytest.fixture
def dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Path], Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLEARANCE_KEY", "cli-test-key")
    users = tmp_path / "users.csv"
    users.write_text(USERS)
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(TICKETS)
    pol = tmp_path / "p.yaml"
    pol.write_text("subject_key: customer_id\n")
    return [users, tickets], pol


def _argv(files: list[Path], pol: Path, *more: str, subject: str = SUBJECT) -> list[str]:
    return ["erase", "--subject", subject, "--policy", str(pol), *map(str, files), *more]


def _no_leak(*texts: str) -> None:
    for text in texts:
        assert SUBJECT not in text and EMAIL not in text and "kowalski" not in text.lower()


def test_dry_run_counts_per_file(dataset: tuple[list[Path], Path]) -> None:
    files, pol = dataset
    result = runner.invoke(app, _argv(files, pol))
    assert result.exit_code == 0, result.output
    assert "users.csv: 1 row(s) to delete, 0 cell(s) to redact" in result.output
    assert "tickets.csv: 1 row(s) to delete, 1 cell(s) to redact" in result.output
    assert files[0].read_text() == USERS
    _no_leak(result.output)


def test_apply_erases_and_writes_the_record(dataset: tuple[list[Path], Path]) -> None:
    files, pol = dataset
    result = runner.invoke(app, _argv(files, pol, "--apply", "--record", "erasure.json"))
    assert result.exit_code == 0, result.output
    _no_leak(result.output, files[0].read_text(), files[1].read_text())
    assert "forwarded from <EMAIL_ADDRESS> yesterday" in files[1].read_text()
    record = Path("erasure.json").read_text()
    _no_leak(record)
    assert json.loads(record)["remaining"] == 0


def test_unknown_subject_exits_0_with_nothing_found(dataset: tuple[list[Path], Path]) -> None:
    files, pol = dataset
    hostile = "\x1b[31m<script>alert(1)</script>"
    result = runner.invoke(app, _argv(files, pol, subject=hostile))
    assert result.exit_code == 0, result.output
    assert "nothing found" in result.output
    assert "<script>" not in result.output and "\x1b" not in result.output


def test_something_left_exits_1_and_replaces_nothing(
    dataset: tuple[list[Path], Path], tmp_path: Path
) -> None:
    files, pol = dataset
    nested = tmp_path / "events.jsonl"
    # the e-mail as a key: erase rewrites values, never keys; the re-scan finds it
    nested.write_text(json.dumps({"event": 1, "ctx": {EMAIL: True}}) + "\n")
    result = runner.invoke(app, _argv([*files, nested], pol, "--apply"))
    assert result.exit_code == 1, result.output
    assert "no file was replaced" in result.output
    assert files[0].read_text() == USERS and files[1].read_text() == TICKETS
    _no_leak(result.output)


def test_nested_jsonl_values_are_erased_exit_0(
    dataset: tuple[list[Path], Path], tmp_path: Path
) -> None:
    files, pol = dataset
    events = tmp_path / "events.jsonl"
    other = json.dumps({"event": 2, "ctx": {"from": "other@example.org", "to": None}})
    events.write_text(json.dumps({"event": 1, "ctx": {"from": EMAIL, "to": ["x"]}}) + "\n" + other)
    result = runner.invoke(app, _argv([*files, events], pol, "--apply"))
    assert result.exit_code == 0, result.output
    assert "events.jsonl: 0 row(s) deleted, 1 cell(s) redacted" in result.output
    lines = events.read_text().split("\n")
    assert json.loads(lines[0]) == {"event": 1, "ctx": {"from": "<EMAIL_ADDRESS>", "to": ["x"]}}
    assert lines[1] == other
    _no_leak(result.output, events.read_text())


def test_a_malformed_jsonl_line_exits_3_naming_it(
    dataset: tuple[list[Path], Path], tmp_path: Path
) -> None:
    files, pol = dataset
    events = tmp_path / "events.jsonl"
    events.write_text('{"event": 1}\n{"event": \n')
    result = runner.invoke(app, _argv([*files, events], pol, "--apply"))
    assert result.exit_code == 3, result.output
    assert "events.jsonl: line 2: not valid JSON" in result.output
    assert files[0].read_text() == USERS and files[1].read_text() == TICKETS


def test_missing_key_exits_4(
    dataset: tuple[list[Path], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    files, pol = dataset
    monkeypatch.delenv("CLEARANCE_KEY")
    result = runner.invoke(app, _argv(files, pol, "--apply"))
    assert result.exit_code == 4 and "CLEARANCE_KEY" in result.output
    _no_leak(result.output)


def test_unreadable_path_exits_3(dataset: tuple[list[Path], Path], tmp_path: Path) -> None:
    files, pol = dataset
    result = runner.invoke(app, _argv([*files, tmp_path / "gone.csv"], pol))
    assert result.exit_code == 3 and "gone.csv" in result.output


def test_hostile_column_names_are_never_echoed_raw(
    dataset: tuple[list[Path], Path], tmp_path: Path
) -> None:
    files, pol = dataset
    odd = tmp_path / "odd.csv"
    odd.write_text(f'customer_id,"\x1b[2J<b>note</b>"\n{SUBJECT},x\n')
    result = runner.invoke(app, _argv([*files, odd], pol))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "<b>" not in result.output


def test_apply_shows_progress_per_file_and_tags_each_rewritten_file(
    dataset: tuple[list[Path], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    files, pol = dataset
    bar = io.StringIO()
    console = Console(file=bar, force_terminal=True, markup=False, emoji=False, width=120)
    monkeypatch.setattr(_common, "err", console)
    result = runner.invoke(app, _argv(files, pol, "--apply", "--record", "erasure.json"))
    assert result.exit_code == 0, result.output
    assert "searching for the subject tickets.csv" in bar.getvalue()  # the last file done
    record = json.loads(Path("erasure.json").read_text())
    for path in files:
        tags = verify_tags(path)
        assert (tags.command, tags.run_id) == ("erase", record["run_id"])
        _no_leak(sidecar_path(path).read_text(), bar.getvalue())


def test_runs_are_recorded_with_the_subject_as_a_fingerprint_only(
    dataset: tuple[list[Path], Path],
) -> None:
    files, pol = dataset
    before = {str(f): sha256(f) for f in files}
    dry = runner.invoke(app, _argv(files, pol))
    assert dry.exit_code == 0, dry.output
    entry = only_run("erase", dry.stderr)
    assert entry["verdict"] == "findings" and entry["summary"]["found"] is True
    assert hashes(entry["inputs"]) == before and entry["outputs"] == []
    applied = runner.invoke(app, _argv(files, pol, "--apply", "--record", "erasure.json"))
    assert applied.exit_code == 0, applied.output
    entry = recorded()[-1]
    assert entry["command"] == "erase" and entry["verdict"] == "pass"
    assert hashes(entry["inputs"]) == before
    record = json.loads(Path("erasure.json").read_text())
    assert (
        entry["summary"]["subject"] == record["subject"]
        and entry["summary"]["tags_run_id"] == record["run_id"]
    )
    assert hashes(entry["outputs"]) == {
        **{str(f): sha256(f) for f in files},
        "erasure.json": sha256(Path("erasure.json")),
    }
    assert_nothing_planted(SUBJECT, EMAIL, "kowalski")


def test_no_evidence_records_nothing(dataset: tuple[list[Path], Path]) -> None:
    files, pol = dataset
    result = runner.invoke(app, _argv(files, pol, "--no-evidence"))
    assert result.exit_code == 0, result.output
    assert recorded() == []


def test_withdrawn_erases_every_subject_who_withdrew_and_records_the_consent_table(
    dataset: tuple[list[Path], Path],
) -> None:
    files, pol = dataset
    pol.write_text("subject_key: customer_id\npurpose: model-training\n")
    consent = pol.parent / "consent.csv"
    consent.write_text(
        f"subject_id,purpose,status\n{SUBJECT},model-training,withdrawn\nu-1,model-training,granted\n"
    )
    argv = ["erase", "--withdrawn", str(consent), "--policy", str(pol), *map(str, files)]
    dry = runner.invoke(app, argv)
    assert dry.exit_code == 0, dry.output
    assert "1 subject(s) withdrew consent for 'model-training'" in dry.output
    assert "users.csv: 1 row(s) to delete" in dry.output and files[0].read_text() == USERS
    done = runner.invoke(app, [*argv, "--apply", "--record", "erasure.json"])
    assert done.exit_code == 0, done.output
    assert SUBJECT not in files[0].read_text() and EMAIL not in files[1].read_text()
    record = json.loads(Path("erasure.json").read_text())
    assert record["consent"]["withdrawn"] == 1 and len(record["subjects"]) == 1
    _no_leak(dry.output, done.output, Path("erasure.json").read_text())


def test_subject_and_withdrawn_are_one_or_the_other(dataset: tuple[list[Path], Path]) -> None:
    files, pol = dataset
    neither = runner.invoke(app, ["erase", "--policy", str(pol), *map(str, files)])
    assert neither.exit_code == 2 and "--subject ID or --withdrawn" in neither.output
    both = runner.invoke(app, [*_argv(files, pol), "--withdrawn", str(files[0])])
    assert both.exit_code == 2


def test_a_consent_table_nobody_withdrew_from_changes_nothing(
    dataset: tuple[list[Path], Path],
) -> None:
    files, pol = dataset
    pol.write_text("subject_key: customer_id\npurpose: model-training\n")
    consent = pol.parent / "consent.csv"
    consent.write_text(f"subject_id,purpose,status\n{SUBJECT},model-training,granted\n")
    argv = ["erase", "--withdrawn", str(consent), "--policy", str(pol), *map(str, files)]
    result = runner.invoke(app, [*argv, "--apply"])
    assert result.exit_code == 0 and "nothing to erase" in result.output
    assert files[0].read_text() == USERS
