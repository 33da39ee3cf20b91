"""Streaming redaction: feed a model's output piece by piece, get back text that is safe to emit.

One :class:`Redactor` is built per proxy (the detection engine, the known secrets, the
holdback); it hands out one :class:`StreamScanner` per generated text (per choice, per tool-call
argument string). A scanner holds back the end of what it was fed (:mod:`clearance.guard.
holdback`), so a secret split across any chunk boundary is complete in its buffer before any of
it is released; :meth:`StreamScanner.finish` releases the rest at the end of the text, where a
secret rule's match cut off by the end is redacted too (:mod:`clearance.guard.truncated`).

What is redacted: every match of the engine (the secret rules, plus PII types when configured),
every known secret (:mod:`clearance.guard.known`), and every token-like run holding a window of
a known secret (a near-copy: :meth:`KnownSecrets.near_copies`), replaced by
``[REDACTED:<type>]``. A near-copy's run is held while it may go on (up to the holdback's
``block_cap``), so that none of it leaves before it is redacted whole. A
scanner records a :class:`Hit` per redaction (rule, type, keyed fingerprint), never the value.
Already emitted text is kept (up to ``_CONTEXT`` characters) only as context for the engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from clearance.detection.engine import Engine
from clearance.guard.gate import Gate
from clearance.guard.holdback import Holdback, Seen
from clearance.guard.known import KnownSecrets
from clearance.guard.truncated import TailMatcher
from clearance.llm.inventory_models import VALUE_RULE
from clearance.llm.inventory_windows import TOKEN_RUN
from clearance.privacy import Fingerprinter

_CONTEXT = 256
"""Characters already emitted kept as the engine's context (context words, word boundaries)."""

INVENTORY_RULE = "inventory"
NEAR_COPY_RULE = "inventory-near-copy"
"""The rule of a near-copy's hit; its fingerprint is the known secret's value fingerprint."""
_GOES_ON = re.compile(rf"[.\-]*(?:{TOKEN_RUN.pattern})")
"""The rest of a run from a point inside it (after what was already redacted of it)."""


def placeholder(entity: str) -> str:
    return f"[REDACTED:{entity.lower()}]"


@dataclass(frozen=True)
class Hit:
    """One redaction: the rule that found it, the type shown, the keyed fingerprint of the value
    (``of("value", value)``, the inventory's ``value_fingerprint``) and whether it is a known
    secret. Never the value."""

    rule: str
    entity: str
    fingerprint: str
    known: bool


@dataclass
class _Near:
    """A token-like run holding a window of a known secret: from ``start`` to wherever the run
    ends; ``hit`` until it is reported (a run released at the cap goes on being redacted)."""

    start: int
    entity: str
    hit: Hit | None
    open: bool = False


@dataclass
class _Span:
    start: int
    end: int
    entity: str
    hits: list[Hit]


@dataclass
class Redactor:
    """What every stream of one proxy shares."""

    engine: Engine
    holdback: Holdback
    fingerprinter: Fingerprinter
    known: KnownSecrets | None = None
    gate: Gate = field(init=False)
    tail: TailMatcher = field(init=False)

    def __post_init__(self) -> None:
        self.gate = Gate.of(self.engine)
        self.tail = TailMatcher(self.engine)

    def stream(self) -> StreamScanner:
        return StreamScanner(self)

    def redact(self, text: str) -> tuple[str, list[Hit]]:
        """The whole ``text`` redacted at once (a non-streaming answer)."""
        scanner = self.stream()
        scanner._buf = text  # all of it at once: nothing to hold back, nothing in progress
        out = scanner.finish()
        return out, scanner.hits

    def engine_spans(self, text: str, base: int, after: int, live: Iterable[str]) -> list[_Span]:
        """The engine's matches in ``text`` (which starts at offset ``base`` of the stream) that
        end after ``after``, when only the ``live`` detectors can match there."""
        found: list[_Span] = []
        for m in self.gate.detect(text, live):
            if base + m.end <= after:
                continue
            fp = self.fingerprinter.of(VALUE_RULE, m.value)
            known = self.known is not None and fp in self.known.items
            hit = Hit(m.detector, m.entity, fp, known)
            found.append(_Span(base + m.start, base + m.end, m.entity, [hit]))
        return found

    def cut_off_spans(self, text: str, base: int, start: int, live: list[str]) -> list[_Span]:
        """Matches of the ``live`` rules still in progress where ``text`` (from offset ``base``
        of the stream) ends, starting at or after offset ``start``: redacted to the end."""
        found: list[_Span] = []
        registry = self.engine.registry
        for lo, det_id in self.tail.in_progress(text, start - base, live):
            value = text[lo:]
            fp = self.fingerprinter.of(VALUE_RULE, value)
            entity = registry[det_id].entity
            found.append(
                _Span(base + lo, base + len(text), entity, [Hit(det_id, entity, fp, False)])
            )
        return found

    def known_windows(self, text: str, base: int, after: int) -> Iterator[_Span]:
        """Known secrets in ``text`` (from offset ``base`` of the stream) that end after
        ``after``: a window ending earlier was looked up when it was complete."""
        if self.known is None:
            return
        for lo, hi, fp, item in self.known.windows(text, after - base):
            hit = Hit(INVENTORY_RULE, item.entity, fp, True)
            yield _Span(base + lo, base + hi, item.entity, [hit])


def _merge(found: list[_Span]) -> list[_Span]:
    """Overlapping spans merged, in order; one value found by a rule and the inventory gives
    one hit (marked known), named for the exact match over a near-copy of the same secret."""
    found.sort(key=lambda s: (s.start, -s.end))
    merged: list[_Span] = []
    for span in found:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end - span.start > last.end - last.start:
                last.entity = span.entity
            last.end = max(last.end, span.end)
            for hit in span.hits:
                same = [i for i, h in enumerate(last.hits) if h.fingerprint == hit.fingerprint]
                if same:
                    old = last.hits[same[0]]
                    if old.rule == NEAR_COPY_RULE:  # the secret itself is there: named so
                        old = hit
                    last.hits[same[0]] = Hit(old.rule, old.entity, old.fingerprint, True)
                else:
                    last.hits.append(hit)
        else:
            merged.append(_Span(span.start, span.end, span.entity, list(span.hits)))
    return merged


@dataclass
class StreamScanner:
    """The redaction state of one generated text. Offsets are counted from the start of the
    text (``_base``: the offset of ``_buf[0]``; what lies before was emitted and dropped)."""

    redactor: Redactor
    hits: list[Hit] = field(default_factory=list)
    _buf: str = ""
    _base: int = 0
    _emitted: int = 0  # offset up to which text has been emitted
    _searched: int = 0  # offset up to which literals and known secrets were looked for
    _live: dict[str, int] = field(default_factory=dict)  # detector id -> live until emitted
    _known: list[_Span] = field(default_factory=list)  # known secrets found, not yet emitted
    _seen: Seen = field(default_factory=Seen)  # what the long rules' search read of ``_buf``
    _runs_from: int = 0  # offset from which token-like runs are looked for near-copies
    _near: list[_Near] = field(default_factory=list)  # near-copies not yet emitted whole

    def feed(self, piece: str) -> str:
        """Text now safe to emit (possibly empty) after ``piece`` is appended."""
        if not piece:
            return ""
        self._buf += piece
        return self._advance(final=False)

    def finish(self) -> str:
        """The rest of the text, scanned; the scanner is empty afterwards."""
        out = self._advance(final=True)
        self._buf = self._buf[self._emitted - self._base :]
        self._base = self._emitted
        self._seen = Seen()  # nothing is held: no position is known any more
        return out

    @property
    def held(self) -> int:
        """Characters received and not yet emitted."""
        return self._base + len(self._buf) - self._emitted

    def _look(self, end: int) -> None:
        """Literals and known secrets in the text that arrived since the last look."""
        redactor = self.redactor
        gate = redactor.gate
        # a literal that started before the new text may end in it
        lo = max(self._base, self._searched - gate.longest_word + 1)
        # a match holding a literal at ``at`` ends by ``at + reach``; one that ends before the
        # emitted text, but within a match's width of it, still takes part in the engine's
        # overlap resolution. Past ``_CONTEXT`` the literal has left the buffer.
        margin = redactor.holdback.chars + 1
        live = self._live
        for at, det_id, reach in gate.found(self._buf, lo - self._base):
            until = self._base + at + min(reach + margin, _CONTEXT + 1)
            if live.get(det_id, -1) < until:
                live[det_id] = until
        self._known.extend(redactor.known_windows(self._buf, self._base, self._searched))
        known = redactor.known
        if known is not None and known.near:
            base = self._base
            found, resume = known.near_copies(
                self._buf, max(0, self._runs_from - base), self._searched - base
            )
            for lo, fp, item in found:
                # a run already found (its entry starts there, or later once released at the
                # cap) is reported once
                if all(n.start < base + lo for n in self._near):
                    hit = Hit(NEAR_COPY_RULE, item.entity, fp, True)
                    self._near.append(_Near(base + lo, item.entity, hit))
            self._runs_from = base + resume
        self._searched = end

    def _advance(self, *, final: bool) -> str:
        redactor = self.redactor
        hold = redactor.holdback
        base = self._base
        n = base + len(self._buf)
        if self._searched < n:
            self._look(n)
        limit = n
        if not final:
            limit = n - hold.chars
            held_from = hold.hold_from(self._buf, self._emitted - base, self._seen)
            if held_from is not None and n - (base + held_from) <= hold.block_cap:
                limit = min(limit, base + held_from)
        emitted = self._emitted
        near = self._near_spans(emitted, final)
        for span in near:
            # a near-copy's run that may go on (its span reaches the end) is held from its
            # start, up to the cap
            if not final and span.end == n and n - span.start <= hold.block_cap:
                limit = min(limit, span.start)
        if not final and limit <= emitted:
            return ""
        live = [d for d, until in self._live.items() if until > emitted]
        if len(live) < len(self._live):
            self._live = {d: self._live[d] for d in live}
        found: list[_Span] = []
        if final and live:
            # a secret cut off by the end of the text: no rule matches it whole
            # (a match in progress from ``tail`` on holds its rule's literal after ``tail``)
            tail = max(emitted, n - hold.chars - 1)
            near_end = [d for d in live if self._live[d] > tail]
            if near_end:
                found = redactor.cut_off_spans(self._buf, base, tail, near_end)
        if live or redactor.gate.always:
            live.extend(redactor.gate.always)
            found += redactor.engine_spans(self._buf, base, emitted, live)
        self._known = [s for s in self._known if s.end > emitted]
        found.extend(self._known)  # after the engine's: a rule's hit is named first
        found.extend(near)
        out: list[str] = []
        pos = emitted
        for span in _merge(found):
            if span.start >= limit:
                break
            if span.start > pos:
                out.append(self._buf[pos - base : span.start - base])
            out.append(placeholder(span.entity))
            self.hits.extend(span.hits)
            pos = max(pos, span.end)
        if pos < limit:
            out.append(self._buf[pos - base : limit - base])
            pos = limit
        self._emitted = pos
        if self._near:
            self._near_emitted(pos)
        # keep a little emitted text as context for the next scan
        cut = self._emitted - _CONTEXT - base
        if cut > 0:
            self._buf = self._buf[cut:]
            self._base += cut
            self.redactor.holdback.shift(self._seen, cut)
        return "".join(out)

    def _near_spans(self, emitted: int, final: bool) -> list[_Span]:
        """The spans of the near-copies found, each to the current end of its run; one that
        reaches the end of the text may go on: its span ends at the end (``open``)."""
        spans: list[_Span] = []
        kept: list[_Near] = []
        base, n = self._base, self._base + len(self._buf)
        for near in self._near:
            start = max(near.start, emitted)
            m = _GOES_ON.match(self._buf, start - base)
            if m is None:
                continue  # the run ended where its redaction did
            near.start = start
            near.open = not final and not self._buf[m.end() :].strip(".-")
            kept.append(near)
            hits = [] if near.hit is None else [near.hit]
            spans.append(_Span(start, n if near.open else base + m.end(), near.entity, hits))
        self._near = kept
        return spans

    def _near_emitted(self, pos: int) -> None:
        """After emitting up to ``pos``: a near-copy emitted whole is done; one whose run may
        go on (released at the cap) goes on being redacted from ``pos``, reported once."""
        kept: list[_Near] = []
        for near in self._near:
            if near.start >= pos:
                kept.append(near)
            elif near.open:
                kept.append(_Near(pos, near.entity, None, open=True))
        self._near = kept
