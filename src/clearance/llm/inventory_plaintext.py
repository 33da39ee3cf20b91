"""The plaintext behind an inventory, in memory only: the values and the text before each
occurrence, so an audit in the same process can build extraction probes.
:class:`InventoryPlaintext` has no serialisation method, refuses pickling and its ``repr`` shows
counts only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

MAX_PLAIN_OCCURRENCES = 50
"""Occurrences (with their preceding text) kept in memory per item for probes."""


def prefix_text(prefix_lines: Sequence[str], column: int, lines: int) -> str:
    """The last ``lines`` of ``prefix_lines`` as text (see ``PlainOccurrence.prefix``).

    ``prefix_lines`` are the previous lines followed by the start of the value's own line when
    ``column > 0``; a value at column 0 has only previous lines, and the text ends with the
    newline that separates them from the value."""
    if lines <= 0 or not prefix_lines:
        return ""
    text = "\n".join(prefix_lines[-lines:])
    return text + "\n" if column == 0 else text


@dataclass(frozen=True, slots=True)
class PlainOccurrence:
    """Where a value occurs and the (up to 10) lines before it. ``repr`` hides the text."""

    path: str
    line: int
    column: int
    record: int | None
    field: str | None
    field_line: int | None
    prefix_lines: tuple[str, ...] = dataclasses.field(repr=False)

    def prefix(self, lines: int) -> str:
        """The text before the value over its last ``lines`` lines: the start of the value's
        own line, preceded by whole previous lines (same file, or same JSONL field); ends with
        a newline when the value starts its line."""
        return prefix_text(self.prefix_lines, self.column, lines)

    def __reduce__(self) -> NoReturn:
        raise TypeError("PlainOccurrence holds corpus text and cannot be pickled")


class InventoryPlaintext:
    """Values and preceding text of an inventory, in memory only, for building probes.

    Deliberately not a pydantic model and without any dump/serialise method; ``repr`` and
    ``str`` show counts only and pickling is refused. Drop it when the run ends."""

    __slots__ = ("_occurrences", "_values")

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._occurrences: dict[str, list[PlainOccurrence]] = {}

    def __repr__(self) -> str:
        n = sum(len(v) for v in self._occurrences.values())
        return f"InventoryPlaintext({len(self._values)} values, {n} occurrences, hidden)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("InventoryPlaintext holds plaintext secrets and cannot be pickled")

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self._values

    def fingerprints(self) -> list[str]:
        return sorted(self._values)

    def value(self, fingerprint: str) -> str:
        """The plaintext value of the item with this ``fingerprint`` (``KeyError`` if none)."""
        return self._values[fingerprint]

    def occurrences(self, fingerprint: str) -> list[PlainOccurrence]:
        """Up to ``MAX_PLAIN_OCCURRENCES`` occurrences, in corpus order."""
        return list(self._occurrences.get(fingerprint, ()))

    def _add_value(self, fingerprint: str, value: str) -> None:
        self._values.setdefault(fingerprint, value)

    def _add(self, fingerprint: str, value: str, occ: PlainOccurrence) -> None:
        self._values.setdefault(fingerprint, value)
        kept = self._occurrences.setdefault(fingerprint, [])
        if len(kept) < MAX_PLAIN_OCCURRENCES:
            kept.append(occ)
