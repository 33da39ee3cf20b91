"""Secrets cut off by the end of a text: a stream that stops (``max_tokens``, a stop word, a
dropped upstream) inside a key releases what the holdback held, and no rule matches a key
without its end (``postgres://app:PASSWORD`` without ``@host``, 16 of an AWS key id's 20
characters). At the end of a text, a match of a live secret rule still in progress (a partial
match, in the ``regex`` package's sense, that reaches the end) is redacted when it is long
enough to carry key material: at least :data:`MIN_CHARS` characters, the last
:data:`TAIL_CHARS` of them token characters with a letter among them, or digits. A context word alone at the end
(``api_key = ``) or a short word that begins a rule's prefix is left as it is."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from typing import Any

from clearance.detection.engine import Engine

MIN_CHARS = 12
"""A rule's literal prefix (``AKIA``, ``ghp_``, ``postgres://``) plus key material."""
TAIL_CHARS = 8
"""The run length the guard's promise is about: no 8 characters of a secret in a row."""
END_CHARS = 2
"""Separators after the key material at the very end (``@``, ``:``, a quote): the rule's match
would go on, the key is already out."""
# token characters, at least one a letter, or digits only (the end of an address or a version,
# ``127.0.0``, ``1.2.3-4``, is not key material), then at most END_CHARS separators
_TAIL = re.compile(
    rf"(?:(?=[\w+/=.\-]*[^\W\d_])[\w+/=.\-]{{{TAIL_CHARS}}}|\d{{{TAIL_CHARS}}})"
    rf"[^\w\s]{{0,{END_CHARS}}}\Z"
)
_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE


@dataclass
class TailMatcher:
    """Each detector's patterns compiled once with ``regex`` (for partial matching), on first
    use: only the rules live at the end of some text are ever compiled."""

    engine: Engine
    _compiled: dict[str, list[Any]] = field(default_factory=dict, repr=False)

    def _patterns(self, detector_id: str) -> list[Any]:
        found = self._compiled.get(detector_id)
        if found is None:
            regex = importlib.import_module("regex")
            found = []
            for compiled in self.engine.registry[detector_id].compiled:
                try:
                    found.append(regex.compile(compiled.pattern, compiled.flags & _FLAGS))
                except regex.error:  # a pattern regex reads otherwise: no partial matching
                    continue
            self._compiled[detector_id] = found
        return found

    def in_progress(self, text: str, start: int, detector_ids: list[str]) -> list[tuple[int, str]]:
        """``(offset, detector id)`` of each live rule's match in progress at the end of
        ``text`` that starts at or after ``start`` and is long enough to hold key material
        (the earliest per rule)."""
        end = len(text)
        out: list[tuple[int, str]] = []
        if not _TAIL.search(text, max(start, end - TAIL_CHARS - END_CHARS)):
            return out  # what every match in progress would end in is not there
        for det_id in detector_ids:
            for rx in self._patterns(det_id):
                pos = start
                while pos < end:
                    m = rx.search(text, pos, partial=True)
                    if m is None:
                        break
                    if m.partial:
                        begin = int(m.start())
                        if end - begin >= MIN_CHARS and _TAIL.search(text, begin):
                            out.append((begin, det_id))
                        break
                    pos = int(m.start()) + 1  # a complete match is the engine's to redact
        return sorted(out)
