"""Text files are read in blocks: the same lines as ``str.splitlines``, bounded memory."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from clearance.errors import InputError
from clearance.io import readers
from clearance.privacy import Fingerprinter

FP = Fingerprinter(b"test-key-0123456789")  # the key tests/conftest.py sets


@pytest.mark.parametrize("block", [1, 2, 3, 7, 64])
def test_lines_in_blocks_equal_splitlines(
    tmp_path: Path, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "_BLOCK_BYTES", block)
    text = "a\r\nbé\r\rc\n\nzß€\u2028last\r\n\r\nend"
    path = tmp_path / "t.txt"
    path.write_bytes(text.encode())
    info = readers.check_text(path)
    chunks = list(readers.text_chunks(path, max_lines=2))
    assert [line for c in chunks for line in c.lines] == text.splitlines(keepends=True)
    assert [c.first_line for c in chunks] == list(range(1, len(text.splitlines()) + 1, 2))
    assert info.lines == len(text.splitlines()) and not info.replaced_bytes


def test_invalid_utf8_is_flagged_a_literal_replacement_character_is_not(tmp_path: Path) -> None:
    bad, literal = tmp_path / "bad.txt", tmp_path / "literal.txt"
    bad.write_bytes(b"caf\xe9 ok\n")
    literal.write_text("ok \ufffd\n")
    assert readers.check_text(bad).replaced_bytes
    assert not readers.check_text(literal).replaced_bytes


def test_a_line_over_the_limit_is_refused_with_its_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers, "_BLOCK_BYTES", 1000)
    path = tmp_path / "min.js"
    path.write_text("ok\n" + "x" * (readers.MAX_LINE_CHARS + 1))
    with pytest.raises(InputError, match=r"line 2 has over 1,000,000 characters"):
        readers.check_text(path)


def test_discover_names_every_entry_it_does_not_read(tmp_path: Path) -> None:
    """A FIFO in a scanned tree would block the scan forever, a link to a folder may loop or
    leave the tree: neither is opened or followed, and each is listed with its reason instead
    of disappearing from a report that then reads as clean."""
    import os

    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.txt").write_text("x\n")
    os.mkfifo(tree / "pipe.txt")
    (tree / "broken.txt").symlink_to(tmp_path / "nowhere")
    (tree / "sub" / "loop").symlink_to(tree)
    (tree / "self.txt").symlink_to(tree / "self.txt")
    outside = tmp_path / "outside"
    outside.mkdir()
    (tree / "linked").symlink_to(outside)
    (tree / "good-link.txt").symlink_to(tree / "a.txt")

    files, skipped = readers.discover([tree, tree / "pipe.txt"])

    assert files == [tree / "a.txt", tree / "good-link.txt"]
    reasons = dict(skipped)
    assert "FIFO" in reasons[str(tree / "pipe.txt")]
    assert "broken symbolic link" in reasons[str(tree / "broken.txt")]
    assert "loop" in reasons[str(tree / "self.txt")]
    assert "not followed" in reasons[str(tree / "linked")]
    assert "not followed" in reasons[str(tree / "sub" / "loop")]
    assert [p for p, _ in skipped].count(str(tree / "pipe.txt")) == 2  # in the tree and named
    assert not any("no such file" in r for r in reasons.values())


@pytest.mark.parametrize("kind", ["csv", "json", "jsonl", "parquet"])
def test_a_table_wider_than_the_limit_is_skipped_before_it_is_read(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100,000 columns took 20 minutes and a JSON object of 1,000,000 keys 4 GB: past
    ``MAX_COLUMNS`` the file is skipped with the reason, under the limit it is scanned."""
    import json

    import polars as pl

    from clearance.scan import scan_paths

    monkeypatch.setattr(readers, "MAX_COLUMNS", 50)
    for width, name in [(51, "wide"), (50, "ok")]:
        row = {f"c{i}": str(i) for i in range(width)}
        path = tmp_path / f"{name}.{kind}"
        if kind == "csv":
            path.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n")
        elif kind == "json":
            path.write_text(json.dumps(row))  # one object: one row, a column per key
        elif kind == "jsonl":
            path.write_text(json.dumps(row) + "\n")
        else:
            pl.DataFrame([row]).write_parquet(path)
    report = scan_paths([tmp_path], fingerprinter=FP)
    assert [(s.path, s.reason) for s in report.skipped] == [
        (
            str(tmp_path / f"wide.{kind}"),
            "51 columns (the limit is 50); a table this wide, or a JSON object keyed by "
            "values, is not scanned: split or transpose it",
        )
    ]
    assert report.summary.files_scanned == 1


def test_binary_columns_that_are_not_utf8_are_decoded_with_replacement() -> None:
    import polars as pl

    frame = pl.DataFrame({"blob": [b"\xff\x00536-90-4399", b"plain", None]})
    assert readers.as_strings(frame).get_column("blob").to_list() == [
        "\ufffd\x00536-90-4399",
        "plain",
        None,
    ]


def test_as_strings_keeps_a_column_named_like_a_pattern() -> None:
    frame = pl.DataFrame({"^.*$": ["x"], "n": [1]})
    out = readers.as_strings(frame)
    assert out.columns == ["^.*$", "n"] and out.row(0) == ("x", "1")
