"""Hostile inputs through the CLI: a FIFO or an endless device given where a file is expected is
refused at once with its kind named (never opened: that hangs, or reads forever), and an output
path that is one of the inputs is refused before the input is destroyed."""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app

runner = CliRunner()


@contextlib.contextmanager
def _fifo(tmp_path: Path) -> Iterator[Path]:
    """A FIFO; should a command open it anyway, a writer comes after 20 s and closes it, so
    the test fails on its assertion instead of hanging the suite."""
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    done = threading.Event()

    def unblock() -> None:
        if not done.wait(20):
            with contextlib.suppress(OSError), open(path, "wb"):
                pass

    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        done.set()


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "users.csv"
    data.write_text("id,email\n1,jane.doe@example.com\n")
    return data


def _dp_query(tmp_path: Path) -> str:
    query = tmp_path / "q.yaml"
    query.write_text("budget: {epsilon: 1}\nreleases: [{kind: count, epsilon: 0.5}]\n")
    return str(query)


def _commands(special: str, tmp_path: Path) -> dict[str, list[str]]:
    data = str(_data(tmp_path))
    model = tmp_path / "model.skops"  # the same entry under a name the model loader accepts
    model.symlink_to(special)
    out = str(tmp_path / "out.json")
    dp_out = ["--ledger", str(tmp_path / "ledger.json"), "-o", out]
    return {
        "detect INPUT": ["detect", special],
        "calibrate INPUT": ["calibrate", special, "-o", out],
        "scan --calibration": ["scan", data, "--calibration", special],
        "detect --calibration": ["detect", data, "--calibration", special],
        "fairness --data": [
            "fairness", "--data", special, "--target", "y", "--prediction", "p",
            "--sensitive", "s",
        ],
        "fairness --policy": [
            "fairness", "--data", data, "--target", "y", "--prediction", "p",
            "--sensitive", "s", "--policy", special,
        ],
        "fairness --model": [
            "fairness", "--data", data, "--target", "y", "--model", str(model), "--sensitive", "s",
        ],
        "mitigate --data": [
            "fairness", "mitigate", "--data", special, "--target", "y", "--sensitive", "s",
        ],
        "audit --policy": ["audit", data, "--policy", special],
        "dp --data": ["dp", "--data", special, "--query", _dp_query(tmp_path), *dp_out],
        "dp --query": ["dp", "--data", data, "--query", special, *dp_out],
        "dp --policy": [
            "dp", "--data", data, "--query", _dp_query(tmp_path), *dp_out, "--policy", special,
        ],
    }  # fmt: skip


COMMANDS = [
    "detect INPUT",
    "calibrate INPUT",
    "scan --calibration",
    "detect --calibration",
    "fairness --data",
    "fairness --policy",
    "fairness --model",
    "mitigate --data",
    "audit --policy",
    "dp --data",
    "dp --query",
    "dp --policy",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_fifo_as_input_is_refused_not_opened(command: str, tmp_path: Path) -> None:
    with _fifo(tmp_path) as fifo:
        result = runner.invoke(app, _commands(str(fifo), tmp_path)[command])
    assert result.exit_code in (3, 4), result.output
    assert "FIFO" in result.stderr and str(tmp_path) in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", COMMANDS)
def test_an_endless_device_as_input_is_refused_not_read(command: str, tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    # with a suffix the format checks accept, so the kind check is what refuses it
    device = tmp_path / "zero.csv"
    device.symlink_to("/dev/zero")
    result = runner.invoke(app, _commands(str(device), tmp_path)[command])
    assert result.exit_code in (3, 4), result.output
    assert "character device" in result.stderr, result.stderr


def test_scan_names_a_fifo_input_as_a_fifo_not_as_missing(tmp_path: Path) -> None:
    with _fifo(tmp_path) as fifo:
        result = runner.invoke(app, ["scan", str(fifo), "-f", "json", "-o", "-", "-q"])
    assert result.exit_code == 3
    (skipped,) = json.loads(result.stdout)["skipped"]
    assert skipped["path"] == str(fifo) and "FIFO" in skipped["reason"]
    assert "no such file" not in skipped["reason"]


@pytest.mark.parametrize(
    "argv",
    [
        ["scan", "{data}", "-f", "json", "-o", "{data}"],
        ["scan", "{data}", "-f", "json", "-o", "{data}", "--calibration", "{data}"],
        [
            "fairness",
            "--data",
            "{table}",
            "--target",
            "y",
            "--prediction",
            "p",
            "--sensitive",
            "s",
            "--reasons-out",
            "{table}",
        ],
        [
            "fairness",
            "mitigate",
            "--data",
            "{table}",
            "--target",
            "y",
            "--sensitive",
            "s",
            "--save-model",
            "{table}",
        ],
        ["detect", "{data}", "-o", "{data}"],
        ["calibrate", "{data}", "-o", "{data}"],
        ["audit", "{datajson}", "-o", "{table}.md", "-o", "{datajson}"],
        ["llm", "inventory", "{datajson}", "-o", "{datajson}"],
        [
            "llm",
            "audit",
            "--corpus",
            "{datajson}",
            "--endpoint",
            "http://127.0.0.1:9/v1",
            "--endpoint-model",
            "m",
            "-o",
            "{table}.json",
            "-o",
            "{datajson}",
        ],
    ],
)
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(
    argv: list[str], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    data = folder / "notes.txt"
    original = "mail jane.doe@example.com\n"
    data.write_text(original)
    table = folder / "scored.csv"
    table.write_text("y,p,s\n1,1,a\n0,1,b\n")
    original_table = table.read_text()
    datajson = folder / "notes.json"  # an input under a name the report types accept
    datajson.write_text(original)
    args = [a.format(data=data, datajson=datajson, table=table, folder=folder) for a in argv]
    result = runner.invoke(app, args)
    assert result.exit_code == 3, result.output
    assert "is an input" in result.stderr
    assert data.read_text() == original and table.read_text() == original_table
    assert datajson.read_text() == original


def test_audit_lists_a_fifo_in_a_folder_with_its_reason(tmp_path: Path) -> None:
    """A folder holding only a FIFO: nothing could be read, and the one-line error says why."""
    folder = tmp_path / "tables"
    folder.mkdir()
    with _fifo(folder) as fifo:
        result = runner.invoke(app, ["audit", str(folder), "-q"])
    assert result.exit_code == 3, result.output
    assert "no table could be read" in result.stderr and "FIFO" in result.stderr
    assert fifo.name in result.stderr


def test_audit_skips_a_table_too_wide_to_audit(tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    folder.mkdir()
    (folder / "users.csv").write_text("id,email\n1,jane.doe@example.com\n")
    width = 10_001
    (folder / "wide.csv").write_text(
        ",".join(f"c{i}" for i in range(width)) + "\n" + ",".join("1" * width) + "\n"
    )
    out = tmp_path / "audit.json"
    result = runner.invoke(app, ["audit", str(folder), "-o", str(out), "-q"])
    assert result.exit_code in (1, 3), result.output
    skipped = json.loads(out.read_text())["skipped"]
    assert [s["path"] for s in skipped] == [str(folder / "wide.csv")]
    assert "10,001 columns" in skipped[0]["reason"]
    assert "wide.csv" in result.stderr


def test_a_report_inside_the_scanned_folder_is_replaced_on_the_next_run(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    _data(folder)
    report = folder / "report.json"
    for _ in range(2):
        result = runner.invoke(app, ["scan", str(folder), "-f", "json", "-o", str(report), "-q"])
        assert result.exit_code == 0, result.output
    assert json.loads(report.read_text())["summary"]["files_scanned"] == 2  # users.csv, report


def test_init_refuses_to_write_its_policy_over_one_of_its_tables(tmp_path: Path) -> None:
    data = _data(tmp_path)
    before = data.read_bytes()
    result = runner.invoke(app, ["init", str(data), "-o", str(data), "--force"])
    assert result.exit_code == 3, result.output
    assert "is an input" in result.output
    assert data.read_bytes() == before


@pytest.mark.parametrize("bad", ["text", "manifest"])
def test_canary_make_writes_nothing_when_one_of_its_outputs_is_refused(
    bad: str, tmp_path: Path
) -> None:
    out = tmp_path / "canaries.jsonl"
    refused = tmp_path / "missing" / "x.txt" if bad == "text" else tmp_path  # a folder
    result = runner.invoke(
        app, ["llm", "canary", "make", "-f", "digits:8", "-o", str(out), f"--{bad}", str(refused)]
    )
    assert result.exit_code == 3, result.output
    assert sorted(tmp_path.iterdir()) == []  # no canary values left behind


def test_llm_audit_endpoint_with_a_control_character_is_an_input_error(tmp_path: Path) -> None:
    corpus = tmp_path / "cfg.py"
    corpus.write_text('KEY = "AKIAQYLPMN5HHHFPZAM2"\n')
    url = "http://user:s3cret-pw@127.0.0.1:9/\x1b[31m"
    result = runner.invoke(
        app,
        ["llm", "audit", "--corpus", str(corpus), "--endpoint", url, "--endpoint-model", "m",
         "-o", str(tmp_path / "audit.json")],
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "not a valid URL" in result.output
    assert "\x1b" not in result.output and "s3cret-pw" not in result.output
    assert not (tmp_path / "audit.json").exists()


def test_audit_reads_a_sqlite_blob_that_is_not_utf8(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "blobs.db"
    with contextlib.closing(sqlite3.connect(db)) as con:
        con.execute("CREATE TABLE t (b BLOB)")
        con.execute("INSERT INTO t VALUES (?)", (b"\xff\xfe 536-90-4399",))
        con.commit()
    result = runner.invoke(app, ["audit", "--db", f"sqlite:///{db}", "-q"])
    assert result.exit_code in (0, 1), result.output
    assert "internal error" not in result.output and "536-90-4399" not in result.output
