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
to Polars). A detector none of whose forms Hyperscan compiles (a lexicon past its length limit),
and the large caseless word lists (:data:`_LEXICON_CHARS`), are left to the Polars gate; so are
all texts when the ``hyperscan`` package is missing (it is a dependency where its wheels exist).
``tests/detection/test_multigate.py`` checks that every pattern that finds a kept match is
flagged for it, and that the engine's spans are the same.

The database is compiled in one go (about 6 s of CPU for the built-in detectors on a loaded
2-core machine); only when Hyperscan rejects it are the rejected detectors found, by halves.
It is then kept on disk (:mod:`clearance.detection.hyperscan_cache`), and the next process,
a detection worker included, loads it in milliseconds.
"""

from __future__ import annotations

import json
import logging
import platform
import re
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clearance.detection import hyperscan_cache
from clearance.detection.detector import Detector
from clearance.detection.hyperscan_syntax import hyperscan_pattern
from clearance.detection.shadow import shadow_literal, shadow_pattern, shadow_text

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


# Hyperscan's pattern length limit (``limitPatternLength``): a longer expression is rejected
# (a person-name lexicon as one alternation). Checked here so the one compile does not fail on
# it; any other rejection is found by :func:`_rejected`.
_MAX_LENGTH = 16_000
# A word list of this many characters, caseless or as one gate for every pattern (the special
# categories' lexicons, the major places), is left to the Polars gate: Hyperscan compiles each
# into a large automaton (0.3 to 4 s of CPU apiece, over half the database's build time) and
# gating them did not make detection cheaper (README, "The Hyperscan gate").
_LEXICON_CHARS = 5_000
# The layout of a cached gate (bump when what the payload holds changes).
_CACHE_FORMAT = b"multigate-1"

# The mask of a row flagged by an expression that stands for every pattern of its detector.
ALL = -1

# A way to gate a detector: its expressions, their flags and the pattern bits each stands for.
_Form = tuple[list[bytes], list[int], list[int]]


@dataclass(frozen=True)
class _Plan:
    """What each Hyperscan id stands for: expression ``i`` gates detector ``owners[i]``'s
    pattern bits ``bits[i]`` (:data:`ALL` for a keyword, a prefilter or the whole alternation);
    context words have the ids from ``len(owners)``, ``context_owner[j]`` the detector of
    context word ``j``."""

    owners: tuple[int, ...]
    bits: tuple[int, ...]
    context_owner: tuple[int, ...]


def _shadow_forms(det: Detector) -> list[_Form]:
    """The one way to gate ``det`` on shadows (:mod:`clearance.detection.shadow`): each
    pattern rewritten for them, or nothing (left to Polars) when one cannot be."""
    each: list[bytes] = []
    for pattern in det.patterns:
        rewritten = shadow_pattern(pattern, det.ignore_case)
        if rewritten is None:
            return []
        each.append(rewritten.encode("ascii"))
    lexicon = sum(map(len, each)) >= _LEXICON_CHARS and det.ignore_case
    if lexicon or any(len(e) > _MAX_LENGTH for e in each):
        return []
    return [(each, [_FLAGS] * len(each), [1 << k for k in range(len(each))])]


def _forms(det: Detector) -> list[_Form]:
    """The ways to gate ``det``, the preferred first. One expression per pattern (bounds kept:
    the exact pass then runs only the patterns whose gate matched a text, and finds a match in
    most of them); else the detector's gate for all of its patterns: its keywords (as the Polars
    gate's Aho-Corasick pass: any keyword, ASCII case-insensitive), its prefilter or its Rust
    alternation. Forms past Hyperscan's length limit, and large word lists
    (:data:`_LEXICON_CHARS`), are left out."""
    assert hyperscan is not None
    flag = _FLAGS | (hyperscan.HS_FLAG_CASELESS if det.ignore_case else 0)

    def kept(form: _Form, one_gate: bool) -> bool:
        lexicon = sum(map(len, form[0])) >= _LEXICON_CHARS and (det.ignore_case or one_gate)
        return not lexicon and all(len(e) <= _MAX_LENGTH for e in form[0])

    out: list[_Form] = []
    if det.prefilter is None:
        each = [hyperscan_pattern(p).encode() for p in det.rust_ascii_patterns]
        form = (each, [flag] * len(each), [1 << k for k in range(len(each))])
        if kept(form, one_gate=False):
            out.append(form)
    if det.keyword_gated:  # literals: cheap to compile, however many
        words = [_literal(k) for k in det.keywords]
        out.append((words, [_FLAGS | hyperscan.HS_FLAG_CASELESS] * len(words), [ALL] * len(words)))
    else:
        form = ([hyperscan_pattern(det.gate_ascii_pattern).encode()], [flag], [ALL])
        if kept(form, one_gate=True):
            out.append(form)
    return out


def _context_words(det: Detector, shadow: bool = False) -> list[bytes]:
    # as the Polars gate: a required context word gates the regex-gated detectors only
    if det.requires_context and not det.keyword_gated:
        if shadow:
            return [shadow_literal(word).encode("ascii") for word in det.context]
        return [_literal(word) for word in det.context]
    return []


class _Layout:
    """The database's expressions for a choice of form per detector (``-1``: left to Polars)."""

    def __init__(
        self, forms: list[list[_Form]], context: list[list[bytes]], choice: list[int]
    ) -> None:
        assert hyperscan is not None
        self.expressions: list[bytes] = []
        self.flags: list[int] = []
        owners: list[int] = []
        bits: list[int] = []
        self.covered: list[int] = [i for i, c in enumerate(choice) if c >= 0]
        for n, i in enumerate(self.covered):
            made = forms[i][choice[i]]
            self.expressions += made[0]
            self.flags += made[1]
            bits += made[2]
            owners += [n] * len(made[0])
        context_owner: list[int] = []
        for n, i in enumerate(self.covered):
            for word in context[i]:
                self.expressions.append(word)
                self.flags.append(_FLAGS | hyperscan.HS_FLAG_CASELESS)
                context_owner.append(n)
        self.plan = _Plan(tuple(owners), tuple(bits), tuple(context_owner))

    def compile(self) -> Any:
        """The database (raises ``hyperscan.error`` when Hyperscan rejects an expression)."""
        assert hyperscan is not None
        db = hyperscan.Database()
        db.compile(
            expressions=self.expressions,
            ids=list(range(len(self.expressions))),
            elements=len(self.expressions),
            flags=self.flags,
        )
        return db


def _rejected(
    forms: list[list[_Form]], context: list[list[bytes]], choice: list[int], items: list[int]
) -> list[int]:
    """The detectors among ``items`` whose chosen form Hyperscan rejects, by halves (only when
    the one compile of them all failed: rare, and its result is cached)."""
    only = [c if i in items else -1 for i, c in enumerate(choice)]
    try:
        _Layout(forms, context, only).compile()
    except hyperscan.error:
        if len(items) == 1:
            return items
        mid = len(items) // 2
        return _rejected(forms, context, choice, items[:mid]) + _rejected(
            forms, context, choice, items[mid:]
        )
    return []


def _compiled(forms: list[list[_Form]], context: list[list[bytes]]) -> tuple[list[int], Any]:
    """The form chosen per detector and the database: all preferred forms in one compile;
    where that fails, the rejected detectors take their next form (or Polars) and it is
    compiled again."""
    choice = [0 if f else -1 for f in forms]
    while True:
        layout = _Layout(forms, context, choice)
        if not layout.expressions:
            return choice, None
        try:
            return choice, layout.compile()
        except hyperscan.error:
            bad = _rejected(forms, context, choice, layout.covered)
        if not bad:  # only the whole set fails (a resource limit): Polars gates everything
            log.debug("Hyperscan gate not built (the database is rejected as a whole)")
            return [-1] * len(forms), None
        for i in bad:
            choice[i] = choice[i] + 1 if choice[i] + 1 < len(forms[i]) else -1


def _cache_key(
    detectors: Sequence[Detector],
    forms: list[list[_Form]],
    ctx: list[list[bytes]],
    shadow: bool = False,
) -> str:
    assert hyperscan is not None
    parts = [
        _CACHE_FORMAT + (b" shadow" if shadow else b""),
        str(getattr(hyperscan, "__version__", "")).encode(),
        f"{sys.platform} {platform.machine()}".encode(),
    ]
    for det, det_forms, words in zip(detectors, forms, ctx, strict=True):
        parts += [b"detector", det.id.encode()]
        for expressions, flags, bits in det_forms:
            parts += [b"form", *expressions, repr((flags, bits)).encode()]
        parts += [b"context", *words]
    return hyperscan_cache.key(parts)


def _from_cache(payload: bytes, forms: list[list[_Form]]) -> tuple[list[int], Any] | None:
    """The choice and database a cache payload holds, or ``None`` when it does not fit."""
    assert hyperscan is not None
    try:
        head, _, body = payload.partition(b"\n")
        choice = json.loads(head)
        if (
            not isinstance(choice, list)
            or len(choice) != len(forms)
            or not all(
                isinstance(c, int) and -1 <= c < len(f) for c, f in zip(choice, forms, strict=True)
            )
        ):
            return None
        return choice, hyperscan.loadb(body, hyperscan.HS_MODE_BLOCK)
    except Exception as exc:  # a file of another build or platform: compile it again
        log.debug("Hyperscan cache entry ignored (%s)", type(exc).__name__)
        return None


class MultiGate:
    """Hyperscan gate for ``detectors`` (those it could compile: :attr:`covered`), loaded from
    :mod:`clearance.detection.hyperscan_cache` when a process compiled it before. ``shadow``:
    the gate of texts with non-ASCII characters, read through their shadows
    (:mod:`clearance.detection.shadow`)."""

    def __init__(self, detectors: Sequence[Detector], shadow: bool = False) -> None:
        assert hyperscan is not None
        forms = [_shadow_forms(det) if shadow else _forms(det) for det in detectors]
        context = [_context_words(det, shadow) for det in detectors]
        self._shadow = shadow
        name = _cache_key(detectors, forms, context, shadow)
        cached = hyperscan_cache.load(name)
        made = None if cached is None else _from_cache(cached, forms)
        if made is None:
            made = _compiled(forms, context)
            if made[1] is not None:
                head = json.dumps(made[0]).encode()
                hyperscan_cache.store(name, head + b"\n" + hyperscan.dumpb(made[1]))
        choice, self._db = made
        layout = _Layout(forms, context, choice)
        for det, c in zip(detectors, choice, strict=True):
            if c < 0:
                log.debug("gate of %s left to Polars (Hyperscan rejects it)", det.id)
        self.covered: tuple[Detector, ...] = tuple(detectors[i] for i in layout.covered)
        self._plan = layout.plan
        self._local = threading.local()  # a scratch space per thread (scans run in threads)

    def rows(self, texts: Sequence[str], context: str) -> dict[str, tuple[list[int], list[int]]]:
        """Per covered detector id whose gate matches (and whose required context word, unless
        ``context`` has one, is in the text): the row indices, and for each the bits of the
        patterns that may match there (:data:`ALL`: every pattern). ``texts`` must be
        :func:`scannable`, unless the gate reads shadows (any text then)."""
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
        encode = shadow_text if self._shadow else _ascii
        for text in texts:
            hits = []
            scan(encode(text), match_event_handler=on_match, scratch=scratch)
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


def _ascii(text: str) -> bytes:
    return text.encode("ascii")


def _literal(word: str) -> bytes:
    """A literal as a pattern (every byte escaped as ``\\xHH``: no syntax survives)."""
    return "".join(f"\\x{b:02x}" for b in word.encode("utf-8")).encode("ascii")


# Gates built, by the identities of their detectors (a detector compares by value, which would
# hash every pattern of the registry on each call); the detectors are kept so ids stay theirs.
_BUILT: dict[tuple[bool, tuple[int, ...]], tuple[tuple[Detector, ...], MultiGate]] = {}
_MAX_BUILT = 32
_LOCK = threading.Lock()


def multigate(detectors: Sequence[Detector], shadow: bool = False) -> MultiGate | None:
    """The Hyperscan gate of ``detectors`` (built once per set and process, from the disk
    cache where a process compiled it before), or ``None`` without the ``hyperscan``
    package. ``shadow``: the gate of texts with non-ASCII characters."""
    if hyperscan is None:
        return None
    key = (shadow, tuple(map(id, detectors)))
    with _LOCK:
        built = _BUILT.get(key)
        if built is None:
            if len(_BUILT) >= _MAX_BUILT:
                _BUILT.pop(next(iter(_BUILT)))
            built = _BUILT[key] = (tuple(detectors), MultiGate(detectors, shadow))
        return built[1]
