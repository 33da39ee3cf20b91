"""Helpers every command shares: output files, error exits, the stderr console, progress.

Outputs: every file a command writes goes through :func:`write_outputs` (or
:func:`write_atomic` for one file). Paths are checked first (:func:`check_outputs`, also before
long work starts): a folder, a path under a missing folder, an unwritable folder, a symbolic
link, a FIFO, a device or a socket is refused with an :class:`InputError` (exit 3) naming the
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
import traceback
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup
from typer.exceptions import TyperException

from clearance.detection import calibration as calibrations
from clearance.errors import ClearanceError, InputError
from clearance.reports.escape import terminal_line, terminal_text

STDOUT = "-"
DEBUG_ENV = "CLEARANCE_DEBUG"
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): a bug in clearance, never a result
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell shows for `yes | head`

# Names, paths and labels printed here come from data: never read them as Rich markup, emoji
# codes (``users.csv:phone:``) or highlight them.
err = Console(stderr=True, markup=False, emoji=False, highlight=False)


class Advance(Protocol):
    """Reports progress: ``advance(n, label=..., total=...)``; a no-op when progress is hidden."""

    def __call__(
        self, n: float = 1, *, label: str | None = None, total: float | None = None
    ) -> None: ...


@contextmanager
def progress(description: str, *, unit: str = "", quiet: bool = False) -> Iterator[Advance]:
    """A Rich progress bar on stderr for long work, hidden with ``-q`` or when stderr is not a
    terminal. ``unit`` labels the count (``rows``, ``probes``); the total may be set later."""
    if quiet or not err.is_terminal:

        def hidden(n: float = 1, *, label: str | None = None, total: float | None = None) -> None:
            return None

        yield hidden
        return
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn(f"{{task.completed:,.0f}} {unit}".rstrip(), markup=False),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def advance(n: float = 1, *, label: str | None = None, total: float | None = None) -> None:
            shown = terminal_line(f"{description} {label}" if label else description)
            if total is not None:
                bar.update(task, total=total)
            bar.update(task, description=shown, advance=n)

        yield advance


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


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_temp(path: Path, text: str, mode: int) -> str:
    """Writes ``text`` to a new temporary file next to ``path`` with ``mode``; returns its name."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_outputs(outputs: Sequence[tuple[Path, str]], *, private: bool = False) -> None:
    """Writes every ``(path, text)``, all or none: paths are checked, every text goes to a
    temporary file, and only then are they renamed over their targets (``-``: stdout, last).
    A failure leaves every existing file as it was and raises :class:`InputError` (exit 3)."""
    check_outputs(path for path, _ in outputs)
    default = 0o600 if private else 0o666 & ~_umask()
    staged: list[tuple[Path, str]] = []
    to_stdout: list[str] = []
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
        sys.stdout.write(text)
        sys.stdout.flush()


def write_atomic(path: Path, text: str, *, private: bool = False) -> None:
    """Writes one output through :func:`write_outputs`: never half-written."""
    write_outputs([(path, text)], private=private)


def say(message: str) -> None:
    """Prints a message to stderr; control characters from data are shown escaped, never sent
    to the terminal (``\\x1b[2J``, hyperlinks, bidirectional overrides)."""
    typer.echo(terminal_text(message), err=True)


def fail(exc: ClearanceError) -> typer.Exit:
    """Prints the error on one line (``error: ...``) and returns the exit for its class."""
    typer.echo(f"error: {terminal_line(str(exc))}", err=True)
    return typer.Exit(exc.exit_code)


def debug_enabled(flag: bool = False) -> bool:
    """``--debug`` or ``CLEARANCE_DEBUG=1`` (also true/yes/on): show tracebacks."""
    env = os.environ.get(DEBUG_ENV, "").strip().lower()
    return flag or env in {"1", "true", "yes", "on"}


def _where_in_clearance(exc: BaseException) -> str:
    """The innermost frame of clearance's own code (``clearance/scan/reader.py:120``): where
    to look, and never a value."""
    package = Path(__file__).resolve().parents[1]
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        try:
            relative = Path(frame.filename).resolve().relative_to(package.parent)
        except ValueError:
            continue
        where = f"{relative.as_posix()}:{frame.lineno}"
    return where


def internal_error(exc: BaseException, *, debug: bool) -> typer.Exit:
    """An uncaught exception: one line naming its type and where (exit 70); the traceback,
    which may quote data, only with ``--debug``/``CLEARANCE_DEBUG=1``."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    where = _where_in_clearance(exc)
    kind = type(exc).__name__ + (f" at {where}" if where else "")
    typer.echo(
        f"error: internal error ({kind}), a bug in clearance, not a result; rerun with --debug "
        f"or {DEBUG_ENV}=1 for the traceback",
        err=True,
    )
    return typer.Exit(EXIT_INTERNAL)


class Boundary(TyperGroup):
    """The root command group: every subcommand runs inside it. An error clearance raises on
    purpose exits with its class's code; anything else is an internal error (exit 70), never
    1 (findings) or 0; Ctrl-C exits 130 with one line."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise  # exits and usage errors (click's message, exit 2)
        except ClearanceError as exc:
            raise fail(exc) from None
        except KeyboardInterrupt:
            typer.echo("error: interrupted", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # The reader of stdout went away (`clearance rules | head`): not a bug and not a
            # result. Quietly, as a tool killed by SIGPIPE; stdout goes to /dev/null so that
            # the interpreter's last flush does not fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except Exception as exc:
            raise internal_error(exc, debug=debug_enabled(bool(ctx.params.get("debug")))) from None


CalibrationOpt = Annotated[
    str | None,
    typer.Option(
        "--calibration",
        help="Score map from `clearance calibrate` (default: the bundled one; none: hand-set).",
    ),
]


def calibration_option(value: str | None) -> calibrations.Calibration | None:
    """The map ``--calibration`` names: the bundled one when absent, none for ``none``."""
    if value is None:
        return calibrations.bundled()
    return None if value.lower() == "none" else calibrations.load(value)
