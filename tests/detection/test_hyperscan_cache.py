"""The on-disk cache of compiled Hyperscan databases: where it lives, what it gives back, and
that a bad file or folder is never an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.detection import hyperscan_cache


def test_the_folder_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", "off")
    assert hyperscan_cache.folder() is None
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", str(tmp_path / "here"))
    assert hyperscan_cache.folder() == tmp_path / "here"
    monkeypatch.delenv("CLEARANCE_HYPERSCAN_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hyperscan_cache.folder() == tmp_path / "xdg" / "clearance" / "hyperscan"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")  # not absolute: ignored, as the spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert hyperscan_cache.folder() == tmp_path / "home" / ".cache" / "clearance" / "hyperscan"


def test_the_key_separates_fields() -> None:
    assert hyperscan_cache.key([b"ab", b"c"]) != hyperscan_cache.key([b"a", b"bc"])
    assert hyperscan_cache.key([b"ab", b"c"]) == hyperscan_cache.key([b"ab", b"c"])


def test_stored_then_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", str(tmp_path / "c"))
    assert hyperscan_cache.load("k") is None
    hyperscan_cache.store("k", b"payload \x00\xff")
    assert hyperscan_cache.load("k") == b"payload \x00\xff"
    assert [p.name for p in (tmp_path / "c").iterdir()] == ["k.hsdb"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # a flipped bit in the payload
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"",
        lambda data: b"not ours at all\n" + data,
    ],
)
def test_a_damaged_file_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", str(tmp_path))
    hyperscan_cache.store("k", b"some database bytes")
    path = tmp_path / "k.hsdb"
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert hyperscan_cache.load("k") is None


def test_an_unwritable_folder_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a file where the folder should be (a read-only home reads the same: mkdir fails)
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", str(tmp_path / "file" / "cache"))
    hyperscan_cache.store("k", b"bytes")
    assert hyperscan_cache.load("k") is None


def test_off_stores_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    hyperscan_cache.store("k", b"bytes")
    assert hyperscan_cache.load("k") is None
    assert list(tmp_path.iterdir()) == []
