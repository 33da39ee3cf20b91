"""Detector regexes rewritten for Hyperscan, for ASCII texts only (:mod:`clearance.detection.
multigate`): every rewrite keeps, on an ASCII text, each string the regex matches in Python.

Hyperscan caps a pattern's length, and in UTF-8 mode a character class of accented capitals
(``[A-ZÀÁÂ...]``, thousands of bytes in the person-name patterns) counts every letter. An ASCII
text holds none of them, so the non-ASCII members of a class are replaced by one (U+0080, which
no ASCII text holds either). Python's case-insensitive matching pairs a few non-ASCII letters
with ASCII ones (``ſ`` with ``s``, ``ı`` and ``İ`` with ``i``, the Kelvin sign with ``k``);
where a class holds one, its ASCII partners are added (a superset where the class is case
sensitive: the gate may flag more rows, never fewer).
"""

from __future__ import annotations

import functools
import re

_CLASS_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")


def hyperscan_pattern(rust_ascii: str) -> str:
    """A detector regex with ASCII word boundaries (:attr:`Detector.rust_ascii_patterns`) as
    Hyperscan reads it: ``(?-u:\\b)`` written ``\\b`` (ASCII without UCP) and each character
    class cut to its ASCII members (:func:`ascii_classes`)."""
    return ascii_classes(rust_ascii.replace("(?-u:\\b)", "\\b").replace("(?-u:\\B)", "\\B"))


@functools.cache
def _ascii_partners(char: str) -> str:
    """The ASCII letters Python's ``re.IGNORECASE`` matches with ``char`` (most often none)."""
    if not any(c.isascii() for c in char.lower() + char.upper() + char.casefold()):
        return ""
    found = [a for a in map(chr, range(128)) if re.fullmatch(re.escape(char), a, re.IGNORECASE)]
    return "".join(found)


def _partners_in(lo: int, hi: int) -> str:
    """The ASCII partners (:func:`_ascii_partners`) of the non-ASCII characters ``lo..hi``."""
    return "".join(_ascii_partners(chr(c)) for c in range(max(lo, 0x80), hi + 1))


def ascii_classes(pattern: str) -> str:
    """``pattern`` with the non-ASCII members of each character class replaced by U+0080 and
    their ASCII case partners, and a non-ASCII letter outside classes that has partners written
    as a class of them all. A class it cannot read (a reversed range) is left as written."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif c == "[":
            end, text = _ascii_class(pattern, i)
            out.append(text)
            i = end
        else:
            partners = _ascii_partners(c) if not c.isascii() else ""
            out.append(f"[{c}{partners}]" if partners else c)
            i += 1
    return "".join(out)


def _ascii_class(pattern: str, start: int) -> tuple[int, str]:
    """The class opening at ``start``: where it ends, and its rewrite."""
    i = start + 1
    negated = pattern.startswith("^", i)
    i += negated
    kept: list[str] = []
    partners: list[str] = []
    dropped = False
    first = True
    while i < len(pattern):
        c = pattern[i]
        if c == "]" and not first:
            break
        first = False  # a "[" in a class is one more member, in Python (written \x{5b} here)
        lo, token, i = _class_item(pattern, i)
        if lo is None:  # a class escape (\w, \d, \s...): ASCII-only without UCP
            kept.append(token)
            continue
        hi = lo
        if pattern.startswith("-", i) and i + 1 < len(pattern) and pattern[i + 1] != "]":
            hi, _, i = _class_item(pattern, i + 1)
            if hi is None:
                return _unread(pattern, start)
        if hi < lo:
            return _unread(pattern, start)
        if lo < 0x80:
            kept.append(_char(lo) if min(hi, 0x7F) == lo else f"{_char(lo)}-{_char(min(hi, 0x7F))}")
        if hi >= 0x80:
            dropped = True
            if not negated:  # "[^ſ]" excludes no "s" where the class is case sensitive
                partners.append(_partners_in(lo, hi))
    else:
        return _unread(pattern, start)
    members = "".join(kept) + "".join(_char(ord(a)) for a in "".join(partners))
    if dropped:
        members += "\\x{80}"
    return i + 1, "[" + ("^" if negated else "") + members + "]"


def _unread(pattern: str, start: int) -> tuple[int, str]:
    """A class left as written: the rest of the pattern from ``start``, one character on."""
    return start + 1, "["


def _class_item(pattern: str, i: int) -> tuple[int | None, str, int]:
    """The class member at ``i``: its code point (``None`` for a class escape such as ``\\w``),
    its text, and where the next member starts."""
    if pattern[i] != "\\":
        return ord(pattern[i]), pattern[i], i + 1
    m = _CLASS_ESCAPE.match(pattern, i)
    if m is not None:
        return int(next(g for g in m.groups() if g), 16), m.group(), m.end()
    escaped = pattern[i + 1 : i + 2]
    simple = {"n": 10, "t": 9, "r": 13, "f": 12, "v": 11, "a": 7, "b": 8}
    if escaped in simple:
        return simple[escaped], pattern[i : i + 2], i + 2
    if escaped.isalnum():
        return None, pattern[i : i + 2], i + 2
    return ord(escaped), pattern[i : i + 2], i + 2


def _char(code: int) -> str:
    return f"\\x{{{code:x}}}"
