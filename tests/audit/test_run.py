from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from clearance.audit.run import load_sources
from clearance.errors import InputError


def test_no_table_names_each_source_without_cli_flags(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    uri = f"sqlite:///{empty}"
    with pytest.raises(InputError) as info:
        load_sources([], [uri])
    message = str(info.value)
    assert "no table could be read" in message
    assert str(empty) in message and "--" not in message
