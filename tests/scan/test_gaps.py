"""Nothing read as clean that was not read: unreadable folders and files, invalid UTF-8, lines
over the limit, JSON nested too deeply are listed, printed and give exit 3; bad options exit 4."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.io import readers

runner = CliRunner()


def _tree(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "ok.txt").write_text("mail jane@example.com\n")
    (root / "sub" / "hidden.txt").write_text("mail bob@example.org\n")
    (root / "bad.txt").write_bytes(b"caf\xe9 jane@example.com\n")
    (root / "min.js").write_text("x" * (readers.MAX_LINE_CHARS + 1) + "\n")
    (root / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (root / "huge.json").write_text(json.dumps([{"note": "n" * 2_000_000, "id": 1}]))
    (root / "keys.json").write_text(json.dumps([{"\x1b[31mred": 1, "<script>x</script>": 2}]))
    return root


def _unreadable_sub(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """``sub`` cannot be listed (as under chmod 000, which root ignores)."""
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)) == root / "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.mark.parametrize("fmt", ["terminal", "json"])
def test_every_gap_is_listed_printed_and_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    root = _tree(tmp_path / "d")
    _unreadable_sub(monkeypatch, root)
    result = runner.invoke(app, ["scan", str(root), "--format", fmt])
    assert result.exit_code == 3, result.output
    printed = " ".join((result.stderr if fmt == "json" else result.stdout).split())  # unwrapped
    for name, reason in [
        ("sub", "cannot read folder: Permission denied"),
        ("min.js", "line 1 has over 1,000,000 characters"),
        ("deep.json", "nested too deeply"),
    ]:
        assert f"skipped {root / name}: " in printed and reason in printed, name
    assert f"warning: {root / 'bad.txt'}: not valid UTF-8" in printed
    assert "\x1b" not in result.stdout + result.stderr
    if fmt == "json":
        report = json.loads(result.stdout)
        assert {Path(s["path"]).name for s in report["skipped"]} == {"sub", "min.js", "deep.json"}
        assert report["summary"]["files_scanned"] == 4  # ok, bad, huge, keys; nothing in sub
        assert "\\x1b[31mred" in {c["column"] for c in report["columns"]}


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "d"
    root.mkdir()
    locked = root / "locked.txt"
    locked.write_text("mail jane@example.com\n")
    real = Path.open

    def fake_open(self: Path, *args: object, **kwargs: object) -> object:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", fake_open)
    result = runner.invoke(app, ["scan", str(root), "-f", "json"])
    assert result.exit_code == 3
    assert f"skipped {locked}: cannot read: Permission denied" in result.stderr
