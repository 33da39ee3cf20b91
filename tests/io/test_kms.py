from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from clearance.errors import PolicyError
from clearance.io.kms import KeyManagementService, LocalKeyFileKms, create_key_file


def test_created_key_file_is_owner_only_and_round_trips(tmp_path: Path) -> None:
    path = create_key_file(tmp_path / "keys.txt")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kms = LocalKeyFileKms.load(path)
    assert isinstance(kms, KeyManagementService)
    assert kms.key_ids == ["columns", "footer"]
    data_key = os.urandom(16)
    wrapped = kms.wrap_key(data_key, "columns")
    assert data_key not in base64.b64decode(wrapped)
    assert kms.unwrap_key(wrapped, "columns") == data_key
    assert "columns" in repr(kms) and path.read_text().split("columns: ")[1][:20] not in repr(kms)


def test_existing_key_file_is_never_replaced(tmp_path: Path) -> None:
    path = create_key_file(tmp_path / "keys.txt")
    before = path.read_bytes()
    with pytest.raises(PolicyError, match="exists already"):
        create_key_file(path)
    assert path.read_bytes() == before


def test_a_wrapped_key_does_not_open_with_another_master_key(tmp_path: Path) -> None:
    one = LocalKeyFileKms.load(create_key_file(tmp_path / "a.txt"))
    other = LocalKeyFileKms.load(create_key_file(tmp_path / "b.txt"))
    wrapped = one.wrap_key(b"k" * 16, "footer")
    with pytest.raises(PolicyError, match="does not open"):
        other.unwrap_key(wrapped, "footer")
    with pytest.raises(PolicyError, match="does not open"):  # bound to its master key's id
        one.unwrap_key(one.wrap_key(b"k" * 16, "columns"), "footer")
    with pytest.raises(PolicyError, match="does not open"):
        one.unwrap_key("not base64 at all!", "footer")
    with pytest.raises(PolicyError, match="no master key 'nope'"):
        one.wrap_key(b"k" * 16, "nope")


def _write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


KEY32 = base64.b64encode(b"x" * 32).decode()


@pytest.mark.parametrize(
    ("text", "mode", "message"),
    [
        (f"footer: {KEY32}\n", 0o644, "readable by group or others"),
        (f"footer: {KEY32}\n", 0o640, "readable by group or others"),
        ("# only a comment\n", 0o600, "holds no master key"),
        ("footer = abc\n", 0o600, "expected 'ID: BASE64-KEY'"),
        ("footer: %%%\n", 0o600, "is not base64"),
        (f"footer: {base64.b64encode(b'short').decode()}\n", 0o600, "has 5 bytes"),
        (f"footer: {KEY32}\nfooter: {KEY32}\n", 0o600, "given twice"),
        ("\x1b[31m: abc\n", 0o600, "expected 'ID: BASE64-KEY'"),
    ],
)
def test_bad_key_files_are_refused(tmp_path: Path, text: str, mode: int, message: str) -> None:
    path = _write(tmp_path / "keys.txt", text, mode)
    with pytest.raises(PolicyError, match=message) as info:
        LocalKeyFileKms.load(path)
    assert KEY32 not in str(info.value)


def test_missing_folder_and_unreadable_key_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="does not exist"):
        LocalKeyFileKms.load(tmp_path / "none.txt")
    with pytest.raises(PolicyError, match="not a regular file"):
        LocalKeyFileKms.load(tmp_path)
    path = _write(tmp_path / "keys.txt", f"footer: {KEY32}\n", 0o000)
    if os.access(path, os.R_OK):
        pytest.skip("running as a user who reads every file")
    with pytest.raises(PolicyError, match="cannot be read"):
        LocalKeyFileKms.load(path)
