"""The nested text fields erase reaches: paths from a column's type, JSONL lines checked, and a
record redacted with its own types."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from clearance.errors import InputError
from clearance.lifecycle.nested import jsonl_lines, nested_paths, redact_record
from clearance.redact.paths import LIST


def test_every_text_leaf_of_a_nested_type_is_a_path_with_keys_shown_escaped() -> None:
    dtype = pl.Struct(
        {
            "email": pl.String,
            "n": pl.Int64,
            "\u001b[31m<b>": pl.List(pl.Struct({"body": pl.String})),
            "tags": pl.List(pl.String),
        }
    )
    paths = nested_paths("user", dtype)
    assert [p.steps for p in paths] == [
        ("email",),
        ("\u001b[31m<b>", LIST, "body"),
        ("tags", LIST),
    ]
    assert paths[1].field == "user.\\u001b[31m<b>[].body"  # no raw escape in a message
    assert {p.column for p in paths} == {"user"}
    assert nested_paths("n", pl.Int64) == [] and nested_paths("s", pl.String) == []


def test_jsonl_lines_keep_breaks_and_name_a_bad_line(tmp_path: Path) -> None:
    good = tmp_path / "a.jsonl"
    good.write_bytes(b'{"a": 1}\r\n\n{"a": 2}')
    assert jsonl_lines(good) == ['{"a": 1}\r\n', "\n", '{"a": 2}']
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"a": 1}\n\n{"a": \n')
    with pytest.raises(InputError, match=r"b\.jsonl: line 3: not valid JSON"):
        jsonl_lines(bad)
    deep = tmp_path / "c.jsonl"
    deep.write_text('{"a": ' + "[" * 100 + "]" * 100 + "}\n")
    with pytest.raises(InputError, match="nested deeper"):
        jsonl_lines(deep)


def test_a_record_is_redacted_with_its_own_types() -> None:
    def redact(texts: list[str], _context: str) -> dict[str, str]:
        return {t: t.replace("secret", "<X>") for t in texts if "secret" in t}

    record = {"id": 3, "t": "a secret", "m": {"l": ["secret", "ok"], "n": 1.5, "z": None}}
    out = redact_record(record, redact, "f: line 1")
    assert out == {"id": 3, "t": "a <X>", "m": {"l": ["<X>", "ok"], "n": 1.5, "z": None}}
    assert json.dumps(out)  # still JSON
    mixed = {"m": ["secret", 5]}  # Polars cannot hold it: left for the re-scan
    assert redact_record(mixed, redact, "f: line 2") == mixed
