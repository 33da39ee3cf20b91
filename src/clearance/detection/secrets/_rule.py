"""Shorthand for declaring a secret rule: secrets share severity, scoring and entropy defaults.

Every pattern marks the credential itself with a ``value`` group; the helpers below build the two
common shapes:

* ``token(body)``: a self-describing format with a literal prefix (``ghp_...``, ``xoxb-...``),
  bounded on the left by a word boundary and on the right by a character outside the token alphabet;
* ``keyed(keywords, value)``: a format that is only recognisable next to a keyword
  (``datadog_api_key = "..."``, ``HEROKU_API_KEY: ...``), in code, YAML, JSON, env files or prose.

All patterns stay inside the common subset of Python ``re`` and Rust ``regex``.
"""

from __future__ import annotations

import re
from collections import Counter

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

# Right-hand boundary: the next character is not part of a token alphabet (or the text ends).
END = r"(?:[^A-Za-z0-9_-]|$)"
# The same for base64 / base64url alphabets with padding.
B64_END = r"(?:[^A-Za-z0-9+/=_-]|$)"
# Canonical textual UUID.
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def _keyword(word: str) -> str:
    """A case-insensitive literal keyword where ``_`` stands for an optional ``_``, ``-`` or ``.``."""
    out: list[str] = []
    for ch in word:
        if ch.isalpha():
            out.append(f"[{ch.lower()}{ch.upper()}]")
        elif ch == "_":
            out.append(r"[_.-]?")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def token(body: str, end: str = END) -> str:
    """Pattern for a prefixed token: ``body`` must start with a word character.

    Besides a word boundary, a JSON/C-escaped newline or tab (``\\n``) may precede the token.
    """
    return rf"(?:\b|\\[nrt])(?P<value>{body}){end}"


def keyed(keywords: str | tuple[str, ...], value: str, *, gap: int = 24, end: str = END) -> str:
    """Pattern for ``<keyword><up to gap name chars><separator><value>``.

    The separator is ``=``, ``:``, ``:=``, ``=>``, ``,`` or whitespace, with optional quotes
    (also JSON-escaped ``\\"``) on either side. Keywords are case-insensitive.
    """
    words = (keywords,) if isinstance(keywords, str) else keywords
    kw = "|".join(_keyword(w) for w in words)
    return (
        rf"(?:{kw})[\w .-]{{0,{gap}}}[\s'\"\\]{{0,3}}(?:=|:=|:|=>|,|\s)[\s'\"\\]{{0,5}}"
        rf"(?P<value>{value}){end}"
    )


def plausible(value: str) -> bool:
    """False for placeholders and degenerate values (mostly one repeated character)."""
    low = value.lower()
    if any(word in low for word in PLACEHOLDER_WORDS):
        return False
    if len(value) >= 4 and Counter(value).most_common(1)[0][1] * 2 > len(value):
        return False
    return True


def _combine(extra: Validator | None) -> Validator:
    if extra is None:
        return plausible

    def check(value: str) -> bool:
        return plausible(value) and extra(value)

    return check


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
    placeholder_check: bool = True,
) -> Detector:
    """Declares a secret rule; unless ``placeholder_check`` is off, placeholders are rejected."""
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
        validator=_combine(validator) if placeholder_check else validator,
        context=context,
        requires_context=requires_context,
        min_entropy=min_entropy,
        ignore_case=ignore_case,
        keywords=keywords,
        description=description,
    )
