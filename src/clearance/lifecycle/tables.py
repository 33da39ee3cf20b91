"""Table files that ``retention apply`` and ``erase`` rewrite in place, written to a hidden
temporary file next to the original, renamed over it only when every output of the run is ready
(:class:`Staging`). An interrupted or failed run leaves every file as it was. ``erase`` reads a
table whole (:func:`read_table`: it links subjects across tables); ``retention apply`` reads it
lazily (:func:`open_table`): the timestamp column whole, the rows in batches.

Only CSV, TSV, JSONL and Parquet are rewritten: their rows map one to one to records. CSV is
read as text exactly as written and must be UTF-8 (its other bytes could not be written back as
they were); JSONL and Parquet keep their types.
"""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from clearance.errors import InputError
from clearance.io import readers
from clearance.io.columns import column
from clearance.io.files import not_regular, shown_path
from clearance.io.outputs import check_outputs
from clearance.io.table_writer import TableWriter
from clearance.io.tags import OutputTags, parquet_metadata, sidecar_path, without_sidecars
from clearance.io.tags import write_parquet as write_tagged_parquet

REWRITABLE = ("csv", "tsv", "jsonl", "parquet")


@dataclass(frozen=True)
class TableFile:
    path: Path
    name: str  # the table name the policy uses: the file stem
    kind: str
    frame: pl.DataFrame


def split_files(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(table files, other files) under ``paths`` (files and folders). A path that cannot be
    read is an :class:`InputError`: a file these commands did not look at must never look
    cleared. Two tables with one name (the policy's table name is the file stem) are refused."""
    files, missing = readers.discover([Path(p) for p in paths])
    if missing:
        where, reason = missing[0]
        raise InputError(shown_path(where), reason)
    files = without_sidecars(files)  # tags of a file among them: rewritten with the file
    tables = [f for f in files if readers.kind_of(f) in REWRITABLE]
    others = [f for f in files if readers.kind_of(f) not in REWRITABLE]
    if not tables and not others:
        raise InputError(", ".join(shown_path(p) for p in paths) or "(nothing)", "no file")
    names = [f.stem for f in tables]
    for f in tables:
        if names.count(f.stem) > 1:
            raise InputError(shown_path(f), f"a second table named {f.stem!r}; rename one of them")
    return tables, others


def _rewritable(path: Path) -> str:
    """The path as shown; a link or a file that is not regular is refused (never rewritten)."""
    where = shown_path(path)
    if os.path.islink(path):
        raise InputError(where, "is a symbolic link; not rewritten (give the path it points to)")
    reason = not_regular(path)
    if reason is not None:
        raise InputError(where, reason)
    return where


def read_text(path: Path) -> str:
    """A text file that ``erase`` searches: UTF-8 only (other bytes could not be written back
    as they were, nor searched reliably)."""
    where = _rewritable(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(where, f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in data[:8192]:
        raise InputError(where, "binary file: cannot be searched for the subject")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(where, "not UTF-8 text: cannot be searched for the subject") from None


def read_table(path: Path) -> TableFile:
    """The whole table (:func:`open_table`, collected): what ``erase`` links across tables."""
    source = open_table(path)
    with _parsing(source.where, source.kind):
        frame = source.lazy.collect()
    return TableFile(path=path, name=path.stem, kind=source.kind, frame=frame)


@contextmanager
def _parsing(where: str, kind: str) -> Iterator[None]:
    """Polars and OS errors of reading a table as the :class:`InputError` ``read_table`` gives."""
    try:
        yield
    except InputError:
        raise
    except OSError as exc:
        raise InputError(where, f"cannot read: {exc.strerror or readers.one_line(exc)}") from None
    except (Exception, pl.exceptions.PanicException) as exc:
        raise InputError(
            where, f"cannot parse as {kind.upper()}: {readers.one_line(exc)}"
        ) from None


@dataclass(frozen=True)
class TableSource:
    """A table file read lazily, with the same options and errors as :func:`read_table`: its
    columns, its first rows, one column whole, and its rows in batches (memory bounded by the
    batch, plus the column)."""

    path: Path
    name: str
    kind: str
    lazy: pl.LazyFrame
    columns: list[str]

    @property
    def where(self) -> str:
        return shown_path(self.path)

    def head(self, rows: int) -> pl.DataFrame:
        with _parsing(self.where, self.kind):
            return self.lazy.head(rows).collect()

    def column(self, name: str) -> pl.Series:
        with _parsing(self.where, self.kind):
            return self.lazy.select(column(name)).collect().to_series()

    def batches(self, rows: int) -> Iterator[pl.DataFrame]:
        with _parsing(self.where, self.kind):
            yield from self.lazy.collect_batches(chunk_size=rows)


def open_table(path: Path) -> TableSource:
    kind = readers.kind_of(path)
    where = _rewritable(path)
    with _parsing(where, kind):
        if path.stat().st_size == 0:
            raise InputError(where, "file is empty")
        lazy: pl.LazyFrame
        if kind in ("csv", "tsv"):
            lazy = pl.scan_csv(
                path,
                separator="\t" if kind == "tsv" else ",",
                infer_schema=False,
                encoding="utf8",
                truncate_ragged_lines=False,
                glob=False,
            )
        elif kind == "jsonl":
            lazy = pl.scan_ndjson(glob.escape(str(path)), infer_schema_length=None)
        else:
            lazy = pl.scan_parquet(path, glob=False)
        columns = lazy.collect_schema().names()
    if not columns:
        raise InputError(where, "no columns")
    return TableSource(path=path, name=path.stem, kind=kind, lazy=lazy, columns=columns)


def write_table(frame: pl.DataFrame, kind: str, path: Path, tags: OutputTags | None = None) -> None:
    """Writes ``frame``; a Parquet file carries ``tags`` in its metadata (the sidecar is
    :class:`Staging`'s)."""
    if kind == "parquet":
        write_tagged_parquet(frame, path, tags)
    elif kind == "jsonl":
        frame.write_ndjson(path)
    else:
        frame.write_csv(path, separator="\t" if kind == "tsv" else ",")


@dataclass
class Staging:
    """Outputs written to temporary files next to their targets, renamed by :meth:`commit`;
    whatever was not committed is removed on exit, so nothing is ever half-written."""

    staged: list[tuple[Path, Path]] = field(default_factory=list)

    def path_for(self, target: Path) -> Path:
        """A hidden temporary file next to ``target``, ending in its name (same format)."""
        try:
            fd, name = tempfile.mkstemp(
                dir=target.parent, prefix=".clearance-", suffix=f"-{target.name}"
            )
        except OSError as exc:
            raise InputError(shown_path(target), f"cannot write: {exc.strerror or exc}") from None
        try:
            mode = os.stat(target).st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        tmp = Path(name)
        self.staged.append((tmp, target))
        return tmp

    def table(
        self, frame: pl.DataFrame, kind: str, target: Path, tags: OutputTags | None = None
    ) -> Path:
        """Stages ``frame`` for ``target`` (and, with ``tags``, its tags: the sidecar, and a
        Parquet file's metadata); returns the temporary file."""
        tmp = self.path_for(target)
        try:
            write_table(frame, kind, tmp, tags)
        except OSError as exc:
            raise InputError(shown_path(target), f"cannot write: {exc.strerror or exc}") from None
        self._sidecar(target, tags)
        return tmp

    def writer(self, kind: str, target: Path, tags: OutputTags | None) -> TableWriter:
        """A batch writer to a temporary file for ``target`` (and the tags' sidecar staged);
        the caller closes it, then the file is renamed by :meth:`commit` as any other."""
        writer = TableWriter(self.path_for(target), kind)  # type: ignore[arg-type]
        if tags is not None and kind == "parquet":
            writer.metadata = parquet_metadata(tags)
        self._sidecar(target, tags)
        return writer

    def text(self, text: str, target: Path, tags: OutputTags | None = None) -> Path:
        tmp = self.path_for(target)
        try:
            with tmp.open("w", encoding="utf-8", newline="") as fh:  # line breaks as they were
                fh.write(text)
        except OSError as exc:
            raise InputError(shown_path(target), f"cannot write: {exc.strerror or exc}") from None
        self._sidecar(target, tags)
        return tmp

    def _sidecar(self, target: Path, tags: OutputTags | None) -> None:
        if tags is not None:  # renamed with the file by commit, or removed with it
            side = sidecar_path(target)
            # a folder, link or FIFO there is refused now, before any file is replaced
            check_outputs([side])
            self.text(tags.to_json(), side)

    def commit(self) -> None:
        for tmp, target in self.staged:
            os.replace(tmp, target)
        self.staged.clear()

    def discard(self) -> None:
        for tmp, _ in self.staged:
            tmp.unlink(missing_ok=True)
        self.staged.clear()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def __iter__(self) -> Iterator[tuple[Path, Path]]:
        return iter(list(self.staged))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
