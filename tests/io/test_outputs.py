from __future__ import annotations

from pathlib import Path

import pytest

from clearance.errors import InputError
from clearance.io.outputs import write_outputs


def test_bytes_and_text_are_written_together(tmp_path: Path) -> None:
    blob = bytes(range(256))  # a Parquet file is bytes, not UTF-8 text
    write_outputs([(tmp_path / "a.parquet", blob), (tmp_path / "a.json", "{}\n")])
    assert (tmp_path / "a.parquet").read_bytes() == blob
    assert (tmp_path / "a.json").read_text() == "{}\n"


def test_a_refused_path_leaves_the_bytes_unwritten(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        write_outputs([(tmp_path / "a.parquet", b"x"), (tmp_path / "missing" / "r.json", "{}")])
    assert not (tmp_path / "a.parquet").exists()
