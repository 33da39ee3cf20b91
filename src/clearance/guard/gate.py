"""Which detectors a streamed text can hold a match of, read from the new characters only.

Running the whole detection engine on the held text at every chunk costs milliseconds (its Rust
gate is built for batches; one short text pays the set-up). Most chunks of a model's answer
cannot complete any match, so the guard asks first which detectors could match at all, with
the engine's own literals: :attr:`Detector.literals` gives, per pattern, strings one of which
its every match contains (``ghp_``, ``-----BEGIN``, ``password``; see
:mod:`clearance.detection.literals`). One prefix-tree regex finds them in the characters that
arrived since the last chunk (plus the longest literal minus one before them, for a literal
split across chunks), in the text and in its lowercase (folded literals). A detector is *live*
while a match holding such an occurrence may still reach text not yet emitted; only live
detectors run (:meth:`Gate.detect`), exactly as the engine runs them on its candidate rows, and
the engine's calibration, threshold and overlap resolution apply. A pattern without literals
keeps its detector always live (PII types such as phone numbers; every secret rule has one).

Under ``re.IGNORECASE`` a few non-ASCII letters match ASCII ones (the Kelvin sign matches
``k``): where :func:`~clearance.detection.engine.lowercase_view` cannot vouch for a lowercase
search, every detector with folded literals counts as found there.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from clearance.detection.engine import Engine, lowercase_view, match_texts, resolve_overlaps
from clearance.detection.literals import prefix_tree
from clearance.detection.match import Match
from clearance.guard.holdback import UNBOUNDED, pattern_width

try:  # Python's own parser, as in clearance.detection.literals
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - CPython 3.11-3.13 have it
    _parser = None

# (detector id, how far past the start of the literal a match holding it can end)
_Reach = tuple[str, int]


@dataclass
class Gate:
    """The literals of an engine's detectors, and how to run only some of the detectors."""

    engine: Engine
    exact: re.Pattern[str] | None = None
    folded: re.Pattern[str] | None = None
    exact_words: dict[str, list[_Reach]] = field(default_factory=dict)
    folded_words: dict[str, list[_Reach]] = field(default_factory=dict)
    always: tuple[str, ...] = ()
    longest_word: int = 0
    runs: list[tuple[re.Pattern[str], int, str, int]] = field(default_factory=list)
    folded_ascii: bool = True
    longest_run: int = 0
    # one search for both kinds of literal: the exact ones lowercased into the folded prefix
    # tree, each found checked against the text (``None``: folded). Half the time of two
    # searches (each tries nearly every position of prose). Only when every exact literal is
    # ASCII (then a one-for-one lowercase view finds every place it occurs).
    both: re.Pattern[str] | None = None
    both_words: dict[str, list[tuple[str | None, str, int]]] = field(default_factory=dict)
    # the characters of every run class, at least ``shortest_run`` long: one scan for the
    # stretches where any run can be, the runs' own regexes only there
    any_run: re.Pattern[str] | None = None
    _plans: dict[str, tuple[Any, Any]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, engine: Engine) -> Gate:
        gate = cls(engine)
        always: list[str] = []
        for det in engine.registry:
            for pattern, lits in zip(det.patterns, det.literals, strict=True):
                width = pattern_width(pattern)
                if det.requires_context and width < UNBOUNDED:
                    width += det.context_window  # the context word may come after the match
                run = None
                if lits is None or min(map(len, lits.words)) < 2:
                    # a literal of one character is everywhere: a run of the characters the
                    # pattern must repeat is rarer (24 token characters, 15 digits)
                    run = None if _parser is None else run_of(pattern, det.compiled[0].flags)
                if run is not None:
                    klass, k = run
                    gate.runs.append((re.compile(f"{klass}{{{k},}}"), k, det.id, width))
                    gate.longest_run = max(gate.longest_run, k)
                    continue
                if lits is None or not all(lits.words):
                    if det.id not in always:
                        always.append(det.id)
                    continue
                words = gate.folded_words if lits.folded else gate.exact_words
                for word in lits.words:
                    words.setdefault(word, []).append((det.id, width))
                    gate.longest_word = max(gate.longest_word, len(word))
        if all(word.isascii() for word in gate.exact_words):
            both: dict[str, list[tuple[str | None, str, int]]] = {}
            for word, reaches in gate.exact_words.items():
                both.setdefault(word.lower(), []).extend((word, d, r) for d, r in reaches)
            for word, reaches in gate.folded_words.items():
                both.setdefault(word, []).extend((None, d, r) for d, r in reaches)
            # a word found stands for its prefixes, as below (a lowercased exact word may be a
            # folded word's prefix, and the other way round)
            first = {word: list(entries) for word, entries in both.items()}
            for word in first:
                both[word] = [e for k in range(1, len(word) + 1) for e in first.get(word[:k], ())]
            gate.both_words = both
            gate.both = re.compile(prefix_tree(sorted(both))) if both else None
        # a word found stands for every word that is a prefix of it (found at the same place)
        for words in (gate.exact_words, gate.folded_words):
            own = {word: list(reaches) for word, reaches in words.items()}
            for word in own:
                words[word] = [r for k in range(1, len(word) + 1) for r in own.get(word[:k], ())]
        if gate.exact_words:
            gate.exact = re.compile(prefix_tree(sorted(gate.exact_words)))
        if gate.folded_words:
            gate.folded = re.compile(prefix_tree(sorted(gate.folded_words)))
        gate.always = tuple(always)
        gate.folded_ascii = all(word.isascii() for word in gate.folded_words)
        if gate.runs:
            chars = sorted({c for regex, *_ in gate.runs for c in _class_chars(regex.pattern)})
            shortest = min(k for _, k, _, _ in gate.runs)
            klass = "".join(re.escape(c) for c in chars)
            gate.any_run = re.compile(f"[{klass}]{{{shortest},}}")
        return gate

    def found(self, text: str, lo: int) -> Iterator[tuple[int, str, int]]:
        """``(offset, detector id, reach)`` for each literal occurrence starting at or after
        ``lo`` in ``text`` (occurrences that overlap included), and for each run (see
        :func:`run_of`) ending after ``lo + k - 1``: offset ``end - k``, the latest start of
        ``k`` of its characters (a match holding them ends by that plus its width)."""
        if self.any_run is not None:
            for stretch in self.any_run.finditer(text, max(0, lo - self.longest_run + 1)):
                a, b = stretch.span()
                for regex, k, det_id, reach in self.runs:
                    start = max(a, lo - k + 1)
                    if b - start >= k:
                        for m in regex.finditer(text, start, b):
                            yield m.end() - k, det_id, reach
        if self.both is not None:
            yield from self._found_both(text, lo)
            return
        if self.exact is not None:
            yield from _occurrences(self.exact, self.exact_words, text, lo)
        if self.folded is not None:
            region = text[lo:]
            low = lowercase_view(region)
            if not low and region and self.folded_ascii:
                low = _ascii_folded(region)
            if low or lo >= len(text):
                for at, det_id, reach in _occurrences(self.folded, self.folded_words, low, 0):
                    yield lo + at, det_id, reach
            else:  # a lowercase search cannot be trusted here: every folded literal counts
                yield from self._every_folded(lo)

    def _found_both(self, text: str, lo: int) -> Iterator[tuple[int, str, int]]:
        """:meth:`found`'s literals with one search (see ``both``)."""
        assert self.both is not None
        region = text[lo:]
        if not region:
            return
        low = lowercase_view(region)
        folded_ok = bool(low) or self.folded_ascii
        view = low or _ascii_folded(region)  # one for one: every exact literal is found
        words, search = self.both_words, self.both.search
        m = search(view)
        while m is not None:
            at = m.start()
            for word, det_id, reach in words[m.group()]:
                if word is None:
                    if folded_ok:
                        yield lo + at, det_id, reach
                elif region.startswith(word, at):
                    yield lo + at, det_id, reach
            m = search(view, at + 1)
        if not folded_ok:  # a lowercase search cannot be trusted here: every folded literal
            yield from self._every_folded(lo)

    def _every_folded(self, lo: int) -> Iterator[tuple[int, str, int]]:
        for reaches in self.folded_words.values():
            for det_id, reach in reaches:
                yield lo, det_id, reach

    def detect(self, text: str, detector_ids: Iterable[str]) -> list[Match]:
        """What ``engine.detect(text)`` finds, when only ``detector_ids`` can match in ``text``:
        the same exact pass, calibrated scores, threshold and overlap resolution."""
        engine = self.engine
        if engine.ner is not None:  # a model sees every text: no literal says where it matches
            return engine.detect(text)
        found: list[Match] = []
        views: dict[str, str] = {}
        plans = self._plans
        for det_id in sorted(detector_ids):
            plan = plans.get(det_id)
            if plan is None:  # looked up once per detector: a pydantic model is slow to ask
                det = engine.registry[det_id]
                cal = engine.calibration
                plan = plans[det_id] = (det, None if cal is None else cal.scale(det_id))
            found.extend(match_texts(plan[0], [text], "", plan[1], views)[0])
        return resolve_overlaps(found, engine.threshold) if found else found


def _ascii_matches() -> dict[str, str]:
    """Non-ASCII characters that ``re.IGNORECASE`` matches with an ASCII letter although their
    lowercase is not that letter (``ſ`` with ``s``, ``ı`` and ``İ`` with ``i``): Python's own
    table of extra cases, and the one character whose lowercase is two."""
    try:
        extra: dict[int, tuple[int, ...]] = importlib.import_module("re._casefix")._EXTRA_CASES
    except (ImportError, AttributeError):  # pragma: no cover - then texts with them fall back
        return {}
    odd = {chr(c) for k, v in extra.items() for c in (k, *v) if c >= 128} | {"\u0130"}
    out = {}
    for ch in sorted(odd):
        letters = [a for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(a, ch, re.IGNORECASE)]
        if letters:
            out[ch] = letters[0]
    return out


_ASCII_MATCHES = _ascii_matches()


def _ascii_folded(text: str) -> str:
    """A view of ``text``, one character for one, where an ASCII word (lowercase) is found
    wherever ``re.IGNORECASE`` finds it: the lowercase, except the characters of
    :func:`_ascii_matches` (the view :func:`lowercase_view` refuses those texts for)."""
    table = _ASCII_MATCHES
    return "".join(table.get(ch) or (low if len(low := ch.lower()) == 1 else ch) for ch in text)


_MIN_RUN = 12
"""A run of characters this long stands in for literals of one character (``.``, a digit)."""
_MAX_CLASS = 128


def run_of(pattern: str, flags: int = 0) -> tuple[str, int] | None:
    """A character class and a length ``k`` such that every match of ``pattern`` holds ``k``
    consecutive characters of the class (the longest such stretch of the pattern's top-level
    sequence, plain groups included), as a regex class; ``None`` under ``IGNORECASE`` or when
    no stretch is ``_MIN_RUN`` long. Discord's ``[MNO][A-Za-z0-9_-]{23,25}\\.`` gives 24."""
    if flags & re.IGNORECASE or pattern.startswith("(?i)"):
        return None
    try:
        parsed = _parser.parse(pattern, flags)
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    best: tuple[frozenset[int], int] = (frozenset(), 0)
    chars: set[int] = set()
    length = 0
    for op, av in _flat(list(parsed)):
        one = _chars(op, av)
        count = 1
        if one is None and op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT):
            low, _, item = av
            if len(item) == 1:
                one, count = _chars(*item[0]), int(low)
        if one is None or len(chars | one) > _MAX_CLASS:
            chars, length = set(), 0
            if one is None:
                continue
        chars |= one  # an optional part (``{0,n}``) adds its characters, not its length
        length += count
        if length > best[1]:
            best = (frozenset(chars), length)
    if best[1] < _MIN_RUN:
        return None
    return "[" + "".join(re.escape(chr(c)) for c in sorted(best[0])) + "]", best[1]


def _flat(items: list[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    """The top-level sequence with plain groups (no flags changed) opened."""
    for op, av in items:
        if op is _parser.SUBPATTERN and not av[1] and not av[2]:
            yield from _flat(list(av[3]))
        else:
            yield op, av


def _chars(op: Any, av: Any) -> set[int] | None:
    """The characters one item matches, when it is one character from a small set."""
    if op is _parser.LITERAL:
        return {int(av)}
    if op is not _parser.IN:
        return None
    out: set[int] = set()
    for kind, value in av:
        if kind is _parser.LITERAL:
            out.add(int(value))
        elif kind is _parser.RANGE and value[1] - value[0] < _MAX_CLASS:
            out.update(range(value[0], value[1] + 1))
        else:  # a negation, a category (\\d, \\w: Unicode), a wide range
            return None
    return out


def _class_chars(pattern: str) -> list[str]:
    """The characters of a run regex ``[...]{k,}`` made from :func:`run_of`'s class (each
    character written by ``re.escape``: a backslash before some, none before others)."""
    body = pattern[1 : pattern.rindex("]{")]
    out: list[str] = []
    escaped = False
    for ch in body:
        if ch == "\\" and not escaped:
            escaped = True
            continue
        out.append(ch)
        escaped = False
    return out


def _occurrences(
    regex: re.Pattern[str], words: dict[str, list[_Reach]], text: str, lo: int
) -> Iterator[tuple[int, str, int]]:
    # the longest word at each position where one starts (searched again from the next
    # position: words overlap); the shorter words starting there are its prefixes, whose
    # detectors its entry lists too. ``search`` skips to a possible first character in C.
    search = regex.search
    m = search(text, lo)
    while m is not None:
        at = m.start()
        for det_id, reach in words[m.group()]:
            yield at, det_id, reach
        m = search(text, at + 1)
