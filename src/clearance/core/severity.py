"""Finding severities. Here, not in detection, because every job grades what it finds with them
(a detector declares one, an audit check or the policy gate compares them)."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """Ordered severities; ``Severity.rank`` compares them."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.lower())
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r}; allowed: {allowed}") from None


_SEVERITY_ORDER = [Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]
