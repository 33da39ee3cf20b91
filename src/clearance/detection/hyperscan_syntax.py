"""Detector regexes rewritten for Hyperscan, for ASCII texts only (:mod:`clearance.detection.
multigate`): on an ASCII text the rewrite matches every string the regex matches in Python.

Hyperscan reads a pattern byte by byte (its UTF-8 mode compiles a negated class or ``\\S{8,}``
into an automaton of every code point: a minute and more for the registry). Byte by byte, the
members of a character class that are not ASCII become bytes no ASCII text holds, which changes
nothing there; but a non-ASCII letter outside a class is several bytes, and in ``né?e`` the
``?`` would make only the last byte of ``é`` optional (Python: the letter, so it matches
``nee`` and ``ne``). Each such letter becomes a group; where Python's ``re.IGNORECASE`` pairs it
with an ASCII letter (``ſ`` with ``s``, ``ı`` and ``İ`` with ``i``, the Kelvin sign with ``k``)
the group takes those too (a superset where the letter is case sensitive: more rows, never
fewer).
"""

from __future__ import annotations

import functools
import re


def hyperscan_pattern(rust_ascii: str) -> str:
    """A detector regex with ASCII word boundaries (:attr:`Detector.rust_ascii_patterns`) as
    Hyperscan reads it: ``(?-u:\\b)`` written ``\\b`` (ASCII without UCP) and each non-ASCII
    letter outside a class one atom (:func:`letters_as_atoms`)."""
    return letters_as_atoms(rust_ascii.replace("(?-u:\\b)", "\\b").replace("(?-u:\\B)", "\\B"))


@functools.cache
def _ascii_partners(char: str) -> str:
    """The ASCII letters Python's ``re.IGNORECASE`` matches with ``char`` (most often none)."""
    if not any(c.isascii() for c in char.lower() + char.upper() + char.casefold()):
        return ""
    found = [a for a in map(chr, range(128)) if re.fullmatch(re.escape(char), a, re.IGNORECASE)]
    return "".join(found)


def letters_as_atoms(pattern: str) -> str:
    """``pattern`` with each non-ASCII letter outside a character class written as a group of
    itself and its ASCII case partners; classes and escapes are kept as written."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            escaped = pattern[i + 1 : i + 2]
            out.append("\\" + escaped if escaped.isascii() else _atom(escaped))
            i += 2
        elif c == "[":
            end = _class_end(pattern, i)
            out.append(pattern[i:end])
            i = end
        else:
            out.append(c if c.isascii() else _atom(c))
            i += 1
    return "".join(out)


def _atom(char: str) -> str:
    partners = _ascii_partners(char)
    return f"(?:{char}|[{partners}])" if partners else f"(?:{char})"


def _class_end(pattern: str, start: int) -> int:
    """Where the character class opening at ``start`` ends (past its ``]``; Python's rules: a
    ``]`` first, after an optional ``^``, is a member, and so is a ``[``)."""
    i = start + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
        elif pattern[i] == "]":
            return i + 1
        else:
            i += 1
    return len(pattern)
