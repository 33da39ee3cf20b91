"""``clearance redact --encrypt-parquet --kms-key-file K``: the key file's checks and exit codes,
and what the other commands do with an encrypted output."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.io.kms import LocalKeyFileKms, create_key_file
from clearance.io.protected_parquet import read_protected_parquet
from clearance.io.tags import read_tags

runner = CliRunner()


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    frame = pl.DataFrame(
        {"email": [f"p{i}@example.org" for i in range(20)], "amount": list(range(20))}
    )
    frame.write_parquet(data / "users.parquet")
    frame.write_csv(data / "users.csv")
    return data


def _redact(tmp_path: Path, *extra: str) -> tuple[int, str]:
    data = _data(tmp_path)
    result = runner.invoke(app, ["redact", str(data), "-o", str(tmp_path / "out"), *extra])
    return result.exit_code, result.stderr


def test_encrypted_parquet_written_and_plain_outputs_warned(tmp_path: Path) -> None:
    keys = create_key_file(tmp_path / "keys.txt")
    code, err = _redact(tmp_path, "--encrypt-parquet", "--kms-key-file", str(keys))
    assert code == 0, err
    assert "not encrypted: data/users.csv" in err
    kms = LocalKeyFileKms.load(keys)
    path = tmp_path / "out" / "data" / "users.parquet"
    assert read_protected_parquet(path, kms)["amount"].to_list() == list(range(20))
    assert [c.name for c in read_tags(path, kms).columns if c.encrypted] == ["email"]
    # another command reading it without the key: the file is skipped with its reason, exit 3
    scan = runner.invoke(app, ["scan", str(path), "--format", "json"])
    assert scan.exit_code == 3, scan.output
    assert "encrypt" in scan.stderr.lower()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--encrypt-parquet"], "needs --kms-key-file"),
        (["--kms-key-file", "{tmp}/keys.txt"], "without --encrypt-parquet"),
        (["--encrypt-column", "amount"], "without --encrypt-parquet"),
        (["--encrypt-parquet", "--kms-key-file", "{tmp}/none.txt"], "does not exist"),
        (["--encrypt-parquet", "--kms-key-file", "{tmp}/open.txt"], "chmod 600"),
        (["--encrypt-parquet", "--kms-key-file", "{tmp}/out/keys.txt"], "inside the output"),
        (["--encrypt-parquet", "--kms-key-file", "{tmp}/data/keys.txt"], "is an input"),
        (
            ["--encrypt-parquet", "--kms-key-file", "{tmp}/keys.txt", "--encrypt-column", "x"],
            "'x': no Parquet output",
        ),
    ],
)
def test_key_file_problems_exit_4_and_write_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    create_key_file(tmp_path / "keys.txt")
    create_key_file(tmp_path / "open.txt").chmod(0o644)
    (tmp_path / "out").mkdir()
    create_key_file(tmp_path / "out" / "keys.txt")
    data = _data(tmp_path)
    create_key_file(data / "keys.txt")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(app, ["redact", str(data), "-o", str(tmp_path / "out"), *argv])
    assert result.exit_code == 4, result.output
    assert message in result.stderr
    files = [p.name for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert files == ["keys.txt"]  # no copy, no temporary file
