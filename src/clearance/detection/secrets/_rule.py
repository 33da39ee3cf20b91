"""Shorthand for declaring a secret rule: secrets share severity, scoring and entropy defaults."""

from __future__ import annotations

from clearance.detection.detector import Detector, Severity, Validator

# Words that mark a value as an example or a placeholder rather than a live credential.
PLACEHOLDER_WORDS = (
    "example",
    "sample",
    "dummy",
    "placeholder",
    "changeme",
    "your_",
    "your-",
    "xxxx",
    "redacted",
    "<",
    "${",
    "{{",
)


def secret(
    id: str,
    entity: str,
    pattern: str | tuple[str, ...],
    positives: tuple[str, ...],
    negatives: tuple[str, ...],
    *,
    keywords: tuple[str, ...] = (),
    severity: Severity = Severity.CRITICAL,
    score: float = 0.95,
    min_entropy: float | None = None,
    ignore_case: bool = False,
    validator: Validator | None = None,
    context: tuple[str, ...] = (),
    requires_context: bool = False,
    description: str = "",
) -> Detector:
    patterns = (pattern,) if isinstance(pattern, str) else pattern
    return Detector(
        id=id,
        entity=entity,
        category="secret",
        severity=severity,
        patterns=patterns,
        positives=positives,
        negatives=negatives,
        score=score,
        validator=validator,
        context=context,
        requires_context=requires_context,
        min_entropy=min_entropy,
        ignore_case=ignore_case,
        keywords=keywords,
        description=description,
    )
