"""Shorthand for declaring a PII detector."""

from __future__ import annotations

from collections.abc import Callable, Container

from clearance.core.severity import Severity
from clearance.detection.detector import Detector, Refiner, Validator


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
    whole_number: bool | None = None,
    description: str = "",
    gate_by: str = "",
    prefilter: Callable[[], str] | None = None,
    precheck: Callable[[str], bool] | None = None,
    refine_narrows: bool = False,
    refine_words: Callable[[], Container[str]] | None = None,
) -> Detector:
    """A PII detector. ``whole_number``: a match is never the integer or the fraction part of
    a decimal number (``0.36227206271667`` holds no card number, ``4111111111111111.25`` none
    either); by default, for every number format (each pattern starts with ``\\b\\d``)."""
    patterns = (pattern,) if isinstance(pattern, str) else pattern
    if whole_number is None:
        whole_number = all(p.startswith(r"\b\d") for p in patterns)
    if whole_number:
        refine = _outside_decimals(score, refine)
    return Detector(
        id=id,
        entity=entity,
        category="pii",
        severity=severity,
        patterns=patterns,
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
        gate_by=gate_by,
        prefilter=prefilter,
        precheck=precheck,
        refine_narrows=refine_narrows,
        refine_words=refine_words,
    )


def in_decimal(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is the integer or the fraction part of a decimal number:
    a digit and a point right before it, or a point and a digit right after it."""
    return (start >= 2 and text[start - 1] == "." and text[start - 2].isdigit()) or (
        text[end : end + 1] == "." and text[end + 1 : end + 2].isdigit()
    )


def _outside_decimals(score: float, refine: Refiner | None) -> Refiner:
    def refined(text: str, start: int, end: int) -> tuple[int, int, float] | None:
        if in_decimal(text, start, end):
            return None
        return (start, end, score) if refine is None else refine(text, start, end)

    return refined


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
