"""Redacting a table: the scan classifies each column (the same :class:`Scanner` as ``clearance
scan``), then an identifier column is replaced cell by cell with its column operator and every
other text column span by span where the engine finds something."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import polars as pl

from clearance.detection.engine import Engine
from clearance.detection.match import Match
from clearance.io import readers
from clearance.privacy import Fingerprinter
from clearance.redact.replace import KEEP, PSEUDONYM, Replacer
from clearance.scan.options import ScanOptions
from clearance.scan.scanner import Scanner, safe_column_names


@dataclass
class TableResult:
    frame: pl.DataFrame
    # columns (output names) left holding their kind on purpose (keep, generalize, mask): the
    # re-scan does not count what it finds there of that kind
    kept: dict[str, set[str]] = field(default_factory=dict)


def _column_entities(
    engine: Engine, origin: str, table: str, strings: pl.DataFrame
) -> dict[str, tuple[str, str]]:
    """Per shown column name: ``(entity, category)`` of the column as the scan reports it (the
    entity the column holds, or what its name says when no value confirms it)."""
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
    return kinds


def redact_table(
    frame: pl.DataFrame,
    origin: str,
    table: str,
    engine: Engine,
    replacer: Replacer,
    text_fields: frozenset[str],
) -> TableResult:
    strings = readers.as_strings(frame)
    kinds = _column_entities(engine, origin, table, strings)
    shown, name_matches = safe_column_names(engine, list(strings.columns))
    names = _output_names(list(strings.columns), name_matches, replacer, origin)
    result = TableResult(frame)
    replaced: dict[str, pl.Series] = {}
    dropped: list[str] = []
    for column, display in zip(strings.columns, shown, strict=True):
        where = f"{origin}: column {display}"
        entity, category = kinds.get(display, (None, None))
        default = KEEP if category == "quasi_identifier" else PSEUDONYM
        op = (
            None
            if column in text_fields
            else replacer.column_operator(table, column, entity, default)
        )
        cells: list[str | None] = strings[column].to_list()
        distinct = list(dict.fromkeys(c for c in cells if c))
        if op is not None:
            replacer.record_column(table, display, entity, op)
            if op.op == "drop":
                dropped.append(column)
                continue
            if op.op in ("keep", "generalize", "mask") and entity:
                result.kept.setdefault(names.get(column, column), set()).add(entity)
            if op.op == "keep":
                continue
            label = entity or "VALUE"
            mapping = {v: replacer.value(v, label, op, where, code=False) for v in distinct}
        else:
            context = display.replace("_", " ")
            found = engine.detect_batch(distinct, context) if distinct else []
            mapping = {
                v: replacer.spans(v, ms, where) for v, ms in zip(distinct, found, strict=True) if ms
            }
            if not mapping:
                continue  # nothing found: the column stays as it was, type and all
        series = pl.Series(column, [mapping.get(c, c) if c else c for c in cells], dtype=pl.String)
        replaced[column] = _as_nested(series, frame.schema[column]) if op is None else series
    out = frame.with_columns(list(replaced.values())) if replaced else frame
    out = out.drop(dropped) if dropped else out
    result.frame = out.rename({k: v for k, v in names.items() if k in out.columns})
    return result


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


def _as_nested(series: pl.Series, dtype: pl.DataType) -> pl.Series:
    """A nested column (JSON objects and lists, read as JSON text) back in its type after its
    spans were replaced; the replacements hold no quote or backslash, so the JSON stays valid.
    Where it cannot be read back, the column stays JSON text."""
    if not isinstance(dtype, pl.Struct | pl.List | pl.Array):
        return series
    try:
        return series.str.json_decode(dtype)
    except pl.exceptions.PolarsError:
        return series
