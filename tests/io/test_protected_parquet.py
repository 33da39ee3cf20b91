from __future__ import annotations

import secrets
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from clearance.errors import InputError, PolicyError
from clearance.io.kms import LocalKeyFileKms, create_key_file
from clearance.io.protected_parquet import (
    encrypt_parquet_file,
    is_encrypted_parquet,
    parquet_key_value,
    read_protected_parquet,
)

SENSITIVE = ["email", "address", "a.b", "\x1b[31mred"]


def _frame(rows: int = 50) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "email": [f"{secrets.token_hex(8)}@example.org" for _ in range(rows)],
            "address": [{"city": f"city{secrets.token_hex(6)}"} for _ in range(rows)],
            "a.b": [f"dotted{secrets.token_hex(6)}" for _ in range(rows)],
            "\x1b[31mred": [f"ansi{secrets.token_hex(6)}" for _ in range(rows)],
            "plain": [f"plain{secrets.token_hex(6)}" for _ in range(rows)],
            "n": list(range(rows)),
        }
    )


@pytest.fixture()
def kms(tmp_path: Path) -> LocalKeyFileKms:
    return LocalKeyFileKms.load(create_key_file(tmp_path / "keys.txt"))


def _encrypt(tmp_path: Path, frame: pl.DataFrame, kms: LocalKeyFileKms) -> Path:
    plain, target = tmp_path / "plain.parquet", tmp_path / "enc.parquet"
    frame.write_parquet(plain, compression="uncompressed")
    # uncompressed, so that a value left unencrypted is found in the bytes as written
    encrypt_parquet_file(
        plain,
        target,
        kms,
        SENSITIVE,
        footer_key_id="footer",
        column_key_id="columns",
        compression="none",
    )
    return target


def test_sensitive_values_are_not_in_the_bytes_and_come_back_exactly(
    tmp_path: Path, kms: LocalKeyFileKms
) -> None:
    frame = _frame()
    path = _encrypt(tmp_path, frame, kms)
    data = path.read_bytes()
    assert is_encrypted_parquet(path)
    sensitive = [*frame["email"], *frame["a.b"], *frame["\x1b[31mred"]]
    sensitive += [a["city"] for a in frame["address"]]
    assert not [v for v in sensitive if v.encode() in data]
    assert all(v.encode() in data for v in frame["plain"])  # the control: not encrypted
    assert b"email" not in data  # the footer (schema) is encrypted too
    assert read_protected_parquet(path, kms).equals(frame)
    assert read_protected_parquet(path, kms, columns=["email"]).equals(frame.select("email"))


def test_reading_without_the_key_fails(tmp_path: Path, kms: LocalKeyFileKms) -> None:
    path = _encrypt(tmp_path, _frame(), kms)
    with pytest.raises(OSError, match="encrypted"):
        pq.read_table(path)
    with pytest.raises(pl.exceptions.ComputeError, match="ncrypt"):
        pl.read_parquet(path)


def test_a_wrong_key_is_a_policy_error(tmp_path: Path, kms: LocalKeyFileKms) -> None:
    path = _encrypt(tmp_path, _frame(), kms)
    other = LocalKeyFileKms.load(create_key_file(tmp_path / "other.txt"))
    with pytest.raises(PolicyError, match="does not open"):
        read_protected_parquet(path, other)


def test_the_footer_key_alone_does_not_open_the_sensitive_columns(
    tmp_path: Path, kms: LocalKeyFileKms
) -> None:
    path = _encrypt(tmp_path, _frame(), kms)
    footer_only = LocalKeyFileKms({"footer": kms._master("footer")})
    assert read_protected_parquet(path, footer_only, columns=["plain", "n"]).height == 50
    with pytest.raises(PolicyError, match="no master key 'columns'"):
        read_protected_parquet(path, footer_only, columns=["email"])


def test_not_parquet_is_an_input_error(tmp_path: Path, kms: LocalKeyFileKms) -> None:
    path = tmp_path / "x.parquet"
    path.write_text("id,email\n1,a@b.c\n")
    with pytest.raises(InputError, match="cannot read as protected Parquet"):
        read_protected_parquet(path, kms)
    assert not is_encrypted_parquet(path)
    assert not is_encrypted_parquet(tmp_path / "missing.parquet")


def test_huge_value_and_metadata_survive(tmp_path: Path, kms: LocalKeyFileKms) -> None:
    big = secrets.token_hex(2_000_000)  # a 4 MB cell
    frame = pl.DataFrame({"email": [big, "x"], "plain": ["a", "b"]})
    plain, target = tmp_path / "p.parquet", tmp_path / "e.parquet"
    table = frame.to_arrow().replace_schema_metadata({"clearance": '{"k": 1}'})
    pq.write_table(table, plain)
    encrypt_parquet_file(
        plain, target, kms, ["email"], footer_key_id="footer", column_key_id="columns"
    )
    assert read_protected_parquet(target, kms).equals(frame)
    assert parquet_key_value(target, b"clearance", kms) == b'{"k": 1}'
    with pytest.raises(InputError, match="cannot read the Parquet metadata"):
        parquet_key_value(target, b"clearance")
