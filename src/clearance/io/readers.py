"""Readers: find input files and turn each into batches of string columns or lines of text.

Structured files stream in batches (Polars lazy scans), so memory stays bounded by the batch size,
not the file size. Every failure becomes an ``InputError`` naming the file and the reason. Shared
by every job that reads user files (scan, audit, LLM inventory); :func:`one_line` is how any of
them quotes a parser's error without quoting the data.
"""

from __future__ import annotations

import codecs
import glob
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from clearance.errors import InputError
from clearance.io.files import not_regular

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
MAX_COLUMNS = 10_000
"""Columns a table may have. Each column is classified and detected on its own (a fixed cost
per column), so 100,000 columns took many minutes and a JSON object of 1,000,000 keys (one row,
one column per key) 4 GB before a row was read: such a file is skipped with the reason."""


def discover(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files under ``paths`` in a stable order, and (path, reason) for what could not be
    listed: a path that does not exist, a folder inside the tree that cannot be read (its files
    would otherwise be missing without a word), an entry that is not a regular file (a FIFO,
    which would block the scan, a device, a socket, a broken link or a link loop) and a link to
    a folder, which is not followed."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []

    def unreadable(exc: OSError) -> None:
        where = exc.filename if exc.filename is not None else "?"
        reason = exc.strerror or type(exc).__name__
        missing.append((str(where), f"cannot read folder: {reason}; its files were not scanned"))

    for path in paths:
        if path.is_dir():
            found: list[Path] = []
            for folder, dirs, names in os.walk(path, onerror=unreadable):
                linked = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and d not in linked)
                for d in sorted(linked):
                    missing.append(
                        (
                            os.path.join(folder, d),
                            "a symbolic link to a folder, not followed (it may loop or leave "
                            "the tree); scan its target directly",
                        )
                    )
                for n in names:
                    entry = Path(folder, n)
                    reason = not_regular(entry)
                    if reason is None:
                        found.append(entry)
                    else:  # a FIFO would block the scan, a device never end: named, not read
                        missing.append((str(entry), reason))
            files += sorted(found)
        else:
            reason = not_regular(path)
            if reason is None:
                files.append(path)
            else:
                missing.append(
                    (str(path), "no such file or directory" if reason == "no such file" else reason)
                )
    return files, missing


def kind_of(path: Path) -> Kind:
    return _SUFFIX_KIND.get(path.suffix.lower(), "text")


_QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"", re.DOTALL)


def one_line(exc: BaseException) -> str:
    """First line of a library error with every quoted fragment removed: parsers quote the
    offending cell, and that cell may be exactly what we must not print."""
    cleaned = _QUOTED.sub("<…>", str(exc).strip())
    lines = cleaned.splitlines()
    first = lines[0] if lines else type(exc).__name__
    for quote in "`'\"":  # an unclosed quote: drop everything after it
        if quote in first:
            first = first[: first.index(quote)] + "<…>"
    return first[:200]


_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() splits on
_BLOCK_BYTES = 1 << 20
CHUNK_CHARS = 1 << 20
CHUNK_LINES = 20_000


def strip_break(line: str) -> str:
    """``line`` without its line break (one of ``str.splitlines``'s, ``\r\n`` counting as one)."""
    if line.endswith("\r\n"):
        return line[:-2]
    return line[:-1] if line and line[-1] in _BREAKS else line


@dataclass(frozen=True)
class TextInfo:
    """What the first pass over a text file learnt: its line count and whether bytes that are
    not UTF-8 were replaced (U+FFFD) when decoding."""

    lines: int
    replaced_bytes: bool


@dataclass(frozen=True)
class TextChunk:
    """Consecutive lines of a text file, each with its line break (``str.splitlines(True)``)."""

    first_line: int  # 1-based number of lines[0]
    lines: list[str]

    @property
    def chars(self) -> int:
        return sum(map(len, self.lines))


def _line_blocks(path: Path, info: list[bool] | None = None) -> Iterator[list[str]]:
    """Lines of ``path`` with their line breaks, a block at a time, decoded as UTF-8 with
    replacement: memory stays bounded by the block and the longest line (at most
    ``MAX_LINE_CHARS``, else ``InputError``). ``info`` receives [replaced bytes, any text]."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    number = 0
    replaced = raw_marks = 0
    tail = b""
    seen_text = False
    try:
        with path.open("rb") as handle:
            first = True
            while True:
                block = handle.read(_BLOCK_BYTES)
                if first and b"\x00" in block[:8192]:
                    raise InputError(str(path), "binary file (NUL bytes); not scanned")
                first = False
                raw_marks += (tail + block).count(b"\xef\xbf\xbd")
                tail = block[-2:]
                text = decoder.decode(block, final=not block)
                replaced += text.count("\ufffd")
                seen_text = seen_text or (not text.isspace() and bool(text))
                pieces = (pending + text).splitlines(keepends=True)
                pending = ""
                if block and pieces and (pieces[-1][-1] not in _BREAKS or pieces[-1][-1] == "\r"):
                    pending = pieces.pop()  # unfinished line (or a \r that a \n may follow)
                if pieces and max(map(len, pieces)) > MAX_LINE_CHARS:
                    for k, line in enumerate(pieces, start=1):
                        _check_length(path, number + k, len(strip_break(line)))
                number += len(pieces)
                _check_length(path, number + 1, len(pending))
                if pieces:
                    yield pieces
                if not block:
                    break
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or one_line(exc)}") from None
    if info is not None:
        info[:] = [replaced > raw_marks, seen_text]


def _check_width(path: Path, columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise InputError(
            str(path),
            f"{columns:,} columns (the limit is {MAX_COLUMNS:,}); a table this wide, or a JSON "
            "object keyed by values, is not scanned: split or transpose it",
        )


def _check_length(path: Path, number: int, length: int) -> None:
    if length > MAX_LINE_CHARS:
        raise InputError(
            str(path),
            f"line {number} has over {MAX_LINE_CHARS:,} characters (the limit); minified or "
            "generated data is not scanned",
        )


def check_text(path: Path) -> TextInfo:
    """First pass over a text file, keeping nothing: ``InputError`` if it cannot be read, is
    empty (whitespace only), binary (NUL bytes at the start) or has a line over
    ``MAX_LINE_CHARS`` characters, so that a file is either scanned whole or not at all."""
    info: list[bool] = []
    count = sum(len(block) for block in _line_blocks(path, info))
    if not info[1]:
        raise InputError(str(path), "file is empty")
    return TextInfo(lines=count, replaced_bytes=info[0])


def text_chunks(
    path: Path, max_chars: int = CHUNK_CHARS, max_lines: int = CHUNK_LINES
) -> Iterator[TextChunk]:
    """The lines of ``path`` in chunks of at most ``max_lines`` lines and about ``max_chars``
    characters (a chunk always holds at least one line). Call ``check_text`` first."""
    lines: list[str] = []
    chars = 0
    first = 1
    for block in _line_blocks(path):
        for line in block:
            lines.append(line)
            chars += len(line)
            if len(lines) >= max_lines or chars >= max_chars:
                yield TextChunk(first, lines)
                first += len(lines)
                lines, chars = [], 0
    if lines:
        yield TextChunk(first, lines)


def as_strings(frame: pl.DataFrame) -> pl.DataFrame:
    exprs = []
    # pl.nth, not pl.col: a column named like a pattern (``^.*$``) would select every column
    for index, dtype in enumerate(frame.schema.values()):
        if dtype == pl.String:
            exprs.append(pl.nth(index))
        elif isinstance(dtype, pl.Struct | pl.List | pl.Array):
            exprs.append(
                pl.nth(index).map_elements(
                    lambda v: json.dumps(v, default=str), return_dtype=pl.String
                )
            )
        elif dtype == pl.Binary:
            # Bytes that are not UTF-8 (a BLOB, a Parquet binary column) are decoded with
            # replacement characters, as text files are: a strict cast would fail the whole
            # table and hide what the valid bytes hold.
            exprs.append(
                pl.nth(index).map_elements(
                    lambda v: v.decode("utf-8", "replace"), return_dtype=pl.String
                )
            )
        else:
            exprs.append(pl.nth(index).cast(pl.String))
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
            # every row's keys: a key first seen late must not make the file unreadable
            lazy = pl.scan_ndjson(glob.escape(str(path)), infer_schema_length=None)
        elif kind == "parquet":
            lazy = pl.scan_parquet(path, glob=False)
        else:
            lazy = read_json(path).lazy()
        _check_width(path, len(lazy.collect_schema()))
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
    except RecursionError:
        raise InputError(str(path), f"cannot parse as {kind.upper()}: nested too deeply") from None
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot parse as {kind.upper()}: {one_line(exc)}") from None


def read_json(path: Path) -> pl.DataFrame:
    """Records of a JSON file. Nesting depth is data: a file nested deeper than Python's
    parser recurses (100,000 arrays) is a ``ValueError`` naming the reason, not a crash."""
    try:
        data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except RecursionError:
        raise ValueError("JSON nested too deeply to parse") from None
    if isinstance(data, dict):
        records = next((v for v in data.values() if isinstance(v, list)), [data])
    elif isinstance(data, list):
        records = data
    else:
        raise ValueError("top-level value is neither an object nor an array")
    if not records or not all(isinstance(r, dict) for r in records):
        raise ValueError("expected an array of objects")
    _check_width(path, len(set().union(*records)))
    return pl.DataFrame(records, infer_schema_length=None)


__all__ = [
    "CHUNK_CHARS",
    "CHUNK_LINES",
    "MAX_COLUMNS",
    "MAX_LINE_CHARS",
    "Kind",
    "TextChunk",
    "TextInfo",
    "as_strings",
    "check_text",
    "discover",
    "kind_of",
    "one_line",
    "read_json",
    "strip_break",
    "table_batches",
    "text_chunks",
]
