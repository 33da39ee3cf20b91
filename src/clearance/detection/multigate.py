"""The gate for ASCII texts: one Hyperscan pass per text flags every detector that may match it.

Polars runs one regex per expression over a column, and keeps 32 compiled regexes per thread, so
the Polars gate (:meth:`clearance.detection.engine.Engine.candidate_rows`) shares one alternation
among several detectors and the Python pass then re-checks every row of a group for each member:
on free text most (row, detector) pairs it hands over had no match of that detector. Hyperscan
(Intel's multi-pattern matcher, the engine of Snort and Suricata) compiles every detector's gate
regex into one automaton and reports, in a single pass over a text, which of them match
(``HS_FLAG_SINGLEMATCH``: once each): a gate per detector, at the cost of about a microsecond per
text. ``benchmarks/bench_presidio.py`` measures the engine with and without it.

Only texts that are all ASCII come here (:func:`scannable`). The expressions are each pattern
with ASCII word boundaries (:attr:`Detector.rust_ascii_patterns`), read as Hyperscan does by
:func:`clearance.detection.hyperscan_syntax.hyperscan_pattern`; on ASCII text ``\\d``, ``\\w``,
``\\b`` and case folding agree with Python's, ``\\s`` does but for U+001C..U+001F (such texts go
to Polars). A detector none of whose forms Hyperscan compiles (a lexicon past its length limit)
is left to the Polars gate; so are all texts when the ``hyperscan`` package is missing (it is a
dependency where its wheels exist). ``tests/detection/test_multigate.py`` checks that every
pattern that finds a kept match is flagged for it, and that the engine's spans are the same.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clearance.detection.detector import Detector
from clearance.detection.hyperscan_syntax import hyperscan_pattern

log = logging.getLogger(__name__)

try:
    import hyperscan
except ImportError:  # pragma: no cover (a platform without its wheels)
    hyperscan = None  # type: ignore[assignment]

# Byte by byte (no UTF-8 mode, whose every-code-point classes compile for minutes): only
# ASCII texts come here, and the patterns are rewritten for that (hyperscan_syntax).
_FLAGS = 0 if hyperscan is None else hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY
# ASCII characters Python's \s matches and PCRE's does not (the information separators):
# a text holding one goes to the Polars gate.
_PYTHON_ONLY_SPACE = re.compile("[\x1c-\x1f]")


def scannable(text: str) -> bool:
    """Whether the Hyperscan gate reads ``text`` as Python's ``re`` does (on the texts it
    takes, its patterns and Python's match the same strings)."""
    return text.isascii() and _PYTHON_ONLY_SPACE.search(text) is None


def _compiles(pattern: bytes, flags: int) -> bool:
    assert hyperscan is not None
    try:
        hyperscan.Database().compile(expressions=[pattern], ids=[0], elements=1, flags=[flags])
    except hyperscan.error:
        return False
    return True


# The mask of a row flagged by an expression that stands for every pattern of its detector.
ALL = -1


@dataclass(frozen=True)
class _Plan:
    """What each Hyperscan id stands for: expression ``i`` gates detector ``owners[i]``'s
    pattern bits ``bits[i]`` (:data:`ALL` for a keyword, a prefilter or the whole alternation);
    context words have the ids from ``len(owners)``, ``context_owner[j]`` the detector of
    context word ``j``."""

    owners: tuple[int, ...]
    bits: tuple[int, ...]
    context_owner: tuple[int, ...]


def _expressions(det: Detector) -> tuple[list[bytes], list[int], list[int]] | None:
    """The expressions, flags and pattern bits gating ``det``, or ``None`` when Hyperscan
    rejects them all. One expression per pattern where Hyperscan takes each one as written
    (bounds kept: the exact pass then runs only the patterns whose gate matched a text, and
    finds a match in most of them), else the detector's gate for all of its patterns: its
    keywords (as the Polars gate's Aho-Corasick pass: any keyword, ASCII case-insensitive),
    its prefilter or its Rust alternation."""
    assert hyperscan is not None
    flag = _FLAGS | (hyperscan.HS_FLAG_CASELESS if det.ignore_case else 0)
    if det.prefilter is None:
        each = [hyperscan_pattern(p).encode() for p in det.rust_ascii_patterns]
        if all(_compiles(e, flag) for e in each):
            return each, [flag] * len(each), [1 << k for k in range(len(each))]
    if det.keyword_gated:
        words = [_literal(k) for k in det.keywords]
        flags = [_FLAGS | hyperscan.HS_FLAG_CASELESS] * len(words)
        return (words, flags, [ALL] * len(words)) if all(map(_compiles, words, flags)) else None
    whole = hyperscan_pattern(det.gate_ascii_pattern).encode()
    return ([whole], [flag], [ALL]) if _compiles(whole, flag) else None


class MultiGate:
    """Hyperscan gate for ``detectors`` (those it could compile: :attr:`covered`)."""

    def __init__(self, detectors: Sequence[Detector]) -> None:
        assert hyperscan is not None
        expressions: list[bytes] = []
        flags: list[int] = []
        owners: list[int] = []
        bits: list[int] = []
        covered: list[Detector] = []
        for det in detectors:
            made = _expressions(det)
            if made is None:
                log.debug("gate of %s left to Polars (Hyperscan rejects it)", det.id)
                continue
            expressions += made[0]
            flags += made[1]
            bits += made[2]
            owners += [len(covered)] * len(made[0])
            covered.append(det)
        context_owner: list[int] = []
        for index, det in enumerate(covered):
            # as the Polars gate: a required context word gates the regex-gated detectors only
            if det.requires_context and not det.keyword_gated:
                for word in det.context:
                    expressions.append(_literal(word))
                    flags.append(_FLAGS | hyperscan.HS_FLAG_CASELESS)
                    context_owner.append(index)
        self.covered: tuple[Detector, ...] = tuple(covered)
        self._plan = _Plan(tuple(owners), tuple(bits), tuple(context_owner))
        self._db: Any = None
        if expressions:
            self._db = hyperscan.Database()
            self._db.compile(
                expressions=expressions,
                ids=list(range(len(expressions))),
                elements=len(expressions),
                flags=flags,
            )
        self._local = threading.local()  # a scratch space per thread (scans run in threads)

    def rows(self, texts: Sequence[str], context: str) -> dict[str, tuple[list[int], list[int]]]:
        """Per covered detector id whose gate matches (and whose required context word, unless
        ``context`` has one, is in the text): the row indices, and for each the bits of the
        patterns that may match there (:data:`ALL`: every pattern). ``texts`` must be
        :func:`scannable`."""
        if self._db is None or not texts:
            return {}
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        hits: list[int] = []

        def on_match(pattern: int, start: int, end: int, flags: int, ctx: object) -> None:
            hits.append(pattern)

        per_text: list[list[int]] = []
        scan = self._db.scan
        for text in texts:
            hits = []
            scan(text.encode("ascii"), match_event_handler=on_match, scratch=scratch)
            per_text.append(hits)
        needs = [
            det.requires_context and not det.keyword_gated and not det.has_context(context)
            for det in self.covered
        ]
        owners, bits, context_owner = self._plan.owners, self._plan.bits, self._plan.context_owner
        n_owned = len(owners)
        found: list[tuple[list[int], list[int]]] = [([], []) for _ in self.covered]
        for row, ids in enumerate(per_text):
            if not ids:
                continue
            flagged: dict[int, int] = {}
            said: set[int] | None = None
            for i in ids:
                if i >= n_owned:
                    continue
                d = owners[i]
                if needs[d]:
                    if said is None:
                        said = {context_owner[j - n_owned] for j in ids if j >= n_owned}
                    if d not in said:
                        continue
                flagged[d] = flagged.get(d, 0) | bits[i]
            for d, mask in flagged.items():
                found[d][0].append(row)
                found[d][1].append(mask)
        return {det.id: hit for det, hit in zip(self.covered, found, strict=True) if hit[0]}


def _literal(word: str) -> bytes:
    """A literal as a pattern (every byte escaped as ``\\xHH``: no syntax survives)."""
    return "".join(f"\\x{b:02x}" for b in word.encode("utf-8")).encode("ascii")


# Gates built, by the identities of their detectors (a detector compares by value, which would
# hash every pattern of the registry on each call); the detectors are kept so ids stay theirs.
_BUILT: dict[tuple[int, ...], tuple[tuple[Detector, ...], MultiGate]] = {}
_MAX_BUILT = 32
_LOCK = threading.Lock()


def multigate(detectors: Sequence[Detector]) -> MultiGate | None:
    """The Hyperscan gate of ``detectors`` (built once per set and process; for all built-in
    detectors about 40 s of CPU on a loaded 2-core machine, mostly the large lexicons), or
    ``None`` without the ``hyperscan`` package."""
    if hyperscan is None:
        return None
    key = tuple(map(id, detectors))
    with _LOCK:
        built = _BUILT.get(key)
        if built is None:
            if len(_BUILT) >= _MAX_BUILT:
                _BUILT.pop(next(iter(_BUILT)))
            built = _BUILT[key] = (tuple(detectors), MultiGate(detectors))
        return built[1]
