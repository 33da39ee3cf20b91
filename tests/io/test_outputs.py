from __future__ import annotations

from pathlib import Path

import pytest

from clearance.errors import InputError
from clearance.io.outputs import refuse_output_in_input, write_outputs


def test_bytes_and_text_are_written_together(tmp_path: Path) -> None:
    blob = bytes(range(256))  # a Parquet file is bytes, not UTF-8 text
    write_outputs([(tmp_path / "a.parquet", blob), (tmp_path / "a.json", "{}\n")])
    assert (tmp_path / "a.parquet").read_bytes() == blob
    assert (tmp_path / "a.json").read_text() == "{}\n"


def test_a_refused_path_leaves_the_bytes_unwritten(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        write_outputs([(tmp_path / "a.parquet", b"x"), (tmp_path / "missing" / "r.json", "{}")])
    assert not (tmp_path / "a.parquet").exists()


def test_an_output_folder_that_is_the_input_or_inside_it_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "t.csv").write_text("a\n1\n")
    for outdir in (data, data / "clean", data / "nested" / "deeper"):
        with pytest.raises(InputError, match=r"is the input .* or inside it"):
            refuse_output_in_input(outdir, data)
    refuse_output_in_input(tmp_path / "clean", data)  # a sibling folder is fine
    refuse_output_in_input(tmp_path / "data-clean", data)  # a shared name prefix is not inside
    refuse_output_in_input(data / "clean", data / "t.csv")  # beside a file input, not in it
    with pytest.raises(InputError):
        refuse_output_in_input(data / "t.csv", data / "t.csv")
