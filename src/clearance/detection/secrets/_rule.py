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

from clearance.core.severity import Severity
from clearance.detection.detector import Detector, Validator

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


# Keyword words of each pattern built by ``keyed``, so ``secret`` can derive gate literals.
_KEYED_WORDS: dict[str, tuple[str, ...]] = {}


def keyed(keywords: str | tuple[str, ...], value: str, *, gap: int = 24, end: str = END) -> str:
    """Pattern for ``<keyword><up to gap name chars><separator><value>``.

    The separator is ``=``, ``:``, ``:=``, ``=>``, ``,`` or whitespace, with optional quotes
    (also JSON-escaped ``\\"``) on either side. Keywords are case-insensitive.
    """
    words = (keywords,) if isinstance(keywords, str) else keywords
    kw = "|".join(_keyword(w) for w in words)
    pattern = (
        rf"(?:{kw})[\w .-]{{0,{gap}}}[\s'\"\\]{{0,3}}(?:=|:=|:|=>|,|\s)[\s'\"\\]{{0,5}}"
        rf"(?P<value>{value}){end}"
    )
    _KEYED_WORDS[pattern] = words
    return pattern


def _gate_keywords(patterns: tuple[str, ...], keywords: tuple[str, ...]) -> tuple[str, ...]:
    """Adds, for every ``keyed`` word no keyword is guaranteed to hit, its longest literal piece.

    The engine may skip texts that hold none of a rule's keywords, so every way a pattern can
    match must contain one: ``dd_api_key`` also matches ``DdApiKey``, which holds ``api``
    but not ``dd_api_key``.
    """
    out = [k.lower() for k in keywords]
    for pattern in patterns:
        for word in _KEYED_WORDS.get(pattern, ()):
            pieces = [p.lower() for p in word.split("_") if p]
            if not any(k in piece for k in out for piece in pieces):
                out.append(max(pieces, key=len))
    return tuple(out)


# Credentials that vendors publish in their documentation and SDK samples: well formed, public,
# and revoked or never live (gitleaks allowlists the same values). Values holding a placeholder
# word (``AKIAIOSFODNN7EXAMPLE``) are already refused by ``PLACEHOLDER_WORDS``.
PUBLIC_EXAMPLE_VALUES = frozenset(
    {
        # Google Maps JavaScript API documentation samples
        "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
        # firebase-android-sdk test and sample configurations (gitleaks' gcp-api-key allowlist)
        "AIzaSyabcdefghijklmnopqrstuvwxyz1234567",
        "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
        "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
        "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
        "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
        "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
        "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
        "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
        "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
        "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
        "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
        "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
        "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
        "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
        "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
        "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
    }
)

_PLACEHOLDER = re.compile("|".join(map(re.escape, PLACEHOLDER_WORDS)))


def plausible(value: str) -> bool:
    """False for placeholders, published example credentials and degenerate values (mostly one
    repeated character)."""
    if value in PUBLIC_EXAMPLE_VALUES:
        return False
    if _PLACEHOLDER.search(value.lower()):  # one scan, not one ``in`` per word
        return False
    if len(value) >= 4 and max(Counter(value).values()) * 2 > len(value):
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
    context_window: int = 48,
    description: str = "",
    placeholder_check: bool = True,
) -> Detector:
    """Declares a secret rule; unless ``placeholder_check`` is off, placeholders are rejected.

    ``keywords`` are lowercase literals of which every match must contain at least one (the
    engine uses them as a gate); the words of ``keyed`` patterns are completed automatically.
    """
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
        context_window=context_window,
        min_entropy=min_entropy,
        ignore_case=ignore_case,
        keywords=_gate_keywords(patterns, keywords),
        description=description,
    )
