"""Redacting a table: the scan classifies each column (the same :class:`Scanner` as ``clearance
scan``), then an identifier column is replaced cell by cell with its column operator and every
other text column span by span where the engine finds something."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import polars as pl

from clearance.detection.engine import Engine
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
    # the fingerprints of this scan are never shown: a throwaway key keeps them unlinkable
    scanner = Scanner(engine, Fingerprinter(secrets.token_bytes(32)), ScanOptions(group_tables=1))
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
    shown, _ = safe_column_names(engine, list(strings.columns))
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
                result.kept.setdefault(display, set()).add(entity)
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
        replaced[column] = pl.Series(
            column, [mapping.get(c, c) if c else c for c in cells], dtype=pl.String
        )
    out = frame.with_columns(list(replaced.values())) if replaced else frame
    result.frame = out.drop(dropped) if dropped else out
    return result
