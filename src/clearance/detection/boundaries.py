"""Whether a gate pattern's ASCII word boundaries are exact on text with accented letters.

The engine's Rust gate runs with ASCII word boundaries (``(?-u:\\b)``), which are Python's
Unicode ones only where no character next to a boundary is a non-ASCII word character: a text
holding one ("Zoë", "Straße", "٣") went to the Python pass for every detector, a third of the
texts of a corpus written in Europe. Yet most patterns put an ASCII character on the word side
of each of their boundaries (``\\b\\d{3}-\\d{2}-\\d{4}\\b``, ``\\bAKIA[0-9A-Z]{16}\\b``): wherever
Python sees such a boundary, so does the ASCII gate. :func:`ascii_boundaries_hold` reads a
pattern with Python's own parser and says whether that holds for each of its ``\\b``, on a text
whose non-ASCII word characters are all letters (:func:`letters_only`); such texts can then go
through the gate for those detectors, as ASCII texts do.

At a boundary one side is a word character and the other is not. The side the pattern's
characters there must be (the atom after the ``\\b``, or the one before it) is the word side
when that atom matches word characters only; it is then ASCII when the atom matches no
non-ASCII letter. Otherwise either side may be the word side, and neither atom (nor the text
outside the match, at the pattern's start or end) may match a non-ASCII letter. Case-insensitive
letters count as matching the non-ASCII letters that fold to them (the Kelvin sign to ``k``).
Anything the walk does not know (look-arounds, back-references, a pattern the parser rejects or
one too long to read quickly) makes the answer ``False``: the texts then go to Python as before.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from typing import Any

try:
    _parser: Any = importlib.import_module("re._parser")
    _c: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - CPython 3.11-3.13 have them
    _parser = _c = None

# What an atom may match, as bits: a word character, a non-word character, a non-ASCII letter.
WORD, NONWORD, NAL = 1, 2, 4
ANY = WORD | NONWORD | NAL
# Longer patterns (a lexicon of 8,000 names) are not read: parsing would cost a fifth of a
# second per process for one detector.
_MAX_PATTERN = 20_000
# A class range this wide is not spelled out (it counts as matching anything).
_MAX_RANGE = 4_096


class _Unknown(Exception):
    """A construct the walk does not follow."""


def letters_only(text: str) -> bool:
    """Whether every non-ASCII word character of ``text`` (Python's ``\\w``) is a letter (no
    "٣", "²"), and every non-ASCII character is a word character for Rust's ``\\w`` exactly
    when it is for Python's (a combining accent, a zero-width joiner or "Ⓐ" is one for Rust
    only: ``[^\\w-]`` after a value would not match it in the gate)."""
    chars = {c for c in text if not c.isascii()}
    if not chars.isdisjoint(_DISPUTED):
        return False
    unknown = chars - _AGREED
    if unknown:
        _learn(unknown)
        if not unknown.isdisjoint(_DISPUTED):
            return False
    return all(c.isalpha() or not c.isalnum() for c in chars)


# Non-ASCII characters seen so far whose word-ness Rust's regex and Python's agree on, and
# those they do not (asked of Rust through Polars, a batch of new characters at a time).
_AGREED: set[str] = set()
_DISPUTED: set[str] = set()


def _learn(chars: set[str]) -> None:
    import polars as pl

    ordered = sorted(chars)
    rust = pl.Series(ordered, dtype=pl.String).str.contains(r"^\w$").to_list()
    for c, word in zip(ordered, rust, strict=True):
        (_AGREED if bool(word) == (c.isalnum() or c == "_") else _DISPUTED).add(c)


@cache
def _folding_into_ascii() -> frozenset[str]:
    """ASCII letters that a non-ASCII letter matches under ``re.IGNORECASE`` (``k``: the Kelvin
    sign; ``s``: the long s; ``i``: the dotted capital I...)."""
    out = set()
    for code in range(128, 0x10000):
        low = chr(code).lower()
        if len(low) == 1 and low.isascii() and low.isalpha():
            out.add(low)
    try:
        extra: dict[int, tuple[int, ...]] = importlib.import_module("re._casefix")._EXTRA_CASES
    except (ImportError, AttributeError):  # pragma: no cover
        return frozenset("abcdefghijklmnopqrstuvwxyz")
    for key, values in extra.items():
        for a, b in ((key, v) for v in values):
            for x, y in ((a, b), (b, a)):
                if x < 128 and y >= 128 and chr(x).isalpha():
                    out.add(chr(x).lower())
    return frozenset(out)


def _char(code: int, icase: bool) -> int:
    ch = chr(code)
    if not (ch.isalnum() or ch == "_"):
        return NONWORD
    if code >= 128:
        return WORD | NAL if ch.isalpha() else WORD
    if icase and ch.isalpha() and ch.lower() in _folding_into_ascii():
        return WORD | NAL
    return WORD


def _category(cat: Any) -> int:
    if cat in (_c.CATEGORY_DIGIT, _c.CATEGORY_UNI_DIGIT):
        return WORD  # non-ASCII digits are no letters (letters_only texts hold none)
    if cat in (_c.CATEGORY_WORD, _c.CATEGORY_UNI_WORD):
        return WORD | NAL
    if cat in (_c.CATEGORY_NOT_WORD, _c.CATEGORY_UNI_NOT_WORD):
        return NONWORD
    if cat in (_c.CATEGORY_SPACE, _c.CATEGORY_UNI_SPACE):
        return NONWORD
    return ANY


def _class(items: list[Any], icase: bool) -> int:
    flags = 0
    for op, av in items:
        if op is _c.NEGATE:
            return ANY
        if op is _c.LITERAL:
            flags |= _char(av, icase)
        elif op is _c.RANGE:
            lo, hi = av
            if hi - lo > _MAX_RANGE:
                return ANY
            for code in range(lo, hi + 1):
                flags |= _char(code, icase)
        elif op is _c.CATEGORY:
            flags |= _category(av)
        else:
            return ANY
    return flags


class _Walk:
    """First and last atoms of each part of a parsed pattern, and the check at each ``\\b``."""

    def __init__(self, flags: int) -> None:
        self.icase0 = bool(flags & re.IGNORECASE)
        self.memo: dict[tuple[int, bool], tuple[int, int, bool]] = {}
        self.classes: dict[tuple[int, bool], int] = {}

    def atom(self, op: Any, av: Any, icase: bool) -> int | None:
        """What a one-character node may match, or ``None`` when it is no atom."""
        if op is _c.LITERAL:
            return _char(av, icase)
        if op in (_c.NOT_LITERAL, _c.ANY):
            return ANY
        if op is _c.IN:
            key = (id(av), icase)
            found = self.classes.get(key)
            if found is None:
                found = self.classes[key] = _class(av, icase)
            return found
        return None

    def edges(self, node: tuple[Any, Any], icase: bool) -> tuple[int, int, bool]:
        """(first, last, nullable) of one node."""
        key = (id(node), icase)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._edges(node, icase)
        return found

    def _edges(self, node: tuple[Any, Any], icase: bool) -> tuple[int, int, bool]:
        op, av = node
        flags = self.atom(op, av, icase)
        if flags is not None:
            return flags, flags, False
        if op is _c.AT:
            return 0, 0, True
        if op is _c.SUBPATTERN:
            _group, add, remove, sub = av
            return self.seq_edges(sub, _flag(icase, add, remove))
        if op is _c.ATOMIC_GROUP:
            return self.seq_edges(av, icase)
        if op is _c.BRANCH:
            first = last = 0
            nullable = False
            for alt in av[1]:
                f, la, n = self.seq_edges(alt, icase)
                first, last, nullable = first | f, last | la, nullable or n
            return first, last, nullable
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, _high, item = av
            f, la, n = self.seq_edges(item, icase)
            return f, la, n or low == 0
        raise _Unknown(op)

    def seq_edges(self, seq: Any, icase: bool) -> tuple[int, int, bool]:
        nodes = list(seq)
        return (
            self.first(nodes, 0, 0, icase),
            self.last(nodes, len(nodes), 0, icase),
            all(self.edges(n, icase)[2] for n in nodes),
        )

    def first(self, nodes: list[Any], start: int, follow: int, icase: bool) -> int:
        out = 0
        for node in nodes[start:]:
            f, _la, nullable = self.edges(node, icase)
            out |= f
            if not nullable:
                return out
        return out | follow

    def last(self, nodes: list[Any], end: int, precede: int, icase: bool) -> int:
        out = 0
        for node in reversed(nodes[:end]):
            _f, la, nullable = self.edges(node, icase)
            out |= la
            if not nullable:
                return out
        return out | precede

    def check(self, seq: Any, precede: int, follow: int, icase: bool) -> None:
        nodes = list(seq)
        for i, (op, av) in enumerate(nodes):
            if op is _c.AT:
                if av is _c.AT_BOUNDARY or av is _c.AT_UNI_BOUNDARY:
                    before = self.last(nodes, i, precede, icase)
                    after = self.first(nodes, i + 1, follow, icase)
                    if not _boundary_holds(before, after):
                        raise _Unknown("boundary")
                continue
            if self.atom(op, av, icase) is not None:
                continue
            before = self.last(nodes, i, precede, icase)
            after = self.first(nodes, i + 1, follow, icase)
            if op is _c.SUBPATTERN:
                _group, add, remove, sub = av
                self.check(sub, before, after, _flag(icase, add, remove))
            elif op is _c.ATOMIC_GROUP:
                self.check(av, before, after, icase)
            elif op is _c.BRANCH:
                for alt in av[1]:
                    self.check(alt, before, after, icase)
            elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
                _low, high, item = av
                f, la, _n = self.seq_edges(item, icase)
                again = high != 1  # a repeat's item follows and precedes itself
                self.check(item, before | (la if again else 0), after | (f if again else 0), icase)
            else:
                raise _Unknown(op)


def _flag(icase: bool, add: int, remove: int) -> bool:
    if add & re.IGNORECASE:
        return True
    if remove & re.IGNORECASE:
        return False
    return icase


def _boundary_holds(before: int, after: int) -> bool:
    """Whether the word side of a boundary between what ``before`` and ``after`` match is an
    ASCII character (see the module docstring)."""
    if after and not after & (NONWORD | NAL):
        return True  # the next character is a word character, and ASCII
    if before and not before & (NONWORD | NAL):
        return True
    return not (before | after) & NAL


def ascii_boundaries_hold(pattern: str) -> bool:
    """Whether every ``\\b`` of ``pattern`` (Rust or Python syntax, in their common subset)
    holds with ASCII word boundaries wherever it holds with Python's, on a :func:`letters_only`
    text."""
    if _parser is None or len(pattern) > _MAX_PATTERN:
        return False
    try:
        parsed = _parser.parse(pattern)
    except Exception:  # Rust-only syntax: not read
        return False
    walk = _Walk(parsed.state.flags)
    try:
        walk.check(parsed, ANY, ANY, walk.icase0)
    except (_Unknown, RecursionError):
        return False
    return True
