"""How a scan reads and classifies tables: the knobs of :class:`ScanOptions`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScanOptions:
    sample: int | None = None  # rows per table; None scans every row
    batch_rows: int = 100_000
    probe_rows: int = 2_000
    max_values_per_rule: int = 100  # distinct values listed per (file, column, rule)
    entity_share: float = 0.5  # share of cells needed to call a column an entity column
    # Distinct values of an entity column validated one by one (phonenumbers, checksums, date
    # parsing); beyond this, values are counted by the detector's pattern in Rust if at least
    # `pattern_trust` of the validated pattern matches were valid. None validates everything.
    validate_limit: int | None = 20_000
    pattern_trust: float = 0.98
    coverage: float = 0.6  # share of a cell's characters the entity must cover
    # ... and a minor type of an entity column (e-mails among phones): a value of another kind,
    # not a piece of the column's values (a person's name in "1027 Jonathan Spring").
    minor_coverage: float = 0.9
    # Small tables (at most `probe_rows` rows) scanned together by `Scanner.scan_frames`, up to
    # this many (and `batch_rows` rows) at a time: one engine call per column name for all of
    # them instead of two per column. 1 scans each table on its own (same results).
    group_tables: int = 5_000
