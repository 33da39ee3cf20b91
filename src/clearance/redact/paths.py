"""Free-text fields inside nested values: ``--text-field review.body`` (a field of an object)
or ``messages[].content`` (a field of every object of a list), for JSONL, JSON and Parquet
columns of objects and lists.

The strings at the path are redacted span by span as free text (each string whole, not inside
an escaped JSON dump, so ``José`` is seen as written); every other field of the value is left as
it was, and the column keeps its type. A path that runs into something else (text where an
object was expected, a field the objects do not have) is refused with :class:`PolicyError`
naming the field and the file, never a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from clearance.errors import InputError, PolicyError

_PART = re.compile(r"([^.\[\]]+)((?:\[\])*)")
LIST = None  # a step into every element of a list


@dataclass(frozen=True)
class TextPath:
    field: str  # as given: review.body
    column: str  # the top-level column: review
    steps: tuple[str | None, ...]  # after the column: "body"; None for []


def parse_path(field: str) -> TextPath | None:
    """The path of ``field``, or ``None`` for a plain column name."""
    if "." not in field and "[]" not in field:
        return None
    steps: list[str | None] = []
    for part in field.split("."):
        m = _PART.fullmatch(part)
        if m is None:
            raise PolicyError(
                f"text field {field!r}: not a column name or a path such as review.body or "
                "messages[].content"
            )
        steps.append(m.group(1))
        steps.extend([LIST] * (len(m.group(2)) // 2))
    column = steps[0]
    assert column is not None  # the first part is a name (the pattern needs one)
    return TextPath(field, column, tuple(steps[1:]))


def column_of(field: str) -> str:
    """The top-level column a text field names."""
    path = parse_path(field)
    return field if path is None else path.column


def paths_for(fields: frozenset[str], columns: Sequence[str]) -> dict[str, list[TextPath]]:
    """Per column, the nested text paths into it (a field that is itself a column's name,
    ``review.body`` in a CSV, is that column, not a path)."""
    out: dict[str, list[TextPath]] = {}
    for field in sorted(fields):
        if field in columns:
            continue
        path = parse_path(field)
        if path is not None and path.column in columns:
            out.setdefault(path.column, []).append(path)
    return out


def check_nested(path: TextPath, dtype: pl.DataType, where: str) -> None:
    if dtype == pl.Null:
        return  # no value in the batch: nothing to look into
    if not isinstance(dtype, pl.Struct | pl.List | pl.Array):
        raise PolicyError(
            f"{where}: text field {path.field!r}: {path.column} holds {dtype} values, not "
            "objects or lists"
        )


def _visit(value: Any, path: TextPath, at: int, fn: Callable[[str], str], where: str) -> Any:
    if value is None:
        return None
    if at == len(path.steps):
        if isinstance(value, str):
            return fn(value)
        raise PolicyError(f"{where}: text field {path.field!r}: the value there is not text")
    step = path.steps[at]
    if step is LIST:
        if not isinstance(value, list):
            raise PolicyError(f"{where}: text field {path.field!r}: not a list where [] is")
        return [_visit(v, path, at + 1, fn, where) for v in value]
    if not isinstance(value, dict):
        raise PolicyError(f"{where}: text field {path.field!r}: not an object where .{step} is")
    if step not in value:
        raise PolicyError(f"{where}: text field {path.field!r}: the objects have no field {step!r}")
    out = dict(value)
    out[step] = _visit(value[step], path, at + 1, fn, where)
    return out


def _lookup(mapping: dict[str, str]) -> Callable[[str], str]:
    return lambda text: mapping.get(text, text)


def redact_paths_in(
    series: pl.Series,
    paths: Sequence[TextPath],
    redact: Callable[[list[str], str], dict[str, str]],
    where: str,
) -> pl.Series:
    """``series`` (a nested column) with the strings at each path replaced; ``redact`` maps
    distinct strings (and a context: the field's name) to their redacted text (only those
    that changed)."""
    try:
        values = series.to_list()
        for path in paths:
            check_nested(path, series.dtype, where)
            found: dict[str, None] = {}

            def collect(text: str, found: dict[str, None] = found) -> str:
                found[text] = None
                return text

            for v in values:
                _visit(v, path, 0, collect, where)
            last = next((s for s in reversed(path.steps) if s is not None), path.column)
            mapping = redact([t for t in found if t], last.replace("_", " "))
            if mapping:
                values = [_visit(v, path, 0, _lookup(mapping), where) for v in values]
        return pl.Series(series.name, values, dtype=series.dtype)
    except RecursionError:
        raise InputError(where, "nested too deeply to redact") from None


MAX_DEPTH = 64
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def check_json_depth(path: Path, lines: bool, limit: int = MAX_DEPTH) -> None:
    """Refuses JSON nested deeper than ``limit`` (no table is): Polars takes minutes and
    gigabytes on a value a thousand lists deep before it gives up. Strings never span lines in
    JSON, so each line's brackets are counted outside its strings; a JSONL line starts at 0."""
    depth = 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if lines:
                depth = 0
                if line.count("[") + line.count("{") <= limit:
                    continue  # cannot go deeper than the brackets it has
            for mark in _NOT_BRACKET.sub("", _STRING.sub("", line)):
                depth += 1 if mark in "[{" else -1
                if depth > limit:
                    raise InputError(
                        str(path), f"JSON nested deeper than {limit} levels (line {number})"
                    )


def check_text_fields(text_fields: set[str] | frozenset[str], seen: set[str]) -> None:
    """Every ``--text-field`` names a column (or a path into one) some input has: a misspelt
    field would otherwise be left to the column classification."""
    unknown = sorted(f for f in text_fields if not {f, column_of(f)} & seen)
    if unknown:
        raise PolicyError(
            f"text field {unknown[0]!r}: no table among the inputs has this column or field"
        )
