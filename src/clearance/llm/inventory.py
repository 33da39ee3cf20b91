"""The secret inventory of a training corpus: what an LLM trained on it could have memorised.

``build_inventory`` scans a corpus (folders of code and docs, JSON Lines) with the ordinary
detection engine and returns two things:

* an :class:`~clearance.llm.inventory_models.Inventory` (pydantic, serialisable): one
  :class:`~clearance.llm.inventory_models.InventoryItem` per distinct value with its type, keyed
  fingerprints, a masked preview, how many times it occurs (duplication is what drives
  memorisation) and where. It never holds a plaintext value or plaintext context (the models and
  their fingerprints: :mod:`clearance.llm.inventory_models`).
* an :class:`~clearance.llm.inventory_plaintext.InventoryPlaintext`: the values and the text
  before each occurrence, in memory only, so an audit in the same process can build extraction
  probes.

A known-secret list (:mod:`clearance.llm.vault`) marks the items it holds ``in_vault``; its
entries are also searched literally in the corpus.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from clearance.detection.engine import Engine
from clearance.detection.match import Match
from clearance.detection.settings import DetectionSettings
from clearance.errors import InputError, PolicyError
from clearance.io import readers
from clearance.llm.inventory_models import (
    CONTEXT_LINES,
    CONTEXT_RULE,
    VALUE_RULE,
    VAULT_RULE,
    Inventory,
    InventoryItem,
    Location,
    PrefixContext,
    Skipped,
    VaultSummary,
)
from clearance.llm.inventory_plaintext import InventoryPlaintext, PlainOccurrence, prefix_text
from clearance.llm.inventory_windows import WINDOW_CHARS, value_windows
from clearance.llm.vault import MIN_VAULT_LITERAL, VaultEntry, import_vault, read_vault
from clearance.privacy import Fingerprinter, mask
from clearance.scan.text import Doc, TextDetector

MAX_LOCATIONS = 100
"""Locations kept per item in the inventory (``occurrences`` always counts them all)."""
CATEGORIES = ("pii", "secret", "special_category")
_CHUNK = 20_000
_JSONL = {"jsonl", "ndjson"}

ProgressFn = Callable[[str, int], None]


@dataclass
class _Acc:
    rule: str
    entity: str
    category: str
    value_fp: str
    preview: str
    source: Literal["corpus", "vault"]
    occurrences: int = 0
    files: set[str] = field(default_factory=set)
    locations: list[Location] = field(default_factory=list)
    windows: list[str] = field(default_factory=list)


@dataclass
class _Unit:
    """One scanned text: a line of a text file or a string field of a JSONL record."""

    path: str
    line: int
    text: str
    record: int | None = None
    field: str | None = None
    field_line: int | None = None
    before: Sequence[str] = ()  # the lines before ``text`` that count as its context


class _Builder:
    def __init__(
        self,
        engine: Engine,
        fp: Fingerprinter,
        categories: set[str],
        vault: dict[str, VaultEntry],
        progress: ProgressFn | None,
    ) -> None:
        self.engine = engine
        self.fp = fp
        self.categories = categories
        self.vault = vault
        self.progress = progress
        self.plain = InventoryPlaintext()
        self.items: dict[str, _Acc] = {}
        self.skipped: list[Skipped] = []
        self.warnings: list[str] = []
        self.files = 0
        self.records = 0
        self.text = TextDetector(engine)
        literals = sorted(
            (e for e in vault.values() if len(e.value) >= MIN_VAULT_LITERAL),
            key=lambda e: (-len(e.value), e.line),
        )
        self.literal_fp = {e.value: e.value_fp for e in literals}
        self.literal_re = (
            re.compile("|".join(re.escape(e.value) for e in literals)) if literals else None
        )

    def scan_docs(self, docs: list[tuple[Doc, list[_Unit]]]) -> None:
        """Detects in docs (a JSONL field's lines), one unit per line: rules that span lines
        on the whole doc, the others line by line (:class:`TextDetector`)."""
        if not docs:
            return
        results = self.text.detect([doc for doc, _ in docs])
        for (_, units), per_line in zip(docs, results, strict=True):
            for unit, matches in zip(units, per_line, strict=True):
                self._scan_unit(unit, matches)

    def _scan_unit(self, unit: _Unit, matches: list[Match]) -> None:
        engine_spans: list[tuple[int, int, str]] = []
        for m in matches:
            if m.category not in self.categories:
                continue
            value_fp = self.fp.of(VALUE_RULE, m.value)
            engine_spans.append((m.start, m.end, value_fp))
            fingerprint = self.fp.of(m.detector, m.value)
            if fingerprint not in self.items:
                self.items[fingerprint] = _Acc(
                    rule=m.detector,
                    entity=m.entity,
                    category=m.category,
                    value_fp=value_fp,
                    preview=mask(m.value, m.entity, m.category),
                    source="corpus",
                    windows=value_windows(self.fp, m.value) if m.category == "secret" else [],
                )
            self._record(fingerprint, m.value, unit, m.start)
        if self.literal_re is None:
            return
        for hit in self.literal_re.finditer(unit.text):
            value_fp = self.literal_fp[hit.group()]
            start, end = hit.span()
            if any(s < end and start < e and fp == value_fp for s, e, fp in engine_spans):
                continue  # a detector already found this very value here
            fingerprint = self.fp.of(VAULT_RULE, hit.group())
            if fingerprint not in self.items:
                self.items[fingerprint] = _vault_acc(self.fp, hit.group(), value_fp)
            self._record(fingerprint, hit.group(), unit, start)

    def _record(self, fingerprint: str, value: str, unit: _Unit, column: int) -> None:
        acc = self.items[fingerprint]
        acc.occurrences += 1
        acc.files.add(unit.path)
        head = unit.text[:column]
        prefix = (*unit.before, head) if head else tuple(unit.before)
        prefix = prefix[-max(CONTEXT_LINES) :]
        if len(acc.locations) < MAX_LOCATIONS:
            contexts = []
            taken = 0
            for n in CONTEXT_LINES:
                k = min(n, len(prefix))
                if k == taken:
                    break  # no prefix, or a larger window would repeat the whole prefix
                taken = k
                text = prefix_text(prefix, column, k)
                contexts.append(
                    PrefixContext(
                        lines=k, chars=len(text), fingerprint=self.fp.of(CONTEXT_RULE, text)
                    )
                )
            acc.locations.append(
                Location(
                    path=unit.path,
                    line=unit.line,
                    column=column,
                    record=unit.record,
                    field=unit.field,
                    field_line=unit.field_line,
                    contexts=contexts,
                )
            )
        self.plain._add(
            fingerprint,
            value,
            PlainOccurrence(
                unit.path, unit.line, column, unit.record, unit.field, unit.field_line, prefix
            ),
        )

    def scan_file(self, path: Path) -> None:
        info = readers.check_text(path)  # InputError: binary, empty, unreadable, huge lines
        if info.replaced_bytes:
            self.warnings.append(f"{path}: not valid UTF-8; undecodable bytes were replaced")
        name = str(path)
        if path.suffix.lower().lstrip(".") in _JSONL:
            self._scan_jsonl(name, path)
        else:
            before_n = max(CONTEXT_LINES) - 1
            recent: deque[str] = deque(maxlen=before_n)
            for chunk, per_line in self.text.chunks(readers.text_chunks(path)):
                for k, (raw, matches) in enumerate(zip(chunk.lines, per_line, strict=True)):
                    line = readers.strip_break(raw)
                    if matches or self.literal_re is not None:
                        unit = _Unit(name, chunk.first_line + k, line, before=tuple(recent))
                        self._scan_unit(unit, matches)
                    recent.append(line)
                self.records += len(chunk.lines)
                self._tick(name, len(chunk.lines))
        self.files += 1

    def _scan_jsonl(self, name: str, path: Path) -> None:
        docs: list[tuple[Doc, list[_Unit]]] = []
        pending = 0
        good = bad = record = 0
        before_n = max(CONTEXT_LINES) - 1
        number = 0
        for chunk in readers.text_chunks(path):
            for number, raw in enumerate(chunk.lines, start=chunk.first_line):
                line = readers.strip_break(raw)
                if not line.strip():
                    continue
                record += 1
                try:
                    data = json.loads(line)
                except (json.JSONDecodeError, RecursionError) as exc:
                    bad += 1  # the message and position only: never the offending text
                    why = (
                        f"invalid JSON ({exc.msg} at column {exc.colno})"
                        if isinstance(exc, json.JSONDecodeError)
                        else "JSON nested too deeply"
                    )
                    self.skipped.append(
                        Skipped(
                            path=f"{name}:{number}",
                            reason=f"record {record}: {why}; record skipped",
                        )
                    )
                    continue
                good += 1
                for field_name, text in _string_fields(data, ""):
                    parts = text.splitlines(keepends=True)
                    plain = [readers.strip_break(part) for part in parts]
                    units = [
                        _Unit(
                            name,
                            number,
                            part,
                            record=record,
                            field=field_name or "$",
                            field_line=k + 1,
                            before=plain[max(0, k - before_n) : k],
                        )
                        for k, part in enumerate(plain)
                    ]
                    docs.append((Doc(parts), units))
                    pending += len(units)
                if pending >= _CHUNK:
                    self.scan_docs(docs)
                    docs, pending = [], 0
        self.scan_docs(docs)
        self.records += good
        self._tick(name, good + bad)
        if not good:
            raise InputError(name, "no valid JSON Lines record; file not scanned")

    def _tick(self, label: str, n: int) -> None:
        if self.progress is not None:
            self.progress(label, n)

    def finish(self, created_from: list[str], vault_summary: VaultSummary | None) -> Inventory:
        found_vault: set[str] = set()
        items: list[InventoryItem] = []
        for fingerprint, acc in self.items.items():
            in_vault = acc.value_fp in self.vault
            if in_vault:
                found_vault.add(acc.value_fp)
            items.append(_item(fingerprint, acc, in_vault))
        for entry in self.vault.values():
            if entry.value_fp in found_vault:
                continue
            fingerprint = self.fp.of(VAULT_RULE, entry.value)
            self.plain._add_value(fingerprint, entry.value)
            items.append(_item(fingerprint, _vault_acc(self.fp, entry.value, entry.value_fp), True))
        items.sort(key=lambda i: (-i.occurrences, i.fingerprint))
        if vault_summary is not None:
            vault_summary = vault_summary.model_copy(update={"found_in_corpus": len(found_vault)})
        return Inventory(
            created_from=created_from,
            categories=sorted(self.categories),
            files_scanned=self.files,
            records_scanned=self.records,
            items=items,
            skipped=self.skipped,
            warnings=self.warnings,
            vault=vault_summary,
            window_chars=WINDOW_CHARS,
        )


def _string_fields(data: Any, path: str) -> Iterator[tuple[str, str]]:
    """(field path, text) of every non-empty string in a JSON value, in document order:
    ``text``, ``meta.source``, ``messages[1].content``. Iterative: nesting depth is data."""
    stack: list[tuple[str, Any]] = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if value:
                yield where, value
        elif isinstance(value, dict):
            stack.extend(
                (f"{where}.{key}" if where else str(key), v) for key, v in reversed(value.items())
            )
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", v) for i, v in reversed(list(enumerate(value))))


def _vault_acc(fp: Fingerprinter, value: str, value_fp: str) -> _Acc:
    return _Acc(
        rule=VAULT_RULE,
        entity="SECRET",
        category="secret",
        value_fp=value_fp,
        preview=mask(value, "SECRET", "secret"),
        source="vault",
        windows=value_windows(fp, value),
    )


def _item(fingerprint: str, acc: _Acc, in_vault: bool) -> InventoryItem:
    return InventoryItem(
        fingerprint=fingerprint,
        value_fingerprint=acc.value_fp,
        rule=acc.rule,
        entity=acc.entity,
        category=acc.category,
        source=acc.source,
        in_vault=in_vault,
        preview=acc.preview,
        occurrences=acc.occurrences,
        files=len(acc.files),
        locations=acc.locations,
        locations_truncated=acc.occurrences > len(acc.locations),
        window_fingerprints=acc.windows,
    )


def build_inventory(
    paths: Sequence[Path | str],
    *,
    fingerprinter: Fingerprinter,
    engine: Engine | None = None,
    categories: Iterable[str] = ("secret", "pii"),
    vault_lines: Iterable[str] | None = None,
    progress: ProgressFn | None = None,
) -> tuple[Inventory, InventoryPlaintext]:
    """Scans the corpus under ``paths`` and returns its inventory and, in memory only, the
    plaintext behind it.

    Files under folders are found by ``clearance.io.readers.discover`` (VCS, virtualenv and
    cache folders skipped). ``.jsonl``/``.ndjson`` files are parsed record by record and every
    string field is scanned; every other file is read as text, line by line. A missing,
    binary, empty or unreadable file, or a JSONL record that is not valid JSON, is listed in
    ``skipped`` with the reason and the run goes on. ``vault_lines`` (e.g. ``read_vault(path)``)
    is a known-secret list: stripped, blank lines counted and ignored, duplicates counted and
    imported once, each entry fingerprinted as soon as it is read.

    Raises ``PolicyError`` for an unknown category.
    """
    cats = list(dict.fromkeys(categories))
    unknown = sorted(set(cats) - set(CATEGORIES))
    if unknown or not cats:
        raise PolicyError(
            f"categories {', '.join(unknown) or '(none)'}: expected some of {', '.join(CATEGORIES)}"
        )
    fp = fingerprinter
    eng = engine or DetectionSettings.of(categories=tuple(cats)).engine()
    warnings: list[str] = []
    vault: dict[str, VaultEntry] = {}
    vault_summary: VaultSummary | None = None
    if vault_lines is not None:
        vault, vault_summary = import_vault(vault_lines, fp, warnings)
    builder = _Builder(eng, fp, set(cats), vault, progress)
    builder.warnings.extend(warnings)
    files, missing = readers.discover([Path(p) for p in paths])
    builder.skipped.extend(Skipped(path=p, reason=r) for p, r in missing)
    for path in files:
        try:
            builder.scan_file(path)
        except InputError as exc:
            builder.skipped.append(Skipped(path=exc.source, reason=exc.reason))
    inventory = builder.finish([str(p) for p in paths], vault_summary)
    return inventory, builder.plain


def inventory_paths(
    paths: Sequence[Path | str],
    *,
    fingerprinter: Fingerprinter,
    categories: Iterable[str] = ("secret", "pii"),
    vault: Path | None = None,
    progress: ProgressFn | None = None,
) -> Inventory:
    """The inventory of the corpus under ``paths`` (:func:`build_inventory`), with the known
    secrets of the ``vault`` file (:func:`read_vault`); the plaintext is dropped before return."""
    vault_lines = read_vault(vault) if vault is not None else None
    inventory, plain = build_inventory(
        paths,
        fingerprinter=fingerprinter,
        categories=categories,
        vault_lines=vault_lines,
        progress=progress,
    )
    del vault_lines, plain  # plaintext never outlives the run
    return inventory
