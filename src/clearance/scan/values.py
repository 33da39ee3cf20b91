"""The distinct values a scan reports: per (file, column, rule), deduplicated by keyed
fingerprint, at most ``limit`` listed (the rest counted), each turned into one finding."""

from __future__ import annotations

from dataclasses import dataclass, field

from clearance.core.findings import Finding, Location, build_finding
from clearance.detection.match import Match
from clearance.privacy import Fingerprinter, mask
from clearance.scan.remediation import advice, fix_for


@dataclass
class DistinctValue:
    match: Match
    location: Location
    count: int = 1


@dataclass
class ValueFindings:
    """Distinct values per (file, column, rule), deduplicated by fingerprint."""

    fp: Fingerprinter
    limit: int
    values: dict[tuple[str, str | None, str], dict[str, DistinctValue]] = field(
        default_factory=dict
    )
    overflow: dict[tuple[str, str | None, str], int] = field(default_factory=dict)

    def add(self, file: str, column: str | None, m: Match, location: Location, n: int = 1) -> None:
        key = (file, column, m.detector)
        bucket = self.values.setdefault(key, {})
        fingerprint = self.fp.of(m.detector, m.value)
        if fingerprint in bucket:
            bucket[fingerprint].count += n
        elif len(bucket) < self.limit:
            bucket[fingerprint] = DistinctValue(m, location, n)
        else:
            self.overflow[key] = self.overflow.get(key, 0) + 1

    def findings(self) -> list[Finding]:
        out = []
        for bucket in self.values.values():
            for v in bucket.values():
                m = v.match
                out.append(
                    build_finding(
                        rule=m.detector,
                        category=m.category,
                        entity=m.entity,
                        severity=m.severity,
                        scope="value",
                        location=v.location,
                        count=v.count,
                        preview=mask(m.value, m.entity, m.category),
                        fingerprinter=self.fp,
                        identity=m.value,
                        score=m.score,
                        remediation=advice(m.category, m.entity, "value"),
                        fix=fix_for(m.category, "value"),
                    )
                )
        return out
