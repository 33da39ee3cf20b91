"""The re-scan of the redacted copies: every file scanned again, whole, with the same engine as
``clearance scan``, counting the findings of the kinds the redaction remediated.

A large Parquet copy is scanned column by column on two processes (this one and a detection
worker), which gives the same findings as one scan of the file: the scan keeps what it learns
per column (its kind, its distinct values, its findings per rule), and column names are only
split off where none holds anything the engine finds. The columns are still read from the
written file, every row of them.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from functools import lru_cache
from pathlib import Path

import polars as pl

from clearance.core.findings import Finding
from clearance.detection.engine import Engine
from clearance.detection.parallel import default_workers
from clearance.detection.settings import DetectionSettings
from clearance.errors import InputError
from clearance.io import readers
from clearance.io.files import shown_path
from clearance.privacy import Fingerprinter
from clearance.redact.manifest import Rescan
from clearance.scan import ScanOptions, scan_paths
from clearance.scan.scanner import Scanner, safe_column_names

log = logging.getLogger(__name__)

# Below this a file is scanned in one process (its columns take less than sending them off).
SPLIT_ROWS = 50_000
_IDLE_TIMEOUT_S = 300  # as the detection workers', so that their executor is the one reused

# (file, column, entity, rule) of a finding: all the count needs, no value
Found = tuple[str, str | None, str, str]


def found_of(findings: list[Finding]) -> list[Found]:
    return [(f.location.file, f.location.column, f.entity, f.rule) for f in findings]


@lru_cache(maxsize=4)
def _engine(settings: DetectionSettings) -> Engine:
    # in a worker: one process (no workers of its own); the matches do not depend on it
    return settings.model_copy(update={"workers": 1}).engine()


def _column_batches(path: Path, index: int) -> Iterator[pl.DataFrame]:
    """One column of a Parquet file as the scan reads the file: string batches of the scan's
    ``batch_rows`` (the same boundaries as with every column)."""
    lazy = pl.scan_parquet(path, glob=False).select(pl.nth(index))
    for batch in lazy.collect_batches(chunk_size=ScanOptions().batch_rows):
        yield readers.as_strings(batch)


def scan_column(path: str, index: int, settings: DetectionSettings) -> list[Found]:
    """The findings in one column of a Parquet file (run in a worker process or here)."""
    scanner = Scanner(_engine(settings), Fingerprinter(secrets.token_bytes(32)))
    scanner.scan_batches(shown_path(Path(path)), _column_batches(Path(path), index))
    return found_of(scanner.report().findings)


def _splittable(path: Path, rows: int, engine: Engine) -> list[str] | None:
    """The columns of a staged copy to scan apart, or ``None`` (scan it whole)."""
    if rows < SPLIT_ROWS or readers.kind_of(path) != "parquet" or engine.ner is not None:
        return None
    names = pl.scan_parquet(path, glob=False).collect_schema().names()
    shown, matches = safe_column_names(engine, names)
    if len(names) < 2 or any(matches) or shown != names:
        return None  # names shown masked or escaped (made unique among all): scanned whole
    return names


def tokens_only(path: Path, names: list[str], shapes: dict[str, str]) -> set[int]:
    """The indices of the columns of a Parquet copy whose every cell (every row, read back from
    the file) is empty or a token of the shape its operator writes (``shapes``, by column
    name): what the redaction wrote there and nothing else, so nothing of what the engine
    finds is left in them (they need no detection). A column with any other cell is scanned."""
    indices = [i for i, name in enumerate(names) if name in shapes]
    if not indices:
        return set()
    checks = [
        (
            pl.nth(i).cast(pl.String).is_null()
            | (pl.nth(i).cast(pl.String) == "")
            | pl.nth(i).cast(pl.String).str.contains(shapes[names[i]])
        )
        .all()
        .alias(str(i))
        for i in indices
    ]
    try:
        row = pl.scan_parquet(path, glob=False).select(checks).collect().row(0)
    except pl.exceptions.PolarsError:
        return set()  # (a column that does not read as text) scanned as any other
    return {i for i, ok in zip(indices, row, strict=True) if ok}


def _scan_columns(
    path: Path, indices: list[int], settings: DetectionSettings, workers: int
) -> list[Found]:
    """The findings of the columns ``indices`` of a Parquet copy, one by one here (one
    worker) or as :func:`_scan_split` spreads them."""
    if workers > 1 and len(indices) > 1:
        return _scan_split(path, indices, settings, workers)
    return [f for i in indices for f in scan_column(str(path), i, settings)]


def _scan_split(
    path: Path, indices: list[int], settings: DetectionSettings, workers: int
) -> list[Found]:
    """The findings of the columns ``indices`` of a Parquet copy: the workers take columns
    from the first, this process from the last, until none is left. A worker is handed its
    next column when it finishes one (an executor would queue ahead, leaving this process the
    cheap end)."""
    from joblib.externals.loky import get_reusable_executor

    executor = get_reusable_executor(max_workers=workers - 1, timeout=_IDLE_TIMEOUT_S)
    todo = deque(indices)
    lock = threading.Lock()  # taking a column and recording its future are one step
    sent: list[Future[list[Found]]] = []

    def send(done: Future[list[Found]] | None = None) -> None:
        if done is not None and done.exception() is not None:
            return  # its result raises below; this process scans the columns left
        with lock:
            if not todo:
                return
            index = todo.popleft()
            try:
                future = executor.submit(scan_column, str(path), index, settings)
            except Exception as exc:  # a broken pool: this process scans what is left
                todo.appendleft(index)
                log.warning("re-scan worker failed (%s)", type(exc).__name__)
                return
            sent.append(future)
        future.add_done_callback(send)  # outside the lock: a done future calls it at once

    for _ in range(min(workers - 1, len(indices) - 1)):
        send()
    out: list[Found] = []
    while True:
        with lock:
            if not todo:
                futures = list(sent)  # complete: nothing is taken without being recorded
                break
            index = todo.pop()
        out += scan_column(str(path), index, settings)
    for future in futures:
        out += future.result()
    return out


def count_remaining(
    staged: list[Path],
    rows: dict[Path, int],
    kept: dict[str, dict[str, set[str]]],
    kinds: set[str],
    detection: DetectionSettings,
    tokens: dict[str, dict[str, str]] | None = None,
) -> Rescan:
    """Scans the staged copies and counts the findings of ``kinds`` left (not those of a
    column's name, nor those of a column ``kept`` holding its kind on purpose). A large
    Parquet copy's columns that ``tokens`` (per copy, column and token shape) says an operator
    replaced whole are checked against that shape instead (:func:`tokens_only`): measured,
    the detection of a million distinct pseudonyms per column was most of the re-scan."""
    engine = detection.engine()
    workers = detection.workers if detection.workers is not None else default_workers()
    whole: list[Path] = []
    found: list[Found] = []
    split = 0
    for path in staged:
        shapes = (tokens or {}).get(shown_path(path), {})
        names = (
            _splittable(path, rows.get(path, 0), engine) if workers > 1 or shapes else None
        )
        if names is None:
            whole.append(path)
            continue
        try:
            verified = tokens_only(path, names, shapes)
            if workers < 2 and not verified:
                whole.append(path)  # nothing to leave out: one scan of the whole file
                continue
            todo = [i for i in range(len(names)) if i not in verified]
            found += _scan_columns(path, todo, detection, workers)
            split += 1
        except Exception as exc:  # a worker killed, a broken pool: scan it here, say why
            log.warning("re-scan workers failed (%s); scanning in process", type(exc).__name__)
            whole.append(path)
    report = scan_paths(whole, fingerprinter=Fingerprinter(secrets.token_bytes(32)), engine=engine)
    if report.skipped:
        # a copy the re-scan cannot read is not a clean copy: nothing is published
        raise InputError(
            report.skipped[0].path,
            f"the redacted copy cannot be read back for the re-scan ({report.skipped[0].reason}); "
            "nothing published",
        )
    found += found_of(report.findings)
    return tally(found, kept, kinds, report.summary.files_scanned + split)


def tally(
    found: list[Found], kept: dict[str, dict[str, set[str]]], kinds: set[str], files: int
) -> Rescan:
    """The re-scan's count of the findings ``found`` in ``files`` copies (also the count of a
    re-scan on Spark)."""
    by_entity: dict[str, int] = {}
    for file, column, entity, rule in found:
        if rule == "column-name" or entity not in kinds:
            continue  # a column's name is no value left; kinds nobody asked to remove stay
        if column is not None and entity in kept.get(file, {}).get(column, set()):
            continue  # kept, masked or generalized on purpose
        by_entity[entity] = by_entity.get(entity, 0) + 1
    return Rescan(
        remaining=sum(by_entity.values()),
        by_entity=dict(sorted(by_entity.items())),
        files_scanned=files,
    )
