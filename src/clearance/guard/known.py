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

Near-copies: an inventory that carries ``window_fingerprints`` (written since they exist; an
older one loads without them) lets :meth:`KnownSecrets.near_copies` find every token-like run
of the text holding ``window_chars`` consecutive characters of a known secret
(:mod:`clearance.llm.inventory_windows`: the same cutting and keyed fingerprints on both sides).
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
from clearance.llm.inventory_windows import run_windows, token_runs, window_digester
from clearance.privacy import Fingerprinter
from clearance.privacy.fingerprint import normalised_chars

_LENGTH = re.compile(r"\*\*\*\((\d+) chars\)$")
MAX_INVENTORY_BYTES = 256 * 1024 * 1024
WINDOW_CHARS_RANGE = (8, 64)
"""``window_chars`` an inventory may give: narrower windows would match everywhere (and be
guessable with the key), wider ones would catch nothing a value fingerprint does not."""


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
    window_chars: int = 0
    near: dict[bytes, str] = field(default_factory=dict, repr=False)
    """Window fingerprint (bytes) -> the value fingerprint of the secret it is part of."""
    _digest: Callable[[str], bytes] | None = field(default=None, repr=False)
    _window_digest: Callable[[str], bytes] | None = field(default=None, repr=False)
    _by_digest: dict[bytes, str] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.items)

    def prepare(self) -> None:
        """Builds the lookup tables (before the first text, and before any worker thread
        shares them: built half-way they would miss secrets)."""
        if self._digest is not None:
            return
        by_digest: dict[bytes, str] = {}
        for fp in self.items:
            with contextlib.suppress(ValueError):
                by_digest[bytes.fromhex(fp)] = fp
        self._by_digest = by_digest
        self._window_digest = window_digester(self.fingerprinter)
        self._digest = self.fingerprinter.digester(VALUE_RULE)

    def windows(self, text: str, ends_after: int) -> Iterator[tuple[int, int, str, KnownItem]]:
        """``(start, end, fingerprint, item)`` for every window of ``text`` that is a known
        secret and ends after ``ends_after``. The text is normalised once and each window
        hashed in one call: a whole answer has a window per character and length."""
        if not self.items or not self.lengths:
            return
        self.prepare()
        digest, by_digest = self._digest, self._by_digest
        assert digest is not None
        chars = normalised_chars(text)
        for length in self.lengths:
            for lo in range(max(0, ends_after - length + 1), len(text) - length + 1):
                found = by_digest.get(digest("".join(chars[lo : lo + length])))
                if found is not None:
                    yield lo, lo + length, found, self.items[found]

    def near_copies(
        self, text: str, start: int, ends_after: int
    ) -> tuple[list[tuple[int, str, KnownItem]], int]:
        """``(run start, value fingerprint, item)`` for each token-like run of ``text`` from
        ``start`` on (``start`` must not fall inside a run) holding a window of a known secret
        that ends after ``ends_after``; and where to start next time (the start of a run that
        may go on in text still to come, else the end). Only token-like runs of
        ``window_chars`` or more are looked at, and in each only the windows ending in new
        text: a chunk costs a hash per new character of such runs."""
        if not self.near:
            return [], len(text)
        self.prepare()
        digest, near, width = self._window_digest, self.near, self.window_chars
        assert digest is not None
        found: list[tuple[int, str, KnownItem]] = []
        last = None
        for run in token_runs(text, start):
            lo, hi = run.span()
            last = run
            if hi <= ends_after or hi - lo < width:
                continue
            for _, window in run_windows(run[0], width, ends_after - lo):
                fp = near.get(digest(window))
                if fp is not None:
                    found.append((lo, fp, self.items[fp]))
                    break
        resume = len(text)
        if last is not None and not text[last.end() :].strip(".-"):
            resume = last.start()  # it touches the end: it may go on in text still to come
        return found, resume

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
        for window in item.window_fingerprints:
            with contextlib.suppress(ValueError):  # not hex: it can match nothing
                known.near.setdefault(bytes.fromhex(window), item.value_fingerprint)
        m = _LENGTH.search(item.preview)
        if m is None:
            continue
        n = int(m.group(1))
        if n > max_length:
            known.too_long += 1
        elif n > 0:
            lengths.add(n)
    known.lengths = tuple(sorted(lengths))
    if known.near:
        known.window_chars = _window_chars(inventory, "inventory")
    known.prepare()
    return known


def _window_chars(inventory: Inventory, source: str) -> int:
    """The inventory's window width; ``InputError`` when its windows cannot be used."""
    low, high = WINDOW_CHARS_RANGE
    width = inventory.window_chars
    if width is None or not low <= width <= high:
        raise InputError(
            source, f"window_chars is {width}; expected {low} to {high} with window_fingerprints"
        )
    return width


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
        inventory = Inventory.model_validate_json(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "file"
        if err["type"] == "json_invalid":
            reason = "not JSON; expected an inventory written by clearance llm inventory"
        else:
            reason = f"not an inventory ({where}: {err['msg']})"
        raise InputError(str(path), reason) from None
    if any(item.window_fingerprints for item in inventory.items):
        _window_chars(inventory, str(path))
    return inventory
