from __future__ import annotations

import stat
from pathlib import Path

import pytest

from clearance.errors import PolicyError
from clearance.privacy.fingerprint import KEY_ENV, load_key


def test_key_is_created_once_with_mode_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV)
    key = load_key(tmp_path)
    path = tmp_path / ".clearance" / "key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(key) == 64
    assert load_key(tmp_path) == key


@pytest.mark.parametrize("blocker", ["file for folder", "folder for key"])
def test_key_that_cannot_be_created_or_read_is_a_one_line_policy_error(
    blocker: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only working directory (here: a file where the key folder goes, which fails for
    root too) names CLEARANCE_KEY and the folder instead of a traceback."""
    monkeypatch.delenv(KEY_ENV)
    if blocker == "file for folder":
        (tmp_path / ".clearance").write_text("")
    else:
        (tmp_path / ".clearance" / "key").mkdir(parents=True)
    with pytest.raises(PolicyError) as info:
        load_key(tmp_path)
    message = str(info.value)
    assert KEY_ENV in message and str(tmp_path / ".clearance") in message
    assert "\n" not in message


def test_environment_key_needs_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "k")
    (tmp_path / ".clearance").write_text("")
    assert load_key(tmp_path) == b"k"


def test_digester_and_normalised_chars_give_the_fingerprint_of_every_window() -> None:
    from clearance.privacy.fingerprint import Fingerprinter, normalise, normalised_chars

    text = "Key: Ab-Cd (Straße).ΣΑΣ İx"
    chars = normalised_chars(text)
    for key in (b"k", b"x" * 64, b"y" * 100):  # shorter, equal to and longer than a block
        fp = Fingerprinter(key)
        digest = fp.digester("value")
        for i in range(len(text)):
            for j in range(i, len(text) + 1):
                assert "".join(chars[i:j]) == normalise(text[i:j])
                assert digest("".join(chars[i:j])).hex() == fp.of("value", text[i:j])
