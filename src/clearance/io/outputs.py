"""Output files: every file clearance writes goes through :func:`write_outputs` (or
:func:`write_atomic` for one file).

Paths are checked first (:func:`check_outputs`, also before long work starts): a folder, a path
under a missing folder, an unwritable folder, a symbolic link, a FIFO, a device or a socket, and
an input named on the command line, are refused with an :class:`InputError` (exit 3) naming the
path; ``-`` means stdout. All files are written to temporary files next to their targets and
renamed only when every one was written, so no existing report is replaced unless all succeed.
New files get the user's umask (``0o666 & ~umask``), replaced files keep their mode, and
``private=True`` files are 0600.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from clearance.errors import InputError
from clearance.io.files import shown_path

STDOUT = "-"


def is_stdout(path: Path | str) -> bool:
    """``-o -``: the output goes to stdout."""
    return str(path) == STDOUT


def check_outputs(paths: Iterable[Path | None], inputs: Iterable[Path | None] = ()) -> None:
    """Refuses output paths that cannot be written or must not be replaced (exit 3, naming the
    path), among them an output that is one of the command's input files (``scan data.json -o
    data.json`` would replace the data with its report). Commands call it before their work, so
    a bad ``-o`` fails in a second, not after it."""
    seen: dict[str, Path] = {}
    sources = [p for p in inputs if p is not None and not is_stdout(p)]
    for path in paths:
        if path is None:
            continue
        key = STDOUT if is_stdout(path) else os.path.abspath(path)
        if key in seen:
            raise InputError(str(path), "output given twice")
        seen[key] = path
        if key != STDOUT:
            _check_output(path)
            _check_not_input(path, sources)


def _check_not_input(path: Path, inputs: Sequence[Path]) -> None:
    """An output that is one of the inputs named on the command line would be replaced by the
    report: refused. A file inside an input folder is not refused: `scan . -o report.json` run
    twice replaces its own earlier report, which is what the user asked for."""
    for source in inputs:
        try:
            same = os.path.samefile(path, source)
        except OSError:  # either does not exist (yet): nothing to replace
            continue
        if same:
            raise InputError(
                str(path), f"is an input ({source}); not replaced: write the report elsewhere"
            )


def _check_output(path: Path) -> None:
    where = str(path)
    try:
        st: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError(where, f"cannot be used as an output: {exc.strerror}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise InputError(where, "is a symbolic link; not replaced (give the path it points to)")
        if stat.S_ISDIR(st.st_mode):
            raise InputError(where, "is a folder; give a file path")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(
                where,
                "is not a regular file (a FIFO, device or socket); not replaced "
                "(use -o - for stdout)",
            )
    folder = path.parent
    if not folder.is_dir():
        raise InputError(where, f"the folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(where, f"the folder {folder} is not writable")


def output_folder(path: Path) -> Path:
    """A folder to write several outputs into (``demo --out``), created when missing; a file in
    its place, or a folder that cannot be created or written, is an :class:`InputError`."""
    if path.exists() and not path.is_dir():
        raise InputError(str(path), "is not a folder; give a folder path")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(path), f"cannot create the folder: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError(str(path), "the folder is not writable")
    return path


def refuse_output_in_input(outdir: Path, path: Path) -> None:
    """An output folder that is the input ``path`` or inside it is refused: the copies would
    land among (and be read as) the data."""
    out_abs = Path(os.path.abspath(outdir))
    src_abs = Path(os.path.abspath(path))
    if out_abs == src_abs or (path.is_dir() and out_abs.is_relative_to(src_abs)):
        raise InputError(
            str(outdir), f"is the input {shown_path(path)} or inside it; write elsewhere"
        )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_temp(path: Path, text: str | bytes, mode: int) -> str:
    """Writes ``text`` (or bytes) to a new temporary file next to ``path`` with ``mode``;
    returns its name."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_outputs(outputs: Sequence[tuple[Path, str | bytes]], *, private: bool = False) -> None:
    """Writes every ``(path, text)`` (text or bytes: a Parquet file), all or none: paths are checked, every text goes to a
    temporary file, and only then are they renamed over their targets (``-``: stdout, last).
    A failure leaves every existing file as it was and raises :class:`InputError` (exit 3)."""
    check_outputs(path for path, _ in outputs)
    default = 0o600 if private else 0o666 & ~_umask()
    staged: list[tuple[Path, str]] = []
    to_stdout: list[str | bytes] = []
    try:
        for path, text in outputs:
            if is_stdout(path):
                to_stdout.append(text)
                continue
            mode = default
            if path.exists() and not private:
                mode = stat.S_IMODE(path.stat().st_mode)
            try:
                staged.append((path, _write_temp(path, text, mode)))
            except OSError as exc:
                raise InputError(str(path), f"cannot write: {exc.strerror or exc}") from None
        for path, tmp in staged:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise InputError(str(path), f"cannot write: {exc.strerror or exc}") from None
    finally:
        for _, tmp in staged:
            Path(tmp).unlink(missing_ok=True)
    for text in to_stdout:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        sys.stdout.flush()


def write_atomic(path: Path, text: str | bytes, *, private: bool = False) -> None:
    """Writes one output through :func:`write_outputs`: never half-written."""
    write_outputs([(path, text)], private=private)
