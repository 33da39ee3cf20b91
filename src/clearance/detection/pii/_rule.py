"""Shorthand for declaring a PII detector."""

from __future__ import annotations

from clearance.detection.detector import Detector, Refiner, Severity, Validator


def pii(
    id: str,
    entity: str,
    pattern: str | tuple[str, ...],
    positives: tuple[str, ...],
    negatives: tuple[str, ...],
    *,
    severity: Severity = Severity.HIGH,
    score: float = 0.85,
    validator: Validator | None = None,
    refine: Refiner | None = None,
    context: tuple[str, ...] = (),
    anti_context: tuple[str, ...] = (),
    context_boost: float = 0.2,
    requires_context: bool = False,
    ignore_case: bool = False,
    description: str = "",
) -> Detector:
    return Detector(
        id=id,
        entity=entity,
        category="pii",
        severity=severity,
        patterns=(pattern,) if isinstance(pattern, str) else pattern,
        positives=positives,
        negatives=negatives,
        score=score,
        validator=validator,
        refine=refine,
        context=context,
        anti_context=anti_context,
        context_boost=context_boost,
        requires_context=requires_context,
        ignore_case=ignore_case,
        description=description,
    )


# Words near a number that say it is not personal: order ids, SKUs, tracking and invoice numbers.
BUSINESS_NUMBER_WORDS = (
    "order",
    "sku",
    "invoice",
    "tracking",
    "ticket",
    "ref",
    "item",
    "product",
    "build",
    "version",
    "qty",
)
