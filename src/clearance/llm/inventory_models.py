"""The secret inventory of a training corpus as reported (``clearance llm inventory``): the
pydantic models :class:`Inventory` and :class:`InventoryItem` with their :class:`Location`, and
the rule ids of the keyed fingerprints they hold. They never hold a plaintext value or plaintext
context (that is :mod:`clearance.llm.inventory_plaintext`, in memory only); the builder is
:mod:`clearance.llm.inventory`.

Fingerprints (all ``Fingerprinter.of(rule, text)``, HMAC-SHA256 under the project key):

``fingerprint``
    ``of(rule, value)``: exactly what ``clearance scan`` reports for the same finding, so the
    inventory joins with scan reports and baselines. Unique per item.
``value_fingerprint``
    ``of("value", value)``: rule-free, identifies the value whichever detector found it. A
    known-secret list (``vault_lines``, a vault export with one secret per line) is hashed on
    read with this same function (:mod:`clearance.llm.vault`), so a corpus finding whose
    ``value_fingerprint`` is in the vault is marked ``in_vault``.
``window_fingerprints`` (secrets only; empty in inventories written before it existed)
    the fingerprints of every ``window_chars`` consecutive characters of the value, cut to 32
    hex digits, sorted: how the guard recognises a near-copy of a secret
    (:mod:`clearance.llm.inventory_windows`, which explains the width).
``contexts[].fingerprint``
    ``of("llm-context", prefix)`` of the 1, 3 and 10 lines before an occurrence (the last of
    them cut at the value). With the location (path, line, column, JSONL record field) an audit
    can re-read the corpus, rebuild the prefix, and check by this fingerprint that it rebuilt
    the text that preceded the value when the inventory was made.

Locations: ``line`` is 1-based (for JSONL the file line of the record), ``column`` is the
0-based character offset of the value in that line (for JSONL: in the string field named by
``field``, e.g. ``messages[1].content``, and the preceding context is taken from that field).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clearance.core.model import FrozenModel
from clearance.core.run import Warnings

SCHEMA_VERSION = "1"
VALUE_RULE = "value"
"""Rule id of the rule-free value fingerprint (shared by engine findings and vault entries)."""
VAULT_RULE = "vault"
"""Rule id of items that come from the known-secret list rather than from a detector."""
CONTEXT_RULE = "llm-context"
CONTEXT_LINES = (1, 3, 10)


class PrefixContext(FrozenModel):
    """The ``lines`` lines before an occurrence (the last one cut at the value): its length and
    keyed fingerprint, never its text."""

    lines: int
    chars: int
    fingerprint: str


class Location(FrozenModel):
    path: str
    line: int
    column: int
    record: int | None = None
    field: str | None = None
    field_line: int | None = None
    contexts: list[PrefixContext] = Field(default_factory=list)


class InventoryItem(FrozenModel):
    fingerprint: str
    value_fingerprint: str
    rule: str
    entity: str
    category: str
    source: Literal["corpus", "vault"]
    in_vault: bool
    preview: str
    occurrences: int
    files: int
    locations: list[Location]
    locations_truncated: bool = False
    window_fingerprints: list[str] = Field(default_factory=list)


class Skipped(FrozenModel):
    path: str
    reason: str


class VaultSummary(FrozenModel):
    lines: int = 0
    blank: int = 0
    duplicates: int = 0
    imported: int = 0
    found_in_corpus: int = 0


class Inventory(FrozenModel):
    schema_version: str = SCHEMA_VERSION
    created_from: list[str]
    categories: list[str]
    files_scanned: int
    records_scanned: int
    items: list[InventoryItem]
    skipped: list[Skipped]
    warnings: Warnings
    vault: VaultSummary | None = None
    window_chars: int | None = None
    """The width of the items' ``window_fingerprints``; ``None`` in an inventory without them."""

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def duplication_bucket(occurrences: int) -> str:
    """``0``, ``1``, ``2-4``, ``5-19`` or ``20+``: memorisation grows with duplication."""
    if occurrences <= 0:
        return "0"
    if occurrences == 1:
        return "1"
    if occurrences < 5:
        return "2-4"
    if occurrences < 20:
        return "5-19"
    return "20+"
