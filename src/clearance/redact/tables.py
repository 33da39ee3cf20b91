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
from clearance.redact.replace import KEEP, PSEUDONYM, Replacer
from clearance.scan.options import ScanOptions
from clearance.scan.scanner import Scanner, safe_column_names


@dataclass(frozen=True)
class ColumnPlan:
    column: str
    display: str  # the name as reports show it (masked when it holds a value)
    entity: str | None
    op: RedactOperator | None  # None: span by span


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
    for column, display in zip(strings.columns, shown, strict=True):
        entity, category = kinds.get(display, (None, None))
        default = KEEP if category == "quasi_identifier" else PSEUDONYM
        op = None
        if column not in text_fields:
            op = replacer.column_operator(table, column, entity, default)
        if op is not None:
            replacer.record_column(table, display, entity, op)
            if op.op in ("keep", "generalize", "mask") and entity:
                plan.kept.setdefault(plan.names.get(column, column), set()).add(entity)
        plan.columns.append(ColumnPlan(column, display, entity, op))
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
    for col in plan.columns:
        where = f"{plan.origin}: column {col.display}"
        op, dtype = col.op, batch.schema[col.column]
        if op is not None and op.op == "drop":
            dropped.append(col.column)
            continue
        if op is not None and op.op == "keep":
            continue
        nested = isinstance(dtype, pl.Struct | pl.List | pl.Array)
        if op is None and dtype != pl.String and not nested:
            continue
        cells: list[str | None] = (
            [None if v is None else json.dumps(v, default=str) for v in batch[col.column].to_list()]
            if nested
            else readers.as_strings(batch.select(col.column)).to_series().to_list()
        )
        distinct = list(dict.fromkeys(c for c in cells if c))
        if op is not None:
            label = col.entity or "VALUE"
            mapping = {v: replacer.value(v, label, op, where, code=False) for v in distinct}
        else:
            context = col.display.replace("_", " ")
            found = engine.detect_batch(distinct, context) if distinct else []
            mapping = {
                v: replacer.spans(v, ms, where) for v, ms in zip(distinct, found, strict=True) if ms
            }
            if not mapping:
                continue  # nothing found: the column stays as it was
        series = pl.Series(
            col.column, [mapping.get(c, c) if c else c for c in cells], dtype=pl.String
        )
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
