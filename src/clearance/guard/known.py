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

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from clearance.errors import InputError
from clearance.llm.inventory_models import VALUE_RULE, Inventory
from clearance.privacy import Fingerprinter
from clearance.privacy.fingerprint import normalised_chars

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
    _digest: Callable[[str], bytes] | None = field(default=None, repr=False)
    _by_digest: dict[bytes, str] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.items)

    def windows(self, text: str, ends_after: int) -> Iterator[tuple[int, int, str, KnownItem]]:
        """``(start, end, fingerprint, item)`` for every window of ``text`` that is a known
        secret and ends after ``ends_after``. The text is normalised once and each window
        hashed in one call: a whole answer has a window per character and length."""
        if not self.items or not self.lengths:
            return
        if self._digest is None:
            self._digest = self.fingerprinter.digester(VALUE_RULE)
            for fp in self.items:
                with contextlib.suppress(ValueError):
                    self._by_digest[bytes.fromhex(fp)] = fp
        digest, by_digest = self._digest, self._by_digest
        chars = normalised_chars(text)
        for length in self.lengths:
            for lo in range(max(0, ends_after - length + 1), len(text) - length + 1):
                found = by_digest.get(digest("".join(chars[lo : lo + length])))
                if found is not None:
                    yield lo, lo + length, found, self.items[found]

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
