"""How much streamed text the guard must hold back before it may emit it, derived from the rules.

A secret split across chunks is caught only if none of it has left the proxy when its last
character arrives. For a rule whose matches are at most ``w`` characters long, holding back the
last ``w - 1`` characters is enough: a match that ends in text still to come starts in text not
yet emitted. :func:`pattern_width` reads that bound from each pattern with Python's own regex
parser (the patterns are the engine's; see :mod:`clearance.detection.detector`).

Some rules have no useful bound: a private-key block (unbounded), a JWT (10,000 characters), a
bearer token. Holding every text back by their width would turn streaming off, so rules wider
than ``holdback`` are *long rules*: their patterns are also compiled with the ``regex`` package,
whose partial matching says where a match could be in progress at the end of the text received
so far (``-----BEGIN RSA PRIVATE KEY-----`` and no END marker yet). Text is held from there until
the match completes or ``block_cap`` characters have been held (then the engine scans what is
held and the rest is released: a key block without an END marker is still matched by the
truncated-block patterns).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from clearance.detection.detector import Detector

try:  # Python's own parser: the width of a pattern as ``re`` reads it (see detection.literals)
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - CPython 3.11-3.13 have it
    _parser = None

UNBOUNDED = 1 << 30
DEFAULT_HOLDBACK = 256
"""Rules whose matches can be longer than this many characters are long rules."""
DEFAULT_BLOCK_CAP = 16_384
"""At most this many characters are held for one long-rule match in progress."""


def pattern_width(pattern: str) -> int:
    """The longest match ``pattern`` can have, in characters (``UNBOUNDED`` for ``+``, ``*``
    or a pattern the parser cannot read)."""
    if _parser is None:  # pragma: no cover
        return UNBOUNDED
    try:
        width = int(_parser.parse(pattern).getwidth()[1])
    except Exception:  # an unreadable pattern has no bound we can trust
        return UNBOUNDED
    return min(width, UNBOUNDED)


@dataclass(frozen=True)
class Holdback:
    """``chars``: characters always held back; ``long``: the partial-match regex of the long
    rules (``None`` when there are none); ``block_cap``: the most a long-rule match holds."""

    chars: int
    long: Any
    block_cap: int
    long_rules: tuple[str, ...]

    def hold_from(self, text: str, start: int, seen: Seen | None = None) -> int | None:
        """The first offset at or after ``start`` where a long-rule match may be in progress at
        the end of ``text`` (partial, or complete but touching the end, so it may grow), among
        the last ``block_cap`` characters (a match in progress from further back is released
        anyway; looking past it finds the next one, which is held).

        ``seen`` (offsets from the start of ``text``) carries what earlier calls on the same
        growing text found, so that only new positions are searched: one search over the whole
        held text costs milliseconds with these patterns. A position where no match, partial
        or complete, starts stays so as text is appended (a match there would make its prefix
        a partial match now); a position with a complete match that does not touch the end is
        tried again, anchored, every time. So ``seen`` holds while the text grows at its end,
        or loses at its start only text well before ``start`` (a character dropped could change
        a word boundary at the new start: the scanner drops only what lies ``_CONTEXT``
        characters before the held text)."""
        if self.long is None:
            return None
        if seen is None:
            seen = Seen()
        end = len(text)
        pins = [p for p in seen.pins if p >= start and p >= end - self.block_cap]
        kept: list[int] = []
        for i, p in enumerate(pins):
            verdict = self._at(text, p)
            if verdict is None:
                continue  # nothing starts here any more, nor will
            if verdict:
                seen.pins = [*kept, *pins[i:]]
                return p
            kept.append(p)
        seen.pins = kept
        horizon = end - self.block_cap
        pos = max(start, seen.frontier, horizon)
        while pos < end:
            m = self.long.search(text, pos, partial=True)
            if m is None:
                break
            found = int(m.start())
            if found >= end:  # an empty partial match at the very end holds nothing
                break
            if not m.partial:
                # ``regex`` prefers a complete match anywhere to an earlier partial one: the
                # positions before this one are tried one by one (once: then they are dead)
                for p in range(pos, found):
                    verdict = self._at(text, p)
                    if verdict:
                        seen.frontier = p
                        return p
                    if verdict is not None:
                        seen.pins.append(p)
            if m.partial or m.end() >= end:
                seen.frontier = found
                return found
            seen.pins.append(found)
            pos = found + 1
        seen.frontier = end
        return None

    def _at(self, text: str, pos: int) -> bool | None:
        """Whether a long-rule match starting at ``pos`` may be in progress at the end of
        ``text``; ``None`` when none starts there at all."""
        m = self.long.match(text, pos, partial=True)
        if m is None:
            return None
        return bool(m.partial or m.end() >= len(text))

    def shift(self, seen: Seen, cut: int) -> None:
        """``seen`` after the first ``cut`` characters of the text were dropped."""
        seen.frontier = max(0, seen.frontier - cut)
        seen.pins = [p - cut for p in seen.pins if p >= cut]


@dataclass
class Seen:
    """What :meth:`Holdback.hold_from` read of a growing text: no long-rule match starts
    before ``frontier`` except at ``pins`` (complete matches, tried again each time)."""

    frontier: int = 0
    pins: list[int] = field(default_factory=list)


def derive(
    detectors: Iterable[Detector],
    *,
    holdback: int = DEFAULT_HOLDBACK,
    block_cap: int = DEFAULT_BLOCK_CAP,
    extra_width: int = 0,
) -> Holdback:
    """The holdback for ``detectors``; ``extra_width``: other matches to cover (the longest
    inventory value). Detectors that need a context word may get it after the match: their
    context window is added to their width."""
    chars = max(0, extra_width - 1)
    long_parts: list[str] = []
    long_ids: list[str] = []
    for det in detectors:
        for pattern in det.patterns:
            width = pattern_width(pattern)
            if det.requires_context and width < UNBOUNDED:
                width += det.context_window
            if width <= holdback:
                chars = max(chars, width - 1)
                continue
            body = pattern.removeprefix("(?i)")
            icase = det.ignore_case or pattern.startswith("(?i)")
            long_parts.append(f"(?i:{body})" if icase else f"(?:{body})")
            if det.id not in long_ids:
                long_ids.append(det.id)
    regex = None
    if long_parts:
        regex = importlib.import_module("regex").compile("|".join(long_parts))
    return Holdback(chars, regex, max(block_cap, holdback), tuple(long_ids))
