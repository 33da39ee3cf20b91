"""Which tables ``redact --engine spark`` makes of files, folders and globs (no Spark needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.engines.spark.tablesets import table_sets
from clearance.errors import InputError


def _touch(path: Path, text: str = "a,b\n1,2\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_partitioned_folder_is_one_table_and_loose_files_their_own(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _touch(data / "users.csv")
    _touch(data / "notes.txt", "hello\n")
    _touch(data / "reviews" / "year=2023" / "m=1" / "part-0.csv")
    _touch(data / "reviews" / "year=2024" / "m=1" / "part-0.csv")
    _touch(data / "reviews" / "year=2024" / "m=1" / "part-0.csv.clearance.json", "{}")
    sets, skipped = table_sets([data], tmp_path / "out")
    got = {(t.name, t.rel.as_posix(), len(t.files), t.single) for t in sets}
    assert got == {("users", "data/users", 1, True), ("reviews", "data/reviews", 2, False)}
    assert [Path(s.path).name for s in skipped] == ["notes.txt"]


def test_glob_and_missing_pattern(tmp_path: Path) -> None:
    lake = tmp_path / "lake" / "orders"
    _touch(lake / "a.csv")
    _touch(lake / "b.csv")
    sets, skipped = table_sets(
        [Path(f"{lake}/*.csv"), Path(f"{tmp_path}/none/*.parquet")], tmp_path / "out"
    )
    assert [(t.name, t.rel.as_posix(), len(t.files)) for t in sets] == [("orders", "orders", 2)]
    assert [s.reason for s in skipped] == ["no file matches this pattern"]


@pytest.mark.parametrize("where", ["same", "inside"])
def test_output_in_the_input_is_refused(tmp_path: Path, where: str) -> None:
    data = tmp_path / "data"
    _touch(data / "users.csv")
    out = data if where == "same" else data / "cleared"
    with pytest.raises(InputError, match="or inside it"):
        table_sets([data], out)


def test_two_tables_with_one_output_folder_are_refused(tmp_path: Path) -> None:
    _touch(tmp_path / "users.csv")
    _touch(tmp_path / "users.tsv", "a\tb\n1\t2\n")
    with pytest.raises(InputError, match="same output folder"):
        table_sets([tmp_path / "users.csv", tmp_path / "users.tsv"], tmp_path / "out")
