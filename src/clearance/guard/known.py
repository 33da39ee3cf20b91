"""The organisation's known secrets, as fingerprints only: what ``clearance llm inventory -o``
wrote, read back so the guard can recognise a value without ever holding it.

Each inventory item carries ``value_fingerprint = of("value", value)`` under the project key
(``CLEARANCE_KEY``; :mod:`clearance.llm.inventory_models`). The guard fingerprints text the same
way and looks the result up: a value a detector matched is looked up directly, and every window
of the streamed text as long as a known secret is looked up too, so a known password no
detector recognises is still caught. The lengths come from the secrets' masked previews
(``***(40 chars)``); an item without one (a PII value) is recognised only when the engine
matches it. Values longer than ``max_length`` are left to the detectors (a window that long
would hold the whole stream back); :attr:`KnownSecrets.too_long` counts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from clearance.errors import InputError
from clearance.llm.inventory_models import VALUE_RULE, Inventory
from clearance.privacy import Fingerprinter

_LENGTH = re.compile(r"\*\*\*\((\d+) chars\)$")
MAX_INVENTORY_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class KnownItem:
    entity: str
    rule: str


@dataclass
class KnownSecrets:
    """Value fingerprints -> what they are, and the lengths of the windows to look up."""

    fingerprinter: Fingerprinter
    items: dict[str, KnownItem] = field(default_factory=dict)
    lengths: tuple[int, ...] = ()
    too_long: int = 0

    def __len__(self) -> int:
        return len(self.items)

    def lookup(self, value: str) -> tuple[str, KnownItem] | None:
        """The value's keyed fingerprint and item when it is a known secret."""
        fp = self.fingerprinter.of(VALUE_RULE, value)
        item = self.items.get(fp)
        return None if item is None else (fp, item)

    @property
    def longest(self) -> int:
        return max(self.lengths, default=0)


def known_from_inventory(
    inventory: Inventory, fingerprinter: Fingerprinter, *, max_length: int
) -> KnownSecrets:
    known = KnownSecrets(fingerprinter)
    lengths: set[int] = set()
    for item in inventory.items:
        known.items.setdefault(item.value_fingerprint, KnownItem(item.entity, item.rule))
        m = _LENGTH.search(item.preview)
        if m is None:
            continue
        n = int(m.group(1))
        if n > max_length:
            known.too_long += 1
        elif n > 0:
            lengths.add(n)
    known.lengths = tuple(sorted(lengths))
    return known


def read_inventory(path: Path) -> Inventory:
    """The inventory JSON at ``path``; ``InputError`` naming the file when it cannot be read or
    is not an inventory."""
    try:
        size = path.stat().st_size
        if size > MAX_INVENTORY_BYTES:
            raise InputError(str(path), f"inventory is {size} bytes; over the 256 MiB limit")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read the inventory: {exc.strerror}") from None
    try:
        return Inventory.model_validate_json(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "file"
        if err["type"] == "json_invalid":
            reason = "not JSON; expected an inventory written by clearance llm inventory"
        else:
            reason = f"not an inventory ({where}: {err['msg']})"
        raise InputError(str(path), reason) from None
