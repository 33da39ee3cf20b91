from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.demo.ecommerce import generate, write_policy

runner = CliRunner()


def test_init_writes_starter_and_refuses_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "clearance.yaml"
    first = runner.invoke(app, ["init", "-o", str(target)])
    assert first.exit_code == 0, first.output
    assert "purpose: model-training" in target.read_text()
    target.write_text("purpose: mine\n")
    second = runner.invoke(app, ["init", "-o", str(target)])
    assert second.exit_code == 4
    assert target.read_text() == "purpose: mine\n"
    assert runner.invoke(app, ["init", "-o", str(target), "--force"]).exit_code == 0


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, Path]:
    generate(tmp_path / "data", users=120, seed=2)
    return tmp_path / "data", write_policy(tmp_path / "clearance.yaml")


def test_audit_writes_every_format_and_gate_fails(demo: tuple[Path, Path], tmp_path: Path) -> None:
    data, policy = demo
    outs = [tmp_path / "r.json", tmp_path / "r.html", tmp_path / "r.md"]
    args = ["audit", str(data), "--policy", str(policy)]
    for out in outs:
        args += ["-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output  # the demo data fails the gate
    report = json.loads(outs[0].read_text())
    assert report["kind"] == "audit" and report["summary"]["gate"] == "fail"
    for finding in report["findings"]:
        for key in ("rule", "category", "severity", "location", "count", "controls"):
            assert key in finding
        assert finding["location"]["table"]
    assert outs[1].read_text().lstrip().lower().startswith("<!doctype html>")
    assert "gate" in result.stderr.lower()


def test_audit_passes_when_policy_allows(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("sku,quantity\nA-1,2\nB-2,3\n")
    result = runner.invoke(app, ["audit", str(tmp_path / "t.csv"), "-q"])
    assert result.exit_code == 0, result.output


def test_audit_bad_policy_is_exit_4(demo: tuple[Path, Path], tmp_path: Path) -> None:
    data, _ = demo
    bad = tmp_path / "bad.yaml"
    bad.write_text("k: -3\n")
    result = runner.invoke(app, ["audit", str(data), "--policy", str(bad), "-q"])
    assert result.exit_code == 4
    assert (
        result.stderr.strip()
        == "error: " + f"{bad}: k: -3 (Input should be greater than or equal to 1)"
    )


def test_audit_unknown_report_suffix_is_exit_4(demo: tuple[Path, Path], tmp_path: Path) -> None:
    data, _ = demo
    result = runner.invoke(app, ["audit", str(data), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 4
    assert "r.pdf" in result.stderr and not (tmp_path / "r.pdf").exists()


def test_audit_without_inputs_is_usage_error() -> None:
    assert runner.invoke(app, ["audit"]).exit_code == 2


def test_audit_database_down_is_exit_6() -> None:
    result = runner.invoke(
        app, ["audit", "--db", "postgresql://u:hunter2secret@127.0.0.1:9/db", "-q"]
    )
    assert result.exit_code == 6
    assert "hunter2secret" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_audit_missing_policy_column_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "reviews.csv").write_text("text,created\nnice,2026-01-01\n")
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "reference_date: 2026-01-31\n"
        "tables:\n  reviews:\n    timestamp: created_at\n    retention_days: 30\n"
    )
    out = tmp_path / "r.json"
    result = runner.invoke(
        app, ["audit", str(tmp_path / "reviews.csv"), "-p", str(policy), "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    checks = json.loads(out.read_text())["checks"]
    retention = next(c for c in checks if c["rule"] == "retention")
    assert retention["status"] == "skipped"
    assert "created_at" in retention["reason"] and "columns: text, created" in retention["reason"]


def test_audit_reports_scores_of_the_calibration_it_is_given(
    demo: tuple[Path, Path], tmp_path: Path
) -> None:
    data, policy = demo

    def email_scores(*flags: str) -> set[float]:
        out = tmp_path / "r.json"
        result = runner.invoke(
            app, ["audit", str(data), "--policy", str(policy), "-o", str(out), "-q", *flags]
        )
        assert result.exit_code == 1, result.output
        findings = json.loads(out.read_text())["findings"]
        return {f["score"] for f in findings if f["rule"] == "email"}

    hand_set = email_scores("--calibration", "none")
    calibrated = email_scores()
    assert hand_set and calibrated and hand_set != calibrated
    assert min(calibrated) > min(hand_set)  # e-mails were right more often than 0.95 says
    broken = tmp_path / "cal.json"
    broken.write_text("[]", "utf-8")
    bad = runner.invoke(
        app, ["audit", str(data), "--policy", str(policy), "--calibration", str(broken)]
    )
    assert bad.exit_code == 3 and str(broken) in bad.output
