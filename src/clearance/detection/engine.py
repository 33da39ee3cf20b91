"""The detection engine: Rust regex through Polars finds candidate rows, Python runs only there.

For a batch of texts every detector's patterns are compiled into one Rust alternation; detectors
with literal keywords share one Aho-Corasick pass, the others a few grouped alternations (few
enough to stay in Polars' regex cache), evaluated in parallel over all cores. Only the
(row, detector) pairs that Rust flags are handed to Python's ``re`` for exact character offsets
(each pattern only where a string its every match holds is present, see
:mod:`clearance.detection.literals`), then to the validator (python-stdnum, phonenumbers,
ipaddress...), the context scorer and overlap resolution.
Most rows match few detectors, so the Python part scales with the number of findings, not with
rows x detectors.
"""

from __future__ import annotations

import importlib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import polars as pl

from clearance.detection import collector
from clearance.detection.boundaries import letters_only
from clearance.detection.calibration import Calibration, bundled
from clearance.detection.detector import Detector
from clearance.detection.match import Match
from clearance.detection.multigate import ALL, MultiGate, multigate, scannable
from clearance.detection.ner import NerBackend
from clearance.detection.ner_merge import merge_model_matches
from clearance.detection.parallel import (
    WorkerEngine,
    default_workers,
    detect_parallel,
    detector_ids,
    should_parallelize,
)
from clearance.detection.parallel import start as start_workers
from clearance.detection.registry import Registry, default_registry

# Per detector id: the candidate rows, and per row the bits of the patterns that may match it
# (None: every pattern on every row).
Candidates = dict[str, tuple[list[int], list[int] | None]]

# Distinct regexes per call at most (groups plus the members of narrowed groups): Polars
# caches 32 compiled regexes per thread; a little room is left for the caller's own.
_MAX_REGEXES_PER_CALL = 30
_SURROGATE = re.compile("[\ud800-\udfff]")
# Gate groups at most, out of that.
_MAX_GATE_REGEXES = 22
# A group matching at least this many rows is narrowed per member in Rust (one regex compile,
# about a millisecond) rather than leaving Python to re-check every row for every member.
_NARROW_IN_RUST_FROM = 256
# A bounded pattern this long (a lexicon) keeps a regex of its own; detectors share a group
# regex about this many to a group when the cache is short (see :func:`_gate_groups`).
_OWN_REGEX_FROM = 300
_SHARED_GROUP_SIZE = 6


def _word_bounded(det: Detector) -> bool:
    return all(p.startswith(r"\b") and p.endswith(r"\b") for p in det.patterns)


def _gate_groups(plain: Sequence[Detector]) -> list[list[Detector]]:
    """Detectors sharing one gate regex. Patterns bounded by word boundaries at both ends
    (mostly numbers and codes, like the SSN's) scan every position anyway, and an alternation
    of several scans about as fast as one of them, so they are grouped, similar patterns
    together. The others keep a regex of their own: most start with or hold a literal
    (``https?://``, ``@``, ``SK``) that Rust looks for first, which an alternation with
    unrelated patterns would lose. So do large bounded patterns (a lexicon of names): their
    Python pass costs most per row, and a shared regex hands them every row of the group.
    When these are too many for the cache, the smallest of them share too: a small pattern is
    cheap to re-check in Python on the group's rows."""
    own = sorted(
        (d for d in plain if not _word_bounded(d) or len(d.gate_pattern) >= _OWN_REGEX_FROM),
        key=lambda d: (-len(d.gate_pattern), d.id),
    )
    taken = {d.id for d in own}
    shared = [d for d in plain if d.id not in taken]
    while own and len(own) + -(-len(shared) // _SHARED_GROUP_SIZE) > _MAX_GATE_REGEXES:
        shared.append(own.pop())
    groups = [[d] for d in own]
    if shared:
        shared.sort(key=lambda d: d.gate_pattern)
        n = max(1, _MAX_GATE_REGEXES - len(groups))
        size = -(-len(shared) // n)
        groups += [shared[lo : lo + size] for lo in range(0, len(shared), size)]
    return groups


def _groups_to_narrow(groups: Sequence[Sequence[Detector]], counts: Sequence[int]) -> set[int]:
    """The groups whose rows are narrowed per member in Rust: those matching at least
    ``_NARROW_IN_RUST_FROM`` rows, most rows first, while the group and member regexes together
    stay within Polars' cache. Past it the least recently used regex is evicted, and a call
    that cycles through more regexes than the cache holds recompiles every one of them, on
    every thread (measured on the benchmark's texts: the gate slowed down past the cache)."""
    budget = _MAX_REGEXES_PER_CALL - len(groups)
    chosen: set[int] = set()
    for i in sorted(range(len(groups)), key=lambda i: -counts[i]):
        if counts[i] < _NARROW_IN_RUST_FROM:
            break
        if len(groups[i]) > 1 and len(groups[i]) <= budget:
            chosen.add(i)
            budget -= len(groups[i])
    return chosen


# A character that is neither ASCII nor punctuation, a symbol or a space: a letter, digit or mark
# under some Unicode definition of a word character (or a control character: kept to be safe).
_WORDY_CHAR = r"[^\x00-\x7F\p{P}\p{S}\p{Z}]"


def _python_rows(series: pl.Series) -> list[int]:
    """The rows whose word boundaries the gate could get wrong: those with a
    :data:`_WORDY_CHAR`. The gate uses ASCII word boundaries, which are the Unicode ones only on
    a text without one (Rust's Unicode boundaries cost several times more per text, and differ
    from Python's next to marks and joiners); these rows are tried in Python by every detector
    whose gate boundaries do not hold on them (:attr:`Detector.accented_safe`), by every
    detector when a non-ASCII character of theirs is a number ("٣", "²").

    Measured (CPU seconds, one process) before the boundaries were read per detector: on 936
    texts that are all accented, 0.68 s with Unicode boundaries for the whole batch against
    0.35 s now, with the same spans; on the independent corpus's 1,232 texts (a third
    accented) 0.57 s against 0.47 s."""
    non_ascii = series.str.len_bytes() != series.str.len_chars()
    if not non_ascii.any():
        return []
    idx = non_ascii.arg_true()
    return idx.filter(series.gather(idx).str.contains(_WORDY_CHAR)).to_list()


def _group_pattern(detectors: Sequence[Detector]) -> str:
    """One Rust alternation matching wherever any of ``detectors`` matches, each with its own
    case sensitivity (a scoped ``(?i:...)`` group), with ASCII word boundaries (see
    :func:`_python_rows`)."""
    parts = []
    for det in detectors:
        pattern = det.gate_ascii_pattern
        if det.ignore_case:
            parts.append(f"(?i:{pattern.removeprefix('(?i)')})")
        else:
            parts.append(f"(?:{pattern})")
    return "|".join(parts)


def shannon_entropy(value: str) -> float:
    """Bits per character; random API keys sit above ~3.5, words and placeholders below."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


@dataclass
class Engine:
    """Finds sensitive spans in texts.

    ``threshold`` drops matches scoring below it; ``ner`` adds a user-supplied spaCy or
    Hugging Face model on top of the built-in detectors. ``calibration`` maps each detector's
    hand-set score levels to observed precision (:mod:`clearance.detection.calibration`; the
    bundled map by default, ``None`` for the hand-set scores); ``threshold`` applies to the
    calibrated score. ``workers``: processes a large batch
    (100,000+ characters) is spread over (:mod:`clearance.detection.parallel`); ``None`` means
    ``CLEARANCE_WORKERS`` or every usable core, 1 never starts a process. The results do not
    depend on it. ``hyperscan=False`` gates every text with Polars alone (the same rows, for
    tests and comparisons: :mod:`clearance.detection.multigate`).
    """

    registry: Registry = field(default_factory=default_registry)
    threshold: float = 0.0
    ner: NerBackend | None = None
    batch_size: int = 50_000
    workers: int | None = None
    calibration: Calibration | None = field(default_factory=bundled)
    hyperscan: bool = True

    def detect(self, text: str) -> list[Match]:
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: Sequence[str | None], context: str = "") -> list[list[Match]]:
        """Matches per text. ``context`` (e.g. a column name) counts as a context word source for
        every text, so a column named ``passport`` lends its name to the numbers in it."""
        out: list[list[Match]] = []
        for lo in range(0, len(texts), self.batch_size):
            out.extend(self._detect_chunk(texts[lo : lo + self.batch_size], context.lower()))
        return out

    def start_workers(self) -> bool:
        """Starts the worker processes now (about a second), so that batches of free text from
        100,000 characters are spread from the first one; without this, a process starts them
        for a batch of 4 MB or more. For long-running callers (a server, the guard proxy).
        ``False`` when this engine stays in one process (1 worker, NER, own detectors)."""
        spec = self._worker_engine()
        if spec is None:
            return False
        workers = self.workers if self.workers is not None else default_workers()
        if workers > 1:
            self._build_gate()
        return start_workers(_detect_share, spec, workers)

    def _worker_engine(self) -> WorkerEngine | None:
        """How a worker rebuilds this engine, or ``None`` when it cannot (its own detectors,
        an NER model)."""
        ids = detector_ids(self.registry)
        if ids is None or self.ner is not None:
            return None
        calibration = self.calibration
        if calibration is None:
            ref = None
        else:
            ref = _BUNDLED if calibration is bundled() else calibration.model_dump_json()
        return WorkerEngine(ids, self.threshold, self.batch_size, ref)

    def restricted(self, detector_ids: Iterable[str]) -> Engine:
        """The same engine with only some detectors (no NER), for columns already classified."""
        ids = set(detector_ids)
        return Engine(
            registry=Registry(d for d in self.registry if d.id in ids),
            threshold=self.threshold,
            batch_size=self.batch_size,
            workers=self.workers,
            calibration=self.calibration,
            hyperscan=self.hyperscan,
        )

    @staticmethod
    def _rust_gate(det: Detector, context: str) -> pl.Expr:
        expr = pl.col("t").str.contains(det.gate_ascii_pattern)
        context_gate = Engine._context_gate(det, context)
        return expr if context_gate is None else expr & context_gate

    @staticmethod
    def _context_gate(det: Detector, context: str) -> pl.Expr | None:
        if det.requires_context and not det.has_context(context):
            # The context word must then be in the text itself: one more cheap literal gate.
            return pl.col("t").str.contains_any(list(det.context), ascii_case_insensitive=True)
        return None

    def _regex_candidates(
        self, series: pl.Series, plain: list[Detector], context: str
    ) -> dict[str, list[int]]:
        """Row indices per detector for the detectors gated by their own regex.

        Polars keeps only 32 compiled regexes per thread, so one pattern per detector would be
        recompiled on every call once there are more than that (tens of ms, even for one row).
        The detectors are therefore gated in at most ``_MAX_GATE_REGEXES`` groups, each one
        alternation of its members' patterns (the same patterns every call, so they stay cached):
        a superset of every member's rows. A group's rows are then narrowed per member: by the
        member's own Rust regex when the group matched many rows, otherwise not at all (the
        Python pass re-checks each row, which is cheaper than compiling the member's regex).
        Texts the gate's word boundaries would misjudge (:func:`_python_rows`) skip the gate.
        """
        out: dict[str, list[int]] = {}
        wordy = _python_rows(series)
        if wordy:
            # Texts whose word boundaries the gate could get wrong: a detector looks at them in
            # Python (cheaper than a second set of gate regexes, which would push the others
            # out of Polars' cache), unless its gate's boundaries hold on them (a text whose
            # non-ASCII word characters are all letters, a detector whose boundaries each have
            # an ASCII word side: see clearance.detection.boundaries); such texts stay in the
            # gate, which decides for those detectors as it does on ASCII text.
            texts = series.gather(wordy)
            lettered = {r for r, t in zip(wordy, texts, strict=True) if letters_only(t)}
            everyone = [r for r in wordy if r not in lettered]
            frame_w = pl.DataFrame({"t": texts})
            for det in plain:
                candidates = everyone if det.accented_safe else wordy
                if not candidates:
                    continue
                gate = self._context_gate(det, context)
                if gate is None:
                    out[det.id] = candidates
                    continue
                kept = dict(zip(wordy, frame_w.select(gate.alias("k"))["k"], strict=True))
                rows = [row for row in candidates if kept[row]]
                if rows:
                    out[det.id] = rows
            if everyone:
                series = series.clone().scatter(everyone, "")  # the gates below skip them
        groups = _gate_groups(plain)
        frame = pl.DataFrame({"t": series})
        flags = frame.select(
            pl.col("t").str.contains(_group_pattern(g)).alias(f"g{i}") for i, g in enumerate(groups)
        )
        counts = flags.sum().row(0)
        narrowed = _groups_to_narrow(groups, counts)
        found: dict[str, list[int]] = {}
        for i, (group, n) in enumerate(zip(groups, counts, strict=True)):
            if not n:
                continue
            idx = flags[f"g{i}"].arg_true()
            narrow = i in narrowed
            exprs: list[pl.Expr] = []
            group_rows: list[int] | None = None
            for det in group:
                gate = self._rust_gate(det, context) if narrow else self._context_gate(det, context)
                if gate is not None:
                    exprs.append(gate.alias(det.id))
                    continue
                if group_rows is None:
                    group_rows = idx.to_list()
                found[det.id] = group_rows  # the Python pass re-checks every row
            if not exprs:
                continue
            member_flags = frame[idx].select(exprs)
            for expr, m in zip(exprs, member_flags.sum().row(0), strict=True):
                if m:
                    det_id = expr.meta.output_name()
                    found[det_id] = idx.gather(member_flags[det_id].arg_true()).to_list()
        for det_id, rows in found.items():
            out[det_id] = sorted({*out[det_id], *rows}) if det_id in out else rows
        return out

    def candidate_rows(self, texts: pl.Series, context: str = "") -> dict[str, list[int]]:
        """Row indices per detector id that may match: a superset of the rows with a match.

        Texts that are all ASCII go through one Hyperscan pass each, which flags every detector
        whose gate regex (or keyword) is in the text (:mod:`clearance.detection.multigate`);
        the other texts, and detectors Hyperscan cannot compile, through Polars
        (:meth:`_polars_rows`). A detector declared ``gate_by`` another takes that one's rows
        when it is in the registry (no gate of its own).
        """
        return {det_id: rows for det_id, (rows, _) in self._candidates(texts, context).items()}

    def _candidates(self, texts: pl.Series, context: str) -> Candidates:
        """:meth:`candidate_rows` with, per detector, the bits of the patterns that may match
        each row (``None``: every pattern on every row)."""
        detectors, follows = self._gated()
        if not detectors or texts.len() == 0:
            return {}
        series = texts.fill_null("")
        gate = multigate(detectors) if self.hyperscan else None
        rows: Candidates
        if gate is None or not gate.covered:
            rows = {d: (r, None) for d, r in self._polars_rows(series, detectors, context).items()}
        else:
            rows = self._multigate_rows(gate, series, detectors, context)
        for det_id, leader in follows.items():
            if leader in rows:
                rows[det_id] = (rows[leader][0], None)
        return rows

    def _gated(self) -> tuple[list[Detector], dict[str, str]]:
        """The detectors gated on their own, and the ids of those that take another's rows
        (``gate_by``, with the id they follow)."""
        follows = {
            d.id: d.gate_by
            for d in self.registry
            if d.gate_by in self.registry
            and not self.registry[d.gate_by].gate_by
            and not d.requires_context
        }
        return [d for d in self.registry if d.id not in follows], follows

    def _build_gate(self) -> None:
        """Builds (or loads) the Hyperscan gate here before workers start: they then load it
        from :mod:`clearance.detection.hyperscan_cache` instead of each compiling it at once."""
        if self.hyperscan:
            multigate(self._gated()[0])
            multigate(self._gated()[0], shadow=True)

    def _multigate_rows(
        self, gate: MultiGate, series: pl.Series, detectors: list[Detector], context: str
    ) -> Candidates:
        """:meth:`_candidates` with ASCII texts through ``gate``."""
        values: list[str] = series.to_list()
        ascii_rows = [i for i, t in enumerate(values) if scannable(t)]
        every = len(ascii_rows) == len(values)
        found: dict[str, dict[int, int]] = {}

        def add(part: dict[str, list[int]], rows: list[int] | None) -> None:
            for det_id, hit in part.items():
                masks = found.setdefault(det_id, {})
                for row in hit if rows is None else (rows[r] for r in hit):
                    masks[row] = ALL

        if ascii_rows:
            for det_id, (hit, bits) in gate.rows(
                values if every else [values[i] for i in ascii_rows], context
            ).items():
                found[det_id] = (
                    dict(zip(hit, bits, strict=True))
                    if every
                    else {ascii_rows[r]: b for r, b in zip(hit, bits, strict=True)}
                )
            covered = {d.id for d in gate.covered}
            rest = [d for d in detectors if d.id not in covered]
            if rest:
                sub = series if every else series.gather(ascii_rows)
                add(self._polars_rows(sub, rest, context), None if every else ascii_rows)
        if not every:
            # texts with non-ASCII characters: through their shadows (clearance.detection.
            # shadow) for the detectors that gate has, the others through Polars
            others = [i for i, t in enumerate(values) if not scannable(t)]
            shadow = multigate(detectors, shadow=True)
            rest = list(detectors)
            if shadow is not None and shadow.covered:
                texts = [values[i] for i in others]
                for det_id, (hit, flags) in shadow.rows(texts, context).items():
                    per_row = found.setdefault(det_id, {})
                    for r, b in zip(hit, flags, strict=True):
                        per_row[others[r]] = b
                covered = {d.id for d in shadow.covered}
                rest = [d for d in detectors if d.id not in covered]
            if rest:
                add(self._polars_rows(series.gather(others), rest, context), others)
        out: Candidates = {}
        for det in detectors:
            masks = found.get(det.id)
            if masks:
                rows = sorted(masks)
                bits = [masks[r] for r in rows]
                out[det.id] = (rows, None if all(b == ALL for b in bits) else bits)
        return out

    def _polars_rows(
        self, series: pl.Series, detectors: list[Detector], context: str
    ) -> dict[str, list[int]]:
        """The Polars gate: detectors with literal keywords (most secret formats: ``ghp_``,
        ``AKIA``, ``xoxb-``) together by one Aho-Corasick pass (``str.extract_many``), the others
        by a few grouped Rust regexes (:meth:`_regex_candidates`)."""
        gated = [d for d in detectors if d.keyword_gated]
        gated_ids = {d.id for d in gated}
        plain = [d for d in detectors if d.id not in gated_ids]
        rows: dict[str, list[int]] = {}
        if plain:
            rows.update(self._regex_candidates(series, plain, context))
        if gated:
            by_keyword: dict[str, list[str]] = {}
            for det in gated:
                for kw in det.keywords:
                    by_keyword.setdefault(kw.lower(), []).append(det.id)
            found = (
                pl.DataFrame(
                    {
                        "k": series.str.extract_many(
                            list(by_keyword), ascii_case_insensitive=True, overlapping=True
                        )
                    }
                )
                .with_row_index("row")
                .explode("k")
                .drop_nulls("k")
                .select("row", pl.col("k").str.to_lowercase())
                .unique(maintain_order=True)
            )
            per_det: dict[str, set[int]] = {}
            for row, kw in found.iter_rows():
                for det_id in by_keyword.get(kw, ()):
                    per_det.setdefault(det_id, set()).add(row)
            for det_id, det_rows in per_det.items():
                rows[det_id] = sorted(det_rows)
        return rows

    def _detect_chunk(self, texts: Sequence[str | None], context: str) -> list[list[Match]]:
        # Columns repeat values (cities, statuses, template text): detect each distinct text once.
        index: dict[str, int] = {}
        positions = [index.setdefault(t or "", len(index)) for t in texts]
        unique = list(index)
        workers = self.workers if self.workers is not None else default_workers()
        spec = self._worker_engine() if should_parallelize(unique, workers) else None
        if spec is not None:
            self._build_gate()
            local = replace(self, workers=1)
            with collector.paused():
                shared = detect_parallel(
                    _detect_share,
                    spec,
                    lambda share: local.detect_batch(share, context),
                    unique,
                    context,
                    workers,
                )
            if shared is not None:
                return [shared[i] for i in positions]
        try:
            series = pl.Series("t", unique, dtype=pl.String)
        except UnicodeEncodeError:
            # a lone surrogate (a JSON "\ud800" escape, a file read with surrogateescape) cannot
            # cross into Polars (UTF-8): one replacement character each, so offsets hold
            unique = [_SURROGATE.sub("\ufffd", t) for t in unique]
            series = pl.Series("t", unique, dtype=pl.String)
        with collector.paused():
            found = self._rule_matches(series, unique, context)
        if self.ner is not None:
            for row, extra in enumerate(self.ner.detect_batch(unique)):
                found[row].extend(merge_model_matches(unique[row], found[row], extra))
        with collector.paused():
            resolved = [resolve_overlaps(m, self.threshold) if m else m for m in found]
            return [resolved[i] for i in positions]

    def _rule_matches(
        self, series: pl.Series, unique: list[str], context: str
    ) -> list[list[Match]]:
        """The detectors' matches in each of ``unique`` (``series``: the same texts), before
        overlaps are resolved."""
        found: list[list[Match]] = [[] for _ in unique]
        views: dict[str, str] = {}
        for det_id, (rows, bits) in self._candidates(series, context).items():
            det = self.registry[det_id]
            scale = None if self.calibration is None else self.calibration.scale(det_id)
            if bits is not None:
                bits = [b for row, b in zip(rows, bits, strict=True) if unique[row]]
            rows = [row for row in rows if unique[row]]
            row_texts = [unique[row] for row in rows]
            found_rows = match_texts(det, row_texts, context, scale, views, bits)
            for row, matches in zip(rows, found_rows, strict=True):
                if matches:
                    found[row].extend(matches)
        return found


# How a worker gets the engine's calibration: the bundled map by name, else its JSON (or None).
_BUNDLED = "bundled"
_WORKER_ENGINES: dict[WorkerEngine, Engine] = {}


# A text that sets off the lexicon rules (names, places, addresses), so that what they load is
# there before a worker freezes what it holds.
_WARM_UP = "Dear Ms Ana Souza, 12 Main Street, Springfield. Born in Lisbon on 3 May 1988."


def _detect_share(spec: WorkerEngine, texts: list[str], context: str) -> list[list[Match]]:
    """Runs in a worker (:mod:`clearance.detection.parallel`): the engine ``spec`` describes
    (built once per worker) on ``texts``."""
    engine = _WORKER_ENGINES.get(spec)
    if engine is None:
        default = default_registry()
        registry = default if not spec.ids else Registry(default[i] for i in spec.ids)
        if spec.calibration is None:
            calibration = None
        elif spec.calibration == _BUNDLED:
            calibration = bundled()
        else:
            calibration = Calibration.model_validate_json(spec.calibration)
        engine = _WORKER_ENGINES[spec] = Engine(
            registry=registry,
            threshold=spec.threshold,
            batch_size=spec.batch_size,
            workers=1,
            calibration=calibration,
        )
        engine.detect_batch([_WARM_UP], context)  # the gate and the lexicons, before the freeze
        # this process is ours and lives for many batches: what it holds now (modules, the
        # registry, the lexicons, compiled patterns) need not be walked by every collection
        collector.freeze_process()
    return engine.detect_batch(texts, context)


def match_detector(
    det: Detector,
    text: str,
    context: str = "",
    scale: Callable[[float], float] | None = None,
) -> Iterable[Match]:
    """Exact matches of one detector in one text, validated and scored; ``scale`` maps the
    hand-set score to the calibrated one (:meth:`Calibration.scale`)."""
    return match_texts(det, [text], context, scale)[0]


def match_texts(
    det: Detector,
    texts: Sequence[str],
    context: str = "",
    scale: Callable[[float], float] | None = None,
    views: dict[str, str] | None = None,
    bits: Sequence[int] | None = None,
) -> list[list[Match]]:
    """:func:`match_detector` for each of ``texts``. The detector's attributes are looked up
    once for all texts: the engine calls this for every (detector, candidate rows) pair, and a
    call per row repeated that set-up for every row, a noticeable share of the exact pass on
    free text. ``views``: :func:`lowercase_view` of texts already lowered, filled as texts are
    (the engine shares one across the detectors of a batch). ``bits``: per text, the patterns
    that may match it (bit ``k`` for pattern ``k``, :data:`ALL` for every one), as the gate
    found them; the others are not run there."""
    if views is None:
        views = {}
    # the ``value`` group by its number (``Match.span`` looks a name up on every match)
    plans = [
        (pattern, lead, pattern.groupindex.get("value", 0), test)
        for pattern, lead, test in zip(det.compiled, det.leads, det.filters, strict=True)
    ]
    refine, validator, min_entropy = det.refine, det.validator, det.min_entropy
    det_score = det.score
    precheck = det.precheck
    narrows = refine is not None and det.refine_narrows
    words = None if refine is None or det.refine_words is None else det.refine_words()
    contextual = bool(det.context or det.anti_context)
    out: list[list[Match]] = []
    for i, text in enumerate(texts):
        matches: list[Match] = []
        if precheck is not None and not precheck(text):
            out.append(matches)
            continue
        seen: list[tuple[int, int]] = []
        lowered: str | None = None
        mask = ALL if bits is None else bits[i]
        for k, (pattern, lead, value_group, test) in enumerate(plans):
            if mask != ALL and not mask >> k & 1:
                continue  # the gate found no match of this pattern in the text
            if test is not None:
                # a string every match holds: most candidate rows of a group's gate lack it
                if not test.folded:
                    if test.regex.search(text) is None:
                        continue
                else:
                    if lowered is None:
                        lowered = views.get(text)
                        if lowered is None:
                            lowered = views[text] = lowercase_view(text)
                    if lowered and test.regex.search(lowered) is None:
                        continue
            found: Iterable[re.Match[str]]
            if lead is None:
                found = pattern.finditer(text)
            elif not lead.lowered:
                found = _led_matches(pattern, lead.regex, text, text)
            else:
                if lowered is None:
                    lowered = views.get(text)
                    if lowered is None:
                        lowered = views[text] = lowercase_view(text)
                if lowered and (lead.any_text or text.isascii()):
                    found = _led_matches(pattern, lead.regex, text, lowered)
                else:
                    found = pattern.finditer(text)
            for m in found:
                start, end = m.span(value_group)
                if start == -1:  # an optional ``value`` group that did not take part
                    start, end = m.span()
                if start == end:
                    continue
                score = det_score
                if narrows and seen and any(s <= start and end <= e for s, e in seen):
                    continue  # refined, it would be inside an accepted value too (below)
                if words is not None and text[start:end].lower() not in words:
                    continue  # refine would drop it: its value is none of the words
                if refine is not None:
                    refined = refine(text, start, end)
                    if refined is None:
                        continue
                    start, end, score = refined
                if seen and any(s <= start and end <= e for s, e in seen):
                    continue  # inside a value this detector already accepted ("555-0187")
                value = text[start:end]
                if validator is not None and not validator(value):
                    continue
                if min_entropy is not None and shannon_entropy(value) < min_entropy:
                    continue
                if contextual:
                    scored = _apply_context(det, text, start, end, score, context)
                    if scored is None:
                        continue
                else:
                    scored = score
                seen.append((start, end))
                # by position, in Match's field order: keywords cost a third of the
                # constructor's time, on every match of every detector
                matches.append(
                    Match(
                        det.entity,  # entity
                        start,
                        end,
                        scored if scale is None else scale(scored),  # score
                        det.id,  # detector
                        det.category,
                        det.severity,
                        value,
                        scored,  # raw_score
                    )
                )
        out.append(matches)
    return out


def _case_extras() -> frozenset[str]:
    """The non-ASCII characters ``re.IGNORECASE`` matches with another one besides their own
    lowercase (``ſ`` with ``s``, ``ı`` with ``i``, Greek final sigma...): Python's own table.
    Unknown (a later Python without it): every non-ASCII text is then judged unsafe."""
    try:
        extra: dict[int, tuple[int, ...]] = importlib.import_module("re._casefix")._EXTRA_CASES
    except (ImportError, AttributeError):
        return frozenset({"\0"})
    codes = {c for k, v in extra.items() for c in (k, *v)}
    return frozenset(chr(c) for c in codes if c >= 128)


_CASE_EXTRAS = _case_extras()


def lowercase_view(text: str) -> str:
    """``text.lower()`` where a lowercase search there finds every place where a
    case-insensitive pattern matches ``text`` (at the same offsets), else ``""``.

    Always so for ASCII text. A non-ASCII text qualifies when lowering keeps its length (no
    ``İ`` -> ``i̇``), no character of it is one that ``re`` folds otherwise
    (:func:`_case_extras`) and none changes between word and non-word character (``\b``).
    Measured: ``person-context`` tried its full pattern at every position of the one text in
    nine with an accent, a dash or a curly quote, a quarter of its time."""
    low = text.lower()
    if text.isascii():
        return low
    if len(low) != len(text) or _CASE_EXTRAS.isdisjoint(low) is False:
        return ""
    for ch in set(text):
        if not ch.isascii() and ch.isalnum() != ch.lower().isalnum():
            return ""
    return low


def _led_matches(
    pattern: re.Pattern[str], lead: re.Pattern[str], text: str, haystack: str
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying ``pattern`` only where ``lead`` matches in
    ``haystack`` (the text, or its lowercase): the leftmost start where the pattern matches,
    then on from its end."""
    pos, n = 0, len(text)
    while pos <= n:
        candidate = lead.search(haystack, pos)
        if candidate is None:
            return
        start = candidate.start()
        m = pattern.match(text, start)
        if m is None:
            pos = start + 1
            continue
        yield m
        pos = m.end() if m.end() > start else start + 1


def _apply_context(
    det: Detector, text: str, start: int, end: int, score: float, context: str = ""
) -> float | None:
    if not det.context and not det.anti_context:
        return score
    window = text[max(0, start - det.context_window) : start].lower()
    window += " " + text[end : end + det.context_window // 2].lower() + " " + context
    has_context = det.has_context(window)
    if det.requires_context and not has_context:
        return None
    if has_context:
        # rounded: 0.6 + 0.25 must tie with a bare 0.85, not beat it by 1e-16
        return round(min(0.99, score + det.context_boost), 6)
    # Only the words right before a number say what it is ("order 4111...", "SKU 123-45-6789").
    near = text[max(0, start - 24) : start].lower() + " " + context
    if det.has_anti_context(near):
        score = round(max(0.01, score - det.context_boost * 2), 6)
    return score


def _strongest_first(m: Match) -> tuple[float, int, int, str]:
    # Match.priority, read here without the property's call (every match of every text)
    priority = m.score if m.raw_score is None else m.raw_score
    return -priority, -(m.end - m.start), m.start, m.detector


def resolve_overlaps(matches: list[Match], threshold: float = 0.0) -> list[Match]:
    """Keeps the strongest of overlapping matches (hand-set score, then length), sorted by
    position; matches whose (calibrated) score is under ``threshold`` take no part."""
    if len(matches) == 1:  # most texts with a finding have one
        return [matches[0]] if matches[0].score >= threshold else []
    kept: list[Match] = []
    for m in sorted(matches, key=_strongest_first):
        if m.score < threshold:
            continue
        start, end = m.start, m.end
        if any(start < k.end and k.start < end for k in kept):  # m.overlaps(k), inlined
            continue
        kept.append(m)
    kept.sort(key=lambda m: (m.start, m.end, m.detector))
    return kept
