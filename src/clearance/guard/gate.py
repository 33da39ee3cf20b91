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

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from clearance.detection.engine import Engine, lowercase_view, match_texts, resolve_overlaps
from clearance.detection.literals import prefix_tree
from clearance.detection.match import Match
from clearance.guard.holdback import UNBOUNDED, pattern_width

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

    @classmethod
    def of(cls, engine: Engine) -> Gate:
        gate = cls(engine)
        always: list[str] = []
        for det in engine.registry:
            for pattern, lits in zip(det.patterns, det.literals, strict=True):
                width = pattern_width(pattern)
                if det.requires_context and width < UNBOUNDED:
                    width += det.context_window  # the context word may come after the match
                if lits is None or not all(lits.words):
                    if det.id not in always:
                        always.append(det.id)
                    continue
                words = gate.folded_words if lits.folded else gate.exact_words
                for word in lits.words:
                    words.setdefault(word, []).append((det.id, width))
                    gate.longest_word = max(gate.longest_word, len(word))
        # a word found stands for every word that is a prefix of it (found at the same place)
        for words in (gate.exact_words, gate.folded_words):
            own = {word: list(reaches) for word, reaches in words.items()}
            for word in own:
                words[word] = [r for k in range(1, len(word) + 1) for r in own.get(word[:k], ())]
        if gate.exact_words:
            gate.exact = re.compile(f"(?=({prefix_tree(sorted(gate.exact_words))}))")
        if gate.folded_words:
            gate.folded = re.compile(f"(?=({prefix_tree(sorted(gate.folded_words))}))")
        gate.always = tuple(always)
        return gate

    def found(self, text: str, lo: int) -> Iterator[tuple[int, str, int]]:
        """``(offset, detector id, reach)`` for each literal occurrence starting at or after
        ``lo`` in ``text`` (occurrences that overlap included)."""
        if self.exact is not None:
            yield from _occurrences(self.exact, self.exact_words, text, lo)
        if self.folded is not None:
            low = lowercase_view(text[lo:])
            if low or lo >= len(text):
                for at, det_id, reach in _occurrences(self.folded, self.folded_words, low, 0):
                    yield lo + at, det_id, reach
            else:  # a lowercase search cannot be trusted here: every folded literal counts
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
        for det_id in sorted(detector_ids):
            det = engine.registry[det_id]
            scale = None if engine.calibration is None else engine.calibration.scale(det_id)
            found.extend(match_texts(det, [text], "", scale, views)[0])
        return resolve_overlaps(found, engine.threshold) if found else found


def _occurrences(
    regex: re.Pattern[str], words: dict[str, list[_Reach]], text: str, lo: int
) -> Iterator[tuple[int, str, int]]:
    # the lookahead finds the longest word at every position; the shorter words starting
    # there are its prefixes, whose detectors its entry lists too
    for m in regex.finditer(text, lo):
        at = m.start()
        for det_id, reach in words[m.group(1)]:
            yield at, det_id, reach
