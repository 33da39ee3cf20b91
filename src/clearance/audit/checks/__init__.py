"""The one registry of audit checks, in the order they run (engine scan first: later checks
reuse its column profiles)."""

from __future__ import annotations

from clearance.audit.checks._check import Check, CheckResult, Example, Measurement
from clearance.audit.checks.consent import CONSENT
from clearance.audit.checks.identifiers import IDENTIFIERS, SPECIAL_CATEGORY
from clearance.audit.checks.linkage import REPEATED_IDENTIFIER, SELF_IDENTIFYING_TEXT
from clearance.audit.checks.minimization import MINIMIZATION
from clearance.audit.checks.reidentification import K_ANONYMITY, L_DIVERSITY
from clearance.audit.checks.retention import RETENTION


def _registry(checks: tuple[Check, ...]) -> tuple[Check, ...]:
    ids = [c.id for c in checks]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"duplicate check id(s): {', '.join(sorted(dupes))}")
    return checks


CHECKS: tuple[Check, ...] = _registry(
    (
        IDENTIFIERS,
        SPECIAL_CATEGORY,
        K_ANONYMITY,
        L_DIVERSITY,
        RETENTION,
        CONSENT,
        MINIMIZATION,
        SELF_IDENTIFYING_TEXT,
        REPEATED_IDENTIFIER,
    )
)

__all__ = ["CHECKS", "Check", "CheckResult", "Example", "Measurement"]
