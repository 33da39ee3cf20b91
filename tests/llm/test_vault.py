"""Tests of clearance.llm.vault: a known-secret list that cannot be read is refused, by the
library and by ``clearance llm inventory --vault`` (which then writes nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.llm_cmd import llm_app
from clearance.errors import InputError
from clearance.llm.vault import read_vault

runner = CliRunner()


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"\n  \n", "empty"), (b"abc\x00def", "binary"), (b"\xff\xfe\xfa", "UTF-8")],
)
def test_bad_vault_file_writes_nothing(tmp_path: Path, content: bytes, reason: str) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.md").write_text("hello\n")
    vault = tmp_path / "vault.txt"
    vault.write_bytes(content)
    with pytest.raises(InputError, match=reason):
        read_vault(vault)
    out = tmp_path / "inv.json"
    args = ["inventory", str(tmp_path / "c"), "--vault", str(vault), "-o", str(out)]
    result = runner.invoke(llm_app, args)
    assert result.exit_code == 3
    assert reason in result.stderr
    assert not out.exists() and list(tmp_path.glob(".inv.json*")) == []
