"""What every audit check sees: the tables, the policy, the subject links and the engine's scan
of every table (computed once, shared). Read-only for the checks: a check returns what it found
and measured (:class:`clearance.audit.checks.CheckResult`), the auditor assembles the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar, cast, runtime_checkable

import polars as pl

from clearance.audit.plans import AuditTable, collect
from clearance.audit.policy import Policy
from clearance.audit.quasi import detect_quasi_identifiers
from clearance.audit.sources import Table
from clearance.audit.subjects import SubjectLinks, link_subjects
from clearance.core.findings import Finding, FindingCategory, Fix, Location, Scope, build_finding
from clearance.core.run import SkippedInput
from clearance.core.severity import Severity
from clearance.detection.engine import Engine
from clearance.io.readers import one_line
from clearance.privacy import Fingerprinter
from clearance.scan.options import ScanOptions
from clearance.scan.report import ScanReport
from clearance.scan.scanner import Scanner


class CheckSkipped(Exception):
    """A check that cannot run on this table (column missing, nothing declared); the reason is
    listed in the report, never dropped."""


_T = TypeVar("_T")


@runtime_checkable
class ScansItself(Protocol):
    """A table its engine scans (:class:`clearance.scan.scanner.Scanner` fed by that engine's
    workers, e.g. Spark executors), rather than read batch by batch here."""

    def scan_into(self, scanner: Scanner) -> None: ...


@dataclass
class AuditContext:
    tables: dict[str, AuditTable]
    policy: Policy
    engine: Engine
    fingerprinter: Fingerprinter
    today: date
    scan_options: ScanOptions = field(default_factory=ScanOptions)
    # join keys compared as keyed fingerprints made with this (clearance.audit.keys), or as
    # canonical text when None
    key_secret: bytes | None = field(default=None, repr=False)
    _scan: ScanReport | None = None
    _links: SubjectLinks | None = None
    _scan_by_table: dict[str, list[Finding]] | None = None
    _key_columns: frozenset[str] | None = None
    _cache: dict[tuple[str, str], object] = field(default_factory=dict)

    @property
    def links(self) -> SubjectLinks:
        if self._links is None:
            per_table = {name: tp.subject_key for name, tp in self.policy.tables.items()}
            self._links = link_subjects(
                list(self.tables.values()), self.policy.subject_key, per_table, self.key_secret
            )
        return self._links

    @property
    def key_columns(self) -> frozenset[str]:
        """The subject-key columns of every linked table."""
        if self._key_columns is None:
            self._key_columns = frozenset(self.links.keys.values())
        return self._key_columns

    def cached(self, key: tuple[str, str], compute: Callable[[], _T]) -> _T:
        """A measurement two checks share (k-anonymity and l-diversity measure the same
        equivalence classes), computed once per audit; each check still returns it itself.
        A computation that raises (:class:`CheckSkipped`) is not cached."""
        if key not in self._cache:
            self._cache[key] = compute()
        return cast(_T, self._cache[key])

    def scan(self) -> ScanReport:
        """The detection engine over every column of every table, once per audit."""
        if self._scan is None:
            opts = self.scan_options
            scanner = Scanner(self.engine, self.fingerprinter, opts)
            small: list[tuple[str, str, pl.DataFrame]] = []
            for t in self.tables.values():
                if not isinstance(t, Table):
                    if not isinstance(t, ScansItself):
                        raise TypeError(f"table {t.name}: its engine gives no scan")
                    scanner.scan_frames(small)
                    small = []
                    t.scan_into(scanner)
                    continue
                # A streamed table larger than a probe is never scanned with others
                # (Scanner.scan_frames): it is scanned batch by batch, the batches scan_frame
                # would slice, so the results are those of the in-memory table.
                if t.streamed and min(t.height, opts.sample or t.height) > opts.probe_rows:
                    scanner.scan_frames(small)
                    small = []
                    try:
                        scanner.scan_frame_batches(
                            t.origin, t.name, t.batches(opts.batch_rows, opts.sample)
                        )
                    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
                        # A page that cannot be read, found only when the scan reaches it: the
                        # table is listed as not (fully) read, never passed off as scanned.
                        scanner.skipped.append(
                            SkippedInput(
                                path=t.origin,
                                reason=f"cannot read to the end: {one_line(exc)}; scan incomplete",
                            )
                        )
                elif t.streamed:  # at most a probe's rows are scanned: only those are read
                    limit = min(t.height, opts.sample or t.height)
                    small.append((t.origin, t.name, collect(t.lazy.head(limit))))
                else:
                    small.append((t.origin, t.name, t.frame))
            scanner.scan_frames(small)
            self._scan = scanner.report()
        return self._scan

    def scan_findings(self, table: str) -> list[Finding]:
        """The engine's findings in one table (indexed once: per-table checks must not walk
        every finding of every table)."""
        if self._scan_by_table is None:
            self._scan_by_table = {}
            for f in self.scan().findings:
                self._scan_by_table.setdefault(f.location.table or "", []).append(f)
        return self._scan_by_table.get(table, [])

    def quasi_identifiers(self, table: str) -> list[str]:
        declared = self.policy.table(table).quasi_identifiers
        if declared is not None:
            return list(declared)
        return detect_quasi_identifiers(self.tables[table].columns)

    def require(self, table: str, columns: list[str], what: str) -> None:
        present = self.tables[table].columns
        missing = [c for c in columns if c not in present]
        if missing:
            raise CheckSkipped(
                f"{table}: {what} column(s) {', '.join(missing)} not in the table "
                f"(columns: {', '.join(present)})"
            )

    def finding(
        self,
        *,
        rule: str,
        category: FindingCategory,
        entity: str,
        severity: Severity,
        table: str,
        column: str | None,
        count: int,
        scope: Scope,
        remediation: str,
        fix: Fix | None,
        why: str,
        share: float | None = None,
        preview: str = "",
        metrics: dict[str, float] | None = None,
        identity: str = "",
        controls: tuple[str, ...] | None = None,
    ) -> Finding:
        """A check's finding, located at the table (and column); the fingerprint identifies
        (rule, table, column, identity) so a baseline can suppress it across runs."""
        return build_finding(
            rule=rule,
            category=category,
            entity=entity,
            severity=severity,
            scope=scope,
            location=Location(file=self.tables[table].origin, table=table, column=column),
            count=count,
            fingerprinter=self.fingerprinter,
            identity=f"{table}\x00{column or ''}\x00{identity}",
            remediation=remediation,
            fix=fix,
            share=share,
            preview=preview,
            why=why,
            metrics=metrics,
            controls=controls,
        )
