from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from clearance.anonymize import run
from clearance.audit.anonymity import measure_anonymity
from clearance.cli.app import app
from tests.cli._evidence import (
    FOLDER,
    RUN_ID,
    assert_nothing_planted,
    hashes,
    only_run,
    sha256,
)

runner = CliRunner()


def _table(tmp: Path, rows: int = 300, name: str = "people.csv") -> Path:
    rng = np.random.default_rng(0)
    path = tmp / name
    pl.DataFrame(
        {
            "age": rng.integers(18, 90, rows),
            "zip": pl.Series(rng.integers(1000, 99999, rows)).cast(pl.String).str.zfill(5),
            "sex": rng.choice(["F", "M"], rows),
            "disease": rng.choice(["flu", "cold", "asthma"], rows),
        }
    ).write_csv(path)
    return path


def _args(src: Path, out: Path, *extra: str) -> list[str]:
    return [
        "anonymize",
        str(src),
        "--k",
        "5",
        "--quasi-identifiers",
        "age,zip,sex",
        "-o",
        str(out),
        *extra,
    ]


def test_contract_command_line_exit_0_and_report(tmp_path: Path) -> None:
    src = _table(tmp_path)
    out = tmp_path / "anon.csv"
    result = runner.invoke(app, _args(src, out, "--l", "2", "--sensitive", "disease"))
    assert result.exit_code == 0, result.output
    assert "k=" in result.stderr and "anon.csv.anonymize.json" in result.stderr
    report = json.loads((tmp_path / "anon.csv.anonymize.json").read_text())
    assert report["verified"] and report["verification"]["k"] >= 5 and report["l"] == 2
    assert set(report["information_loss"]["columns"]) == {"age", "zip", "sex"}


def test_report_option(tmp_path: Path) -> None:
    src = _table(tmp_path)
    result = runner.invoke(
        app, _args(src, tmp_path / "a.csv", "--report", str(tmp_path / "r.json"), "-q")
    )
    assert result.exit_code == 0 and (tmp_path / "r.json").exists()
    assert result.stderr == ""


def test_unknown_column_exit_3_names_file_and_column(tmp_path: Path) -> None:
    src = _table(tmp_path)
    result = runner.invoke(
        app,
        [
            "anonymize",
            str(src),
            "--k",
            "5",
            "--quasi-identifiers",
            "age,nope",
            "-o",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 3
    assert str(src) in result.stderr and "'nope'" in result.stderr


def test_markup_and_ansi_in_column_names_are_never_echoed_raw(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    name = "\x1b[2J<script>[bold]x"
    pl.DataFrame({name: list(range(20)), "b": list(range(20))}).write_csv(src)
    result = runner.invoke(
        app,
        [
            "anonymize",
            str(src),
            "--k",
            "5",
            "--quasi-identifiers",
            "\x1b[31mred",
            "-o",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 3
    assert "\x1b" not in result.stderr
    ok = runner.invoke(
        app,
        [
            "anonymize",
            str(src),
            "--k",
            "5",
            "--quasi-identifiers",
            name,
            "-o",
            str(tmp_path / "o.csv"),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "\x1b" not in ok.stderr


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--k", "1"], 4, "k must be a whole number >= 2"),
        (["--k", "100000"], 4, "larger than the table"),
        (["--l", "2"], 4, "--l needs --sensitive"),
        (["--max-suppression", "3"], 4, "share in [0, 1]"),
    ],
)
def test_bad_parameters(tmp_path: Path, extra: list[str], code: int, message: str) -> None:
    src = _table(tmp_path)
    args = _args(src, tmp_path / "o.csv")
    result = runner.invoke(app, [*args, *extra])
    assert result.exit_code == code, result.output
    assert message in result.stderr


def test_hierarchy_that_does_not_fit_exit_4(tmp_path: Path) -> None:
    src = _table(tmp_path)
    policy = tmp_path / "p.yaml"
    policy.write_text("anonymize:\n  hierarchies:\n    sex: {type: numeric, width: 5}\n")
    result = runner.invoke(app, _args(src, tmp_path / "o.csv", "--policy", str(policy)))
    assert result.exit_code == 4
    assert "type numeric does not fit column sex" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"age,zip,sex\n", "no rows"),
        (b'age,zip,sex\n1,"unterminated\n2,3\n', "cannot parse as CSV"),
    ],
)
def test_empty_and_malformed_tables_exit_3(tmp_path: Path, content: bytes, message: str) -> None:
    src = tmp_path / "bad.csv"
    src.write_bytes(content)
    result = runner.invoke(app, _args(src, tmp_path / "o.csv"))
    assert result.exit_code == 3, result.output
    assert message in result.stderr and not (tmp_path / "o.csv").exists()


def test_missing_file_and_folder_exit_3(tmp_path: Path) -> None:
    missing = runner.invoke(app, _args(tmp_path / "none.csv", tmp_path / "o.csv"))
    assert missing.exit_code == 3
    folder = tmp_path / "dir.csv"
    folder.mkdir()
    assert runner.invoke(app, _args(folder, tmp_path / "o.csv")).exit_code == 3


def test_output_equal_to_input_exit_3_and_input_untouched(tmp_path: Path) -> None:
    src = _table(tmp_path)
    before = src.read_bytes()
    result = runner.invoke(app, _args(src, src))
    assert result.exit_code == 3 and "is an input" in result.stderr
    assert src.read_bytes() == before


def test_failed_verification_exit_1_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _table(tmp_path)
    real = measure_anonymity
    monkeypatch.setattr(
        run, "measure_anonymity", lambda *a, **kw: real(*a, **kw).model_copy(update={"k": 1})
    )
    result = runner.invoke(app, _args(src, tmp_path / "o.csv"))
    assert result.exit_code == 1
    assert "nothing was written" in result.stderr and not (tmp_path / "o.csv").exists()


def test_a_run_is_recorded_with_its_files_and_no_value(tmp_path: Path) -> None:

    src = _table(tmp_path)
    pl.read_csv(src).with_columns(
        pl.format("planted-diagnosis-{}", pl.col("disease")).alias("disease")
    ).write_csv(src)
    out = tmp_path / "anon.csv"
    result = runner.invoke(app, _args(src, out, "--l", "2", "--sensitive", "disease"))
    assert result.exit_code == 0, result.output
    entry = only_run("anonymize", result.stderr)
    assert entry["verdict"] == "pass" and entry["summary"]["measured_k"] >= 5
    assert hashes(entry["inputs"]) == {str(src): sha256(src)}
    report = tmp_path / "anon.csv.anonymize.json"
    assert hashes(entry["outputs"]) == {str(out): sha256(out), str(report): sha256(report)}
    assert_nothing_planted("planted-diagnosis")


def test_no_evidence_records_nothing(tmp_path: Path) -> None:

    result = runner.invoke(app, _args(_table(tmp_path), tmp_path / "a.csv", "--no-evidence"))
    assert result.exit_code == 0, result.output
    assert not FOLDER.exists() and not RUN_ID.search(result.stderr)
