"""Texts with non-ASCII characters through the Hyperscan gate, as one byte per character.

The gate (:mod:`clearance.detection.multigate`) reads texts byte by byte and only ASCII ones:
Hyperscan's UTF-8 mode compiles a class of every code point for minutes. A text with one "é" or
"’" went to the Polars gate, which hands most detectors every such row (its word boundaries are
ASCII ones), so on text written in Europe a third of the rows cost the Python pass of nearly
every detector: 2.2 times the CPU of an ASCII row on the independent evaluation corpus.

Here such a text is read through a **shadow**: each character becomes one byte, so offsets and
lengths stay those of the text. ASCII and Latin-1 characters (U+00A0..U+00FF) are their own
byte; every other character becomes the byte of its class (:data:`BUCKETS`: upper-case letter,
lower-case letter, other word character, decimal digit, space, anything else), the classes by
which Python's ``re`` tells characters apart in ``\\w``, ``\\d`` and ``\\s``. Each detector
pattern is rewritten from Python's own parse of it (:func:`shadow_pattern`) into a byte regex
that matches the shadow of every string the pattern matches in Python, and more: a character
becomes the bytes of every character it may match (with ``re.IGNORECASE``: of every character
Python folds together with it), a class the bytes of its members, a negated class every byte
unless all the characters that byte stands for are excluded; look-arounds, anchors and word
boundaries, which only ever refuse a match, are left out. So the gate flags a superset of the
rows and patterns that match, as the ASCII gate does, and the Python pass decides.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")
_casefix: Any = importlib.import_module("re._casefix")
_sre: Any = importlib.import_module("_sre")

# The byte of each class of characters outside Latin-1 (and of U+0080..U+009F).
UPPER, LOWER, WORD, DIGIT, SPACE, OTHER = range(0x80, 0x86)
BUCKETS = (UPPER, LOWER, WORD, DIGIT, SPACE, OTHER)
_LETTERS = (UPPER, LOWER, WORD)
_ALL = (1 << 256) - 1
# A range of more code points than this is not spelled out: it stands for every byte it may.
_MAX_SPELLED = 4_096
# Python's flags that change what a pattern matches here.
_IGNORECASE, _DOTALL, _ASCII = 2, 16, 256


def bucket(char: str) -> int:
    """The shadow byte of a character outside ASCII and Latin-1, by the tests ``re`` uses for
    ``\\d`` (decimal), ``\\w`` (alphanumeric or ``_``) and ``\\s``."""
    if char.isdecimal():
        return DIGIT
    if char.isalnum() or char == "_":
        return UPPER if char.isupper() else LOWER if char.islower() else WORD
    return SPACE if char.isspace() else OTHER


def byte_of(cp: int) -> int:
    return cp if cp < 0x80 or 0xA0 <= cp <= 0xFF else bucket(chr(cp))


class _Table(dict[int, int]):
    """``str.translate`` table: ASCII and Latin-1 as themselves (filled, so the common case stays
    in C), any other character its bucket, worked out on first sight."""

    def __missing__(self, cp: int) -> int:
        self[cp] = b = bucket(chr(cp))
        return b


_TABLE = _Table({cp: byte_of(cp) for cp in range(0x100)})


def shadow_text(text: str) -> bytes:
    """The shadow of ``text``: one byte per character (:mod:`clearance.detection.shadow`)."""
    return text.translate(_TABLE).encode("latin-1")


@cache
def _folded_together() -> dict[int, frozenset[int]]:
    """Per simple lower case (``_sre.unicode_tolower``), the code points that lower to it."""
    out: dict[int, set[int]] = {}
    for cp in range(0x110000):
        low = _sre.unicode_tolower(cp)
        if low != cp:
            out.setdefault(low, {low}).add(cp)
    return {k: frozenset(v) for k, v in out.items()}


def _case_mates(cp: int) -> set[int]:
    """Every code point ``re.IGNORECASE`` matches with ``cp``: the same simple lower case, or
    one of the extra cases ``re`` adds (``_casefix``: "ſ" with "s", "ı" with "i"...)."""
    together = _folded_together()
    low = _sre.unicode_tolower(cp)
    mates = {cp, low, *together.get(low, ())}
    for extra in _casefix._EXTRA_CASES.get(low, ()):
        mates |= {extra, *together.get(extra, ())}
    return mates


def _mask_of(cps: set[int] | range, fold: bool) -> int:
    mask = 0
    for cp in cps:
        for mate in _case_mates(cp) if fold else (cp,):
            mask |= 1 << byte_of(mate)
    return mask


def _category_mask(category: Any) -> tuple[int, int]:
    """The bytes a ``\\d``/``\\w``/``\\s`` (or a negation) may match on a shadow, and those
    all of whose characters it matches (what a negated class holding it refuses). The buckets
    are cut along ``\\d``, ``\\w`` and ``\\s``, so each is wholly in or out of each."""
    cat = _c
    tests = {
        cat.CATEGORY_DIGIT: (str.isdecimal, {DIGIT}),
        cat.CATEGORY_WORD: (lambda ch: ch.isalnum() or ch == "_", {UPPER, LOWER, WORD, DIGIT}),
        cat.CATEGORY_SPACE: (str.isspace, {SPACE}),
    }
    negations = {
        cat.CATEGORY_NOT_DIGIT: cat.CATEGORY_DIGIT,
        cat.CATEGORY_NOT_WORD: cat.CATEGORY_WORD,
        cat.CATEGORY_NOT_SPACE: cat.CATEGORY_SPACE,
    }
    positive = negations.get(category, category)
    if positive not in tests:
        raise _Unknown(category)
    test, buckets = tests[positive]
    mask = sum(1 << b for b in range(0x100) if not 0x80 <= b < 0xA0 and test(chr(b)))
    mask |= sum(1 << b for b in buckets)
    if category is not positive:
        mask = _ALL & ~mask & ~_UNUSED
    return mask, mask


# Bytes no shadow holds (U+0080..U+009F become buckets; 0x86..0x9F stand for nothing).
_UNUSED = sum(1 << b for b in range(0x86, 0xA0))


def _bucket_bits() -> int:
    return sum(1 << b for b in BUCKETS)


class _Unknown(Exception):
    """A construct the rewrite does not follow: the detector keeps the Polars gate."""


def _in_mask(items: list[tuple[Any, Any]], flags: int) -> int:
    """The bytes a character class may match on a shadow."""
    fold = bool(flags & _IGNORECASE)
    negated = bool(items) and items[0][0] is _c.NEGATE
    members = items[1:] if negated else items
    if not negated:
        mask = 0
        for op, av in members:
            if op is _c.LITERAL:
                mask |= _mask_of({av}, fold)
            elif op is _c.RANGE:
                lo, hi = av
                if hi - lo > _MAX_SPELLED:
                    # not spelled out: every bucket, and (folded) every byte
                    mask |= _mask_of(range(lo, min(hi, 0xFF) + 1), False) | _bucket_bits()
                    mask |= _ALL if fold else 0
                else:
                    mask |= _mask_of(range(lo, hi + 1), fold)
            elif op is _c.CATEGORY:
                mask |= _category_mask(av)[0]
            else:
                raise _Unknown(op)
        return mask
    # A negated class refuses a byte only where the byte is one character the class lists
    # (ASCII, Latin-1), or a bucket all of whose characters a category of it holds.
    excluded = 0
    for op, av in members:
        if op is _c.LITERAL:
            if av <= 0xFF and not 0x80 <= av < 0xA0:
                excluded |= 1 << av
        elif op is _c.RANGE:
            lo, hi = av
            for cp in range(max(lo, 0), min(hi, 0xFF) + 1):
                if not 0x80 <= cp < 0xA0:
                    excluded |= 1 << cp
        elif op is _c.CATEGORY:
            excluded |= _category_mask(av)[1]
        else:
            raise _Unknown(op)
    return _ALL & ~excluded


def _byte_class(mask: int) -> str:
    if mask == 0:
        raise _Unknown("empty class")
    parts: list[str] = []
    b = 0
    while b < 256:
        if mask >> b & 1:
            end = b
            while end + 1 < 256 and mask >> (end + 1) & 1:
                end += 1
            parts.append(_byte(b) if end == b else f"{_byte(b)}-{_byte(end)}")
            b = end + 1
        else:
            b += 1
    return "[" + "".join(parts) + "]"


def _byte(b: int) -> str:
    ch = chr(b)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{b:02x}"


def _literal(cp: int, flags: int) -> str:
    mask = _mask_of({cp}, bool(flags & _IGNORECASE))
    if mask & (mask - 1) == 0:
        return _byte(mask.bit_length() - 1)
    return _byte_class(mask)


def _emit(data: Any, flags: int) -> str:
    out: list[str] = []
    for op, av in data:
        if op is _c.LITERAL:
            out.append(_literal(av, flags))
        elif op is _c.NOT_LITERAL:
            keep = _ALL & ~(1 << av) if av <= 0xFF and not 0x80 <= av < 0xA0 else _ALL
            out.append(_byte_class(keep))
        elif op is _c.IN:
            out.append(_byte_class(_in_mask(av, flags)))
        elif op is _c.ANY:
            out.append(_byte_class(_ALL if flags & _DOTALL else _ALL & ~(1 << 0x0A)))
        elif op is _c.BRANCH:
            out.append("(?:" + "|".join(_emit(alt, flags) for alt in av[1]) + ")")
        elif op is _c.SUBPATTERN:
            _group, add, remove, sub = av
            out.append("(?:" + _emit(sub, (flags | add) & ~remove) + ")")
        elif op is _c.ATOMIC_GROUP:
            out.append("(?:" + _emit(av, flags) + ")")  # backtracking into it: more, not fewer
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            body = _emit(sub, flags)
            top = "" if hi is _c.MAXREPEAT or hi == _c.MAXREPEAT else str(hi)
            out.append(f"(?:{body}){{{lo},{top}}}")
        elif op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # they only refuse matches: left out, the gate matches more
        else:
            raise _Unknown(op)  # back-references and conditionals
    return "".join(out)


@cache
def shadow_pattern(pattern: str, ignore_case: bool = False) -> str | None:
    """A byte regex (Hyperscan syntax, no flags needed) that matches on :func:`shadow_text` of
    every string ``pattern`` matches in Python; ``None`` for a construct it does not rewrite."""
    try:
        parsed = _parser.parse(pattern, _IGNORECASE if ignore_case else 0)
        if parsed.state.flags & _ASCII:
            return None  # no detector asks for ASCII classes; not worth a second set of masks
        return _emit(parsed.data, parsed.state.flags)
    except (_Unknown, RecursionError, ValueError, OverflowError):
        return None
    except Exception:  # re.error on a pattern Python rejects: no gate for it here
        return None


def shadow_literal(word: str) -> str:
    """``word`` as a byte regex matching its shadow in any case (a context word)."""
    return "".join(_literal(ord(ch), _IGNORECASE) for ch in word)
