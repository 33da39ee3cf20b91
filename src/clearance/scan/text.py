"""Detection on text read line by line that finds what ``Engine.detect`` finds on the whole text.

Text files and JSONL string fields are detected line by line: lines repeat (logs, templates), the
engine detects each distinct line once, and a line is what a location names. Some rules span
lines, though: a PEM private key is a BEGIN line, base64 lines and an END line; a ``.netrc``
entry is ``machine``, ``login`` and ``password`` on lines of their own. Those rules (the ones whose
own positive examples match across a line break, :func:`multiline_ids`) run on whole blocks of
text instead, every other rule on single lines, and where a block match overlaps line matches the
engine's own overlap rule (:func:`resolve_overlaps`) settles it, as on the whole text.

Files are read in chunks (:func:`clearance.io.readers.text_chunks`); a chunk's block pass also
sees ``OVERLAP_CHARS`` of the next chunk and ``LEAD_CHARS`` of the previous one, so a key that
crosses a chunk boundary is found once, by the chunk it starts in. A match is reported on the
line where it starts: ``start`` is its column there and ``end`` is ``start`` plus its length (past
the end of the line for a match that spans lines).
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from clearance.detection.detector import Detector
from clearance.detection.engine import Engine, resolve_overlaps
from clearance.detection.match import Match
from clearance.detection.registry import Registry
from clearance.io.readers import TextChunk

OVERLAP_CHARS = 64 * 1024
"""Characters of the next chunk a chunk's block pass sees: longer than any key block."""
LEAD_CHARS = 4 * 1024
"""Characters of the previous chunk a chunk's block pass sees (context words)."""


@lru_cache(maxsize=4096)
def spans_lines(det: Detector) -> bool:
    """Whether one of the detector's patterns matches one of its own positive examples across a
    line break (the whole pattern match, not only the reported value: a ``.netrc`` password is
    on one line, the ``machine`` it belongs to on another). A break as the first or last
    character (a boundary such as ``(?:^|[^A-Za-z0-9])``) does not count."""
    return any(
        any(c in m.group()[1:-1] for c in "\n\r")
        for p in det.positives
        for pattern in det.compiled
        for m in pattern.finditer(p)
    )


def multiline_ids(registry: Registry) -> set[str]:
    return {d.id for d in registry if spans_lines(d)}


@dataclass(frozen=True)
class Doc:
    """Lines (each with its line break) to detect in; ``before``/``after``: text around them that
    block rules see (for context, and for a block that goes on past the last line)."""

    lines: Sequence[str]
    before: str = ""
    after: str = ""


def _shift(m: Match, by: int) -> Match:
    return dataclasses.replace(m, start=m.start + by, end=m.end + by)


class TextDetector:
    """``engine`` split in two: line rules on single lines, block rules on whole docs."""

    def __init__(self, engine: Engine) -> None:
        multi = multiline_ids(engine.registry)
        self.engine = engine
        self.block_ids = multi
        if multi:
            lines = Registry(d for d in engine.registry if d.id not in multi)
            self.line_engine = dataclasses.replace(engine, registry=lines)
            self.block_engine: Engine | None = engine.restricted(multi)
        else:
            self.line_engine, self.block_engine = engine, None

    def detect(self, docs: Sequence[Doc]) -> list[list[list[Match]]]:
        """Per doc, per line: the matches that start on that line, ``start``/``end`` relative to
        the line's first character."""
        texts = [line for doc in docs for line in "".join(doc.lines).splitlines()]
        flat = self.line_engine.detect_batch(texts) if texts else []
        out: list[list[list[Match]]] = []
        pos = 0
        for doc in docs:
            out.append(flat[pos : pos + len(doc.lines)])
            pos += len(doc.lines)
        if self.block_engine is None:
            return out
        blocks = self.block_engine.detect_batch(
            [doc.before + "".join(doc.lines) + doc.after for doc in docs]
        )
        for doc, per_line, found in zip(docs, out, blocks, strict=True):
            if found:
                self._merge(doc, per_line, found)
        return out

    @staticmethod
    def _merge(doc: Doc, per_line: list[list[Match]], found: list[Match]) -> None:
        base = len(doc.before)
        starts: list[int] = []
        total = 0
        for line in doc.lines:
            starts.append(total)
            total += len(line)
        for block in found:
            at = block.start - base
            if not 0 <= at < total:
                continue  # starts in the text before or after: another chunk's
            first = bisect.bisect_right(starts, at) - 1
            last = bisect.bisect_right(starts, block.end - base - 1) - 1
            block = _shift(block, -base)
            lines = range(first, min(last, len(doc.lines) - 1) + 1)
            near = [_shift(m, starts[i]) for i in lines for m in per_line[i]]
            kept = resolve_overlaps([block, *near]) if near else [block]
            for i in lines:
                per_line[i] = [m for m in per_line[i] if _shift(m, starts[i]) in kept]
            if block in kept:
                per_line[first].append(_shift(block, -starts[first]))
                per_line[first].sort(key=lambda m: (m.start, m.end, m.detector))

    def chunks(self, chunks: Iterable[TextChunk]) -> Iterator[tuple[TextChunk, list[list[Match]]]]:
        """Each chunk of a file with its matches per line; block rules see past the chunk's
        edges, and a block match starting inside one found in the previous chunk is dropped."""
        previous: TextChunk | None = None
        before = ""
        frontier = 0  # end (in the file's characters) of the last block match kept
        offset = 0  # characters of the file before ``previous``
        for chunk in _iter_with_none(chunks):
            if previous is not None:
                after = ""
                if chunk is not None:
                    after = "".join(_head(chunk.lines, OVERLAP_CHARS))[:OVERLAP_CHARS]
                (matches,) = self.detect([Doc(previous.lines, before, after)])
                starts = _line_starts(previous.lines)
                for i, ms in enumerate(matches):
                    kept = []
                    for m in ms:
                        at = offset + starts[i] + m.start
                        if m.detector in self.block_ids:
                            if at < frontier:
                                continue
                            frontier = max(frontier, at + m.end - m.start)
                        kept.append(m)
                    matches[i] = kept
                yield previous, matches
                text_len = starts[-1] + len(previous.lines[-1]) if previous.lines else 0
                before = ("".join(_tail(previous.lines, LEAD_CHARS)))[-LEAD_CHARS:]
                offset += text_len
            previous = chunk
            if chunk is None:
                return


def _iter_with_none(chunks: Iterable[TextChunk]) -> Iterator[TextChunk | None]:
    yield from chunks
    yield None


def _line_starts(lines: Sequence[str]) -> list[int]:
    starts, total = [], 0
    for line in lines:
        starts.append(total)
        total += len(line)
    return starts


def _head(lines: Sequence[str], chars: int) -> list[str]:
    out, total = [], 0
    for line in lines:
        if total >= chars:
            break
        out.append(line)
        total += len(line)
    return out


def _tail(lines: Sequence[str], chars: int) -> list[str]:
    out: list[str] = []
    total = 0
    for line in reversed(lines):
        if total >= chars:
            break
        out.append(line)
        total += len(line)
    return out[::-1]


__all__ = ["Doc", "TextDetector", "multiline_ids", "spans_lines"]
