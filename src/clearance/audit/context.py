"""What every audit check sees: the tables, the policy, the subject links, the engine's scan of
every table (run once, shared), and the measured sections the renderers chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from clearance.audit.policy import Policy
from clearance.audit.quasi import detect_quasi_identifiers
from clearance.audit.report import AnonymityResult, ConsentResult, RetentionResult
from clearance.audit.sources import Table
from clearance.audit.subjects import SubjectLinks, link_subjects
from clearance.core.findings import Finding, FindingCategory, Fix, Location
from clearance.core.severity import Severity
from clearance.detection.engine import Engine
from clearance.governance.controls import controls_for
from clearance.privacy import Fingerprinter
from clearance.scan.report import ScanReport
from clearance.scan.scanner import Scanner, ScanOptions


class CheckSkipped(Exception):
    """A check that cannot run on this table (column missing, nothing declared); the reason is
    listed in the report, never dropped."""


@dataclass
class AuditContext:
    tables: dict[str, Table]
    policy: Policy
    engine: Engine
    fingerprinter: Fingerprinter
    today: date
    scan_options: ScanOptions = field(default_factory=ScanOptions)
    anonymity: list[AnonymityResult] = field(default_factory=list)
    retention: list[RetentionResult] = field(default_factory=list)
    consent: list[ConsentResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _scan: ScanReport | None = None
    _links: SubjectLinks | None = None
    _scan_by_table: dict[str, list[Finding]] | None = None
    anonymity_by_table: dict[str, AnonymityResult] = field(default_factory=dict)
    _key_columns: frozenset[str] | None = None

    @property
    def links(self) -> SubjectLinks:
        if self._links is None:
            per_table = {name: tp.subject_key for name, tp in self.policy.tables.items()}
            self._links = link_subjects(
                list(self.tables.values()), self.policy.subject_key, per_table
            )
        return self._links

    @property
    def key_columns(self) -> frozenset[str]:
        """The subject-key columns of every linked table."""
        if self._key_columns is None:
            self._key_columns = frozenset(self.links.keys.values())
        return self._key_columns

    def scan(self) -> ScanReport:
        """The detection engine over every column of every table, once per audit."""
        if self._scan is None:
            scanner = Scanner(self.engine, self.fingerprinter, self.scan_options)
            scanner.scan_frames((t.origin, t.name, t.frame) for t in self.tables.values())
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
        return detect_quasi_identifiers(self.tables[table].frame)

    def require(self, table: str, columns: list[str], what: str) -> None:
        frame = self.tables[table].frame
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise CheckSkipped(
                f"{table}: {what} column(s) {', '.join(missing)} not in the table "
                f"(columns: {', '.join(frame.columns)})"
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
        scope: str,
        remediation: str,
        fix: Fix | None,
        why: str,
        share: float | None = None,
        preview: str = "",
        metrics: dict[str, float] | None = None,
        identity: str = "",
    ) -> Finding:
        """A check's finding; the fingerprint identifies (rule, table, column, identity) so a
        baseline can suppress it across runs."""
        origin = self.tables[table].origin
        return Finding(
            rule=rule,
            category=category,
            entity=entity,
            severity=severity,
            scope=scope,  # type: ignore[arg-type]
            location=Location(file=origin, table=table, column=column),
            count=max(1, count),
            share=None if share is None else round(min(1.0, max(0.0, share)), 4),
            preview=preview,
            fingerprint=self.fingerprinter.of(rule, f"{table}\x00{column or ''}\x00{identity}"),
            score=1.0,
            remediation=remediation,
            fix=fix,
            why=why,
            controls=controls_for(category),
            metrics=metrics or {},
        )
