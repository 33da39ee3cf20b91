"""Readers: find input files and turn each into batches of string columns or lines of text.

Structured files stream in batches (Polars lazy scans), so memory stays bounded by the batch size,
not the file size. Every failure becomes an ``InputError`` naming the file and the reason.
"""

from __future__ import annotations

import glob
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from clearance.errors import InputError

Kind = Literal["csv", "tsv", "json", "jsonl", "parquet", "text"]

_SUFFIX_KIND: dict[str, Kind] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".clearance"}
MAX_LINE_CHARS = 1_000_000


def discover(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files under ``paths`` in a stable order, and (path, reason) for those that do not exist."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not (set(child.relative_to(path).parts[:-1]) & _SKIP_DIRS):
                    files.append(child)
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), "no such file or directory"))
    return files, missing


def kind_of(path: Path) -> Kind:
    return _SUFFIX_KIND.get(path.suffix.lower(), "text")


@dataclass(frozen=True)
class TextFile:
    lines: list[str]
    replaced_bytes: bool


_QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"", re.DOTALL)


def _one_line(exc: BaseException) -> str:
    """First line of a library error with every quoted fragment removed: parsers quote the
    offending cell, and that cell may be exactly what we must not print."""
    cleaned = _QUOTED.sub("<…>", str(exc).strip())
    lines = cleaned.splitlines()
    first = lines[0] if lines else type(exc).__name__
    for quote in "`'\"":  # an unclosed quote: drop everything after it
        if quote in first:
            first = first[: first.index(quote)] + "<…>"
    return first[:200]


def read_text(path: Path) -> TextFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or _one_line(exc)}") from None
    if not raw.strip():
        raise InputError(str(path), "file is empty")
    if b"\x00" in raw[:8192]:
        raise InputError(str(path), "binary file (NUL bytes); not scanned")
    text = raw.decode("utf-8", errors="replace")
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise InputError(
                str(path),
                f"line {number} has {len(line):,} characters (limit {MAX_LINE_CHARS:,}); "
                "minified or generated data is not scanned",
            )
    return TextFile(lines=lines, replaced_bytes="\ufffd" in text and b"\xef\xbf\xbd" not in raw)


def as_strings(frame: pl.DataFrame) -> pl.DataFrame:
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            exprs.append(pl.col(name))
        elif isinstance(dtype, pl.Struct | pl.List | pl.Array):
            exprs.append(
                pl.col(name).map_elements(
                    lambda v: json.dumps(v, default=str), return_dtype=pl.String
                )
            )
        else:
            exprs.append(pl.col(name).cast(pl.String))
    return frame.select(exprs)


def table_batches(
    path: Path, kind: Kind, batch_rows: int, limit: int | None
) -> Iterator[pl.DataFrame]:
    """Batches of all-string columns. Raises ``InputError`` for empty or corrupt files."""
    try:
        if path.stat().st_size == 0:
            raise InputError(str(path), "file is empty")
        lazy: pl.LazyFrame
        if kind in ("csv", "tsv"):
            lazy = pl.scan_csv(
                path,
                separator="\t" if kind == "tsv" else ",",
                infer_schema=False,
                encoding="utf8-lossy",
                truncate_ragged_lines=False,
                glob=False,  # a file name is a name: sales[2023].csv, not a pattern
            )
        elif kind == "jsonl":
            lazy = pl.scan_ndjson(glob.escape(str(path)), infer_schema_length=1000)
        elif kind == "parquet":
            lazy = pl.scan_parquet(path, glob=False)
        else:
            lazy = _read_json(path).lazy()
        if limit is not None:
            lazy = lazy.head(limit)
        produced = False
        for batch in lazy.collect_batches(chunk_size=batch_rows):
            produced = True
            yield as_strings(batch)
        if not produced:
            raise InputError(str(path), "no rows")
    except InputError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot parse as {kind.upper()}: {_one_line(exc)}") from None


def _read_json(path: Path) -> pl.DataFrame:
    data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    if isinstance(data, dict):
        records = next((v for v in data.values() if isinstance(v, list)), [data])
    elif isinstance(data, list):
        records = data
    else:
        raise ValueError("top-level value is neither an object nor an array")
    if not records or not all(isinstance(r, dict) for r in records):
        raise ValueError("expected an array of objects")
    return pl.DataFrame(records, infer_schema_length=None)
