"""Redacting a text or source file: the scan's line-by-line detection (block rules such as
private keys on whole chunks), each span replaced in place, every other character kept, line
breaks included. Source files get identifier-shaped placeholders, so code still parses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from clearance.detection.engine import Engine
from clearance.errors import InputError
from clearance.io import readers
from clearance.redact.replace import Replacer
from clearance.scan.text import TextDetector

CODE_SUFFIXES = frozenset(
    ".py .pyi .js .mjs .cjs .ts .tsx .jsx .java .kt .scala .go .rs .rb .php .cs .c .h .cc .cpp "
    ".hpp .swift .sh .bash .zsh .ps1 .pl .r .jl .lua .sql .tf .hcl .yaml .yml .toml .ini .cfg "
    ".conf .env .properties .gradle .ipynb".split()
)


def is_code(path: Path) -> bool:
    return path.suffix.lower() in CODE_SUFFIXES or path.name.startswith(".env")


def redact_text(
    path: Path,
    shown: str,
    engine: Engine,
    replacer: Replacer,
    on_lines: Callable[[int], None] | None = None,
) -> tuple[Iterator[str], list[int]]:
    """The redacted text of ``path`` in pieces, and a one-item list that holds the line count
    once the pieces are consumed. A file that is not UTF-8 is refused: its other bytes could
    not be written back as they were."""
    info = readers.check_text(path)
    if info.replaced_bytes:
        raise InputError(
            str(path), "not valid UTF-8; not redacted (its bytes could not be kept as they are)"
        )
    code = is_code(path)
    lines = [0]

    def pieces() -> Iterator[str]:
        detector = TextDetector(engine)
        for chunk, per_line in detector.chunks(readers.text_chunks(path)):
            text = "".join(chunk.lines)
            spans = []
            at = 0
            for line, ms in zip(chunk.lines, per_line, strict=True):
                for m in ms:
                    start = at + m.start
                    spans.append(
                        type(m)(
                            m.entity,
                            start,
                            min(len(text), at + m.end),
                            m.score,
                            m.detector,
                            m.category,
                            m.severity,
                            m.value,
                        )
                    )
                at += len(line)
            where = f"{shown}: line {chunk.first_line}"
            yield replacer.spans(text, spans, where, code=code)
            lines[0] += len(chunk.lines)
            if on_lines is not None:
                on_lines(len(chunk.lines))

    return pieces(), lines
