"""Streaming redaction: feed a model's output piece by piece, get back text that is safe to emit.

One :class:`Redactor` is built per proxy (the detection engine, the known secrets, the
holdback); it hands out one :class:`StreamScanner` per generated text (per choice, per tool-call
argument string). A scanner holds back the end of what it was fed (:mod:`clearance.guard.
holdback`), so a secret split across any chunk boundary is complete in its buffer before any of
it is released; :meth:`StreamScanner.finish` releases the rest at the end of the text.

What is redacted: every match of the engine (the secret rules, plus PII types when configured)
and every known secret (:mod:`clearance.guard.known`), replaced by ``[REDACTED:<type>]``. A
scanner records a :class:`Hit` per redaction (rule, type, keyed fingerprint), never the value.
Already emitted text is kept (up to ``_CONTEXT`` characters) only as context for the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from clearance.detection.engine import Engine
from clearance.guard.holdback import Holdback
from clearance.guard.known import KnownSecrets
from clearance.llm.inventory_models import VALUE_RULE
from clearance.privacy import Fingerprinter

_CONTEXT = 256
"""Characters already emitted kept as the engine's context (context words, word boundaries)."""

INVENTORY_RULE = "inventory"


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

    def stream(self) -> StreamScanner:
        return StreamScanner(self)

    def redact(self, text: str) -> tuple[str, list[Hit]]:
        """The whole ``text`` redacted at once (a non-streaming answer)."""
        scanner = self.stream()
        out = scanner.feed(text) + scanner.finish()
        return out, scanner.hits

    def spans(self, text: str, start: int) -> list[_Span]:
        """Redaction spans of ``text`` that end after ``start`` (earlier text is emitted),
        overlapping ones merged, in order."""
        found: list[_Span] = []
        for m in self.engine.detect(text):
            if m.end <= start:
                continue
            fp = self.fingerprinter.of(VALUE_RULE, m.value)
            known = self.known is not None and fp in self.known.items
            found.append(_Span(m.start, m.end, m.entity, [Hit(m.detector, m.entity, fp, known)]))
        if self.known is not None:
            found.extend(self._known_windows(text, start))
        found.sort(key=lambda s: (s.start, -s.end))
        merged: list[_Span] = []
        for span in found:
            if merged and span.start < merged[-1].end:
                last = merged[-1]
                if span.end - span.start > last.end - last.start:
                    last.entity = span.entity
                last.end = max(last.end, span.end)
                for hit in span.hits:  # one value found by a rule and the inventory: one hit
                    same = [i for i, h in enumerate(last.hits) if h.fingerprint == hit.fingerprint]
                    if same:
                        old = last.hits[same[0]]
                        last.hits[same[0]] = Hit(old.rule, old.entity, old.fingerprint, True)
                    else:
                        last.hits.append(hit)
            else:
                merged.append(span)
        return merged

    def _known_windows(self, text: str, start: int) -> Iterator[_Span]:
        assert self.known is not None
        for length in self.known.lengths:
            # every window that ends after ``start``: a window ending earlier was looked up
            # when its text was complete
            for lo in range(max(0, start - length + 1), len(text) - length + 1):
                found = self.known.lookup(text[lo : lo + length])
                if found is not None:
                    fp, item = found
                    hit = Hit(INVENTORY_RULE, item.entity, fp, True)
                    yield _Span(lo, lo + length, item.entity, [hit])


@dataclass
class StreamScanner:
    """The redaction state of one generated text."""

    redactor: Redactor
    hits: list[Hit] = field(default_factory=list)
    _buf: str = ""
    _emitted: int = 0  # offset in ``_buf`` up to which text has been emitted

    def feed(self, piece: str) -> str:
        """Text now safe to emit (possibly empty) after ``piece`` is appended."""
        if not piece:
            return ""
        self._buf += piece
        return self._advance(final=False)

    def finish(self) -> str:
        """The rest of the text, scanned; the scanner is empty afterwards."""
        out = self._advance(final=True)
        self._buf = self._buf[self._emitted :]
        return out

    @property
    def held(self) -> int:
        """Characters received and not yet emitted."""
        return len(self._buf) - self._emitted

    def _advance(self, *, final: bool) -> str:
        hold = self.redactor.holdback
        n = len(self._buf)
        limit = n
        if not final:
            limit = n - hold.chars
            held_from = hold.hold_from(self._buf, self._emitted)
            if held_from is not None and n - held_from <= hold.block_cap:
                limit = min(limit, held_from)
            if limit <= self._emitted:
                return ""
        out: list[str] = []
        pos = self._emitted
        for span in self.redactor.spans(self._buf, self._emitted):
            if span.start >= limit:
                break
            if span.start > pos:
                out.append(self._buf[pos : span.start])
            out.append(placeholder(span.entity))
            self.hits.extend(span.hits)
            pos = max(pos, span.end)
        if pos < limit:
            out.append(self._buf[pos:limit])
            pos = limit
        self._emitted = pos
        # keep a little emitted text as context for the next scan
        cut = max(0, self._emitted - _CONTEXT)
        if cut:
            self._buf = self._buf[cut:]
            self._emitted -= cut
        return "".join(out)
