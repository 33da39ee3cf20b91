from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.detection.calibration import bundled
from clearance.errors import PolicyError

runner = CliRunner()


def test_detect_text_file_writes_offsets(tmp_path: Path) -> None:
    src = tmp_path / "docs.txt"
    src.write_text("no pii here\nmail jane.doe@example.com now\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["detect", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0] == {"id": 1, "entities": []}
    ent = rows[1]["entities"][0]
    assert ent == {
        "type": "EMAIL_ADDRESS",
        "start": 5,
        "end": 25,
        "score": bundled().score("email", 0.95),  # the hand-set 0.95, calibrated
        "detector": "email",
    }
    assert "jane.doe" not in out.read_text()


def test_detect_jsonl_fields_and_show_values(tmp_path: Path) -> None:
    src = tmp_path / "docs.jsonl"
    src.write_text(json.dumps({"doc": "a-1", "body": "IBAN GB82WEST12345698765432"}) + "\n")
    result = runner.invoke(
        app, ["detect", str(src), "--text-field", "body", "--id-field", "doc", "--show-values"]
    )
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout.splitlines()[0])
    assert row["id"] == "a-1"
    assert row["entities"][0]["value"] == "GB82WEST12345698765432"


def test_detect_bad_jsonl_is_one_line_error(tmp_path: Path) -> None:
    src = tmp_path / "docs.jsonl"
    src.write_text('{"text": "ok"}\n{broken\n')
    result = runner.invoke(app, ["detect", str(src)])
    assert result.exit_code == 3
    assert "docs.jsonl:2" in result.stderr and "invalid JSON" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_scan_formats_and_gate(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("id,email\n1,jane.doe@example.com\n2,john@example.org\n")
    for fmt in ("json", "markdown", "sarif"):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(app, ["scan", str(data), "--format", fmt, "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
        assert out.read_text()
    report = json.loads((tmp_path / "report.json").read_text())
    finding = report["findings"][0]
    for key in (
        "rule",
        "category",
        "entity",
        "severity",
        "location",
        "count",
        "preview",
        "fingerprint",
        "score",
    ):
        assert key in finding
    assert finding["location"]["column"] == "email" and finding["count"] == 2
    gate = runner.invoke(app, ["scan", str(data), "--fail-on", "high", "-f", "json", "-q"])
    assert gate.exit_code == 1
    passing = runner.invoke(app, ["scan", str(data), "--fail-on", "critical", "-f", "json", "-q"])
    assert passing.exit_code == 0


def test_scan_exit_code_when_input_skipped(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("hello\n")
    (tmp_path / "blob.bin").write_bytes(b"\x00" * 10)
    result = runner.invoke(app, ["scan", str(tmp_path), "-f", "json", "-q"])
    assert result.exit_code == 3
    assert json.loads(result.stdout)["skipped"][0]["reason"].startswith("binary")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["scan"]).exit_code == 2
    assert (
        runner.invoke(app, ["detect", str(tmp_path / "x.txt"), "--threshold", "abc"]).exit_code == 2
    )


def test_config_errors_exit_4(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x\n")
    bad_fmt = runner.invoke(app, ["scan", str(tmp_path / "a.txt"), "--format", "pdf"])
    assert bad_fmt.exit_code == 4 and "allowed" in bad_fmt.stderr
    bad_entity = runner.invoke(app, ["detect", str(tmp_path / "a.txt"), "--entities", "NOPE"])
    assert bad_entity.exit_code == 4


def test_missing_ner_model_is_backend_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Jane lives in Paris\n")
    result = runner.invoke(
        app, ["detect", str(tmp_path / "a.txt"), "--ner", "hf:/nonexistent/model"]
    )
    assert result.exit_code == 5
    assert "/nonexistent/model" in result.stderr


def test_detect_workers_option_gives_the_same_output(tmp_path: Path) -> None:
    lines = [
        f"Thanks for order {i}! Please mail user{i}@example.com or call +44 20 7946 0{i % 1000:03d}"
        " if the parcel has not arrived by Friday."
        for i in range(3000)
    ]
    src = tmp_path / "docs.txt"
    src.write_text("\n".join(lines) + "\n")
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        result = runner.invoke(app, ["detect", str(src), "-o", str(out), "--workers", workers])
        assert result.exit_code == 0, result.output
        outs.append(out.read_text())
    assert outs[0] == outs[1]
    assert outs[0].count("EMAIL_ADDRESS") == 3000
    bad = runner.invoke(app, ["detect", str(src), "--workers", "0"])
    assert bad.exit_code == 2


def test_bad_workers_environment_is_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "docs.txt"
    src.write_text("mail jane.doe@example.com\n")
    monkeypatch.setenv("CLEARANCE_WORKERS", "many")
    result = runner.invoke(app, ["detect", str(src)])
    assert result.exit_code == 4
    assert "CLEARANCE_WORKERS" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def _labelled(path: Path) -> list[str]:
    """Documents with one labelled e-mail each; a second e-mail per document is left unlabelled,
    so half the e-mail matches are judged wrong."""
    lines, planted = [], []
    for i in range(60):
        labelled, other = f"ann.lee{i}@example.com", f"ops{i}@example.org"
        text = f"contact {labelled} (cc {other})"
        start = text.index(labelled)
        spans = [{"type": "EMAIL_ADDRESS", "start": start, "end": start + len(labelled)}]
        lines.append(json.dumps({"text": text, "spans": spans}))
        planted += [labelled, other]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return planted


def test_calibrate_then_detect_with_the_map(tmp_path: Path) -> None:
    gold, cal = tmp_path / "gold.jsonl", tmp_path / "cal.json"
    planted = _labelled(gold)
    result = runner.invoke(app, ["calibrate", str(gold), "-o", str(cal), "--prior-strength", "0"])
    assert result.exit_code == 0, result.output
    assert "60 documents, 120 judged matches (60 right)" in result.output
    fitted = json.loads(cal.read_text("utf-8"))
    assert fitted["detectors"]["email"] == [
        {"raw": 0.95, "calibrated": 0.5, "matches": 120, "correct": 60}
    ]
    assert not any(v in cal.read_text("utf-8") for v in planted)  # counts only, no text

    src = tmp_path / "docs.txt"
    src.write_text("mail jane.doe@example.com now\n")

    def email_score(*flags: str) -> float:
        out = runner.invoke(app, ["detect", str(src), *flags])
        assert out.exit_code == 0, out.output
        return float(json.loads(out.stdout)["entities"][0]["score"])

    assert email_score("--calibration", str(cal)) == 0.5
    assert email_score("--calibration", "none") == 0.95
    assert email_score() == bundled().score("email", 0.95)
    dropped = runner.invoke(
        app, ["detect", str(src), "--calibration", str(cal), "--threshold", "0.6"]
    )
    assert json.loads(dropped.stdout)["entities"] == []


def test_calibration_errors_are_one_line(tmp_path: Path) -> None:
    src = tmp_path / "docs.txt"
    src.write_text("mail jane.doe@example.com now\n")
    broken = tmp_path / "cal.json"
    broken.write_text("{not json", "utf-8")
    result = runner.invoke(app, ["detect", str(src), "--calibration", str(broken)])
    assert result.exit_code == 3
    assert result.output.count("\n") == 1 and str(broken) in result.output
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"text": "x", "spans": [{"type": "PERSON", "start": 0, "end": 9}]}\n')
    bad = runner.invoke(app, ["calibrate", str(gold), "-o", str(tmp_path / "o.json")])
    assert bad.exit_code == 3 and "gold.jsonl:1: a span lies outside its text" in bad.output
    assert not (tmp_path / "o.json").exists()


# --- the CLI boundary: a crash never looks like a result --------------------------------------


def _crash(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def boom(*args: object, **kwargs: object) -> object:
        raise exc

    monkeypatch.setattr("clearance.cli.app.scan_paths", boom)


def _users(tmp_path: Path) -> Path:
    data = tmp_path / "users.csv"
    data.write_text("id,email\n1,jane.doe@example.com\n")
    return data


def test_internal_error_is_exit_70_one_line_without_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLEARANCE_DEBUG", raising=False)
    # Exception messages may quote data: the one-line report names the type, never the text.
    _crash(monkeypatch, ValueError("jane.doe@example.com is not in list"))
    result = runner.invoke(app, ["scan", str(_users(tmp_path)), "-q"])
    assert result.exit_code == 70
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: internal error (ValueError")
    assert "--debug" in lines[0] and "CLEARANCE_DEBUG=1" in lines[0]
    assert "jane.doe" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("how", ["--debug", "CLEARANCE_DEBUG=1"])
def test_debug_shows_the_traceback(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crash(monkeypatch, RecursionError("maximum recursion depth exceeded"))
    argv = ["scan", str(_users(tmp_path)), "-q"]
    if how == "--debug":
        argv.insert(0, "--debug")
    else:
        monkeypatch.setenv("CLEARANCE_DEBUG", "1")
    result = runner.invoke(app, argv)
    assert result.exit_code == 70
    assert "Traceback" in result.stderr and "RecursionError" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: internal error")


def test_interrupt_is_exit_130_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _crash(monkeypatch, KeyboardInterrupt())
    result = runner.invoke(app, ["scan", str(_users(tmp_path)), "-q"])
    assert result.exit_code == 130
    assert result.stderr.strip() == "error: interrupted"


def test_boundary_covers_every_subcommand(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nested groups (llm canary, fairness) and commands without their own error handling."""

    def boom(*args: object, **kwargs: object) -> object:
        raise TypeError("unexpected")

    monkeypatch.setattr("clearance.cli.app.default_registry", boom)
    monkeypatch.setattr("clearance.llm.canary.make_canaries", boom)
    monkeypatch.setattr("clearance.cli.audit_cmd.write_atomic", boom)
    for argv in (["rules"], ["llm", "canary", "make", "-f", "digits:4"], ["init"]):
        result = runner.invoke(app, argv)
        assert result.exit_code == 70, (argv, result.output)
        assert result.stderr.startswith("error: internal error (TypeError"), result.stderr


def test_clearance_error_outside_a_handler_keeps_its_code(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise PolicyError("clearance.yaml: bad value")

    monkeypatch.setattr("clearance.cli.app.default_registry", refuse)
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 4 and result.stderr == "error: clearance.yaml: bad value\n"


def test_demo_says_the_failures_are_on_purpose_and_exits_0(tmp_path: Path) -> None:
    from clearance.cli.app import german_data_path

    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo"), "--rows", "40"])
    assert result.exit_code == 0, result.output
    assert "gate FAIL" in result.stderr
    assert "the gate FAILS on purpose: the demo data has planted problems" in result.stderr
    assert "the demo exits 0 all the same" in result.stderr
    if german_data_path().is_file():
        assert "fairness verdict for the German credit model: FAIL" in result.stderr
        assert "the verdict FAILS as expected" in result.stderr
        assert (tmp_path / "demo" / "fairness" / "adverse_action_reasons.csv").is_file()
        # the model card, built from the fairness report and checked: what a human must fill
        assert "card check against EU AI Act" in result.stderr
        assert "fill model_details.owners, model_details.date" in result.stderr
        assert "the card check FAILS as expected" in result.stderr
        for name in ("card.yaml", "card.md", "card.html", "card.json", "card-check.json"):
            assert (tmp_path / "demo" / "fairness" / name).is_file()


def test_detect_warns_about_invalid_utf8(tmp_path: Path) -> None:
    src = tmp_path / "docs.txt"
    src.write_bytes(b"fine\r\nmail jane.doe@example.com \xff\xfe here\nok \xc3\n")
    result = runner.invoke(app, ["detect", str(src)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"warning: {src}: invalid UTF-8 on 2 line(s) (first: line 2), decoded with replacement "
        "characters\n"
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert rows[1]["entities"][0]["start"] == 5 and rows[1]["entities"][0]["end"] == 25


def test_a_bare_clearance_error_is_never_a_result(monkeypatch: pytest.MonkeyPatch) -> None:
    from clearance.errors import ClearanceError

    def refuse(*args: object, **kwargs: object) -> object:
        raise ClearanceError("raised without a class")

    monkeypatch.setattr("clearance.cli.app.default_registry", refuse)
    assert runner.invoke(app, ["rules"]).exit_code == 70
