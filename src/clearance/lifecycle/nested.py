"""Text inside nested JSON values for ``erase``: every text field of a column of objects or
lists (found from the column's type and visited by redact's own path walker,
:mod:`clearance.redact.paths`), and JSONL files rewritten record by record, so the records that
do not quote the subject stay byte for byte as they were."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from clearance.errors import InputError
from clearance.io.files import shown_path
from clearance.lifecycle.tables import read_text
from clearance.redact.paths import LIST, TextPath, check_json_depth, redact_paths_in

Redact = Callable[[list[str], str], dict[str, str]]
"""distinct strings and their context (the field's name) -> the redacted text of those that
change"""


def shown_key(name: str) -> str:
    """A key from the data as shown in a path (control characters and ANSI escapes escaped)."""
    return json.dumps(name, ensure_ascii=False)[1:-1]


def nested_paths(column: str, dtype: pl.DataType) -> list[TextPath]:
    """Every text leaf of a nested column (objects, lists) as redact's paths, read from the
    column's type: Polars gives every record the type's fields (null where a record lacks one),
    so each path reaches every record and the strings are visited by redact's own walker."""
    out: list[TextPath] = []

    def walk(dt: Any, steps: tuple[str | None, ...], shown: str) -> None:
        if dt == pl.String and steps:
            out.append(TextPath(shown, column, steps))
        elif isinstance(dt, pl.Struct):
            for f in dt.fields:
                walk(f.dtype, (*steps, f.name), f"{shown}.{shown_key(f.name)}")
        elif isinstance(dt, pl.List | pl.Array):
            walk(dt.inner, (*steps, LIST), shown + "[]")

    walk(dtype, (), shown_key(column))
    return out


def nested_columns(frame: pl.DataFrame) -> dict[str, list[TextPath]]:
    out = {c: nested_paths(c, t) for c, t in frame.schema.items() if t != pl.String}
    return {c: paths for c, paths in out.items() if paths}


def nested_texts(series: pl.Series, path: TextPath, where: str) -> list[str]:
    """The strings at ``path`` in ``series`` (collected through redact's walker, unchanged)."""
    seen: list[str] = []

    def collect(texts: list[str], _context: str) -> dict[str, str]:
        seen.extend(texts)
        return {}

    redact_paths_in(series, [path], collect, where)
    return seen


def jsonl_lines(path: Path) -> list[str]:
    """A JSONL file's lines (breaks kept), each record checked: a line that is not a JSON
    object is refused naming the file and the line (before Polars reads it, whose messages
    name neither)."""
    text = read_text(path)
    check_json_depth(path, lines=True)
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            msg = getattr(exc, "msg", "not JSON")
            raise InputError(shown_path(path), f"line {number}: not valid JSON ({msg})") from None
        if not isinstance(record, dict):
            raise InputError(shown_path(path), f"line {number}: not a JSON object")
    return lines


def redact_record(record: dict[str, Any], redact: Redact, where: str) -> dict[str, Any]:
    """One JSONL record redacted as written: each top-level value on its own (so a field that
    is a list here and text in other records stays a list, a number stays a number); a value
    Polars cannot hold (mixed lists) is left for the re-scan to judge."""
    out = dict(record)
    for key, value in record.items():
        if isinstance(value, str):
            out[key] = redact([value], key).get(value, value)
        elif isinstance(value, dict | list):
            try:
                series = pl.Series(key, [value])
            except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
                continue
            paths = nested_paths(key, series.dtype)
            if paths:
                out[key] = redact_paths_in(series, paths, redact, where).to_list()[0]
    return out


def jsonl_text(
    path: Path, keep: pl.Series, changed: list[bool], redactor: Callable[[str], Redact]
) -> str:
    """The JSONL file with the subject's records dropped, each record that quotes the subject
    rewritten (its own keys and types, in its order) and every other line kept byte for byte;
    ``redactor(where)`` redacts the strings of a record (``where``: its file and line)."""
    out: list[str] = []
    kept_rows = keep.to_list()
    row = kept = -1
    for number, line in enumerate(jsonl_lines(path), 1):
        body = line.rstrip("\r\n")
        if not body.strip():
            out.append(line)
            continue
        row += 1
        if row >= len(kept_rows):
            raise InputError(shown_path(path), "its lines and its records do not agree")
        if not kept_rows[row]:
            continue
        kept += 1
        if not changed[kept]:
            out.append(line)
            continue
        where = f"{shown_path(path)}: line {number}"
        record = redact_record(json.loads(body), redactor(where), where)
        out.append(json.dumps(record, ensure_ascii=False) + line[len(body) :])
    if row != len(kept_rows) - 1:
        raise InputError(shown_path(path), "its lines and its records do not agree")
    return "".join(out)


__all__ = [
    "Redact",
    "jsonl_lines",
    "jsonl_text",
    "nested_columns",
    "nested_paths",
    "nested_texts",
    "redact_record",
    "shown_key",
]
