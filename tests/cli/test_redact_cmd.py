from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.demo.ecommerce import generate
from clearance.redact.replace import Replacer

runner = CliRunner()


def _planted(data: Path) -> list[str]:
    users = pl.read_csv(data / "users.csv", infer_schema=False)
    return [*users["email"], *users["phone"], *users["full_name"], *users["card_number"]]


def test_demo_redacted_exit_0_and_nothing_planted_printed(tmp_path: Path) -> None:
    generate(tmp_path / "data", users=60, seed=5)
    result = runner.invoke(app, ["redact", str(tmp_path / "data"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "re-scan: 0 remaining" in result.stderr
    manifest = (tmp_path / "out" / "manifest.json").read_text()
    assert json.loads(manifest)["rescan"]["remaining"] == 0
    printed = result.stdout + result.stderr + manifest
    assert not [v for v in _planted(tmp_path / "data") if v in printed]


def test_missing_key_exit_4_with_the_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLEARANCE_KEY")
    src = tmp_path / "u.csv"
    pl.DataFrame({"email": [f"p{i}@example.org" for i in range(10)]}).write_csv(src)
    result = runner.invoke(app, ["redact", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 4
    assert (
        "needs a key" in result.stderr and "set CLEARANCE_KEY or pass --key-file" in result.stderr
    )
    assert "example.org" not in result.stderr
    assert not (tmp_path / ".clearance").exists()  # no key file created silently


def test_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLEARANCE_KEY")
    src = tmp_path / "u.csv"
    pl.DataFrame({"email": [f"p{i}@example.org" for i in range(10)]}).write_csv(src)
    (tmp_path / "key").write_text("a key from a file\n")
    ok = runner.invoke(
        app, ["redact", str(src), "-o", str(tmp_path / "out"), "--key-file", str(tmp_path / "key")]
    )
    assert ok.exit_code == 0, ok.output
    (tmp_path / "out" / "key").write_text("x")
    inside = runner.invoke(
        app,
        [
            "redact",
            str(src),
            "-o",
            str(tmp_path / "out"),
            "--key-file",
            str(tmp_path / "out" / "key"),
        ],
    )
    assert inside.exit_code == 4 and "inside the output folder" in inside.stderr


def test_key_file_inside_an_input_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the key would be copied into OUTDIR with the folder it sits in
    monkeypatch.delenv("CLEARANCE_KEY")
    data = tmp_path / "data"
    data.mkdir()
    pl.DataFrame({"email": [f"p{i}@example.org" for i in range(10)]}).write_csv(data / "u.csv")
    (data / "key").write_text("a key kept with the data\n")
    result = runner.invoke(
        app, ["redact", str(data), "-o", str(tmp_path / "out"), "--key-file", str(data / "key")]
    )
    assert result.exit_code == 4 and "is an input or inside one" in result.stderr
    assert "a key kept" not in result.output + result.stderr
    assert not (tmp_path / "out" / "data" / "key").exists()


def test_encrypt_parquet_with_db_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "redact",
            "--db",
            f"sqlite:///{tmp_path / 'in.db'}",
            "--out-db",
            f"sqlite:///{tmp_path / 'out.db'}",
            "-o",
            str(tmp_path / "out"),
            "--encrypt-parquet",
            "--kms-key-file",
            str(tmp_path / "keys.txt"),
        ],
    )
    assert result.exit_code == 4 and "does not go with --db" in result.stderr


def test_output_inside_the_input_exit_3(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.txt").write_text("hi\n")
    result = runner.invoke(
        app, ["redact", str(tmp_path / "data"), "-o", str(tmp_path / "data" / "out")]
    )
    assert result.exit_code == 3
    assert "is the input" in result.stderr


def test_remaining_findings_exit_1_and_no_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "n.txt").write_text("write to ana.lopez@example.org\n")
    monkeypatch.setattr(Replacer, "value", lambda self, value, *a, **k: value)
    result = runner.invoke(app, ["redact", str(tmp_path / "n.txt"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "found 1 finding(s) of redacted kinds (EMAIL_ADDRESS 1)" in result.stderr
    assert not (tmp_path / "out" / "n.txt").exists()
    assert "ana.lopez" not in result.stderr + result.stdout


def test_skipped_input_exit_3_and_names_escaped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "\x1b[2Jevil[red].txt").write_bytes(b"\x00\x01")
    (data / "ok.txt").write_text("mail ana.lopez@example.org\n")
    result = runner.invoke(app, ["redact", str(data), "-o", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert "\x1b" not in result.stderr and "\\x1b[2Jevil[red].txt" in result.stderr
    assert (tmp_path / "out" / "data" / "ok.txt").read_text() == "mail <EMAIL_ADDRESS>\n"
