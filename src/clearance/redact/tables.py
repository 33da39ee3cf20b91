"""Redacting a table: the scan classifies each column (the same :class:`Scanner` as ``clearance
scan``), then an identifier column is replaced cell by cell with its column operator and every
other text column span by span where the engine finds something."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field

import polars as pl

from clearance.audit.policy import RedactOperator
from clearance.detection.engine import Engine
from clearance.detection.match import Match
from clearance.errors import InputError
from clearance.io import readers
from clearance.privacy import Fingerprinter
from clearance.redact.dates import check_shiftable, shift_dates, subject_column
from clearance.redact.operators import token_pattern
from clearance.redact.paths import TextPath, check_nested, paths_for, redact_paths_in
from clearance.redact.replace import KEEP, PSEUDONYM, Replacer
from clearance.scan.options import ScanOptions
from clearance.scan.scanner import Scanner, safe_column_names

PARALLEL_ROWS = 50_000


@dataclass(frozen=True)
class ColumnPlan:
    column: str
    display: str  # the name as reports show it (masked when it holds a value)
    entity: str | None
    op: RedactOperator | None  # None: span by span
    subject: str | None = None  # date_shift: the subject-key column
    paths: tuple[TextPath, ...] = ()  # free text inside the nested value (--text-field a.b)


@dataclass
class TablePlan:
    """What to do with each column, decided once on a table's first batch."""

    origin: str
    columns: list[ColumnPlan]
    names: dict[str, str]  # new names of columns whose names held values
    # columns (output names) left holding their kind on purpose (keep, generalize, mask): the
    # re-scan does not count what it finds there of that kind
    kept: dict[str, set[str]] = field(default_factory=dict)
    # the scan's kind of each column (input names): entity, free_text or other
    kinds: dict[str, str] = field(default_factory=dict)
    # columns (output names) whose every cell an operator replaced with a token of one shape
    # (a pseudonym, a placeholder), with that shape: the re-scan checks them against it
    tokens: dict[str, str] = field(default_factory=dict)
    workers: bool = False  # detection workers started for this (large) table


def _column_entities(
    engine: Engine, origin: str, table: str, strings: pl.DataFrame
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Per shown column name: ``(entity, category)`` of the column as the scan reports it (the
    entity the column holds, or what its name says when no value confirms it), and the scan's
    kind of every column (entity, free_text, other)."""
    # The scan decides a column's kind on its first probe_rows rows; reading only those keeps
    # the classification's cost flat in the table's size (the re-scan reads every row). Its
    # fingerprints are never shown: a throwaway key keeps them unlinkable.
    opts = ScanOptions(group_tables=1, sample=ScanOptions().probe_rows)
    scanner = Scanner(engine, Fingerprinter(secrets.token_bytes(32)), opts)
    scanner.scan_frame(origin, table, strings)
    report = scanner.report()
    kinds: dict[str, tuple[str, str]] = {}
    for finding in report.findings:
        column = finding.location.column
        if finding.scope != "column" or column is None:
            continue
        profile = next((p for p in report.columns if p.column == column), None)
        if finding.rule == "column-name" and profile is not None and profile.kind == "free_text":
            continue  # sentences under an identifier's name: redacted span by span
        best = profile.entity if profile is not None and profile.entity else finding.entity
        if finding.entity == best or column not in kinds:
            kinds[column] = (finding.entity, finding.category)
    return kinds, {p.column: p.kind for p in report.columns}


def plan_table(
    first: pl.DataFrame,
    origin: str,
    table: str,
    engine: Engine,
    replacer: Replacer,
    text_fields: frozenset[str],
) -> TablePlan:
    """The plan for a table from its first batch: the scan classifies each column, the policy
    (or the defaults) gives identifier columns their operator, the rest go span by span."""
    strings = readers.as_strings(first)
    kinds, scan_kinds = _column_entities(engine, origin, table, strings)
    shown, name_matches = safe_column_names(engine, list(strings.columns))
    plan = TablePlan(
        origin, [], _output_names(list(strings.columns), name_matches, replacer, origin)
    )
    nested = paths_for(text_fields, list(first.columns))
    for column, display in zip(strings.columns, shown, strict=True):
        entity, category = kinds.get(display, (None, None))
        default = KEEP if category == "quasi_identifier" else PSEUDONYM
        op = None
        for path in nested.get(column, []):
            check_nested(path, first.schema[column], origin)
        if column not in text_fields and column not in nested:
            op = replacer.column_operator(table, column, entity, default)
        subject = None
        if op is not None:
            if op.op == "date_shift":
                where = f"{origin}: column {display}"
                check_shiftable(first.schema[column], where)
                key = replacer.subject_key(table)
                subject = subject_column(table, list(first.columns), key, where)
            replacer.record_column(table, display, entity, op)
            if op.op in ("keep", "generalize", "mask", "date_shift") and entity:
                plan.kept.setdefault(plan.names.get(column, column), set()).add(entity)
            shape = token_pattern(op.op, entity or "VALUE")
            if shape is not None:
                plan.tokens[plan.names.get(column, column)] = shape
        paths = tuple(nested.get(column, ()))
        plan.columns.append(ColumnPlan(column, display, entity, op, subject, paths))
        plan.kinds[column] = scan_kinds.get(display, "other")
    return plan


def apply_plan(
    plan: TablePlan, batch: pl.DataFrame, engine: Engine, replacer: Replacer
) -> pl.DataFrame:
    """One batch redacted by ``plan``. Replaced columns are text (nested ones are read back
    into their type); a column span by span keeps its type where nothing was found, and only
    text and nested columns are searched (numbers and dates are left to the re-scan)."""
    replaced: list[pl.Series] = []
    dropped: list[str] = []
    if batch.height >= PARALLEL_ROWS and not plan.workers:
        # a large table: its free text (and the re-scan's) is worth the worker processes from
        # the first batch, not only from a batch of 4 MB of distinct text
        plan.workers = engine.start_workers() or True

    def texts(values: list[str], context: str) -> dict[str, str]:
        found = engine.detect_batch(values, context) if values else []
        where = f"{plan.origin}: nested text"
        return {v: replacer.spans(v, ms, where) for v, ms in zip(values, found, strict=True) if ms}

    for col in plan.columns:
        where = f"{plan.origin}: column {col.display}"
        op, dtype = col.op, batch.schema[col.column]
        if op is not None and op.op == "drop":
            dropped.append(col.column)
            continue
        if op is not None and op.op == "keep":
            continue
        if op is not None and op.op == "date_shift" and col.subject is not None:
            replaced.append(shift_dates(batch, col.column, col.subject, op, replacer.keys, where))
            continue
        nested = isinstance(dtype, pl.Struct | pl.List | pl.Array)
        if op is None and dtype != pl.String and not nested:
            continue
        if col.paths:
            batch = batch.with_columns(
                redact_paths_in(batch[col.column], col.paths, texts, f"{plan.origin}")
            )
        cells = (
            _json_cells(batch[col.column], plan.origin, col.display)
            if nested
            else readers.as_strings(batch.select(col.column)).to_series()
        )
        # each distinct value once (a million cells of a few thousand names: a few thousand
        # pseudonyms or detections), then mapped back in Polars
        distinct = cells.filter(cells.is_not_null() & (cells != "")).unique(maintain_order=True)
        olds = distinct.to_list()
        if op is not None:
            news = replacer.values(olds, col.entity or "VALUE", op, where)
        else:
            context = col.display.replace("_", " ")
            found = engine.detect_batch(olds, context) if olds else []
            pairs = [
                (v, replacer.spans(v, ms, where)) for v, ms in zip(olds, found, strict=True) if ms
            ]
            if not pairs:
                continue  # nothing found: the column stays as it was
            olds, news = [v for v, _ in pairs], [n for _, n in pairs]
        series = cells.replace(
            pl.Series(olds, dtype=pl.String), pl.Series(news, dtype=pl.String)
        ).rename(col.column)
        replaced.append(
            _as_nested(series, dtype, plan.origin, col.display) if op is None else series
        )
    out = batch.with_columns(replaced) if replaced else batch
    out = out.drop(dropped) if dropped else out
    return out.rename({k: v for k, v in plan.names.items() if k in out.columns})


def _output_names(
    columns: list[str], matches: list[list[Match]], replacer: Replacer, origin: str
) -> dict[str, str]:
    """New names for column names (object keys) that hold something the engine finds (a CSV
    without a header row, JSON keyed by e-mail addresses): the spans replaced as in text, made
    unique with ``#2``, ``#3``."""
    out: dict[str, str] = {}
    taken = {c for c, ms in zip(columns, matches, strict=True) if not ms}
    for column, ms in zip(columns, matches, strict=True):
        if not ms:
            continue
        base = name = replacer.spans(column, ms, f"{origin}: a column name")
        k = 1
        while name in taken:
            k += 1
            name = f"{base}#{k}"
        taken.add(name)
        out[column] = name
    return out


def _json_cells(series: pl.Series, origin: str, display: str) -> pl.Series:
    """Each nested value as JSON text (searched span by span like free text)."""
    try:
        cells = [
            None if v is None else json.dumps(v, default=str, ensure_ascii=False) for v in series
        ]
    except RecursionError:
        raise InputError(origin, f"column {display}: nested too deeply to redact") from None
    return pl.Series(series.name, cells, dtype=pl.String)


def _as_nested(series: pl.Series, dtype: pl.DataType, origin: str, display: str) -> pl.Series:
    """A nested column (JSON objects and lists, read as JSON text) back in its type after its
    spans were replaced; the replacements hold no quote or backslash, so the JSON stays valid."""
    if not isinstance(dtype, pl.Struct | pl.List | pl.Array):
        return series
    try:
        return series.str.json_decode(dtype)
    except pl.exceptions.PolarsError:
        raise InputError(
            origin,
            f"column {display}: a redacted nested value is no longer valid JSON; give the "
            "column an operator of its own",
        ) from None
