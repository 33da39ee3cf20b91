"""Literal strings a regex's every match contains: a cheap per-pattern filter before ``re`` runs.

The engine's Rust gate flags rows per detector, often per group of detectors, so a detector's
patterns are tried in Python on rows where most of them cannot match (``SK`` followed by 32 hex
digits on a row flagged for an IPv6 address; the Spanish month names of ``date-time`` on every
row with a date). :func:`required_literals` reads a pattern with Python's own regex parser (so
it sees exactly what ``re`` runs) and returns a set of strings one of which every match holds;
one Aho-Corasick pass over the candidate rows then drops the (row, pattern) pairs holding none.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, NamedTuple

# Python's own parser (``sre_parse``, deprecated as a public module in 3.11); typeshed has no
# stub for ``re._parser``, hence ``Any``. Without it (a later Python) no pattern has literals:
# every pattern is then tried on every candidate row, as before.
try:
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - CPython 3.11-3.13 have it
    _parser = None

# At most this many strings in a set (beyond, a pattern part counts as unknown).
_MAX_STRINGS = 64
# A class of at most this many characters is spelled out (``[gG]``, ``[ -.]``).
_MAX_CLASS = 12
# A bounded repeat up to this many times is spelled out (``\.?``, ``(?:ab){1,2}``).
_MAX_REPEAT = 3


class Literals(NamedTuple):
    """``words``: every match of the pattern contains one of them; ``folded``: compare them
    ignoring ASCII case (they are lowercase then), on ASCII text only (under ``re.IGNORECASE``
    a few non-ASCII letters match ASCII ones: the Kelvin sign matches ``k``)."""

    words: tuple[str, ...]
    folded: bool


class LiteralFilter(NamedTuple):
    """A quick test that a text may hold a match of a pattern: ``regex`` finds one of the
    strings in the text, or (``folded``) in its lowercase, on ASCII text only (the test is
    skipped on others)."""

    regex: re.Pattern[str]
    folded: bool


# Exact strings this short (``SK``, ``1/``) still filter; folded ones need one more letter.
_MIN_EXACT = 2
_MIN_FOLDED = 3


def literal_filter(literals: Literals) -> LiteralFilter | None:
    """The filter for a pattern with these :func:`required_literals`, or ``None`` when the
    strings are too short to be rare (``-``, ``my``).

    Measured on the benchmark's candidate rows: ``re`` finds one of many strings fast when
    they are written as a prefix tree, but not under ``IGNORECASE``: folded strings are
    searched in the lowercase text (which the leads use too)."""
    shortest = min(map(len, literals.words))
    if shortest < (_MIN_FOLDED if literals.folded else _MIN_EXACT):
        return None
    return LiteralFilter(re.compile(prefix_tree(sorted(literals.words))), literals.folded)


def prefix_tree(words: list[str]) -> str:
    """An alternation of ``words`` as a prefix tree (``re`` checks one character per level);
    a chain of single letters stays a plain string (``asked``, not ``a(?:s(?:k...``)."""
    heads: dict[str, list[str]] = {}
    for word in words:
        heads.setdefault(word[:1], []).append(word[1:])
    branches = []
    for head, tails in sorted(heads.items()):
        if not head:
            continue
        rest = [t for t in tails if t]
        tail = prefix_tree(rest) if rest else ""
        if tail and len(rest) < len(tails):
            tail = f"(?:{tail})?"
        branches.append(re.escape(head) + tail)
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


# A set of strings and whether any was case-folded (lowercase then).
_Set = tuple[frozenset[str], bool]
_EMPTY: _Set = (frozenset({""}), False)


def required_literals(pattern: str, flags: int = 0) -> Literals | None:
    """Strings one of which every match of ``pattern`` (compiled with ``flags``) contains, or
    ``None`` when no such set is found (a pattern of classes and repeats: ``\\d{3}-\\d{4}``
    gives ``-``). Of several candidate sets (each literal run, each required group) the one
    whose shortest string is longest is taken."""
    if _parser is None:
        return None
    try:
        parsed = _parser.parse(pattern, flags)
    except re.error:
        return None
    found = _required(list(parsed), bool(parsed.state.flags & re.IGNORECASE))
    if found is None:
        return None
    words, folded = found
    kept: list[str] = []
    for word in sorted(words, key=lambda w: (len(w), w)):
        if not any(k in word for k in kept):  # a word holding a kept one adds nothing
            kept.append(word)
    return Literals(tuple(sorted(kept)), folded)


def _score(found: _Set) -> tuple[int, bool, int]:
    words, folded = found
    return min(map(len, words)), not folded, -len(words)


def _make(words: set[str] | frozenset[str], folded: bool) -> _Set | None:
    """The set, lowercase when compared folded (the engine lowercases what it finds)."""
    if len(words) > _MAX_STRINGS:
        return None
    return frozenset(w.lower() for w in words) if folded else frozenset(words), folded


def _concat(a: _Set, b: _Set) -> _Set | None:
    return _make({x + y for x in a[0] for y in b[0]}, a[1] or b[1])


def _char(code: int, icase: bool) -> _Set | None:
    ch = chr(code)
    if not icase:
        return frozenset({ch}), False
    if not ch.isascii():
        return None
    return frozenset({ch.lower()}), ch.lower() != ch.upper()


def _class(items: list[tuple[Any, Any]], icase: bool) -> _Set | None:
    codes: list[int] = []
    for op, av in items:
        if op is _parser.LITERAL:
            codes.append(av)
        elif op is _parser.RANGE and av[1] - av[0] < _MAX_CLASS:
            codes.extend(range(av[0], av[1] + 1))
        else:
            return None  # a negation, a category (``\d``) or a wide range
    chars = {chr(c) for c in codes}
    if len(chars) > _MAX_CLASS:
        return None
    if not icase and not all(c.lower() in chars and c.upper() in chars for c in chars):
        return frozenset(chars), False  # ``[AT]``, ``[ -.]``: exactly these
    # ``[gG]`` (every letter in both cases) or under IGNORECASE: compared folded
    if not all(c.isascii() for c in chars):
        return None
    return _make(chars, any(c.lower() != c.upper() for c in chars))


def _exact(items: list[tuple[Any, Any]], icase: bool) -> _Set | None:
    """The strings a sequence matches (all of them), or ``None``."""
    out: _Set | None = _EMPTY
    for op, av in items:
        node = _exact_node(op, av, icase)
        if node is None or out is None:
            return None
        out = _concat(out, node)
    return out


def _subpattern_case(av: Any, icase: bool) -> bool:
    add, remove = av[1], av[2]
    if add & re.IGNORECASE:
        return True
    return False if remove & re.IGNORECASE else icase


def _exact_node(op: Any, av: Any, icase: bool) -> _Set | None:
    if op is _parser.LITERAL:
        return _char(av, icase)
    if op is _parser.IN:
        return _class(av, icase)
    if op is _parser.SUBPATTERN:
        return _exact(list(av[3]), _subpattern_case(av, icase))
    if op is _parser.BRANCH:
        words: set[str] = set()
        folded = False
        for branch in av[1]:
            found = _exact(list(branch), icase)
            if found is None:
                return None
            words |= found[0]
            folded = folded or found[1]
        return _make(words, folded)
    if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
        low, high, item = av
        if high > _MAX_REPEAT:
            return None
        one = _exact(list(item), icase)
        if one is None:
            return None
        done: set[str] = set()
        current: _Set | None = _EMPTY
        for times in range(high + 1):
            if current is None:
                return None
            if times >= low:
                done |= current[0]
            if times < high:
                current = _concat(current, one)
        return _make(done, one[1])
    if op in (_parser.AT, _parser.ASSERT, _parser.ASSERT_NOT):
        return _EMPTY  # zero-width
    return None


def _required(items: list[tuple[Any, Any]], icase: bool) -> _Set | None:
    """A set one of whose strings every match of the sequence contains, or ``None``."""
    candidates: list[_Set] = []
    run: _Set = _EMPTY

    def close() -> None:
        nonlocal run
        if "" not in run[0]:
            candidates.append(run)
        run = _EMPTY

    for op, av in items:
        node = _exact_node(op, av, icase)
        if node is not None:
            joined = _concat(run, node)
            if joined is None:
                close()
                joined = node
            run = joined
            continue
        close()
        inner = _required_node(op, av, icase)
        if inner is not None:
            candidates.append(inner)
    close()
    candidates = [c for c in candidates if "" not in c[0]]
    return max(candidates, key=_score) if candidates else None


def _required_node(op: Any, av: Any, icase: bool) -> _Set | None:
    if op is _parser.SUBPATTERN:
        return _required(list(av[3]), _subpattern_case(av, icase))
    if op is _parser.BRANCH:
        words: set[str] = set()
        folded = False
        for branch in av[1]:
            found = _required(list(branch), icase)
            if found is None:
                return None
            words |= found[0]
            folded = folded or found[1]
        return frozenset(w.lower() for w in words) if folded else frozenset(words), folded
    if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
        low, _, item = av
        return _required(list(item), icase) if low >= 1 else None
    return None
